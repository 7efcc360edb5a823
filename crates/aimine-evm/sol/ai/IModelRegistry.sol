// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @title MODEL_REGISTRY precompile (0x0302): AI models and verified executions.
/// @notice A model id is keccak256(owner ‖ name ‖ modelHash). An execution proof is
/// abi.encode(bytes32 sessionId, bytes sessionKey, bytes signature): the session's ML-DSA public
/// key (the registry stores only its SHA-256, which the key must match) and its signature, for an
/// active attested session of at least the model's minimum tier, over
/// "aimine/execution/v1" ‖ chainId ‖ modelId ‖ inputHash ‖ outputHash ‖ sessionId.
interface IModelRegistry {
    struct Model {
        address owner;
        bytes32 modelHash;
        bytes32 metadataHash;
        uint64 registeredAt;
        uint8 minTier;
        bool active;
    }

    event ModelRegistered(
        bytes32 indexed modelId,
        address indexed owner,
        bytes32 modelHash,
        bytes32 metadataHash,
        string name,
        bytes metadata
    );
    event ModelUpdated(bytes32 indexed modelId, address indexed owner, uint8 minTier, bool active);
    event ExecutionRecorded(
        bytes32 indexed receiptId,
        bytes32 indexed modelId,
        bytes32 indexed sessionId,
        bytes32 inputHash,
        bytes32 outputHash
    );

    error BadModelName();
    error MetadataTooLarge();
    error ModelExists();
    error UnknownModel();
    error NotModelOwner();
    error ExecutionNotVerified();
    error DuplicateExecution();
    error BadParam();
    error Overflow();
    error StateUnavailable();
    error UnknownSelector(bytes4 selector);
    error MalformedCalldata();
    error WriteInStaticContext();
    error DelegateCallNotAllowed();
    error ValueNotAccepted();

    /// @notice Registers a model owned by the caller (name 1–128 bytes, metadata up to 8 KiB).
    function register(string calldata name, bytes32 modelHash, bytes calldata metadata)
        external
        returns (bytes32 modelId);

    /// @notice Whether `proof` shows an attested session ran the model on inputHash giving outputHash.
    function verifyExecution(bytes32 modelId, bytes32 inputHash, bytes32 outputHash, bytes calldata proof)
        external
        view
        returns (bool);

    /// @notice `verifyExecution`, then records a receipt once; returns its id.
    function recordExecution(bytes32 modelId, bytes32 inputHash, bytes32 outputHash, bytes calldata proof)
        external
        returns (bytes32 receiptId);

    /// @notice The session that produced a recorded receipt, or zero.
    function receiptSession(bytes32 receiptId) external view returns (bytes32 sessionId);

    function getModel(bytes32 modelId) external view returns (Model memory);

    function deactivate(bytes32 modelId) external;

    function transferModel(bytes32 modelId, address newOwner) external;

    /// @notice The lowest trust tier (1–4) whose sessions may prove executions.
    function setMinTier(bytes32 modelId, uint8 minTier) external;

    /// @notice The message a session key signs for an execution.
    function executionMessage(bytes32 modelId, bytes32 inputHash, bytes32 outputHash, bytes32 sessionId)
        external
        view
        returns (bytes memory);
}
