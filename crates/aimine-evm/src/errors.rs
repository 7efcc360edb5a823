//! Registry errors as Solidity custom errors, ABI-encoded as revert data.
//!
//! Each error has one signature wherever it is declared, so the selector a caller decodes is the
//! same whichever interface (IAIMining, INVTrust, IModelRegistry) it uses.

use alloc::vec::Vec;

use aimine_nvtrust::GpuCheck;
use aimine_registry::Error;
use alloy_sol_types::SolError;
use revm_primitives::{FixedBytes, U256};

use crate::abi::{IAIMining as M, IModelRegistry as R};

/// The number `QuoteRejected(uint8 check)` carries for each nvtrust check.
pub const fn check_code(check: GpuCheck) -> u8 {
    match check {
        GpuCheck::Format => 1,
        GpuCheck::Chain => 2,
        GpuCheck::Root => 3,
        GpuCheck::Signature => 4,
        GpuCheck::Nonce => 5,
        GpuCheck::Fwid => 6,
        GpuCheck::Version => 7,
        GpuCheck::Measurements => 8,
    }
}

/// The revert data for a registry error. `PaymentFailed` becomes `RewardPoolShort` with the
/// amounts the pool had and needed.
pub fn revert_data(error: &Error, pool: (u128, u128)) -> Vec<u8> {
    match error {
        // IntelUnavailable never reverts: the call turns it into a fatal error first.
        Error::Store | Error::IntelUnavailable => M::StateUnavailable {}.abi_encode(),
        Error::Quote(e) => M::QuoteRejected {
            check: check_code(e.check()),
        }
        .abi_encode(),
        // A malformed CPU or composite envelope is a format failure, as for GPU envelopes.
        Error::Envelope(_) => M::QuoteRejected { check: 1 }.abi_encode(),
        Error::CpuQuote(check) => M::CpuQuoteRejected {
            check: check.number(),
        }
        .abi_encode(),
        Error::CollateralMissing => M::CollateralMissing {}.abi_encode(),
        Error::CollateralSuperseded => M::CollateralSuperseded {}.abi_encode(),
        Error::GpuSetMismatch => M::GpuSetMismatch {}.abi_encode(),
        Error::NonceNotBound => M::NonceNotBound {}.abi_encode(),
        Error::NotAComputeDevice => M::NotAComputeDevice {}.abi_encode(),
        Error::GpuRevoked => M::GpuRevoked {}.abi_encode(),
        Error::GpuBusy => M::GpuBusy {}.abi_encode(),
        Error::UnknownSession => M::UnknownSession {}.abi_encode(),
        Error::SessionEnded => M::SessionNotActive {}.abi_encode(),
        Error::NotSessionOwner => M::NotSessionOwner {}.abi_encode(),
        Error::BadSessionKey => M::BadSessionKey {}.abi_encode(),
        Error::SignatureRequired => M::SignatureRequired {}.abi_encode(),
        Error::BadSignature => M::BadSignature {}.abi_encode(),
        Error::NotAdmin => M::NotAdmin {}.abi_encode(),
        Error::BadParam => M::BadParam {}.abi_encode(),
        Error::AlreadyInitialized => M::AlreadyInitialized {}.abi_encode(),
        Error::Overflow => M::Overflow {}.abi_encode(),
        Error::NothingToClaim => M::NothingToClaim {}.abi_encode(),
        Error::PaymentFailed => M::RewardPoolShort {
            available: U256::from(pool.0),
            required: U256::from(pool.1),
        }
        .abi_encode(),
        Error::TooManyAnchors => M::TooManyAnchors {}.abi_encode(),
        Error::BadModelName => R::BadModelName {}.abi_encode(),
        Error::MetadataTooLarge => R::MetadataTooLarge {}.abi_encode(),
        Error::ModelExists => R::ModelExists {}.abi_encode(),
        Error::UnknownModel => R::UnknownModel {}.abi_encode(),
        Error::NotModelOwner => R::NotModelOwner {}.abi_encode(),
        Error::ExecutionNotVerified => R::ExecutionNotVerified {}.abi_encode(),
        Error::DuplicateExecution => R::DuplicateExecution {}.abi_encode(),
        Error::BadWorkProof => M::BadWorkProof {}.abi_encode(),
        Error::NotSpender => M::NotSpender {}.abi_encode(),
        Error::AlreadySpent => M::AlreadySpent {}.abi_encode(),
        Error::InsufficientStake => M::InsufficientStake {}.abi_encode(),
        Error::StakeLocked => M::StakeLocked {}.abi_encode(),
    }
}

/// `UnknownSelector(bytes4)`.
pub fn unknown_selector(selector: [u8; 4]) -> Vec<u8> {
    M::UnknownSelector {
        selector: FixedBytes(selector),
    }
    .abi_encode()
}

/// `MalformedCalldata()`.
pub fn malformed() -> Vec<u8> {
    M::MalformedCalldata {}.abi_encode()
}

/// `WriteInStaticContext()`.
pub fn static_write() -> Vec<u8> {
    M::WriteInStaticContext {}.abi_encode()
}

/// `DelegateCallNotAllowed()`.
pub fn delegated() -> Vec<u8> {
    M::DelegateCallNotAllowed {}.abi_encode()
}

/// `ValueNotAccepted()`.
pub fn value_not_accepted() -> Vec<u8> {
    M::ValueNotAccepted {}.abi_encode()
}

/// `BadPublicKeyLength(uint256)`.
pub fn bad_public_key_length(len: usize) -> Vec<u8> {
    M::BadPublicKeyLength {
        length: U256::from(len),
    }
    .abi_encode()
}
