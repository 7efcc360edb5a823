// SPDX-License-Identifier: MIT OR Apache-2.0
// Plain contracts (no aimine precompile) for the differential test against anvil
// (crates/aimine-node/tests/suite/anvil.rs): each function exercises one thing EVMs get wrong
// in practice. Nothing here reads an environment value that differs between the two chains by
// design (block number, timestamp, coinbase, prevrandao, base fee, block hashes).
pragma solidity 0.8.37;

/// Deployed by `Plain` with CREATE and CREATE2; can self-destruct.
contract Child {
    uint256 public stored;

    constructor(uint256 v) payable {
        stored = v;
    }

    /// SELFDESTRUCT to `to`: the code goes only when the child was created in the same
    /// transaction (EIP-6780).
    function kill(address payable to) external {
        assembly {
            selfdestruct(to)
        }
    }

    receive() external payable {}
}

/// Receives no ether: a plain transfer to it reverts.
contract NoReceive {
    uint256 public x = 1;
}

contract Plain {
    /// Topics: the signature, `who`, `a`; data: `data`.
    event Stored(address indexed who, uint256 indexed a, bytes data);
    /// No signature topic.
    event Quiet(bytes32 indexed tag, uint256 value) anonymous;

    error Nope(uint256 code, address who);

    mapping(uint256 => uint256) public slots;
    Child public lastChild;

    receive() external payable {}

    /// SSTORE of a slot (0 -> v, v -> w, or v -> 0 with its refund).
    function set(uint256 slot, uint256 v) external {
        slots[slot] = v;
    }

    /// 0 -> v -> 0 in one transaction: the refund of a slot restored to its original value.
    function setAndClear(uint256 slot, uint256 v) external {
        slots[slot] = v;
        slots[slot] = 0;
    }

    function emitEvents(uint256 a, bytes calldata data) external {
        emit Stored(msg.sender, a, data);
        emit Quiet(keccak256(data), a);
    }

    function failCustom(uint256 code) external view {
        revert Nope(code, msg.sender);
    }

    function failRequire(uint256 v) external pure returns (uint256) {
        require(v > 10, "plain: too small");
        return v;
    }

    /// Panic(0x11), arithmetic overflow.
    function failPanic(uint256 v) external pure returns (uint256) {
        return v + type(uint256).max;
    }

    function makeChild(uint256 v) external payable returns (address) {
        lastChild = new Child{value: msg.value}(v);
        return address(lastChild);
    }

    function makeChild2(bytes32 salt, uint256 v) external payable returns (address) {
        lastChild = new Child{salt: salt, value: msg.value}(v);
        return address(lastChild);
    }

    /// A child created and self-destructed in this transaction: its code and storage go.
    function makeAndKill(address payable to) external payable returns (address) {
        Child c = new Child{value: msg.value}(7);
        c.kill(to);
        return address(c);
    }

    /// An existing child self-destructs: only its balance moves (EIP-6780).
    function killLast(address payable to) external {
        lastChild.kill(to);
    }

    /// A call with value to `to` (new accounts cost more).
    function pay(address to) external payable returns (bool ok) {
        (ok,) = to.call{value: msg.value}("");
        require(ok, "plain: pay failed");
    }

    /// `n` rounds of keccak256.
    function burn(uint256 n) external pure returns (bytes32 h) {
        for (uint256 i = 0; i < n; i++) {
            h = keccak256(abi.encodePacked(h, i));
        }
    }

    function hash(bytes calldata data) external pure returns (bytes32) {
        return keccak256(data);
    }

    /// TSTORE then TLOAD through a nested call to this contract (Cancun, EIP-1153).
    function useTransient(uint256 v) external returns (uint256 direct, uint256 nested) {
        assembly {
            tstore(7, v)
            direct := tload(7)
        }
        nested = this.readTransient();
    }

    function readTransient() external view returns (uint256 v) {
        assembly {
            v := tload(7)
        }
    }

    /// MCOPY (Cancun, EIP-5656) of `data` onto itself shifted by `shift` bytes.
    function mcopy(bytes memory data, uint256 shift) external pure returns (bytes memory) {
        require(shift <= data.length, "plain: shift");
        assembly {
            let p := add(data, 32)
            mcopy(add(p, shift), p, sub(mload(data), shift))
        }
        return data;
    }

    /// A STATICCALL to any address (the standard precompiles, 0x01-0x11 at Prague).
    function probe(address target, bytes calldata input) external view returns (bool ok, bytes memory out) {
        (ok, out) = target.staticcall(input);
    }

    /// As `probe`, but reverts when the call fails, so that the least gas limit with which it
    /// succeeds is the one that pays for the precompile (`probe`'s is not: with too little gas
    /// its STATICCALL fails and it still returns).
    function probeStrict(address target, bytes calldata input) external view returns (bytes memory out) {
        bool ok;
        (ok, out) = target.staticcall(input);
        require(ok, "plain: call failed");
    }

    /// The chain id and the block gas limit (both configured equal on the two chains).
    function env() external view returns (uint256 chain, uint256 gasLimit) {
        return (block.chainid, block.gaslimit);
    }
}
