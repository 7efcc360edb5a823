//! Governance-held reference data for quotes: golden measurement sets and per-SKU compute units.
//!
//! A golden set belongs to one driver and VBIOS combination, keyed by
//! `keccak256(driver_version ‖ "|" ‖ vbios_version)` with NVIDIA's version texts
//! ("550.90.07", "96.00.9F.00.01"). It lists (RIM index, SHA-384 digest) entries; an index listed
//! more than once allows each of its digests (a RIM's alternatives). Operators derive sets from
//! NVIDIA's signed RIMs off chain (`aimine rim golden`) and governance registers them. A quote
//! must then match every listed index (index 35 is skipped while NVDEC0 is disabled, as NVIDIA
//! does; the rule is aimine-nvtrust's `MeasurementCheck`); a quote with no set is accepted unless [`crate::Param::RequireGoldenMeasurements`] is 1.
//!
//! Compute units default per architecture; governance may override them for a chip and project
//! SKU, keyed by `keccak256(chip_sku ‖ "|" ‖ project_sku)`.

use aimine_nvtrust::Evidence;
use aimine_nvtrust::MeasurementCheck;
use sha3::{Digest, Keccak256};

use crate::Error;
use crate::config::{self, Param};
use crate::env::Address;
use crate::event::{Event, EventSink};
use crate::keys;
use crate::registry::Registry;
use crate::store::{Store, Word, word};

/// The most entries a golden set may have.
pub const MAX_ENTRIES: usize = 256;

/// `keccak256(a ‖ "|" ‖ b)`.
fn pair_key(a: &str, b: &str) -> Word {
    let mut h = Keccak256::new();
    h.update(a.as_bytes());
    h.update(b"|");
    h.update(b.as_bytes());
    h.finalize().into()
}

/// The key of the golden set for a driver and VBIOS version.
pub fn golden_set_key(driver_version: &str, vbios_version: &str) -> Word {
    pair_key(driver_version, vbios_version)
}

/// The key of a compute-unit override for a chip and project SKU.
pub fn sku_key(chip_sku: &str, project_sku: &str) -> Word {
    pair_key(chip_sku, project_sku)
}

/// One golden entry as two words: index ‖ first 31 digest bytes, then the last 17 bytes.
fn entry_words(index: u8, digest: &[u8; 48]) -> (Word, Word) {
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    let (first, rest) = digest.split_at(31);
    a[0] = index;
    a[1..].copy_from_slice(first);
    b[..17].copy_from_slice(rest);
    (a, b)
}

fn entry_from_words(a: &Word, b: &Word) -> (u8, [u8; 48]) {
    let mut digest = [0u8; 48];
    digest[..31].copy_from_slice(&a[1..]);
    digest[31..].copy_from_slice(&b[..17]);
    (a[0], digest)
}

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Replaces the golden set of a driver and VBIOS (admin only); an empty list removes it.
    ///
    /// # Errors
    /// [`Error::NotAdmin`], [`Error::BadParam`] for more than [`MAX_ENTRIES`] entries.
    pub fn set_golden_set(
        &mut self,
        caller: &Address,
        driver_version: &str,
        vbios_version: &str,
        entries: &[(u8, [u8; 48])],
    ) -> Result<(), Error> {
        self.require_admin(caller)?;
        if entries.len() > MAX_ENTRIES {
            return Err(Error::BadParam);
        }
        let set_key = golden_set_key(driver_version, vbios_version);
        let count_key = keys::mapping(keys::GOLDEN, &set_key);
        let data = keys::keccak256(&count_key);
        let old = word::to_u64(&self.state().load(&count_key)?).unwrap_or(0);
        for (i, (index, digest)) in entries.iter().enumerate() {
            let (a, b) = entry_words(*index, digest);
            let at = (i as u64).saturating_mul(2);
            self.state().store(&keys::offset(&data, at), a)?;
            self.state()
                .store(&keys::offset(&data, at.saturating_add(1)), b)?;
        }
        // Clear what the old set had beyond the new one.
        for i in (entries.len() as u64)..old.min(MAX_ENTRIES as u64) {
            let at = i.saturating_mul(2);
            self.state().store(&keys::offset(&data, at), [0; 32])?;
            self.state()
                .store(&keys::offset(&data, at.saturating_add(1)), [0; 32])?;
        }
        self.state()
            .store(&count_key, word::from_u64(entries.len() as u64))?;
        self.emit(Event::GoldenSetChanged {
            set_key,
            entries: entries.len() as u64,
        });
        Ok(())
    }

    /// Checks evidence against the golden set of its driver and VBIOS.
    pub(crate) fn check_golden(&mut self, evidence: &Evidence<'_>) -> Result<(), Error> {
        let opaque = evidence.opaque();
        let driver = opaque.driver_version().unwrap_or_default();
        let version = opaque.vbios_version();
        let mut buf = [0u8; aimine_nvtrust::VBIOS_TEXT_LEN];
        let vbios = version.as_ref().map_or("", |v| v.text(&mut buf));
        let count_key = keys::mapping(keys::GOLDEN, &golden_set_key(driver, vbios));
        let count = word::to_u64(&self.state().load(&count_key)?).unwrap_or(0);
        if count == 0 {
            let required = config::load_u64(self.state(), Param::RequireGoldenMeasurements)? == 1;
            return if required {
                Err(Error::Quote(aimine_nvtrust::Error::NoGoldenSet))
            } else {
                Ok(())
            };
        }
        let data = keys::keccak256(&count_key);
        let mut check = MeasurementCheck::new(evidence);
        for i in 0..count.min(MAX_ENTRIES as u64) {
            let at = i.saturating_mul(2);
            let a = self.state().load(&keys::offset(&data, at))?;
            let b = self
                .state()
                .load(&keys::offset(&data, at.saturating_add(1)))?;
            let (index, digest) = entry_from_words(&a, &b);
            check.allow(index, &digest);
        }
        check.finish().map_err(Error::Quote)
    }

    /// Sets the compute units of GPUs with this chip and project SKU (admin only); 0 removes the
    /// override.
    ///
    /// # Errors
    /// [`Error::NotAdmin`], [`Error::BadParam`] above [`crate::config::MAX_COMPUTE_UNITS`].
    pub fn set_compute_units(
        &mut self,
        caller: &Address,
        chip_sku: &str,
        project_sku: &str,
        compute_units: u64,
    ) -> Result<(), Error> {
        self.require_admin(caller)?;
        if compute_units > crate::config::MAX_COMPUTE_UNITS {
            return Err(Error::BadParam);
        }
        let key = sku_key(chip_sku, project_sku);
        self.state().store(
            &keys::mapping(keys::COMPUTE_UNITS, &key),
            word::from_u64(compute_units),
        )?;
        self.emit(Event::ComputeUnitsChanged {
            sku_key: key,
            compute_units,
        });
        Ok(())
    }

    /// The compute units of a GPU: its SKU's override, else `default`.
    pub(crate) fn compute_units_for(
        &mut self,
        evidence: &Evidence<'_>,
        default: u64,
    ) -> Result<u64, Error> {
        let o = evidence.opaque();
        let key = sku_key(
            o.chip_sku().unwrap_or_default(),
            o.project_sku().unwrap_or_default(),
        );
        let units = word::to_u64(
            &self
                .state()
                .load(&keys::mapping(keys::COMPUTE_UNITS, &key))?,
        )
        .unwrap_or(0);
        Ok(if units == 0 { default } else { units })
    }
}
