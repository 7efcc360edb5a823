//! Skipping chain signatures that were already verified.
//!
//! Two mechanisms, both deterministic and allocation-free:
//! - NVIDIA's shared certificates ([`crate::known`]) are verified once, by this crate's tests: a
//!   link between two of them costs a byte comparison, never an ECDSA verification;
//! - device links (leaf → device identity → provisioning CA) are remembered in a [`LinkCache`] the
//!   caller owns, so a GPU that already attested costs only its evidence signature.
//!
//! A cache entry is the SHA-256 of the child certificate (all of it, signature included) and the
//! parent's public key: it says "this signature verifies under this key", which never stops being
//! true. Validity windows, names and CA flags are still checked on every call.

use heapless::Deque;
use sha2::{Digest, Sha256};

/// Which key signed a link, as far as the cost of checking it goes.
///
/// A link signed by one of NVIDIA's provisioning CAs (the keys that sign device certificates:
/// GH100, GB100 and LS10 provisioner ICAs) is checked with that key's precomputed table, about
/// 2.5 times faster than a link signed by any other key (a device's own identity key, a test
/// root), which is checked generically. A metered store prices the check it announces by this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Issuer {
    /// One of NVIDIA's built-in provisioning CAs, with its precomputed table.
    BuiltIn,
    /// Any other key: verified generically.
    Other,
}

impl Issuer {
    /// Which kind of key `public_key` (an uncompressed SEC1 P-384 point) is: one of NVIDIA's
    /// built-in provisioning CAs, or any other.
    pub fn of(public_key: &[u8]) -> Issuer {
        if crate::known::precomputed_key(public_key).is_some() {
            Issuer::BuiltIn
        } else {
            Issuer::Other
        }
    }
}

/// Where verified links are remembered.
pub trait LinkStore {
    /// Whether this link was verified before. Takes `&mut self` so that a store backed by
    /// metered state (EVM storage) can charge for the read, and, when the answer is no, for the
    /// signature check that follows, whose cost `issuer` tells.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot answer (out of gas, a failed database): the
    /// verification then fails with [`crate::Error::LinkStore`], never skipping the check.
    fn contains(&mut self, link: &[u8; 32], issuer: Issuer) -> Result<bool, StoreError>;
    /// Remembers a link that just verified.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot write; the verification fails with it.
    fn insert(&mut self, link: [u8; 32]) -> Result<(), StoreError>;
}

/// A [`LinkStore`] could not read or write (a metered store out of gas, a failed database).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreError;

/// Remembers nothing: every link is verified every time.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCache;

impl LinkStore for NoCache {
    fn contains(&mut self, _: &[u8; 32], _: Issuer) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn insert(&mut self, _: [u8; 32]) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Up to `N` verified links; when full, the oldest is forgotten first (FIFO, deterministic).
#[derive(Clone, Debug, Default)]
pub struct LinkCache<const N: usize> {
    links: Deque<[u8; 32], N>,
}

impl<const N: usize> LinkCache<N> {
    /// An empty cache.
    pub const fn new() -> LinkCache<N> {
        LinkCache {
            links: Deque::new(),
        }
    }

    /// How many links are remembered.
    pub fn len(&self) -> usize {
        self.links.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }
}

impl<const N: usize> LinkCache<N> {
    fn holds(&self, link: &[u8; 32]) -> bool {
        self.links.iter().any(|l| l == link)
    }
}

impl<const N: usize> LinkStore for LinkCache<N> {
    fn contains(&mut self, link: &[u8; 32], _: Issuer) -> Result<bool, StoreError> {
        Ok(self.holds(link))
    }

    fn insert(&mut self, link: [u8; 32]) -> Result<(), StoreError> {
        if N == 0 || self.holds(&link) {
            return Ok(());
        }
        if self.links.is_full() {
            let _ = self.links.pop_front();
        }
        let _ = self.links.push_back(link);
        Ok(())
    }
}

/// The cache key of "`child_der` is signed by the holder of `parent_key`": SHA-256 over both.
/// Public because it is a storage format: chains keep verified links under this key (the
/// registry's `LINKS` mapping), so the key must not change silently.
pub fn link_key(child_der: &[u8], parent_key: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"aimine/nvtrust/link/v1");
    // Both lengths are fixed by the encodings (a 97-byte key first), so concatenation is unambiguous.
    h.update(parent_key);
    h.update(child_der);
    h.finalize().into()
}
