//! Compatibility with the Lux AI-mining library, so contracts written against it keep working.
//!
//! Work proofs are laid out as `[0:32]` device id, `[32:64]` nonce, `[64:72]` timestamp (u64),
//! `[72:74]` privacy level (u16, 1 to 4, the trust tier), `[74:78]` compute minutes (u32), then
//! the TEE quote; integers big-endian. A work proof's reward is 10^18 per compute minute times
//! the tier multiplier. Work ids are `keccak256(device_id ‖ nonce ‖ uint64 chain_id)`, what
//! Solidity's `abi.encodePacked(bytes32, bytes32, uint64)` hashes.

use aimine_mldsa::Level;
use aimine_tiers::TrustTier;
use aimine_time::UnixTime;

use crate::Error;
use crate::env::Address;
use crate::event::{Event, EventSink};
use crate::keys;
use crate::registry::Registry;
use crate::store::{Store, Word, word};

/// The reward of one compute minute at 1.0x.
pub const REWARD_PER_MINUTE: u128 = 1_000_000_000_000_000_000;
/// The fixed header of a work proof, before the TEE quote.
pub const WORK_PROOF_HEADER_LEN: usize = 78;

/// Whether `signature` is a valid ML-DSA signature of `message` under `public_key` (level from the
/// key length, empty context).
pub fn verify_mldsa(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    aimine_mldsa::verify_any(public_key, message, &[], signature).is_ok()
}

/// The NIST security category (2, 3, 5) of an ML-DSA public key, by its length.
pub fn security_level(public_key: &[u8]) -> Option<u8> {
    Level::from_public_key_len(public_key.len()).map(Level::security_category)
}

/// The fields of a work proof header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkProof<'a> {
    /// Device id.
    pub device_id: &'a [u8; 32],
    /// Nonce.
    pub nonce: &'a [u8; 32],
    /// Timestamp (Unix seconds in the proof).
    pub timestamp: UnixTime,
    /// Privacy level = trust tier.
    pub tier: TrustTier,
    /// Compute minutes.
    pub compute_minutes: u32,
    /// The TEE quote that follows.
    pub quote: &'a [u8],
}

/// Parses a work proof.
///
/// # Errors
/// [`Error::BadWorkProof`].
pub fn parse_work_proof(proof: &[u8]) -> Result<WorkProof<'_>, Error> {
    let bad = || Error::BadWorkProof;
    let device_id = proof
        .get(0..32)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(bad)?;
    let nonce = proof
        .get(32..64)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(bad)?;
    let timestamp = proof
        .get(64..72)
        .and_then(|s| s.try_into().ok())
        .map(u64::from_be_bytes)
        .map(UnixTime)
        .ok_or_else(bad)?;
    let level = proof
        .get(72..74)
        .and_then(|s| s.try_into().ok())
        .map(u16::from_be_bytes)
        .ok_or_else(bad)?;
    let compute_minutes = proof
        .get(74..78)
        .and_then(|s| s.try_into().ok())
        .map(u32::from_be_bytes)
        .ok_or_else(bad)?;
    let tier = u8::try_from(level)
        .ok()
        .and_then(|l| TrustTier::from_u8(l).ok())
        .ok_or_else(bad)?;
    Ok(WorkProof {
        device_id,
        nonce,
        timestamp,
        tier,
        compute_minutes,
        quote: proof.get(WORK_PROOF_HEADER_LEN..).unwrap_or_default(),
    })
}

/// The reward of a work proof: 10^18 per compute minute times the tier multiplier. The chain id
/// is part of Lux's signature and does not change the amount.
///
/// # Errors
/// [`Error::BadWorkProof`]; [`Error::Overflow`] cannot happen for a u32 of minutes.
pub fn calculate_reward(work_proof: &[u8], _chain_id: u64) -> Result<u128, Error> {
    let p = parse_work_proof(work_proof)?;
    aimine_tiers::reward(REWARD_PER_MINUTE, u64::from(p.compute_minutes), 1, p.tier)
        .map_err(|_| Error::Overflow)
}

/// `keccak256(device_id ‖ nonce ‖ chain_id as 8 bytes big-endian)`.
pub fn compute_work_id(device_id: &Word, nonce: &Word, chain_id: u64) -> Word {
    let mut packed = [0u8; 72];
    let (a, rest) = packed.split_at_mut(32);
    let (b, c) = rest.split_at_mut(32);
    a.copy_from_slice(device_id);
    b.copy_from_slice(nonce);
    c.copy_from_slice(&chain_id.to_be_bytes());
    keys::keccak256(&packed)
}

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Whether a work id was spent.
    ///
    /// # Errors
    /// A store error.
    pub fn is_spent(&mut self, work_id: &Word) -> Result<bool, Error> {
        Ok(word::to_bool(
            &self.state().load(&keys::mapping(keys::SPENT, work_id))?,
        ))
    }

    /// Marks a work id spent (authorised callers only), once.
    ///
    /// # Errors
    /// [`Error::NotSpender`], [`Error::AlreadySpent`].
    pub fn mark_spent(&mut self, caller: &Address, work_id: &Word) -> Result<(), Error> {
        let allowed = self
            .state()
            .load(&keys::mapping(keys::SPENDERS, &word::from_address(caller)))?;
        if !word::to_bool(&allowed) {
            return Err(Error::NotSpender);
        }
        if self.is_spent(work_id)? {
            return Err(Error::AlreadySpent);
        }
        self.state()
            .store(&keys::mapping(keys::SPENT, work_id), word::from_bool(true))?;
        self.emit(Event::WorkSpent {
            work_id: *work_id,
            by: *caller,
        });
        Ok(())
    }

    /// Allows or forbids a caller to mark work spent (admin only).
    ///
    /// # Errors
    /// [`Error::NotAdmin`].
    pub fn set_spender(
        &mut self,
        caller: &Address,
        spender: &Address,
        allowed: bool,
    ) -> Result<(), Error> {
        self.require_admin(caller)?;
        self.state().store(
            &keys::mapping(keys::SPENDERS, &word::from_address(spender)),
            word::from_bool(allowed),
        )?;
        self.emit(Event::SpenderSet {
            spender: *spender,
            allowed,
        });
        Ok(())
    }
}
