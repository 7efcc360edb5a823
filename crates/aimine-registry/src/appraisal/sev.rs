//! AMD SEV-SNP reports: verified by aimine-tee under AMD's pinned (and governance's) product
//! roots, the endorsement (VCEK or VLEK) remembered once its chain verified, and governance's
//! TCB floor per product.

use aimine_tee::sev::report::Report;
use aimine_tee::sev::roots::{AmdRoots, ProductRoots};
use aimine_tee::sev::verify::{Endorsement, SevOptions};
use aimine_tee::{AmdProduct, Attestation, Check};
use alloc::vec::Vec;

use super::collateral::vcek_key;
use crate::config::{self, AmdTcbFloor, Param};
use crate::event::EventSink;
use crate::governance::{MAX_AMD_ROOTS, amd_root_key};
use crate::registry::Registry;
use crate::store::{Store, Work, word};
use crate::{Error, blob, keys};

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Verifies an SEV-SNP report: its endorsement (VCEK/VLEK) under the trusted roots of its
    /// product (cached per leaf and root once verified), the report's signature, governance's
    /// TCB floor for the product.
    pub(super) fn verify_sev(
        &mut self,
        report: &[u8],
        certs: &[&[u8]],
        now: u64,
        allow_debug: bool,
        read_only: bool,
    ) -> Result<Attestation, Error> {
        let parsed = Report::parse(report)?;
        let kind = parsed.signing_key()?;
        let hint = parsed
            .cpuid()
            .and_then(|(f, m, _)| aimine_tee::sev::verify::product_of_cpuid(f, m));
        // No certificate carried: the VCEK submitted for this chip and TCB.
        let stored;
        let leaf = match certs.first() {
            Some(leaf) => *leaf,
            None => {
                let turin = hint.is_some_and(AmdProduct::turin_layout);
                let parts = parsed.reported_tcb().parts(turin);
                let key = vcek_key(&parsed.chip_id(), &parts);
                stored = blob::load(self.store, &keys::mapping(keys::VCEK_BY_CHIP, &key))?;
                if stored.is_empty() {
                    return Err(Error::CollateralMissing);
                }
                stored.as_slice()
            }
        };
        let endorsement = Endorsement {
            leaf,
            intermediate: certs.get(1).copied(),
            ark: certs.get(2).copied(),
        };
        // The report's signature check is paid before anything is decoded; the roots are
        // metered pair by pair as they are decoded (only the product the VCEK names, or every
        // product when it names none).
        self.store.meter(Work::SevReport)?;
        let named =
            aimine_tee::sev::cert::AmdCert::from_der(leaf, aimine_tee::error::Role::Endorsement)?
                .product_name()
                .and_then(aimine_tee::sev::verify::product_of_name);
        let roots = self.amd_roots(named.or(hint))?;
        // Every check but the RSA signatures, to learn which root the chain ends in: the cache
        // speaks for this leaf under this root only.
        let probe = aimine_tee::sev::verify::verify_known_endorsement(
            &endorsement,
            kind,
            hint,
            &roots,
            now,
        )?;
        let cache_key = keys::mapping(keys::VCEKS, &probe.cache_key(leaf));
        let key = if word::to_bool(&self.store.load(&cache_key)?) {
            probe
        } else {
            self.store.meter(Work::AmdEndorsement)?;
            let key =
                aimine_tee::sev::verify::verify_endorsement(&endorsement, kind, hint, &roots, now)?;
            if !read_only {
                self.store.store(&cache_key, word::from_bool(true))?;
            }
            key
        };
        let floor_param = match key.product {
            AmdProduct::Milan => Param::AmdMinTcbMilan,
            AmdProduct::Genoa => Param::AmdMinTcbGenoa,
            AmdProduct::Turin => Param::AmdMinTcbTurin,
        };
        let floor = AmdTcbFloor::from_u64(config::load_u64(self.store, floor_param)?);
        if !floor.admits(&parsed.reported_tcb().parts(key.product.turin_layout())) {
            return Err(Error::CpuQuote(Check::TcbPolicy));
        }
        let options = SevOptions {
            allow_debug,
            max_vmpl: 0,
        };
        Ok(aimine_tee::sev::verify::verify_with_key(
            report, &key, &options,
        )?)
    }

    /// AMD's pinned product roots (of `only`, or all) and any governance added for them, each
    /// pair metered ([`Work::AmdRootPair`]) before it is decoded.
    pub(crate) fn amd_roots(&mut self, only: Option<AmdProduct>) -> Result<AmdRoots, Error> {
        let mut products = Vec::new();
        for product in AmdProduct::ALL {
            if only.is_some_and(|o| o != product) {
                continue;
            }
            let (ark, ask) = aimine_tee::sev::roots::pinned_ders(product);
            self.store.meter(Work::AmdRootPair)?;
            products.push(ProductRoots::new(product, ark, ask)?);
        }
        for i in 0..MAX_AMD_ROOTS {
            let base = amd_root_key(i);
            let product = word::to_u64(&self.store.load(&base)?).unwrap_or(0);
            let Some(product) = product
                .checked_sub(1)
                .and_then(|p| AmdProduct::ALL.get(usize::try_from(p).ok()?).copied())
            else {
                continue;
            };
            if only.is_some_and(|o| o != product) {
                continue;
            }
            let ark = blob::load(self.store, &keys::offset(&base, 1))?;
            let ask = blob::load(self.store, &keys::offset(&base, 2))?;
            self.store.meter(Work::AmdRootPair)?;
            products.push(ProductRoots::new(product, &ark, &ask)?);
        }
        Ok(AmdRoots::from_products(products))
    }
}
