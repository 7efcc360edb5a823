//! Every way a registry call can fail.

use core::fmt;

/// Why a registry call was refused. The EVM adapter turns each into a Solidity custom error.
///
/// Deliberately not `#[non_exhaustive]`: that mapping is an exhaustive `match` in consensus
/// code, so a new refusal must fail to compile there until it has its own Solidity error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The backing store refused a read or write (e.g. out of gas, static call).
    Store,
    /// The quote did not verify (the nvtrust error says which check).
    Quote(aimine_nvtrust::Error),
    /// The envelope is malformed (kind, lengths, parts).
    Envelope(aimine_envelope::Error),
    /// A CPU TEE quote or report did not verify, or its TCB grade refuses it (the aimine-tee
    /// check says which).
    CpuQuote(aimine_tee::CpuCheck),
    /// The quote names collateral (Intel) or a VCEK (AMD) the chain has not stored.
    CollateralMissing,
    /// The collateral is older than the newest the chain keeps for its FMSPC (a submission that
    /// is not newer, or a quote carrying superseded collateral), or than governance's floor
    /// ([`crate::Param::MinTcbEvaluation`]).
    CollateralSuperseded,
    /// An Intel quote or collateral reached a build without Intel support on a chain that
    /// accepts Intel quotes. Not a verdict: the node cannot decide what other nodes decide, and
    /// must stop (aimine-evm turns it into a fatal error) rather than refuse.
    IntelUnavailable,
    /// A composite quote's GPUs are not the ones its CPU report data names (missing, extra or
    /// reordered), or a GPU appears twice.
    GpuSetMismatch,
    /// The quote's nonce is not the session nonce of this chain, miner, epoch and key.
    NonceNotBound,
    /// The device is not a GPU that can mine (an NVSwitch).
    NotAComputeDevice,
    /// The GPU is revoked by governance.
    GpuRevoked,
    /// The GPU already has an active session, started for another miner.
    GpuBusy,
    /// No session with this id.
    UnknownSession,
    /// The session has ended.
    SessionEnded,
    /// Only the session's owner may do this.
    NotSessionOwner,
    /// The session key is not a valid ML-DSA public key length.
    BadSessionKey,
    /// The heartbeat needs the session key's signature.
    SignatureRequired,
    /// The heartbeat signature does not verify, or the key is not the session's.
    BadSignature,
    /// Only the admin may do this.
    NotAdmin,
    /// A configuration value out of range.
    BadParam,
    /// The registry was already initialised.
    AlreadyInitialized,
    /// An amount does not fit or would overflow.
    Overflow,
    /// Nothing to claim.
    NothingToClaim,
    /// The reward sink refused to pay (e.g. the reward pool is short).
    PaymentFailed,
    /// Too many trust anchors.
    TooManyAnchors,
    /// A model name is empty or longer than [`crate::MAX_NAME_LEN`].
    BadModelName,
    /// Model metadata longer than [`crate::MAX_METADATA_LEN`].
    MetadataTooLarge,
    /// A model with this id exists.
    ModelExists,
    /// No model with this id.
    UnknownModel,
    /// Only the model's owner may do this.
    NotModelOwner,
    /// The execution proof does not verify (model inactive, session unfit, bad signature).
    ExecutionNotVerified,
    /// This execution was recorded before.
    DuplicateExecution,
    /// A Lux work proof shorter than its 78-byte header, or with a privacy level outside 1..=4.
    BadWorkProof,
    /// The caller may not mark work spent.
    NotSpender,
    /// This work id was spent before.
    AlreadySpent,
    /// The stake is below the minimum, or is being withdrawn.
    InsufficientStake,
    /// The stake cannot be withdrawn yet (no request, or the cooldown has not passed).
    StakeLocked,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Store => f.write_str("state unavailable (out of gas or read-only)"),
            Error::Quote(e) => write!(f, "quote rejected: {e}"),
            Error::Envelope(e) => write!(f, "quote envelope: {e}"),
            Error::CpuQuote(check) => write!(f, "CPU TEE quote rejected: {check}"),
            Error::CollateralMissing => {
                f.write_str("the collateral or VCEK this quote needs is not stored on chain")
            }
            Error::CollateralSuperseded => f.write_str(
                "the collateral is older than the newest the chain keeps for its FMSPC, or than \
                 the chain's minimum TCB evaluation number",
            ),
            Error::IntelUnavailable => f.write_str(
                "this node was built without Intel support but the chain accepts Intel quotes",
            ),
            Error::GpuSetMismatch => {
                f.write_str("the composite quote's GPUs are not the ones its CPU report names")
            }
            Error::NonceNotBound => {
                f.write_str("quote nonce is not bound to this chain, miner, epoch and key")
            }
            Error::NotAComputeDevice => f.write_str("device is not a GPU"),
            Error::GpuRevoked => f.write_str("GPU revoked"),
            Error::GpuBusy => f.write_str("GPU already has an active session for another miner"),
            Error::UnknownSession => f.write_str("unknown session"),
            Error::SessionEnded => f.write_str("session ended"),
            Error::NotSessionOwner => f.write_str("caller does not own the session"),
            Error::BadSessionKey => f.write_str("session key is not an ML-DSA public key"),
            Error::SignatureRequired => f.write_str("heartbeat needs a session-key signature"),
            Error::BadSignature => f.write_str("heartbeat signature invalid"),
            Error::NotAdmin => f.write_str("caller is not the admin"),
            Error::BadParam => f.write_str("parameter out of range"),
            Error::AlreadyInitialized => f.write_str("already initialised"),
            Error::Overflow => f.write_str("amount overflow"),
            Error::NothingToClaim => f.write_str("nothing to claim"),
            Error::PaymentFailed => f.write_str("reward payment failed"),
            Error::TooManyAnchors => f.write_str("too many trust anchors"),
            Error::BadModelName => f.write_str("model name empty or too long"),
            Error::MetadataTooLarge => f.write_str("model metadata too large"),
            Error::ModelExists => f.write_str("model already registered"),
            Error::UnknownModel => f.write_str("unknown model"),
            Error::NotModelOwner => f.write_str("caller does not own the model"),
            Error::ExecutionNotVerified => f.write_str("execution proof does not verify"),
            Error::DuplicateExecution => f.write_str("execution already recorded"),
            Error::BadWorkProof => f.write_str("malformed work proof"),
            Error::NotSpender => f.write_str("caller may not mark work spent"),
            Error::AlreadySpent => f.write_str("work already spent"),
            Error::InsufficientStake => f.write_str("stake below the minimum or being withdrawn"),
            Error::StakeLocked => f.write_str("stake still locked"),
        }
    }
}

impl core::error::Error for Error {}

impl From<aimine_envelope::Error> for Error {
    fn from(e: aimine_envelope::Error) -> Error {
        Error::Envelope(e)
    }
}

impl From<aimine_tee::Error> for Error {
    fn from(e: aimine_tee::Error) -> Error {
        match e {
            // The state refused (out of gas, say): not a verdict on the evidence.
            aimine_tee::Error::Store => Error::Store,
            // An SEV-SNP report carrying no VCEK, none stored for its chip and TCB.
            aimine_tee::Error::EndorsementMissing => Error::CollateralMissing,
            e => Error::CpuQuote(e.check()),
        }
    }
}

impl From<aimine_nvtrust::Error> for Error {
    fn from(e: aimine_nvtrust::Error) -> Error {
        Error::Quote(e)
    }
}
