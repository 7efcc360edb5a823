// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

// "mission/" is remapped by run.sh to the directory holding the mission's ComputeProvider.sol.
import {ComputeProvider} from "mission/ComputeProvider.sol";

/// The two forge cheatcodes this script uses (forge-std is not needed for that).
interface Vm {
    function startBroadcast() external;
    function stopBroadcast() external;
}

/// Deploys ComputeProvider: `forge script script/Deploy.s.sol --broadcast ...`.
/// It only deploys. forge first runs a script in its own local EVM (forking the node's state),
/// which has no aimine precompiles: 0x0300-0x0302 hold only the node's placeholder code 0xfe
/// there, so a script that calls into them reverts locally before anything is sent.
contract Deploy {
    /// forge's cheatcode address, address(uint160(uint256(keccak256("hevm cheat code")))).
    Vm private constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    function run() external returns (ComputeProvider provider) {
        vm.startBroadcast();
        provider = new ComputeProvider();
        vm.stopBroadcast();
    }
}
