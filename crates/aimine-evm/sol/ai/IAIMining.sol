// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @title AI_MINING precompile (0x0300): attested GPU mining sessions and their rewards.
/// @notice A session starts from a GPU quote (an `AIMQ` envelope) whose nonce is
/// `sessionNonceFor(submitter, miner, sessionKey)`: SHA-256("aimine/session/v2" ‖ chainId ‖
/// submitter ‖ miner ‖ epoch ‖ SHA-256(sessionKey) or zero), where the submitter is the account
/// that calls `startSession` (the miner itself, or the contract it mines through). A quote is
/// therefore worthless to anyone else who sees it: replayed by another account it reverts with
/// `NonceNotBound`. The submitter becomes the session's owner, who sends heartbeats (a contract
/// that mines for many users owns all their sessions: if it forwards `endSession` or
/// `heartbeatSigned`, it must check which user's session is named);
/// the miner is credited `baseRate × seconds × computeUnits × tier multiplier` and claims the
/// balance from this account's native balance (the reward pool). Public-tier sessions need a
/// stake instead of a quote. All state lives in this account's storage (layout:
/// aimine-registry's keys.rs). The reward pool is funded at genesis or by the chain's own
/// issuance: this account accepts value only through `stake()`.
interface IAIMining {
    /// @notice A session as stored.
    struct Session {
        address owner;
        address miner;
        bytes32 gpuId;
        uint8 tier;
        uint64 computeUnits;
        bytes32 keyHash;
        uint64 start;
        uint64 lastHeartbeat;
        uint64 attestationExpiry;
        uint64 heartbeats;
        bool active;
    }

    // ----- events -----------------------------------------------------------------------------

    event SessionStarted(
        bytes32 indexed sessionId,
        bytes32 indexed gpuId,
        address indexed miner,
        address owner,
        uint8 tier,
        uint64 computeUnits,
        bytes32 keyHash,
        uint64 attestationExpiry
    );
    event SessionRefreshed(
        bytes32 indexed sessionId, address indexed owner, bytes32 keyHash, uint64 attestationExpiry
    );
    event Heartbeat(
        bytes32 indexed sessionId, address indexed miner, uint256 reward, uint64 elapsed, uint64 count
    );
    /// @param reason 0 ended by its owner, 1 attestation expired, 2 GPU revoked, 3 stake withdrawn.
    event SessionEnded(bytes32 indexed sessionId, bytes32 indexed gpuId, uint8 reason);
    event Claimed(address indexed miner, address indexed to, uint256 amount);
    event StakeChanged(address indexed staker, uint256 amount, uint64 unlockAt);
    event ParamChanged(uint8 indexed param, uint256 value);
    event AdminProposed(address indexed admin, address indexed proposed);
    event AdminChanged(address indexed previous, address indexed admin);
    event AnchorAdded(bytes32 indexed keyHash);
    event AnchorRemoved(bytes32 indexed keyHash);
    event GpuRevocation(bytes32 indexed gpuId, bool revoked);
    event GoldenSetChanged(bytes32 indexed setKey, uint64 entries);
    event ComputeUnitsChanged(bytes32 indexed skuKey, uint64 computeUnits);
    event WorkSpent(bytes32 indexed workId, address indexed by);
    event SpenderSet(address indexed spender, bool allowed);
    event AdvisoryBanned(bytes32 indexed advisoryHash, bool banned);
    event CollateralSubmitted(bytes32 indexed fmspc, bool tdx, uint256 tcbEvaluation);
    event VcekSubmitted(bytes32 indexed chipKey);

    // ----- errors -----------------------------------------------------------------------------

    /// @notice The quote failed one check (see INVTrust.QuoteRejected for the numbers).
    error QuoteRejected(uint8 check);
    /// @notice A CPU TEE quote (TDX, SGX, SEV-SNP) failed one check: 1 format, 2 collateral,
    /// 3 chain, 4 signature, 5 tcb, 6 guest-policy, 7 tcb-policy (graded TCB refused).
    error CpuQuoteRejected(uint8 check);
    /// @notice The quote relies on collateral (Intel) or a VCEK (AMD) the chain has not stored.
    error CollateralMissing();
    /// @notice The collateral is older than the newest the chain keeps for its FMSPC.
    error CollateralSuperseded();
    /// @notice A composite quote's GPUs are not the ones its CPU report names.
    error GpuSetMismatch();
    error NonceNotBound();
    error NotAComputeDevice();
    error GpuRevoked();
    error GpuBusy();
    error UnknownSession();
    error SessionNotActive();
    error NotSessionOwner();
    error BadSessionKey();
    error SignatureRequired();
    error BadSignature();
    error NotAdmin();
    error BadParam();
    error AlreadyInitialized();
    error Overflow();
    error NothingToClaim();
    /// @notice The reward pool (this account's balance less the stakes it holds) is short.
    error RewardPoolShort(uint256 available, uint256 required);
    error TooManyAnchors();
    error BadWorkProof();
    error NotSpender();
    error AlreadySpent();
    error InsufficientStake();
    error StakeLocked();
    /// @notice An ML-DSA public key of no FIPS 204 size.
    error BadPublicKeyLength(uint256 length);
    error StateUnavailable();
    error UnknownSelector(bytes4 selector);
    error MalformedCalldata();
    /// @notice A state-changing function was called inside a STATICCALL.
    error WriteInStaticContext();
    error DelegateCallNotAllowed();
    error ValueNotAccepted();

    // ----- sessions ---------------------------------------------------------------------------

    /// @notice Starts (or, for the same GPU and miner, refreshes) a session from a GPU quote.
    function startSession(address miner, bytes calldata teeQuote) external returns (bytes32 sessionId);

    /// @notice `startSession` with an ML-DSA session key (1312, 1952 or 2592 bytes) that signs
    /// heartbeats and execution receipts; the quote's nonce binds the key.
    function startSessionWithKey(address miner, bytes calldata teeQuote, bytes calldata sessionKey)
        external
        returns (bytes32 sessionId);

    /// @notice A Public-tier session backed by the caller's stake (no quote). `sessionKey` may be empty.
    function startPublicSession(address miner, bytes calldata sessionKey) external returns (bytes32 sessionId);

    /// @notice Credits the miner for the time since the last heartbeat and returns the reward.
    function heartbeat(bytes32 sessionId) external returns (uint256 reward);

    /// @notice `heartbeat` with the session key's ML-DSA signature (empty context) over
    /// "aimine/heartbeat/v1" ‖ chainId ‖ sessionId ‖ heartbeats so far (u64 big-endian).
    /// `sessionKey` is the session's public key: only its SHA-256 is stored, and a key that does
    /// not hash to it (or a session without a key) reverts with `BadSessionKey`.
    function heartbeatSigned(bytes32 sessionId, bytes calldata sessionKey, bytes calldata signature)
        external
        returns (uint256 reward);

    /// @notice Ends a session (owner only). Heartbeat first: unpaid time is not paid.
    function endSession(bytes32 sessionId) external;

    function getSession(bytes32 sessionId) external view returns (Session memory);

    /// @notice The GPU's active session id, or zero.
    function activeSession(bytes32 gpuId) external view returns (bytes32 sessionId);

    /// @notice The nonce a GPU quote must carry for the caller (`msg.sender`) to start a session
    /// for `miner` with `sessionKey` (empty for none) in the current epoch.
    function sessionNonce(address miner, bytes calldata sessionKey)
        external
        view
        returns (bytes32 nonce, uint64 epoch);

    /// @notice The nonce of a quote that `submitter` will send (e.g. a mining contract's address,
    /// asked for off chain before its users' GPUs attest).
    function sessionNonceFor(address submitter, address miner, bytes calldata sessionKey)
        external
        view
        returns (bytes32 nonce, uint64 epoch);

    // ----- rewards and stakes -----------------------------------------------------------------

    function miningBalance(address miner) external view returns (uint256);

    /// @notice Pays the caller's whole mining balance to `to` from the reward pool.
    function claim(address to) external returns (uint256 amount);

    /// @notice What the pool can pay: this account's balance less the stakes it holds.
    function rewardPool() external view returns (uint256);

    /// @notice Adds `msg.value` to the caller's Public-tier stake; returns the stake now.
    function stake() external payable returns (uint256 total);

    /// @notice Starts the cooldown of the caller's whole stake; its session stops earning.
    function requestUnstake() external returns (uint64 unlockAt);

    /// @notice Pays the caller's stake to `to` once the cooldown has passed.
    function withdrawStake(address to) external returns (uint256 amount);

    function stakeOf(address staker) external view returns (uint256 amount, uint64 unlockAt);

    // ----- governance (admin only) ------------------------------------------------------------

    function admin() external view returns (address);

    /// @notice Parameter `param`: 1 baseRate (at most 1e18), 2 epochSeconds, 3 attestationTtl (at
    /// most 30 days), 4 maxHeartbeatInterval (at most 7 days), 5 requireHeartbeatSignature,
    /// 6 minStake, 7 stakeCooldown (at most 365 days), 8/9/10 Public/Hopper/Blackwell compute
    /// units (each at most 1,000,000, as are 37–39 and 51), 11 requireGoldenMeasurements,
    /// 12–14 and 35 TCB grades, 36 allowDebugGuests, 37/38/39 TDX/SGX/SEV-SNP compute units,
    /// 45 minimum Intel TCB evaluation number, 46/47/48 minimum AMD Milan/Genoa/Turin reported
    /// TCB (bootloader | tee << 8 | snp << 16 | microcode << 24 | fmc << 32), 49 requireFwid,
    /// 50 intelQuotes, 51 workstation Blackwell (GB2xx) compute units.
    function param(uint8 param) external view returns (uint256);

    function setParam(uint8 param, uint256 value) external;

    /// @notice Proposes `newAdmin` (not zero) as the next admin; it takes over when it calls
    /// `acceptAdmin`. A new proposal replaces the previous one.
    function proposeAdmin(address newAdmin) external;

    /// @notice The proposed admin takes governance.
    function acceptAdmin() external;

    /// @notice The admin a hand-over was proposed to, or zero.
    function pendingAdmin() external view returns (address);

    /// @notice Trusts another root key (uncompressed SEC1 P-384, 97 bytes).
    function addAnchor(bytes calldata publicKey) external;

    function removeAnchor(bytes calldata publicKey) external;

    function anchors() external view returns (bytes[] memory);

    function setRevoked(bytes32 gpuId, bool revoked) external;

    function isRevoked(bytes32 gpuId) external view returns (bool);

    /// @notice Replaces the golden measurement set of a driver and VBIOS version ("550.90.07",
    /// "96.00.9F.00.01"): entry i is (indices[i], digests[48i..48i+48]). Empty removes it.
    function setGoldenSet(
        string calldata driverVersion,
        string calldata vbiosVersion,
        uint8[] calldata indices,
        bytes calldata digests
    ) external;

    /// @notice Overrides the compute units of a chip and project SKU (0 removes the override).
    function setComputeUnits(string calldata chipSku, string calldata projectSku, uint64 units) external;

    /// @notice Trusts an AMD product root pair (ARK, ASK; DER) in slot 0 or 1 beside AMD's pinned
    /// Milan/Genoa/Turin roots (`product` 0 Milan, 1 Genoa, 2 Turin); an empty ARK clears the slot.
    function setAmdRoot(uint256 index, uint8 product, bytes calldata ark, bytes calldata ask) external;

    /// @notice Trusts another Intel root CA (DER) beside Intel's pinned SGX Root CA, or clears it
    /// with empty bytes: evidence whose chain ends in it is verified against it (test kits).
    function setIntelRoot(bytes calldata root) external;

    /// @notice Bans (or unbans) an Intel security advisory id ("INTEL-SA-00615"): CPU TEE quotes
    /// it applies to are refused.
    function setAdvisoryBanned(string calldata advisoryId, bool banned) external;

    /// @notice Submits Intel collateral (anyone may: Intel signed it), encoded as nine 4-byte
    /// length-prefixed fields in dcap-qvl's QuoteCollateralV3 order (docs/quote-format.md). It is
    /// verified against the pinned Intel SGX Root CA and kept if newer than the collateral held for
    /// its FMSPC; TDX/SGX quotes of that FMSPC may then carry none, and none may carry older.
    function submitIntelCollateral(bytes calldata collateral)
        external
        returns (bytes6 fmspc, bool tdx, uint32 tcbEvaluation);

    /// @notice The newest Intel collateral held for an FMSPC (`tcbEvaluation` 0: none).
    function intelCollateral(bytes6 fmspc, bool tdx)
        external
        view
        returns (uint256 tcbEvaluation, bytes memory collateral);

    /// @notice Submits an AMD VCEK (DER; anyone may: AMD signed it), verified under the pinned
    /// roots and kept for its chip and TCB, so SEV-SNP quotes may carry no certificate.
    function submitVcek(bytes calldata vcek) external returns (bytes32 chipKey);

    /// @notice The GPUs bound to a composite (CPU + GPU) session, in quote order.
    function sessionGpus(bytes32 sessionId) external view returns (bytes32[] memory);

    /// @notice Allows or forbids `spender` to mark Lux work ids spent.
    function setSpender(address spender, bool allowed) external;

    // ----- Lux-compatible functions -----------------------------------------------------------

    /// @notice FIPS 204 ML-DSA verification (empty context); the level follows the key's length.
    function verifyMLDSA(bytes calldata publicKey, bytes calldata message, bytes calldata signature)
        external
        view
        returns (bool);

    /// @notice 2, 3 or 5 for ML-DSA-44, -65, -87 keys; reverts BadPublicKeyLength otherwise.
    function getSecurityLevel(bytes calldata publicKey) external pure returns (uint8);

    /// @notice Lux's reward for a work proof (78-byte header: privacy level, compute minutes, …).
    function calculateReward(bytes calldata workProof, uint64 chainId) external view returns (uint256);

    /// @notice keccak256(abi.encodePacked(deviceId, nonce, chainId)).
    function computeWorkId(bytes32 deviceId, bytes32 nonce, uint64 chainId) external pure returns (bytes32);

    function isSpent(bytes32 workId) external view returns (bool);

    /// @notice Marks a work id spent, once (authorised spenders only).
    function markSpent(bytes32 workId) external;
}
