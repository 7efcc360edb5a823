//! What SEV-SNP verification asks of its caller: the [`EndorsementStore`] (trusted roots, stored
//! VCEKs, the cache of chains verified before, a TCB floor), and [`FixedRoots`], the store of an
//! off-chain verifier.

use alloc::vec::Vec;

use crate::attestation::AmdProduct;
use crate::error::Error;
use crate::sev::report::TcbParts;
use crate::sev::roots::AmdRoots;

/// An [`EndorsementStore`] could not read or write (a metered store out of gas, a failed
/// database). The verification then fails with [`Error::Store`]: a store that cannot answer is
/// never taken for one that knows the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreError;

impl From<StoreError> for Error {
    fn from(_: StoreError) -> Error {
        Error::Store
    }
}

/// What [`verify`](super::verify) and [`verify_vcek`](super::verify_vcek) ask of their caller, each at most once per call: the
/// trusted roots, once the product is known; a stored endorsement, for a report that carries
/// none; the cache of chains verified before; a TCB floor. Every method takes `&mut self`, so a
/// store backed by metered state (EVM storage) can charge for what it is asked.
///
/// The cache has the shape of aimine-nvtrust's `LinkStore`. Its key is SHA-256 of the leaf's DER
/// and of SHA-256 of what the leaf chained to (the product's ARK key, then the pinned ASK's key,
/// or the whole certificate of an ASK or ASVK the report carries): an entry speaks for one leaf
/// under one root only, so once that root is no longer trusted the leaf is checked (and refused)
/// again. It is asked for before the chain's RSA signatures are checked, and remembered after
/// they verify.
pub trait EndorsementStore {
    /// Whether the chain under this cache key verified before: then its RSA signatures are not
    /// checked again (everything else is). Asked only once the chain's names, validity and
    /// extensions passed, just before its signatures would be checked, so a metered store can
    /// charge for that check when it answers `false`.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot answer: the verification fails with
    /// [`Error::Store`], never skipping the check.
    fn contains(&mut self, key: &[u8; 32]) -> Result<bool, StoreError>;

    /// Remembers a chain whose signatures just verified (a read-only store may ignore it).
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot write; the verification fails with it.
    fn insert(&mut self, key: [u8; 32]) -> Result<(), StoreError>;

    /// The trusted roots of `product`, or of every product when `None` (neither the leaf's
    /// productName nor the report's CPUID names one). Asked once, after the leaf is decoded.
    ///
    /// # Errors
    /// [`Error::Store`] when the store cannot answer, or the error of a root that does not
    /// decode; the verification fails with it.
    fn roots(&mut self, product: Option<AmdProduct>) -> Result<AmdRoots, Error>;

    /// The endorsement (VCEK DER) kept for this chip and reported TCB, asked only for a report
    /// that carries no certificate. `None` when there is none (the default): the verification
    /// fails with [`Error::EndorsementMissing`].
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot answer.
    fn stored_endorsement(
        &mut self,
        chip_id: &[u8; 64],
        tcb: &TcbParts,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let _ = (chip_id, tcb);
        Ok(None)
    }

    /// Whether policy admits a guest of `product` at reported TCB `tcb` (a floor per product).
    /// Asked once the chain verified, before the report's signature is checked; `false` fails
    /// the verification with [`Error::TcbBelowFloor`]. The default admits every TCB.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot answer.
    fn admits(&mut self, product: AmdProduct, tcb: &TcbParts) -> Result<bool, StoreError> {
        let _ = (product, tcb);
        Ok(true)
    }
}

/// Fixed roots and a cache in memory: no stored endorsements, no TCB floor. What an off-chain
/// verifier needs: the first report of a chain checks its signatures, later ones under the same
/// store skip them.
#[derive(Clone, Debug)]
pub struct FixedRoots<'r> {
    roots: &'r AmdRoots,
    known: Vec<[u8; 32]>,
}

impl<'r> FixedRoots<'r> {
    /// Trusts `roots`, with an empty cache.
    pub fn new(roots: &'r AmdRoots) -> FixedRoots<'r> {
        FixedRoots {
            roots,
            known: Vec::new(),
        }
    }
}

impl EndorsementStore for FixedRoots<'_> {
    fn contains(&mut self, key: &[u8; 32]) -> Result<bool, StoreError> {
        Ok(self.known.contains(key))
    }

    fn insert(&mut self, key: [u8; 32]) -> Result<(), StoreError> {
        if !self.known.contains(&key) {
            self.known.push(key);
        }
        Ok(())
    }

    fn roots(&mut self, product: Option<AmdProduct>) -> Result<AmdRoots, Error> {
        Ok(self.roots.only(product))
    }
}
