//! The stored session record: four or five packed words under `keccak256(session_id ‖ 16)`.
//!
//! The record is laid out by what each call reads and writes. Every call that touches a session
//! (heartbeat, end, refresh, execution proofs, the views) needs its owner, miner, device and
//! state, so those are read together; the only word a heartbeat writes is [`field::STATE`], which
//! holds everything a heartbeat changes. A heartbeat is therefore one SSTORE to a word that is
//! already non-zero and warm (2,900 gas), never a zero-to-non-zero write.
//!
//! The bit positions are in [`field`]'s documentation.
//!
//! A session exists when its header is non-zero (its tier is never 0). A session without a key
//! never reads or writes [`field::KEY_HASH`]: it is four words. Any word that does not decode (a
//! tier or kind out of range, a flag other than 0 or 1, bits set above the miner's address, a
//! keyed flag over a zero hash) is [`Error::Store`]: never a panic, and never "no session".
//!
//! [`Session::load`] and [`Session::store`] are the only code that knows this layout.

use aimine_tiers::{Kind, Multiplier, TrustTier};
use aimine_time::UnixTime;

use crate::Error;
use crate::env::Address;
use crate::keys;
use crate::store::{Store, Word};

pub mod field {
    //! Word offsets of a session record from its base `keccak256(session_id ‖ 16)`.
    //!
    //! Fields are packed as Solidity packs a struct's members into one slot, from the low-order
    //! end of the word (bit 0 is the least significant bit of the big-endian word):
    //!
    //! | word | bits | field |
    //! |---|---|---|
    //! | [`HEADER`] (0) | 0–7 | trust tier (1 to 4) |
    //! | | 8–15 | kind ([`aimine_tiers::Kind`]: 0 stake, 1 GPU, 2 TDX, 3 SGX, 4 SEV-SNP, 5 composite) |
    //! | | 16–31 | TCB grade in basis points (`uint16`; 10,000 is full, 0 reads as full) |
    //! | | 32–95 | start time (`uint64` Unix seconds) |
    //! | | 96–255 | owner (`address`) |
    //! | [`MINER`] (1) | 0–159 | miner (`address`); bits 160–255 zero |
    //! | [`GPU_ID`] (2) | 0–255 | the session's own device id (`bytes32`) |
    //! | [`KEY_HASH`] (3) | 0–255 | SHA-256 of the session key; read only when the keyed flag is set, zero otherwise |
    //! | [`STATE`] (4) | 0–63 | time paid up to (`uint64`, the last heartbeat) |
    //! | | 64–127 | heartbeats so far (`uint64`) |
    //! | | 128–191 | attestation expiry (`uint64`) |
    //! | | 192–239 | compute units (`uint48`) |
    //! | | 240–247 | active flag (0 or 1) |
    //! | | 248–255 | keyed flag (0 or 1): whether [`KEY_HASH`] holds a key hash |

    /// Packed: tier (bits 0–7), kind (8–15), TCB grade in basis points (16–31), start time
    /// (32–95), owner (96–255). Never changes but on a refresh (owner, tier, kind, grade).
    pub const HEADER: u64 = 0;
    /// The reward recipient, as an `address` (low 20 bytes).
    pub const MINER: u64 = 1;
    /// The session's own device: a GPU id, a CPU platform id, or a staker's Public-tier id.
    pub const GPU_ID: u64 = 2;
    /// SHA-256 of the session key; meaningful (and read) only when the keyed flag of
    /// [`STATE`] is set.
    pub const KEY_HASH: u64 = 3;
    /// Packed, everything a heartbeat rewrites: time paid up to (bits 0–63), heartbeats
    /// (64–127), attestation expiry (128–191), compute units (192–239), active flag (240–247),
    /// keyed flag (248–255).
    pub const STATE: u64 = 4;
}

/// The largest compute-unit count a session record holds (48 bits).
const MAX_PACKED_COMPUTE_UNITS: u64 = (1 << 48) - 1;

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

/// The packed words of a record (see the module documentation), in field order.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Words {
    header: Word,
    miner: Word,
    gpu_id: Word,
    key_hash: Word,
    state: Word,
}

/// Copies `bytes` into `w` so that its last byte lands at bit `low_bit` (a multiple of 8).
fn put(w: &mut Word, low_bit: usize, bytes: &[u8]) {
    let end = 32usize.saturating_sub(low_bit / 8);
    let start = end.saturating_sub(bytes.len());
    if let Some(dst) = w.get_mut(start..end) {
        dst.copy_from_slice(bytes);
    }
}

/// The `N` bytes of `w` whose last byte is at bit `low_bit` (a multiple of 8).
fn get<const N: usize>(w: &Word, low_bit: usize) -> [u8; N] {
    let end = 32usize.saturating_sub(low_bit / 8);
    let start = end.saturating_sub(N);
    let mut out = [0u8; N];
    if let Some(src) = w.get(start..end) {
        out.copy_from_slice(src);
    }
    out
}

/// A stored flag byte: 0 or 1, anything else is a corrupt store.
fn flag(byte: u8) -> Result<bool, Error> {
    match byte {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(Error::Store),
    }
}

impl Session {
    fn base(id: &Word) -> Word {
        keys::mapping(keys::SESSIONS, id)
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

    /// The record's packed words.
    ///
    /// # Errors
    /// [`Error::Overflow`] when the compute units do not fit 48 bits.
    fn words(&self) -> Result<Words, Error> {
        if self.compute_units > MAX_PACKED_COMPUTE_UNITS {
            return Err(Error::Overflow);
        }
        let mut header = [0u8; 32];
        put(&mut header, 0, &[self.tier.as_u8()]);
        put(&mut header, 8, &[self.kind.as_u8()]);
        put(&mut header, 16, &self.grade_bps.to_be_bytes());
        put(&mut header, 32, &self.start.as_secs().to_be_bytes());
        put(&mut header, 96, &self.owner);
        let mut miner = [0u8; 32];
        put(&mut miner, 0, &self.miner);
        let mut state = [0u8; 32];
        put(&mut state, 0, &self.last_heartbeat.as_secs().to_be_bytes());
        put(&mut state, 64, &self.heartbeats.to_be_bytes());
        put(
            &mut state,
            128,
            &self.attestation_expiry.as_secs().to_be_bytes(),
        );
        let units: [u8; 8] = self.compute_units.to_be_bytes();
        put(&mut state, 192, units.get(2..).unwrap_or_default());
        put(&mut state, 240, &[u8::from(self.active)]);
        put(&mut state, 248, &[u8::from(self.has_key())]);
        Ok(Words {
            header,
            miner,
            gpu_id: self.gpu_id,
            key_hash: self.key_hash,
            state,
        })
    }

    /// Reads a session; `None` when no session has this id. Reads four words, five for a session
    /// with a key.
    ///
    /// # Errors
    /// [`Error::Store`] when the store fails or holds a record that does not decode.
    pub fn load(s: &mut (impl Store + ?Sized), id: &Word) -> Result<Option<Session>, Error> {
        let base = Self::base(id);
        let header = s.load(&keys::offset(&base, field::HEADER))?;
        if header == [0; 32] {
            return Ok(None);
        }
        // A written session always has a valid tier and kind: anything else is a corrupt store,
        // never "no session" (which would let a second session open over the first).
        let [tier_byte] = get::<1>(&header, 0);
        let [kind_byte] = get::<1>(&header, 8);
        let (Ok(tier), Some(kind)) = (TrustTier::from_u8(tier_byte), Kind::from_u8(kind_byte))
        else {
            return Err(Error::Store);
        };
        let state = s.load(&keys::offset(&base, field::STATE))?;
        let miner = s.load(&keys::offset(&base, field::MINER))?;
        if get::<12>(&miner, 160) != [0; 12] {
            return Err(Error::Store);
        }
        let gpu_id = s.load(&keys::offset(&base, field::GPU_ID))?;
        let [keyed] = get::<1>(&state, 248);
        let key_hash = if flag(keyed)? {
            let h = s.load(&keys::offset(&base, field::KEY_HASH))?;
            if h == [0; 32] {
                return Err(Error::Store);
            }
            h
        } else {
            [0; 32]
        };
        let [active] = get::<1>(&state, 240);
        let mut units = [0u8; 8];
        put_units(&mut units, get::<6>(&state, 192));
        let time = |low_bit: usize| UnixTime(u64::from_be_bytes(get::<8>(&state, low_bit)));
        Ok(Some(Session {
            id: *id,
            owner: get::<20>(&header, 96),
            miner: get::<20>(&miner, 0),
            gpu_id,
            tier,
            kind,
            grade_bps: u16::from_be_bytes(get::<2>(&header, 16)),
            compute_units: u64::from_be_bytes(units),
            key_hash,
            start: UnixTime(u64::from_be_bytes(get::<8>(&header, 32))),
            last_heartbeat: time(0),
            attestation_expiry: time(128),
            heartbeats: u64::from_be_bytes(get::<8>(&state, 64)),
            active: flag(active)?,
        }))
    }

    /// Writes the words of the record that differ from `before` (the record as stored, as last
    /// loaded or written), or every word of a new record when `before` is `None` (a new
    /// session's key-hash word only when it has a key: its slot is fresh).
    ///
    /// # Errors
    /// [`Error::Overflow`] when the compute units do not fit the record, or a store error.
    pub(crate) fn store(
        &self,
        s: &mut (impl Store + ?Sized),
        before: Option<&Session>,
    ) -> Result<(), Error> {
        let new = self.words()?;
        let old = match before {
            Some(b) if b.id == self.id => Some(b.words()?),
            _ => None,
        };
        let base = Self::base(&self.id);
        let fields = [
            (field::HEADER, new.header, old.map(|o| o.header)),
            (field::MINER, new.miner, old.map(|o| o.miner)),
            (field::GPU_ID, new.gpu_id, old.map(|o| o.gpu_id)),
            (
                field::KEY_HASH,
                new.key_hash,
                // A fresh record's key-hash slot is zero already.
                Some(old.map_or([0; 32], |o| o.key_hash)),
            ),
            (field::STATE, new.state, old.map(|o| o.state)),
        ];
        for (offset, word, was) in fields {
            if was != Some(word) {
                s.store(&keys::offset(&base, offset), word)?;
            }
        }
        Ok(())
    }
}

/// The 48-bit compute units into the low six bytes of a `u64`'s big-endian bytes.
fn put_units(units: &mut [u8; 8], packed: [u8; 6]) {
    if let Some(low) = units.get_mut(2..) {
        low.copy_from_slice(&packed);
    }
}
