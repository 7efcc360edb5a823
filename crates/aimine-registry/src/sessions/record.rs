//! The stored session record: three packed words under `keccak256(session_id ‖ 16)`, four for a
//! session with a key.
//!
//! The record is laid out by what each call reads and writes. Every call that touches a session
//! (heartbeat, end, refresh, execution proofs, the views) reads [`field::HEADER`] (owner, start,
//! tier, kind, grade, compute units, flags), [`field::STATE`] (miner and the heartbeat state) and
//! [`field::GPU_ID`]. A heartbeat rewrites only [`field::STATE`]: one SSTORE to a word that is
//! already non-zero and warm (2,900 gas), never a zero-to-non-zero write. Ending a session
//! rewrites [`field::HEADER`] (its active flag); a refresh rewrites the words it changes. A new
//! session writes three fresh words (four with a key).
//!
//! The bit positions, and the limits their widths set (and why the registry never reaches
//! them), are in [`field`]'s documentation.
//!
//! # Decoding
//!
//! A session exists when its header is non-zero (its tier is never 0). A session without a key
//! never reads or writes [`field::KEY_HASH`]: it is three words. Any word that does not decode (a
//! tier or kind out of range, a set unused bit of the class or flags byte, a keyed flag over a
//! zero hash) is [`Error::Store`]: never a panic, and never "no session". Every bit of the state
//! word is a field: any value decodes.
//!
//! [`Session::load`] and [`Session::store`] are the only code that knows this layout.

use aimine_tiers::{Kind, Multiplier, TrustTier};
use aimine_time::UnixTime;

use crate::Error;
use crate::env::Address;
use crate::keys;
use crate::store::{Store, Word};

pub mod field {
    //! Word offsets of a session record from its base `keccak256(session_id ‖ 16)`: three words,
    //! four for a session with a key.
    //!
    //! Fields are packed as Solidity packs a struct's members into one slot, from the low-order
    //! end of the word (bit 0 is the least significant bit of the big-endian word, so bits
    //! 248–255 are the word's first byte):
    //!
    //! | word | bits | field |
    //! |---|---|---|
    //! | [`HEADER`] (0) | 0–159 | owner (`address`) |
    //! | | 160–199 | start time (`uint40` Unix seconds) |
    //! | | 200–207 | class byte: trust tier in bits 200–202 (1 to 4), kind in bits 203–205 ([`aimine_tiers::Kind`]: 0 stake, 1 GPU, 2 TDX, 3 SGX, 4 SEV-SNP, 5 composite), bits 206–207 zero |
    //! | | 208–223 | TCB grade in basis points (`uint16`; 10,000 is full, 0 reads as full) |
    //! | | 224–247 | compute units (`uint24`) |
    //! | | 248–255 | flags byte: active in bit 248, keyed in bit 249 (whether [`KEY_HASH`] holds a key hash), bits 250–255 zero |
    //! | [`STATE`] (1) | 0–159 | miner (`address`) |
    //! | | 160–191 | time paid up to (the last heartbeat), in seconds after the start (`uint32`) |
    //! | | 192–223 | heartbeats so far (`uint32`) |
    //! | | 224–255 | attestation expiry, in seconds after the start (`uint32`) |
    //! | [`GPU_ID`] (2) | 0–255 | the session's own device id (`bytes32`) |
    //! | [`KEY_HASH`] (3) | 0–255 | SHA-256 of the session key; written and read only when the keyed flag is set, zero otherwise |
    //!
    //! The class byte is `tier | kind << 3`; the flags byte is `active | keyed << 1`.
    //!
    //! # Limits
    //!
    //! Times are stored as a 40-bit start and 32-bit offsets from it; heartbeats and compute
    //! units are narrower than the [`crate::Session`] fields that hold them. A value that does
    //! not fit is [`crate::Error::Overflow`] from the encoding, before any word is written (the
    //! call fails and the state is unchanged): never truncated, never wrapped. None is reachable
    //! under the registry's own rules:
    //! - **start** < 2^40 seconds (the year 36812): it is a block timestamp.
    //! - **last heartbeat − start** and **attestation expiry − start** < 2^32 seconds (136
    //!   years). Neither is ever before the start: a session opens with `last_heartbeat = start`
    //!   and `attestation_expiry = start + ttl`; a settlement moves `last_heartbeat` to
    //!   `max(min(now, expiry), last_heartbeat)`, never back; a refresh keeps both and sets the
    //!   expiry to `now + ttl` at a later block. The expiry is at most
    //!   [`crate::MAX_ATTESTATION_TTL`] (30 days) past the last refresh and `last_heartbeat` never
    //!   passes the expiry, so only a session refreshed for over a century reaches the bound. A
    //!   block time before a session's start (which a chain's timestamps never are) could put a
    //!   refreshed expiry before the start: that is [`crate::Error::Overflow`] too.
    //! - **heartbeats** < 2^32: each is a transaction of the owner's, at least 21,000 gas, so
    //!   reaching it takes over 9 × 10^13 gas.
    //! - **compute units** < 2^24 (16,777,216): a device counts at most
    //!   [`crate::MAX_COMPUTE_UNITS`] (1,000,000: every units parameter and per-SKU override above
    //!   it is refused), and a composite session counts the sum of its GPUs' units (its CPU adds
    //!   none), at most [`crate::MAX_BOUND_GPUS`] (8) of them: at most 8,000,000.

    /// Packed: owner (bits 0–159), start time (160–199), class byte (200–207: tier in its low
    /// three bits, kind in the next three), TCB grade in basis points (208–223), compute units
    /// (224–247), flags byte (248–255: active in bit 248, keyed in bit 249). A session exists
    /// when it is non-zero. Rewritten when a session ends (active flag) or is refreshed.
    pub const HEADER: u64 = 0;
    /// Packed, everything a heartbeat rewrites, and the miner it pays: miner (bits 0–159), time
    /// paid up to in seconds after the start (160–191), heartbeats (192–223), attestation
    /// expiry in seconds after the start (224–255).
    pub const STATE: u64 = 1;
    /// The session's own device: a GPU id, a CPU platform id, or a staker's Public-tier id.
    pub const GPU_ID: u64 = 2;
    /// SHA-256 of the session key; meaningful (and read) only when the keyed flag of
    /// [`HEADER`] is set.
    pub const KEY_HASH: u64 = 3;
}

/// The class byte's tier bits (its low three).
const CLASS_TIER_MASK: u8 = 0b0000_0111;
/// Where the kind starts in the class byte.
const CLASS_KIND_SHIFT: u32 = 3;
/// The class byte's kind bits, once shifted down.
const CLASS_KIND_MASK: u8 = 0b0000_0111;
/// The flags byte's active bit.
const FLAG_ACTIVE: u8 = 0b01;
/// The flags byte's keyed bit.
const FLAG_KEYED: u8 = 0b10;

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
    /// Compute units (stored in 24 bits: see [`field`]'s limits).
    pub compute_units: u64,
    /// SHA-256 of the session key, or zero.
    pub key_hash: Word,
    /// Start time (stored in 40 bits).
    pub start: UnixTime,
    /// Time paid up to (stored as 32-bit seconds after the start).
    pub last_heartbeat: UnixTime,
    /// Attestation expiry (stored as 32-bit seconds after the start).
    pub attestation_expiry: UnixTime,
    /// Heartbeats so far (stored in 32 bits).
    pub heartbeats: u64,
    /// Whether it is active.
    pub active: bool,
}

/// The packed words of a record (see [`field`]).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Words {
    header: Word,
    state: Word,
    gpu_id: Word,
    key_hash: Word,
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

/// The low `N` bytes of `v`'s big-endian encoding, if `v` fits them; `None` otherwise.
fn low_bytes<const N: usize>(v: u64) -> Option<[u8; N]> {
    let all = v.to_be_bytes();
    let (high, low) = all.split_at(8usize.checked_sub(N)?);
    if high.iter().any(|b| *b != 0) {
        return None;
    }
    low.try_into().ok()
}

/// The `u64` whose big-endian encoding ends with the `N` (at most 8) bytes `bytes`.
fn from_low_bytes<const N: usize>(bytes: [u8; N]) -> u64 {
    let mut all = [0u8; 8];
    if let Some(low) = all.get_mut(8usize.saturating_sub(N)..)
        && low.len() == N
    {
        low.copy_from_slice(&bytes);
    }
    u64::from_be_bytes(all)
}

/// `t` as seconds after `start`, if it is not before it and fits 32 bits.
fn offset_from(start: u64, t: UnixTime) -> Result<[u8; 4], Error> {
    let d = t.as_secs().checked_sub(start).ok_or(Error::Overflow)?;
    Ok(u32::try_from(d).map_err(|_| Error::Overflow)?.to_be_bytes())
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
    /// [`Error::Overflow`] when a value does not fit its field (see [`field`]'s limits): a start
    /// at or past 2^40, a last heartbeat or expiry before the start or 2^32 seconds or more
    /// after it, 2^32 heartbeats or more, 2^24 compute units or more.
    fn words(&self) -> Result<Words, Error> {
        let start_secs = self.start.as_secs();
        let start = low_bytes::<5>(start_secs).ok_or(Error::Overflow)?;
        let units = low_bytes::<3>(self.compute_units).ok_or(Error::Overflow)?;
        let heartbeats = u32::try_from(self.heartbeats).map_err(|_| Error::Overflow)?;
        let last = offset_from(start_secs, self.last_heartbeat)?;
        let expiry = offset_from(start_secs, self.attestation_expiry)?;

        // Tier 1–4 and kind 0–5 fit three bits each; a wider number added later is refused
        // here, never truncated.
        let (tier, kind) = (self.tier.as_u8(), self.kind.as_u8());
        if tier > CLASS_TIER_MASK || kind > CLASS_KIND_MASK {
            return Err(Error::Overflow);
        }
        let class = tier | kind.wrapping_shl(CLASS_KIND_SHIFT);
        let mut flags = 0u8;
        if self.active {
            flags |= FLAG_ACTIVE;
        }
        if self.has_key() {
            flags |= FLAG_KEYED;
        }

        let mut header = [0u8; 32];
        put(&mut header, 0, &self.owner);
        put(&mut header, 160, &start);
        put(&mut header, 200, &[class]);
        put(&mut header, 208, &self.grade_bps.to_be_bytes());
        put(&mut header, 224, &units);
        put(&mut header, 248, &[flags]);
        let mut state = [0u8; 32];
        put(&mut state, 0, &self.miner);
        put(&mut state, 160, &last);
        put(&mut state, 192, &heartbeats.to_be_bytes());
        put(&mut state, 224, &expiry);
        Ok(Words {
            header,
            state,
            gpu_id: self.gpu_id,
            key_hash: self.key_hash,
        })
    }

    /// Reads a session; `None` when no session has this id. Reads three words, four for a
    /// session with a key.
    ///
    /// # Errors
    /// [`Error::Store`] when the store fails or holds a record that does not decode.
    pub fn load(s: &mut (impl Store + ?Sized), id: &Word) -> Result<Option<Session>, Error> {
        let base = Self::base(id);
        let header = s.load(&keys::offset(&base, field::HEADER))?;
        if header == [0; 32] {
            return Ok(None);
        }
        // A written session always has a valid tier, kind and flags: anything else is a corrupt
        // store, never "no session" (which would let a second session open over the first).
        let [class] = get::<1>(&header, 200);
        let [flags] = get::<1>(&header, 248);
        let tier = TrustTier::from_u8(class & CLASS_TIER_MASK).map_err(|_| Error::Store)?;
        let kind = Kind::from_u8(class.wrapping_shr(CLASS_KIND_SHIFT) & CLASS_KIND_MASK)
            .ok_or(Error::Store)?;
        let class_used = CLASS_TIER_MASK | CLASS_KIND_MASK.wrapping_shl(CLASS_KIND_SHIFT);
        if class & !class_used != 0 || flags & !(FLAG_ACTIVE | FLAG_KEYED) != 0 {
            return Err(Error::Store);
        }
        let state = s.load(&keys::offset(&base, field::STATE))?;
        let gpu_id = s.load(&keys::offset(&base, field::GPU_ID))?;
        let key_hash = if flags & FLAG_KEYED != 0 {
            let h = s.load(&keys::offset(&base, field::KEY_HASH))?;
            if h == [0; 32] {
                return Err(Error::Store);
            }
            h
        } else {
            [0; 32]
        };
        let start = from_low_bytes(get::<5>(&header, 160));
        // Below 2^40 + 2^32: never overflows.
        let after_start = |low_bit: usize| {
            start
                .checked_add(u64::from(u32::from_be_bytes(get::<4>(&state, low_bit))))
                .map(UnixTime)
                .ok_or(Error::Store)
        };
        Ok(Some(Session {
            id: *id,
            owner: get::<20>(&header, 0),
            miner: get::<20>(&state, 0),
            gpu_id,
            tier,
            kind,
            grade_bps: u16::from_be_bytes(get::<2>(&header, 208)),
            compute_units: from_low_bytes(get::<3>(&header, 224)),
            key_hash,
            start: UnixTime(start),
            last_heartbeat: after_start(160)?,
            attestation_expiry: after_start(224)?,
            heartbeats: u64::from(u32::from_be_bytes(get::<4>(&state, 192))),
            active: flags & FLAG_ACTIVE != 0,
        }))
    }

    /// Writes the words of the record that differ from `before` (the record as stored, as last
    /// loaded or written), or every word of a new record when `before` is `None` (a new
    /// session's key-hash word only when it has a key: its slot is fresh).
    ///
    /// Every word is encoded before the first is written: a value that does not fit writes
    /// nothing.
    ///
    /// # Errors
    /// [`Error::Overflow`] when a value does not fit the record (see [`Session::words`]), or a
    /// store error.
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
            (field::STATE, new.state, old.map(|o| o.state)),
            (field::GPU_ID, new.gpu_id, old.map(|o| o.gpu_id)),
            (
                field::KEY_HASH,
                new.key_hash,
                // A fresh record's key-hash slot is zero already.
                Some(old.map_or([0; 32], |o| o.key_hash)),
            ),
        ];
        for (offset, word, was) in fields {
            if was != Some(word) {
                s.store(&keys::offset(&base, offset), word)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)] // tests: fixed, small values
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;

    /// A store that keeps every word and counts writes.
    #[derive(Default)]
    struct Recorder {
        words: BTreeMap<Word, Word>,
        writes: usize,
    }

    impl Store for Recorder {
        fn load(&mut self, key: &Word) -> Result<Word, Error> {
            Ok(self.words.get(key).copied().unwrap_or([0; 32]))
        }
        fn store(&mut self, key: &Word, value: Word) -> Result<(), Error> {
            self.writes += 1;
            self.words.insert(*key, value);
            Ok(())
        }
    }

    const START: u64 = (1 << 40) - 1;
    const MAX_OFFSET: u64 = u32::MAX as u64;

    /// A keyed session with every packed value at its largest.
    fn at_the_bounds() -> Session {
        Session {
            id: [7; 32],
            owner: [0xFF; 20],
            miner: [0xEE; 20],
            gpu_id: [0xDD; 32],
            tier: TrustTier::Sovereign,
            kind: Kind::Composite,
            grade_bps: u16::MAX,
            compute_units: (1 << 24) - 1,
            key_hash: [0xCC; 32],
            start: UnixTime(START),
            last_heartbeat: UnixTime(START + MAX_OFFSET),
            attestation_expiry: UnixTime(START + MAX_OFFSET),
            heartbeats: MAX_OFFSET,
            active: true,
        }
    }

    fn word_at(st: &mut Recorder, id: &Word, offset: u64) -> Word {
        st.load(&keys::offset(&Session::base(id), offset)).unwrap()
    }

    #[test]
    fn every_field_at_its_bound_round_trips() {
        let s = at_the_bounds();
        let mut st = Recorder::default();
        s.store(&mut st, None).unwrap();
        assert_eq!(st.writes, 4, "header, state, device, key hash");
        assert_eq!(Session::load(&mut st, &s.id), Ok(Some(s)));
        let mut header = [0xFF; 32];
        header[0] = 0b11; // active, keyed
        header[6] = 4 | 5 << 3; // Sovereign, composite
        assert_eq!(word_at(&mut st, &s.id, field::HEADER), header);
        let mut state = [0xFF; 32];
        state[12..].copy_from_slice(&[0xEE; 20]);
        assert_eq!(word_at(&mut st, &s.id, field::STATE), state);
        assert_eq!(word_at(&mut st, &s.id, field::GPU_ID), [0xDD; 32]);
        assert_eq!(word_at(&mut st, &s.id, field::KEY_HASH), [0xCC; 32]);

        // The smallest values: a session at time 0 with nothing counted (tier 1, kind 0).
        let zero = Session {
            owner: [0; 20],
            miner: [0; 20],
            tier: TrustTier::Public,
            kind: Kind::Stake,
            grade_bps: 0,
            compute_units: 0,
            key_hash: [0; 32],
            start: UnixTime(0),
            last_heartbeat: UnixTime(0),
            attestation_expiry: UnixTime(0),
            heartbeats: 0,
            active: false,
            ..s
        };
        let mut st = Recorder::default();
        zero.store(&mut st, None).unwrap();
        assert_eq!(st.writes, 3, "no key hash word");
        assert_eq!(Session::load(&mut st, &zero.id), Ok(Some(zero)));
    }

    /// The bounded session with one field one past its bound.
    fn one_past() -> [(Session, &'static str); 7] {
        let s = at_the_bounds();
        [
            (
                Session {
                    start: UnixTime(START + 1),
                    ..s
                },
                "start 2^40 (offsets 2^32 - 2)",
            ),
            (
                Session {
                    last_heartbeat: UnixTime(START + MAX_OFFSET + 1),
                    ..s
                },
                "last heartbeat 2^32 after the start",
            ),
            (
                Session {
                    attestation_expiry: UnixTime(START + MAX_OFFSET + 1),
                    ..s
                },
                "expiry 2^32 after the start",
            ),
            (
                Session {
                    last_heartbeat: UnixTime(START - 1),
                    ..s
                },
                "last heartbeat before the start",
            ),
            (
                Session {
                    attestation_expiry: UnixTime(START - 1),
                    ..s
                },
                "expiry before the start",
            ),
            (
                Session {
                    heartbeats: MAX_OFFSET + 1,
                    ..s
                },
                "2^32 heartbeats",
            ),
            (
                Session {
                    compute_units: 1 << 24,
                    ..s
                },
                "2^24 compute units",
            ),
        ]
    }

    #[test]
    fn one_past_any_bound_is_an_overflow_and_writes_nothing() {
        for (past, what) in one_past() {
            // A new record: not one word written.
            let mut st = Recorder::default();
            assert_eq!(past.store(&mut st, None), Err(Error::Overflow), "{what}");
            assert_eq!(st.writes, 0, "{what}");

            // An update of a stored record (a heartbeat, a refresh): nothing rewritten either.
            let mut st = Recorder::default();
            let before = at_the_bounds();
            before.store(&mut st, None).unwrap();
            let stored = st.words.clone();
            assert_eq!(
                past.store(&mut st, Some(&before)),
                Err(Error::Overflow),
                "{what}"
            );
            assert_eq!((st.writes, &st.words), (4, &stored), "{what}");
            assert_eq!(Session::load(&mut st, &before.id), Ok(Some(before)));
        }
    }

    #[test]
    fn a_heartbeat_rewrites_the_state_word_alone_and_an_end_the_header_alone() {
        let s = Session {
            last_heartbeat: UnixTime(START),
            heartbeats: 0,
            ..at_the_bounds()
        };
        let mut st = Recorder::default();
        s.store(&mut st, None).unwrap();
        let beat = Session {
            last_heartbeat: UnixTime(START + 60),
            heartbeats: 1,
            ..s
        };
        let header = word_at(&mut st, &s.id, field::HEADER);
        beat.store(&mut st, Some(&s)).unwrap();
        assert_eq!(st.writes, 5, "one word");
        assert_eq!(word_at(&mut st, &s.id, field::HEADER), header);
        assert_eq!(Session::load(&mut st, &s.id), Ok(Some(beat)));
        let state = word_at(&mut st, &s.id, field::STATE);
        let ended = Session {
            active: false,
            ..beat
        };
        ended.store(&mut st, Some(&beat)).unwrap();
        assert_eq!(st.writes, 6, "one word");
        assert_eq!(word_at(&mut st, &s.id, field::STATE), state);
        assert_eq!(
            word_at(&mut st, &s.id, field::HEADER)[0],
            0b10,
            "keyed, inactive"
        );
        assert_eq!(Session::load(&mut st, &s.id), Ok(Some(ended)));
    }
}
