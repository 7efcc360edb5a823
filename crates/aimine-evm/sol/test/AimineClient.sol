// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

import {IAIMining} from "@luxfi/precompile/ai/IAIMining.sol";
import {INVTrust} from "@luxfi/precompile/ai/INVTrust.sol";
import {IModelRegistry} from "@luxfi/precompile/ai/IModelRegistry.sol";

/// @notice A contract that uses every function of the three precompiles through their
/// interfaces, for aimine-evm's end-to-end tests: the contract is the caller the precompiles
/// see (session owner, staker, model owner, admin when governance is a contract).
contract AimineClient {
    IAIMining constant MINING = IAIMining(address(0x0300));
    INVTrust constant NVTRUST = INVTrust(address(0x0301));
    IModelRegistry constant MODELS = IModelRegistry(address(0x0302));

    receive() external payable {}

    // ----- AI_MINING: sessions ----------------------------------------------------------------

    function startSession(address miner, bytes calldata quote) external returns (bytes32) {
        return MINING.startSession(miner, quote);
    }

    function startSessionWithKey(address miner, bytes calldata quote, bytes calldata key)
        external
        returns (bytes32)
    {
        return MINING.startSessionWithKey(miner, quote, key);
    }

    function startPublicSession(address miner, bytes calldata key) external returns (bytes32) {
        return MINING.startPublicSession(miner, key);
    }

    function heartbeat(bytes32 id) external returns (uint256) {
        return MINING.heartbeat(id);
    }

    function heartbeatSigned(bytes32 id, bytes calldata key, bytes calldata signature) external returns (uint256) {
        return MINING.heartbeatSigned(id, key, signature);
    }

    function endSession(bytes32 id) external {
        MINING.endSession(id);
    }

    function getSession(bytes32 id) external view returns (IAIMining.Session memory) {
        return MINING.getSession(id);
    }

    function activeSession(bytes32 gpuId) external view returns (bytes32) {
        return MINING.activeSession(gpuId);
    }

    function sessionNonce(address miner, bytes calldata key) external view returns (bytes32, uint64) {
        return MINING.sessionNonce(miner, key);
    }

    // ----- AI_MINING: rewards and stakes ------------------------------------------------------

    function miningBalance(address miner) external view returns (uint256) {
        return MINING.miningBalance(miner);
    }

    function claim(address to) external returns (uint256) {
        return MINING.claim(to);
    }

    function rewardPool() external view returns (uint256) {
        return MINING.rewardPool();
    }

    function stake() external payable returns (uint256) {
        return MINING.stake{value: msg.value}();
    }

    function requestUnstake() external returns (uint64) {
        return MINING.requestUnstake();
    }

    function withdrawStake(address to) external returns (uint256) {
        return MINING.withdrawStake(to);
    }

    function stakeOf(address staker) external view returns (uint256, uint64) {
        return MINING.stakeOf(staker);
    }

    // ----- AI_MINING: governance --------------------------------------------------------------

    function admin() external view returns (address) {
        return MINING.admin();
    }

    function param(uint8 p) external view returns (uint256) {
        return MINING.param(p);
    }

    function setParam(uint8 p, uint256 value) external {
        MINING.setParam(p, value);
    }

    function proposeAdmin(address newAdmin) external {
        MINING.proposeAdmin(newAdmin);
    }

    function acceptAdmin() external {
        MINING.acceptAdmin();
    }

    function addAnchor(bytes calldata key) external {
        MINING.addAnchor(key);
    }

    function removeAnchor(bytes calldata key) external {
        MINING.removeAnchor(key);
    }

    function anchors() external view returns (bytes[] memory) {
        return MINING.anchors();
    }

    function setRevoked(bytes32 gpuId, bool revoked) external {
        MINING.setRevoked(gpuId, revoked);
    }

    function isRevoked(bytes32 gpuId) external view returns (bool) {
        return MINING.isRevoked(gpuId);
    }

    function setGoldenSet(
        string calldata driver,
        string calldata vbios,
        uint8[] calldata indices,
        bytes calldata digests
    ) external {
        MINING.setGoldenSet(driver, vbios, indices, digests);
    }

    function setComputeUnits(string calldata chip, string calldata project, uint64 units) external {
        MINING.setComputeUnits(chip, project, units);
    }

    function setSpender(address spender, bool allowed) external {
        MINING.setSpender(spender, allowed);
    }

    function setAmdRoot(uint256 index, uint8 product, bytes calldata ark, bytes calldata ask) external {
        MINING.setAmdRoot(index, product, ark, ask);
    }

    function setIntelRoot(bytes calldata root) external {
        MINING.setIntelRoot(root);
    }

    function setAdvisoryBanned(string calldata advisoryId, bool banned) external {
        MINING.setAdvisoryBanned(advisoryId, banned);
    }

    function submitIntelCollateral(bytes calldata collateral)
        external
        returns (bytes6 fmspc, bool tdx, uint32 tcbEvaluation)
    {
        return MINING.submitIntelCollateral(collateral);
    }

    function intelCollateral(bytes6 fmspc, bool tdx) external view returns (uint256, bytes memory) {
        return MINING.intelCollateral(fmspc, tdx);
    }

    function submitVcek(bytes calldata vcek) external returns (bytes32) {
        return MINING.submitVcek(vcek);
    }

    function sessionGpus(bytes32 sessionId) external view returns (bytes32[] memory) {
        return MINING.sessionGpus(sessionId);
    }

    // ----- AI_MINING: the Lux-style library calls ---------------------------------------------

    function verifyMLDSA(bytes calldata key, bytes calldata message, bytes calldata signature)
        external
        view
        returns (bool)
    {
        return MINING.verifyMLDSA(key, message, signature);
    }

    function getSecurityLevel(bytes calldata key) external pure returns (uint8) {
        return MINING.getSecurityLevel(key);
    }

    function calculateReward(bytes calldata proof, uint64 chainId) external view returns (uint256) {
        return MINING.calculateReward(proof, chainId);
    }

    /// @notice The precompile's work id, checked against Solidity's own keccak of the same packing.
    function computeWorkId(bytes32 deviceId, bytes32 nonce, uint64 chainId) external pure returns (bytes32 id) {
        id = MINING.computeWorkId(deviceId, nonce, chainId);
        require(id == keccak256(abi.encodePacked(deviceId, nonce, chainId)), "work id differs");
    }

    function isSpent(bytes32 workId) external view returns (bool) {
        return MINING.isSpent(workId);
    }

    function markSpent(bytes32 workId) external {
        MINING.markSpent(workId);
    }

    // ----- NV_TRUST -----------------------------------------------------------------------------

    function verifyQuote(bytes calldata quote) external view returns (bool) {
        return NVTRUST.verifyQuote(quote);
    }

    function verifyQuoteWithNonce(bytes calldata quote, bytes32 nonce) external view returns (bool) {
        return NVTRUST.verifyQuoteWithNonce(quote, nonce);
    }

    function parseQuote(bytes calldata quote) external view returns (uint8, bytes32, uint256) {
        return NVTRUST.parseQuote(quote);
    }

    function parseQuoteWithNonce(bytes calldata quote, bytes32 nonce)
        external
        view
        returns (uint8, bytes32, uint256)
    {
        return NVTRUST.parseQuoteWithNonce(quote, nonce);
    }

    /// @notice The check a rejected quote failed (0 when it is accepted), decoded from the custom error.
    function rejectedCheck(bytes calldata quote) external view returns (uint8 check) {
        try NVTRUST.parseQuote(quote) returns (uint8, bytes32, uint256) {
            return 0;
        } catch (bytes memory reason) {
            require(bytes4(reason) == INVTrust.QuoteRejected.selector, "not QuoteRejected");
            assembly {
                check := mload(add(reason, 36))
            }
        }
    }

    // ----- MODEL_REGISTRY ---------------------------------------------------------------------

    function register(string calldata name, bytes32 modelHash, bytes calldata metadata) external returns (bytes32) {
        return MODELS.register(name, modelHash, metadata);
    }

    function verifyExecution(bytes32 modelId, bytes32 input, bytes32 output, bytes calldata proof)
        external
        view
        returns (bool)
    {
        return MODELS.verifyExecution(modelId, input, output, proof);
    }

    function recordExecution(bytes32 modelId, bytes32 input, bytes32 output, bytes calldata proof)
        external
        returns (bytes32)
    {
        return MODELS.recordExecution(modelId, input, output, proof);
    }

    function receiptSession(bytes32 receiptId) external view returns (bytes32) {
        return MODELS.receiptSession(receiptId);
    }

    function getModel(bytes32 modelId) external view returns (IModelRegistry.Model memory) {
        return MODELS.getModel(modelId);
    }

    function deactivate(bytes32 modelId) external {
        MODELS.deactivate(modelId);
    }

    function transferModel(bytes32 modelId, address newOwner) external {
        MODELS.transferModel(modelId, newOwner);
    }

    function setMinTier(bytes32 modelId, uint8 minTier) external {
        MODELS.setMinTier(modelId, minTier);
    }

    function executionMessage(bytes32 modelId, bytes32 input, bytes32 output, bytes32 sessionId)
        external
        view
        returns (bytes memory)
    {
        return MODELS.executionMessage(modelId, input, output, sessionId);
    }

    /// @notice The proof format verifyExecution takes, built on chain: the session, its public key
    /// (the registry stores only the key's hash) and the key's signature.
    function encodeProof(bytes32 sessionId, bytes calldata key, bytes calldata signature)
        external
        pure
        returns (bytes memory)
    {
        return abi.encode(sessionId, key, signature);
    }

    // ----- call rules ----------------------------------------------------------------------------

    /// @notice A state-changing call inside STATICCALL: returns the revert's selector.
    function staticHeartbeat(bytes32 id) external view returns (bool ok, bytes4 selector) {
        bytes memory ret;
        (ok, ret) = address(MINING).staticcall(abi.encodeCall(IAIMining.heartbeat, (id)));
        selector = bytes4(ret);
    }

    /// @notice A DELEGATECALL into a precompile: returns the revert's selector.
    function delegated(address precompile, bytes calldata data) external returns (bool ok, bytes4 selector) {
        bytes memory ret;
        (ok, ret) = precompile.delegatecall(data);
        selector = bytes4(ret);
    }

    /// @notice A raw call (any data, any value): success and the returned or revert data.
    function raw(address precompile, bytes calldata data, uint256 value)
        external
        returns (bool ok, bytes memory ret)
    {
        (ok, ret) = precompile.call{value: value}(data);
    }

    /// @notice A heartbeat whose failure is caught: the revert's selector, or zero on success.
    function tryHeartbeat(bytes32 id) external returns (bytes4 selector, uint256 reward) {
        try MINING.heartbeat(id) returns (uint256 r) {
            reward = r;
        } catch (bytes memory reason) {
            selector = bytes4(reason);
        }
    }
}
