//! The state a registry runs over: 32-byte words under 32-byte keys, as EVM storage is.

use crate::Error;

/// A 32-byte storage word (and key).
pub type Word = [u8; 32];

/// The zero word, which every unset key reads as.
pub const ZERO: Word = [0; 32];

/// Key-value state. Reads of unset keys return [`ZERO`]; writing [`ZERO`] clears a key.
///
/// Both operations are fallible so that a metered implementation (an EVM precompile charging
/// SLOAD/SSTORE gas) can stop the call deterministically when it runs out.
pub trait Store {
    /// The word under `key`.
    ///
    /// # Errors
    /// [`Error::Store`] when the backing store refuses (e.g. out of gas).
    fn load(&mut self, key: &Word) -> Result<Word, Error>;

    /// Sets the word under `key`.
    ///
    /// # Errors
    /// [`Error::Store`] when the backing store refuses (e.g. out of gas, static context).
    fn store(&mut self, key: &Word, value: Word) -> Result<(), Error>;

    /// Announces expensive work the registry is about to do, before doing it, so a metered
    /// store can charge for it (and refuse, stopping the call before the work). Free by default.
    ///
    /// # Errors
    /// [`Error::Store`] when the work may not be done (e.g. out of gas).
    fn meter(&mut self, work: Work) -> Result<(), Error> {
        let _ = work;
        Ok(())
    }
}

/// Expensive work announced through [`Store::meter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// One ECDSA P-384 signature check of a certificate link not verified before, under a key
    /// seen for the first time (a device's identity key, a test root): the generic check. A
    /// quote's evidence signature is part of the call's own price and is not announced.
    CertificateSignature,
    /// One ECDSA P-384 signature check of a certificate link not verified before, under one of
    /// NVIDIA's built-in provisioning CAs, whose precomputed table makes it faster.
    BuiltInCertificateSignature,
    /// One ML-DSA verification with a session key of this many bytes.
    MlDsaVerify {
        /// The public key's length (1312, 1952 or 2592).
        key_len: usize,
    },
    /// One Intel DCAP quote verification (dcap-qvl: collateral signatures, PCK chain and CRLs,
    /// QE report, quote signature, TCB matching).
    IntelQuote,
    /// One AMD endorsement-key check not cached before: the VCEK's RSASSA-PSS signature.
    AmdEndorsement,
    /// One SEV-SNP report signature (ECDSA P-384).
    SevReport,
    /// The decoding of one AMD product's root pair (ARK and ASK, two RSA-4096 certificates),
    /// announced before each pair is decoded.
    AmdRootPair,
    /// One GPU's evidence in a composite quote beyond the first: its parse, SHA-384 and ECDSA
    /// P-384 evidence signature (the first GPU's is part of the call's own price, as a plain GPU
    /// quote's is).
    GpuEvidence,
    /// One Intel collateral verification on submission (its chains, CRLs and signatures).
    IntelCollateral,
}

/// An in-memory [`Store`] for tests and off-chain simulation (feature `memory`).
#[cfg(feature = "memory")]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryStore {
    words: alloc::collections::BTreeMap<Word, Word>,
}

#[cfg(feature = "memory")]
impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// How many keys hold a non-zero word.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether every key reads as zero.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Every non-zero word in key order (e.g. to write a genesis state into a chain's database).
    pub fn iter(&self) -> impl Iterator<Item = (&Word, &Word)> {
        self.words.iter()
    }
}

#[cfg(feature = "memory")]
impl Store for MemoryStore {
    fn load(&mut self, key: &Word) -> Result<Word, Error> {
        Ok(self.words.get(key).copied().unwrap_or(ZERO))
    }

    fn store(&mut self, key: &Word, value: Word) -> Result<(), Error> {
        if value == ZERO {
            self.words.remove(key);
        } else {
            self.words.insert(*key, value);
        }
        Ok(())
    }
}

/// Words to and from the values the registry keeps, right-aligned big-endian like Solidity's.
pub mod word {
    use super::Word;
    use aimine_time::UnixTime;

    /// A `u64` as a word.
    pub fn from_u64(v: u64) -> Word {
        from_u128(u128::from(v))
    }

    /// A time as a word: its Unix seconds, as a `uint64` (the one place the registry turns its
    /// [`UnixTime`]s into storage words).
    pub fn from_time(t: UnixTime) -> Word {
        from_u64(t.as_secs())
    }

    /// A word as a time (Unix seconds), or `None` if it does not fit a `uint64`.
    pub fn to_time(w: &Word) -> Option<UnixTime> {
        to_u64(w).map(UnixTime)
    }

    /// A `u128` as a word.
    pub fn from_u128(v: u128) -> Word {
        let mut w = [0u8; 32];
        w[16..].copy_from_slice(&v.to_be_bytes());
        w
    }

    /// A word as a `u64`, or `None` if it does not fit.
    pub fn to_u64(w: &Word) -> Option<u64> {
        to_u128(w).and_then(|v| u64::try_from(v).ok())
    }

    /// A word as a `u128`, or `None` if it does not fit.
    pub fn to_u128(w: &Word) -> Option<u128> {
        let (high, low) = w.split_at(16);
        if high.iter().any(|b| *b != 0) {
            return None;
        }
        low.try_into().ok().map(u128::from_be_bytes)
    }

    /// An address, left-padded with zeros.
    pub fn from_address(a: &[u8; 20]) -> Word {
        let mut w = [0u8; 32];
        w[12..].copy_from_slice(a);
        w
    }

    /// The low 20 bytes of a word.
    pub fn to_address(w: &Word) -> [u8; 20] {
        let mut a = [0u8; 20];
        a.copy_from_slice(&w[12..]);
        a
    }

    /// A boolean as 0 or 1.
    pub fn from_bool(b: bool) -> Word {
        from_u64(u64::from(b))
    }

    /// Any non-zero word is true.
    pub fn to_bool(w: &Word) -> bool {
        w.iter().any(|b| *b != 0)
    }
}
