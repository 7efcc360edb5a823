//! Intel TDX and SGX DCAP quotes: verified by aimine-tee (dcap-qvl) against Intel's collateral
//! — carried inline or held on chain for the quote's FMSPC, never older than the newest the
//! chain holds nor than governance's floor — and Intel's pinned root (or governance's test
//! root).

use aimine_tee::{Attestation, UnixTime};
use aimine_tiers::Kind;

use crate::Error;
use crate::event::EventSink;
use crate::registry::Registry;
use crate::store::Store;
#[cfg(feature = "intel")]
use {
    super::collateral::collateral_key,
    crate::config::{self, Param},
    crate::store::{Work, word},
    crate::{blob, keys},
    aimine_tee::CpuCheck,
    alloc::vec::Vec,
};

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Verifies an Intel quote of `kind` (TDX or SGX) at `now`, with its inline collateral or
    /// the collateral held for its FMSPC.
    #[cfg(feature = "intel")]
    pub(super) fn verify_intel(
        &mut self,
        kind: Kind,
        quote: &[u8],
        collateral: Option<&aimine_envelope::IntelCollateral<'_>>,
        now: UnixTime,
        allow_debug: bool,
    ) -> Result<Attestation, Error> {
        // The decoder names only TDX or SGX here; anything else is no Intel quote.
        if !matches!(kind, Kind::Tdx | Kind::Sgx) {
            return Err(Error::CpuQuote(CpuCheck::Format));
        }
        let tdx = kind == Kind::Tdx;
        // dcap-qvl's work (and the collateral's decoding) is paid before any of it runs.
        self.store.meter(Work::IntelQuote)?;
        // Stored collateral for the quote's FMSPC, unless the quote carries its own.
        let stored;
        let c = match collateral {
            Some(c) => *c,
            None => {
                let fmspc = aimine_tee::intel::quote_fmspc(quote)
                    .ok_or(Error::CpuQuote(CpuCheck::Format))?;
                let base = collateral_key(&fmspc, tdx);
                stored = blob::load(self.store, &keys::offset(&base, 2))?;
                if stored.is_empty() {
                    return Err(Error::CollateralMissing);
                }
                aimine_envelope::decode_collateral(&stored)?
            }
        };
        let collateral = c.to_dcap().ok_or(Error::CpuQuote(CpuCheck::Collateral))?;
        // Never older than the newest collateral the chain keeps for this FMSPC: otherwise a
        // platform Intel has since downgraded could present last month's verdict.
        let (fmspc, is_tdx, evaluation) = aimine_tee::intel::collateral_summary(&collateral)?;
        // Nor older than governance's floor, even where the chain keeps nothing newer.
        let newest = word::to_u64(&self.store.load(&collateral_key(&fmspc, is_tdx))?).unwrap_or(0);
        let floor = config::load_u64(self.store, Param::MinTcbEvaluation)?;
        if u64::from(evaluation) < newest.max(floor) {
            return Err(Error::CollateralSuperseded);
        }
        let root = self.intel_root_for(|| {
            aimine_tee::intel::quote_chain(quote).and_then(|chain| chain.last().cloned())
        })?;
        let options = aimine_tee::intel::IntelOptions { allow_debug };
        let att = aimine_tee::intel::verify_quote(quote, &collateral, &root, now, &options)?;
        if (att.kind == Kind::Tdx) != tdx {
            return Err(Error::CpuQuote(CpuCheck::Format));
        }
        Ok(att)
    }

    /// A build without Intel support cannot verify Intel quotes.
    #[cfg(not(feature = "intel"))]
    pub(super) fn verify_intel(
        &mut self,
        _: Kind,
        _: &[u8],
        _: Option<&aimine_envelope::IntelCollateral<'_>>,
        _: UnixTime,
        _: bool,
    ) -> Result<Attestation, Error> {
        Err(Error::IntelUnavailable)
    }

    /// The Intel root to verify against: governance's extra root when the evidence's chain ends
    /// in it, else Intel's pinned SGX Root CA. `chain_root` reads the evidence's last certificate; it runs only when an extra root is set.
    #[cfg(feature = "intel")]
    pub(crate) fn intel_root_for(
        &mut self,
        chain_root: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Result<Vec<u8>, Error> {
        let extra = blob::load(self.store, &keys::slot(keys::INTEL_ROOT))?;
        if !extra.is_empty() && chain_root().as_ref() == Some(&extra) {
            return Ok(extra);
        }
        Ok(aimine_tee::intel::INTEL_SGX_ROOT_CA.to_vec())
    }
}
