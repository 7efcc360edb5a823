//! Evidence that later quotes may leave out, supplied by anyone because its vendor signed it:
//! Intel collateral (per FMSPC and TEE type) and AMD VCEKs (per chip and TCB).

use super::sev::StoredEndorsements;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

use crate::event::{Event, EventSink};
use crate::registry::Registry;
use crate::store::{Store, Word, Work, word};
use crate::{Error, blob, keys};
#[cfg(feature = "intel")]
use {
    crate::config::{self, Param},
    aimine_tee::CpuCheck,
};

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Submits Intel collateral (anyone may: Intel signed it). It is verified at the block's
    /// time against the pinned Intel SGX Root CA — chains, CRLs, signatures — and kept if it is
    /// newer (by Intel's TCB evaluation data number, then issue date) than the collateral held
    /// for its FMSPC and TEE type. Quotes of that FMSPC may then carry no collateral, and none may
    /// carry an older one. `encoded` is the nine length-prefixed fields
    /// ([`aimine_envelope::decode_collateral`]).
    ///
    /// Collateral older than [`Param::MinTcbEvaluation`] is refused too. On a chain that does
    /// not accept Intel quotes ([`Param::IntelQuotes`] 0) every submission is refused.
    ///
    /// # Errors
    /// [`Error::Envelope`], [`Error::CpuQuote`] (collateral or chain), [`Error::CollateralSuperseded`],
    /// [`Error::IntelUnavailable`] from a build without Intel support on a chain that accepts
    /// Intel quotes.
    #[cfg(feature = "intel")]
    pub fn submit_intel_collateral(
        &mut self,
        encoded: &[u8],
    ) -> Result<([u8; 6], bool, u32), Error> {
        self.require_intel()?;
        self.store.meter(Work::IntelCollateral)?;
        let c = aimine_envelope::decode_collateral(encoded)?;
        let collateral = c.to_dcap().ok_or(Error::CpuQuote(CpuCheck::Collateral))?;
        let root = self.intel_root_for(|| {
            aimine_tee::intel::pem_chain(&collateral.tcb_info_issuer_chain)
                .and_then(|chain| chain.last().cloned())
        })?;
        let info = aimine_tee::intel::collateral::verify_collateral(
            &collateral,
            &root,
            self.env.timestamp,
        )?;
        let base = collateral_key(&info.fmspc, info.tdx);
        let held = word::to_u64(&self.store.load(&base)?).unwrap_or(0);
        let held_issue = word::to_time(&self.store.load(&keys::offset(&base, 1))?)
            .unwrap_or(aimine_tee::UnixTime::EPOCH);
        let new = (u64::from(info.tcb_evaluation), info.tcb_window.0);
        let floor = config::load_u64(self.store, Param::MinTcbEvaluation)?;
        if new <= (held, held_issue) || new.0 < floor {
            return Err(Error::CollateralSuperseded);
        }
        self.store.store(&base, word::from_u64(new.0))?;
        self.store
            .store(&keys::offset(&base, 1), word::from_time(new.1))?;
        blob::store(self.store, &keys::offset(&base, 2), encoded)?;
        let mut fmspc = [0u8; 32];
        fmspc[..6].copy_from_slice(&info.fmspc);
        self.events.emit(Event::CollateralSubmitted {
            fmspc,
            tdx: info.tdx,
            tcb_evaluation: new.0,
        });
        Ok((info.fmspc, info.tdx, info.tcb_evaluation))
    }

    /// [`Registry::submit_intel_collateral`] in a build without Intel support: refused where the
    /// chain does not accept Intel quotes, [`Error::IntelUnavailable`] (fatal for the node) where
    /// it does.
    ///
    /// # Errors
    /// [`Error::CpuQuote`] or [`Error::IntelUnavailable`].
    #[cfg(not(feature = "intel"))]
    pub fn submit_intel_collateral(
        &mut self,
        _encoded: &[u8],
    ) -> Result<([u8; 6], bool, u32), Error> {
        self.require_intel()?;
        Err(Error::IntelUnavailable)
    }

    /// The newest Intel collateral held for an FMSPC and TEE type: its TCB evaluation data
    /// number (0 when none) and its encoding.
    ///
    /// # Errors
    /// A store error.
    pub fn intel_collateral(
        &mut self,
        fmspc: &[u8; 6],
        tdx: bool,
    ) -> Result<(u64, Vec<u8>), Error> {
        let base = collateral_key(fmspc, tdx);
        let evaluation = word::to_u64(&self.store.load(&base)?).unwrap_or(0);
        Ok((evaluation, blob::load(self.store, &keys::offset(&base, 2))?))
    }

    /// Submits an AMD VCEK (anyone may: AMD signed it). It is verified at the block's time under
    /// the pinned (or governance-added) roots of the product it names and stored for its chip and
    /// TCB, so SEV-SNP envelopes from that chip at that TCB may carry no certificate; its chain
    /// is also remembered as verified. Returns the chip-and-TCB key.
    ///
    /// # Errors
    /// [`Error::CpuQuote`] (chain), store errors.
    pub fn submit_vcek(&mut self, vcek: &[u8]) -> Result<Word, Error> {
        // Its RSA check is paid before it is decoded; its roots pair by pair, as a report's.
        self.store.meter(Work::AmdEndorsement)?;
        let now = self.env.timestamp;
        let mut store = StoredEndorsements {
            store: &mut *self.store,
            read_only: false,
        };
        // Verified, and its chain remembered as verified.
        let key = aimine_tee::sev::verify_vcek(vcek, now, &mut store)?;
        let chip_key = vcek_key(&key.chip_id, &key.tcb);
        blob::store(
            self.store,
            &keys::mapping(keys::VCEK_BY_CHIP, &chip_key),
            vcek,
        )?;
        self.events.emit(Event::VcekSubmitted { chip_key });
        Ok(chip_key)
    }
}

/// Where the newest Intel collateral of an FMSPC and TEE type lives.
pub fn collateral_key(fmspc: &[u8; 6], tdx: bool) -> Word {
    let mut preimage = [0u8; 7];
    preimage[..6].copy_from_slice(fmspc);
    preimage[6] = u8::from(tdx);
    keys::mapping(keys::INTEL_COLLATERAL, &keys::keccak256(&preimage))
}

/// The key of a VCEK: SHA-256 of the chip id (64 bytes; Turin's 8, zero-padded) and the TCB
/// components it was issued for (bootloader, TEE, SNP, microcode, FMC or 0).
pub fn vcek_key(chip_id: &[u8; 64], tcb: &aimine_tee::sev::TcbParts) -> Word {
    let mut h = Sha256::new();
    h.update(chip_id);
    h.update([
        tcb.bootloader,
        tcb.tee,
        tcb.snp,
        tcb.microcode,
        tcb.fmc.unwrap_or(0),
    ]);
    h.finalize().into()
}
