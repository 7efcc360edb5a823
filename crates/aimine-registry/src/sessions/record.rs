//! The stored session record: one word per field under `keccak256(session_id ‖ 16)`.

use aimine_tiers::{Kind, Multiplier, TrustTier};
use aimine_time::UnixTime;

use crate::Error;
use crate::env::Address;
use crate::keys;
use crate::store::{Store, Word, word};

/// Word offsets of a session record from its base `keccak256(session_id ‖ 16)`.
pub mod field {
    /// The caller who started it: may heartbeat and end it.
    pub const OWNER: u64 = 0;
    /// The reward recipient.
    pub const MINER: u64 = 1;
    /// The session's own device: a GPU id, a CPU platform id, or a staker's Public-tier id.
    pub const GPU_ID: u64 = 2;
    /// Packed, little-endian from the low byte: the trust tier (1 to 4), the kind
    /// ([`aimine_tiers::Kind`]: 0 stake, 1 GPU, 2 TDX, 3 SGX, 4 SEV-SNP, 5 composite), and the
    /// TCB grade in basis points (bytes 2–3; 10,000 is full, and 0 reads as full too).
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
    /// Its own device: a GPU id, a CPU platform id, or a staker's Public-tier id. A composite
    /// session also counts the GPUs bound to it ([`crate::Devices`]).
    pub gpu_id: Word,
    /// Trust tier.
    pub tier: TrustTier,
    /// The kind of evidence that started it (the quote envelope's kind, or a stake).
    pub kind: Kind,
    /// The TCB grade in basis points of the tier's rate: 10,000 (full) for GPUs and stakes, the
    /// graded verdict for CPU TEEs.
    pub grade_bps: u16,
    /// Compute units.
    pub compute_units: u64,
    /// SHA-256 of the session key, or zero.
    pub key_hash: Word,
    /// Start time.
    pub start: UnixTime,
    /// Time paid up to.
    pub last_heartbeat: UnixTime,
    /// Attestation expiry.
    pub attestation_expiry: UnixTime,
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
        u64::from_le_bytes([self.tier.as_u8(), self.kind.as_u8(), lo, hi, 0, 0, 0, 0])
    }

    /// The reward multiplier: the tier's, scaled by the TCB grade.
    pub fn multiplier(&self) -> Multiplier {
        let tier = u64::from(self.tier.multiplier().bps());
        let grade = match self.grade_bps {
            0 => 10_000,
            g => u64::from(g.min(10_000)),
        };
        let bps = tier.saturating_mul(grade) / 10_000;
        Multiplier::from_bps(u32::try_from(bps).unwrap_or(u32::MAX))
    }

    /// Whether the session has a session key.
    pub fn has_key(&self) -> bool {
        self.key_hash != [0; 32]
    }

    /// Reads a session; `None` when no session has this id.
    ///
    /// # Errors
    /// [`Error::Store`] when the store fails or holds a record that does not decode.
    pub fn load(s: &mut (impl Store + ?Sized), id: &Word) -> Result<Option<Session>, Error> {
        let base = Self::base(id);
        let mut get = |f: u64| s.load(&keys::offset(&base, f));
        let tier_word = get(field::TIER)?;
        if tier_word == [0; 32] {
            return Ok(None);
        }
        // A written session always has a valid tier and kind: anything else is a corrupt store,
        // never "no session" (which would let a second session open over the first).
        let packed = word::to_u64(&tier_word).ok_or(Error::Store)?;
        let [tier_byte, kind_byte, grade_lo, grade_hi, ..] = packed.to_le_bytes();
        let (Ok(tier), Some(kind)) = (TrustTier::from_u8(tier_byte), Kind::from_u8(kind_byte))
        else {
            return Err(Error::Store);
        };
        let grade_bps = u16::from_le_bytes([grade_lo, grade_hi]);
        let u64_at = |w: Word| word::to_u64(&w).ok_or(Error::Store);
        let time_at = |w: Word| word::to_time(&w).ok_or(Error::Store);
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
            start: time_at(get(field::START)?)?,
            last_heartbeat: time_at(get(field::LAST_HEARTBEAT)?)?,
            attestation_expiry: time_at(get(field::ATTESTATION_EXPIRY)?)?,
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
        put(field::START, word::from_time(self.start))?;
        put(field::LAST_HEARTBEAT, word::from_time(self.last_heartbeat))?;
        put(
            field::ATTESTATION_EXPIRY,
            word::from_time(self.attestation_expiry),
        )?;
        put(field::HEARTBEATS, word::from_u64(self.heartbeats))?;
        put(field::ACTIVE, word::from_bool(self.active))
    }
}
