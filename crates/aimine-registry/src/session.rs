//! Mining sessions: the nonce formula miners' tooling must follow, ids, and the stored record.
//!
//! ## The session nonce
//!
//! A GPU quote starts a session only if the nonce the GPU signed is
//!
//! ```text
//! SHA-256( "aimine/session/v2" ‖ chain_id (u64, big-endian) ‖ submitter (20 bytes)
//!          ‖ miner (20 bytes) ‖ epoch (u64, big-endian) ‖ key_hash (32 bytes) )
//! epoch     = block timestamp / epoch_seconds      (this epoch or the previous one is accepted)
//! key_hash  = SHA-256(ML-DSA session public key), or 32 zero bytes without a session key
//! submitter = the account that calls AI_MINING with the quote (`msg.sender` there): the miner
//!             itself, or the contract it mines through (the mission's ComputeProvider)
//! ```
//!
//! so a quote is bound to one chain, one submitter, one reward recipient, one hour (by default)
//! and one session key: replayed on another chain, by another account, for another miner,
//! later, or with another key, it fails. Binding the submitter is what makes a quote seen in the
//! mempool or in calldata worthless to anyone else: the session's owner is always the account
//! the GPU named, so a third party can neither take a session over, nor end it, nor sit on it.
//! Tooling computes the nonce with [`session_nonce`], asks the GPU for evidence over it (NVIDIA's
//! attestation SDK takes the nonce as an argument), and submits the quote from that account.
//!
//! ## Session ids
//!
//! `keccak256(abi.encode(uint64 chain_id, bytes32 gpu_id, uint256 n))`, where `n` counts the
//! sessions the GPU started before on this chain (readable at [`crate::keys::GPU_SESSION_COUNT`]):
//! unique, and derivable off chain before the transaction is sent.

use sha2::{Digest, Sha256};

use crate::Error;
use crate::env::Address;
use crate::keys;
use crate::store::{Store, Word, word};

/// The domain tag of session nonces.
pub const NONCE_DOMAIN: &[u8] = b"aimine/session/v2";
/// The domain tag of heartbeat signatures.
pub const HEARTBEAT_DOMAIN: &[u8] = b"aimine/heartbeat/v1";

/// The nonce a quote must carry to start a session (see the module docs): for a quote that
/// `submitter` sends to AI_MINING, paying `miner`, in nonce epoch `epoch`, with the session key
/// whose hash is `key_hash`.
pub fn session_nonce(
    chain_id: u64,
    submitter: &Address,
    miner: &Address,
    epoch: u64,
    key_hash: &Word,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(NONCE_DOMAIN);
    h.update(chain_id.to_be_bytes());
    h.update(submitter);
    h.update(miner);
    h.update(epoch.to_be_bytes());
    h.update(key_hash);
    h.finalize().into()
}

/// SHA-256 of a session public key; zero without one.
pub fn key_hash(session_key: Option<&[u8]>) -> Word {
    session_key.map_or([0; 32], |k| Sha256::digest(k).into())
}

/// The id of the `n`-th session (0-based) of a GPU on a chain.
pub fn session_id(chain_id: u64, gpu_id: &Word, n: u64) -> Word {
    let mut encoded = [0u8; 96];
    let (a, rest) = encoded.split_at_mut(32);
    let (b, c) = rest.split_at_mut(32);
    a.copy_from_slice(&word::from_u64(chain_id));
    b.copy_from_slice(gpu_id);
    c.copy_from_slice(&word::from_u64(n));
    keys::keccak256(&encoded)
}

/// The message a session key signs for heartbeat number `counter` (0-based): `"aimine/heartbeat/v1"
/// ‖ chain_id (u64 BE) ‖ session_id ‖ counter (u64 BE)`, with an empty ML-DSA context.
pub fn heartbeat_message(chain_id: u64, session_id: &Word, counter: u64) -> [u8; 19 + 8 + 32 + 8] {
    let mut m = [0u8; 19 + 8 + 32 + 8];
    let (domain, rest) = m.split_at_mut(19);
    domain.copy_from_slice(HEARTBEAT_DOMAIN);
    let (chain, rest) = rest.split_at_mut(8);
    chain.copy_from_slice(&chain_id.to_be_bytes());
    let (id, count) = rest.split_at_mut(32);
    id.copy_from_slice(session_id);
    count.copy_from_slice(&counter.to_be_bytes());
    m
}

/// Word offsets of a session record from its base `keccak256(session_id ‖ 16)`.
pub mod field {
    /// The caller who started it: may heartbeat and end it.
    pub const OWNER: u64 = 0;
    /// The reward recipient.
    pub const MINER: u64 = 1;
    /// The GPU.
    pub const GPU_ID: u64 = 2;
    /// Trust tier (1 to 4) in the low byte; for CPU TEE sessions also the evidence kind (byte 1:
    /// 2 TDX, 3 SGX, 4 SEV-SNP, 5 composite) and the TCB grade in basis points (bytes 2–3; 0
    /// means full). A GPU session's word is its tier alone, as before.
    pub const TIER: u64 = 3;
    /// Compute units.
    pub const COMPUTE_UNITS: u64 = 4;
    /// SHA-256 of the session key, or zero.
    pub const KEY_HASH: u64 = 5;
    /// Start time.
    pub const START: u64 = 6;
    /// Time paid up to.
    pub const LAST_HEARTBEAT: u64 = 7;
    /// When the attestation expires.
    pub const ATTESTATION_EXPIRY: u64 = 8;
    /// Heartbeats so far.
    pub const HEARTBEATS: u64 = 9;
    /// 1 while active.
    pub const ACTIVE: u64 = 10;
}

/// A session record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    /// Its id.
    pub id: Word,
    /// May heartbeat and end it.
    pub owner: Address,
    /// Is paid.
    pub miner: Address,
    /// The GPU.
    pub gpu_id: Word,
    /// Trust tier.
    pub tier: aimine_tiers::TrustTier,
    /// The evidence kind that started it: 0 for a GPU quote or a stake, else the envelope kind
    /// (2 TDX, 3 SGX, 4 SEV-SNP, 5 composite).
    pub kind: u8,
    /// The CPU TEE's TCB grade in basis points of the tier's rate; 0 means full (GPU sessions).
    pub grade_bps: u16,
    /// Compute units.
    pub compute_units: u64,
    /// SHA-256 of the session key, or zero.
    pub key_hash: Word,
    /// Start time.
    pub start: u64,
    /// Time paid up to.
    pub last_heartbeat: u64,
    /// Attestation expiry.
    pub attestation_expiry: u64,
    /// Heartbeats so far.
    pub heartbeats: u64,
    /// Whether it is active.
    pub active: bool,
}

impl Session {
    fn base(id: &Word) -> Word {
        keys::mapping(keys::SESSIONS, id)
    }

    /// The packed TIER word (see [`field::TIER`]).
    fn tier_word(&self) -> u64 {
        let [lo, hi] = self.grade_bps.to_le_bytes();
        u64::from_le_bytes([self.tier.as_u8(), self.kind, lo, hi, 0, 0, 0, 0])
    }

    /// The reward multiplier: the tier's, scaled by the TCB grade.
    pub fn multiplier(&self) -> aimine_tiers::Multiplier {
        let tier = u64::from(self.tier.multiplier().bps());
        let grade = match self.grade_bps {
            0 => 10_000,
            g => u64::from(g.min(10_000)),
        };
        let bps = tier.saturating_mul(grade) / 10_000;
        aimine_tiers::Multiplier::from_bps(u32::try_from(bps).unwrap_or(u32::MAX))
    }

    /// Whether the session has a session key.
    pub fn has_key(&self) -> bool {
        self.key_hash != [0; 32]
    }

    /// Reads a session; `None` when no session has this id.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn load(s: &mut (impl Store + ?Sized), id: &Word) -> Result<Option<Session>, Error> {
        let base = Self::base(id);
        let mut get = |f: u64| s.load(&keys::offset(&base, f));
        let tier_word = get(field::TIER)?;
        let packed = word::to_u64(&tier_word).unwrap_or(0);
        let [tier_byte, kind, grade_lo, grade_hi, ..] = packed.to_le_bytes();
        let Ok(tier) = aimine_tiers::TrustTier::from_u8(tier_byte) else {
            return Ok(None);
        };
        let grade_bps = u16::from_le_bytes([grade_lo, grade_hi]);
        let u64_at = |w: Word| word::to_u64(&w).ok_or(Error::Store);
        Ok(Some(Session {
            id: *id,
            owner: word::to_address(&get(field::OWNER)?),
            miner: word::to_address(&get(field::MINER)?),
            gpu_id: get(field::GPU_ID)?,
            tier,
            kind,
            grade_bps,
            compute_units: u64_at(get(field::COMPUTE_UNITS)?)?,
            key_hash: get(field::KEY_HASH)?,
            start: u64_at(get(field::START)?)?,
            last_heartbeat: u64_at(get(field::LAST_HEARTBEAT)?)?,
            attestation_expiry: u64_at(get(field::ATTESTATION_EXPIRY)?)?,
            heartbeats: u64_at(get(field::HEARTBEATS)?)?,
            active: word::to_bool(&get(field::ACTIVE)?),
        }))
    }

    /// Writes every field.
    pub(crate) fn store(&self, s: &mut (impl Store + ?Sized)) -> Result<(), Error> {
        let base = Self::base(&self.id);
        let mut put = |f: u64, w: Word| s.store(&keys::offset(&base, f), w);
        put(field::OWNER, word::from_address(&self.owner))?;
        put(field::MINER, word::from_address(&self.miner))?;
        put(field::GPU_ID, self.gpu_id)?;
        put(field::TIER, word::from_u64(self.tier_word()))?;
        put(field::COMPUTE_UNITS, word::from_u64(self.compute_units))?;
        put(field::KEY_HASH, self.key_hash)?;
        put(field::START, word::from_u64(self.start))?;
        put(field::LAST_HEARTBEAT, word::from_u64(self.last_heartbeat))?;
        put(
            field::ATTESTATION_EXPIRY,
            word::from_u64(self.attestation_expiry),
        )?;
        put(field::HEARTBEATS, word::from_u64(self.heartbeats))?;
        put(field::ACTIVE, word::from_bool(self.active))
    }
}

/// The longest ML-DSA public key (ML-DSA-87), in bytes.
pub const MAX_KEY_LEN: usize = 2_592;

/// Stores a session's ML-DSA public key as Solidity stores `bytes` (keys are always longer than
/// 31 bytes: the slot holds `2·len + 1`, the data sits at `keccak256(slot) + i`).
pub(crate) fn store_key(s: &mut (impl Store + ?Sized), id: &Word, key: &[u8]) -> Result<(), Error> {
    let slot = keys::mapping(keys::SESSION_KEYS, id);
    let len = u64::try_from(key.len()).map_err(|_| Error::BadSessionKey)?;
    let encoded_len = len
        .checked_mul(2)
        .and_then(|v| v.checked_add(1))
        .ok_or(Error::BadSessionKey)?;
    s.store(&slot, word::from_u64(encoded_len))?;
    let data = keys::keccak256(&slot);
    for (i, chunk) in key.chunks(32).enumerate() {
        let mut w = [0u8; 32];
        w.get_mut(..chunk.len())
            .ok_or(Error::BadSessionKey)?
            .copy_from_slice(chunk);
        s.store(&keys::offset(&data, i as u64), w)?;
    }
    Ok(())
}

/// Forgets a session's public key (its data words are left, unreachable).
pub(crate) fn clear_key(s: &mut (impl Store + ?Sized), id: &Word) -> Result<(), Error> {
    s.store(&keys::mapping(keys::SESSION_KEYS, id), [0; 32])
}

/// Loads a session's public key into `buf`; returns its length, 0 when the session has none.
pub(crate) fn load_key(
    s: &mut (impl Store + ?Sized),
    id: &Word,
    buf: &mut [u8; MAX_KEY_LEN],
) -> Result<usize, Error> {
    let slot = keys::mapping(keys::SESSION_KEYS, id);
    let encoded = word::to_u64(&s.load(&slot)?).unwrap_or(0);
    if encoded == 0 {
        return Ok(0);
    }
    let len = usize::try_from(encoded / 2).map_err(|_| Error::BadSessionKey)?;
    if encoded % 2 != 1 || len > MAX_KEY_LEN {
        return Err(Error::BadSessionKey);
    }
    let data = keys::keccak256(&slot);
    for (i, chunk) in buf
        .get_mut(..len)
        .ok_or(Error::BadSessionKey)?
        .chunks_mut(32)
        .enumerate()
    {
        let w = s.load(&keys::offset(&data, i as u64))?;
        chunk.copy_from_slice(w.get(..chunk.len()).ok_or(Error::BadSessionKey)?);
    }
    Ok(len)
}
