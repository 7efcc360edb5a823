// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

/// @title NV_TRUST precompile (0x0301): NVIDIA GPU and CPU TEE confidential-computing attestation.
/// @notice A quote is an `AIMQ` envelope (docs/quote-format.md) of any kind: an NVIDIA GPU's SPDM
/// evidence and certificate chain (verified against the configured trust anchors and golden
/// measurements), an Intel TDX or SGX DCAP quote with its collateral, an AMD SEV-SNP report with
/// its VCEK, or a composite of a CPU quote and its VM's GPUs — at the block's timestamp. For CPU
/// TEEs `trustLevel` is 3 (TDX, SEV-SNP) or 2 (SGX), `gpuId` carries the platform id and
/// `computeUnits` the per-kind governance value; the nonce is the report data's first 32 bytes.
/// Nothing here writes state.
interface INVTrust {
    /// @notice The quote failed one check. `check`: 1 format, 2 chain, 3 root, 4 signature,
    /// 5 nonce, 6 fwid, 7 version, 8 measurements.
    error QuoteRejected(uint8 check);
    /// @notice A CPU TEE quote failed one check: 1 format, 2 collateral, 3 chain, 4 signature,
    /// 5 tcb, 6 guest-policy, 7 tcb-policy.
    error CpuQuoteRejected(uint8 check);
    /// @notice The quote relies on collateral or a VCEK the chain has not stored.
    error CollateralMissing();
    /// @notice The quote carries collateral older than the newest the chain keeps for its FMSPC.
    error CollateralSuperseded();
    /// @notice A composite quote's GPUs are not the ones its CPU report names.
    error GpuSetMismatch();
    /// @notice A CPU quote's report data does not carry the expected nonce.
    error NonceNotBound();
    /// @notice The quote verifies but comes from a device that cannot mine (an NVSwitch).
    error NotAComputeDevice();
    /// @notice The GPU is revoked by governance.
    error GpuRevoked();
    /// @notice The chain's aimine state is unreadable (out of gas) or not initialised.
    error StateUnavailable();
    /// @notice No function has this selector.
    error UnknownSelector(bytes4 selector);
    /// @notice The arguments do not decode.
    error MalformedCalldata();
    /// @notice The precompile was reached by DELEGATECALL or CALLCODE.
    error DelegateCallNotAllowed();
    /// @notice Value was sent to a function that is not payable.
    error ValueNotAccepted();

    /// @notice True when the quote passes every check with the nonce it carries; false otherwise.
    function verifyQuote(bytes calldata teeQuote) external view returns (bool);

    /// @notice True when the quote passes every check and its nonce is `expectedNonce`.
    function verifyQuoteWithNonce(bytes calldata teeQuote, bytes32 expectedNonce)
        external
        view
        returns (bool);

    /// @notice What a valid quote proves: trust level (3 Hopper, 4 Blackwell), the GPU's stable id
    /// (SHA-256 of its device-identity key) and the compute units governance assigns it.
    /// Reverts with the failed check.
    function parseQuote(bytes calldata teeQuote)
        external
        view
        returns (uint8 trustLevel, bytes32 gpuId, uint256 computeUnits);

    /// @notice `parseQuote`, also requiring the quote's nonce to be `expectedNonce`.
    function parseQuoteWithNonce(bytes calldata teeQuote, bytes32 expectedNonce)
        external
        view
        returns (uint8 trustLevel, bytes32 gpuId, uint256 computeUnits);
}
