//! AMD SEV-SNP reports: verified by one aimine-tee call ([`aimine_tee::sev::verify`]), which asks
//! the registry's state ([`StoredEndorsements`]) for what it keeps — AMD's pinned (and
//! governance's) product roots, the VCEK stored for a chip and TCB, the chains verified before,
//! governance's TCB floor per product — each answer metered as the work it announces.

use aimine_tee::sev::{AmdRoots, EndorsementStore, ProductRoots, SevOptions, StoreError, TcbParts};
use aimine_tee::{AmdProduct, Attestation, UnixTime};
use alloc::vec::Vec;

use super::collateral::vcek_key;
use crate::config::{self, AmdTcbFloor, Param};
use crate::event::EventSink;
use crate::governance::{MAX_AMD_ROOTS, amd_root_key};
use crate::registry::Registry;
use crate::store::{Store, Work, word};
use crate::{Error, blob, keys};

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Verifies an SEV-SNP report: its endorsement (VCEK/VLEK, carried or the one stored for
    /// its chip and TCB) under the trusted roots of its product (cached per leaf and root once
    /// verified), governance's TCB floor for the product, the report's signature — one call to
    /// aimine-tee, which asks the state ([`StoredEndorsements`]) for what it keeps.
    pub(super) fn verify_sev(
        &mut self,
        report: &[u8],
        certs: &[&[u8]],
        now: UnixTime,
        allow_debug: bool,
        read_only: bool,
    ) -> Result<Attestation, Error> {
        // The report's signature check is paid before anything is decoded; the roots are
        // metered pair by pair as they are decoded (only the product the VCEK names, or every
        // product when it names none), the chain's RSA check when it was never verified.
        self.store.meter(Work::SevReport)?;
        let options = SevOptions {
            allow_debug,
            max_vmpl: 0,
        };
        let mut store = StoredEndorsements {
            store: &mut *self.store,
            read_only,
        };
        Ok(aimine_tee::sev::verify(
            report, certs, now, &options, &mut store,
        )?)
    }
}

/// What an SEV-SNP verification asks of the registry's state (aimine-tee's
/// [`EndorsementStore`]), each answer metered as the work it announces: the roots of a product,
/// each pair metered ([`Work::AmdRootPair`]) before it is decoded; the VCEK stored for a chip and
/// TCB; the chains verified before (slot 32), the RSA check metered ([`Work::AmdEndorsement`])
/// when the chain is not among them; governance's TCB floor per product. A store that refuses
/// (out of gas) fails the verification ([`Error::Store`]): a failed read is never taken for a
/// known chain. A read-only view reuses verified chains but does not add any (NV_TRUST).
pub(super) struct StoredEndorsements<'s, S: Store + ?Sized> {
    pub(super) store: &'s mut S,
    pub(super) read_only: bool,
}

impl<S: Store + ?Sized> EndorsementStore for StoredEndorsements<'_, S> {
    fn contains(&mut self, key: &[u8; 32]) -> Result<bool, StoreError> {
        let known = self
            .store
            .load(&keys::mapping(keys::VCEKS, key))
            .map_err(|_| StoreError)?;
        if word::to_bool(&known) {
            return Ok(true);
        }
        // Not verified before: the RSA check comes next, so it is metered now.
        self.store
            .meter(Work::AmdEndorsement)
            .map_err(|_| StoreError)?;
        Ok(false)
    }

    fn insert(&mut self, key: [u8; 32]) -> Result<(), StoreError> {
        if self.read_only {
            return Ok(());
        }
        self.store
            .store(&keys::mapping(keys::VCEKS, &key), word::from_bool(true))
            .map_err(|_| StoreError)
    }

    fn roots(&mut self, product: Option<AmdProduct>) -> Result<AmdRoots, aimine_tee::Error> {
        amd_roots(self.store, product)
    }

    fn stored_endorsement(
        &mut self,
        chip_id: &[u8; 64],
        tcb: &TcbParts,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let key = keys::mapping(keys::VCEK_BY_CHIP, &vcek_key(chip_id, tcb));
        let stored = blob::load(self.store, &key).map_err(|_| StoreError)?;
        Ok((!stored.is_empty()).then_some(stored))
    }

    fn admits(&mut self, product: AmdProduct, tcb: &TcbParts) -> Result<bool, StoreError> {
        let floor_param = match product {
            AmdProduct::Milan => Param::AmdMinTcbMilan,
            AmdProduct::Genoa => Param::AmdMinTcbGenoa,
            AmdProduct::Turin => Param::AmdMinTcbTurin,
        };
        // Set only within 40 bits (`Param::validate`): unreadable only in a failed store.
        let floor = config::load_u64(self.store, floor_param).map_err(|_| StoreError)?;
        Ok(AmdTcbFloor::from_u64(floor).admits(tcb))
    }
}

/// AMD's pinned product roots (of `only`, or all) and any governance added for them, each pair
/// metered ([`Work::AmdRootPair`]) before it is decoded.
fn amd_roots(
    store: &mut (impl Store + ?Sized),
    only: Option<AmdProduct>,
) -> Result<AmdRoots, aimine_tee::Error> {
    // The state's refusals (out of gas) are the store's, not a verdict on the roots.
    let refused = |_: Error| aimine_tee::Error::Store;
    let mut products = Vec::new();
    for product in AmdProduct::ALL {
        if only.is_some_and(|o| o != product) {
            continue;
        }
        let (ark, ask) = aimine_tee::sev::pinned_ders(product);
        store.meter(Work::AmdRootPair).map_err(refused)?;
        products.push(ProductRoots::new(product, ark, ask)?);
    }
    for i in 0..MAX_AMD_ROOTS {
        let base = amd_root_key(i);
        let product = word::to_u64(&store.load(&base).map_err(refused)?).unwrap_or(0);
        let Some(product) = product
            .checked_sub(1)
            .and_then(|p| AmdProduct::ALL.get(usize::try_from(p).ok()?).copied())
        else {
            continue;
        };
        if only.is_some_and(|o| o != product) {
            continue;
        }
        let ark = blob::load(store, &keys::offset(&base, 1)).map_err(refused)?;
        let ask = blob::load(store, &keys::offset(&base, 2)).map_err(refused)?;
        store.meter(Work::AmdRootPair).map_err(refused)?;
        products.push(ProductRoots::new(product, &ark, &ask)?);
    }
    Ok(AmdRoots::from_products(products))
}

#[cfg(test)]
mod tests {

    use alloc::collections::BTreeMap;

    use aimine_tee::CpuCheck;

    use super::*;
    use crate::store::Word;

    /// A store that records the work announced, and refuses everything once `fail` is set.
    #[derive(Default)]
    struct Recording {
        words: BTreeMap<Word, Word>,
        work: Vec<Work>,
        fail: bool,
    }

    impl Store for Recording {
        fn load(&mut self, key: &Word) -> Result<Word, Error> {
            if self.fail {
                return Err(Error::Store);
            }
            Ok(self.words.get(key).copied().unwrap_or([0; 32]))
        }

        fn store(&mut self, key: &Word, value: Word) -> Result<(), Error> {
            if self.fail {
                return Err(Error::Store);
            }
            self.words.insert(*key, value);
            Ok(())
        }

        fn meter(&mut self, work: Work) -> Result<(), Error> {
            if self.fail {
                return Err(Error::Store);
            }
            self.work.push(work);
            Ok(())
        }
    }

    #[test]
    fn stored_endorsements_meter_the_rsa_check_on_a_miss_only_and_read_only_adds_nothing() {
        let key = [7; 32];
        let mut state = Recording::default();
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: true,
        };
        // Never verified: the RSA check that follows is announced.
        assert_eq!(view.contains(&key), Ok(false));
        // A read-only view (NV_TRUST) remembers nothing.
        assert_eq!(view.insert(key), Ok(()));
        assert_eq!(view.contains(&key), Ok(false));
        assert_eq!(state.work, [Work::AmdEndorsement, Work::AmdEndorsement]);
        assert!(state.words.is_empty());
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        assert_eq!(view.insert(key), Ok(()));
        // Known: nothing to announce.
        assert_eq!(view.contains(&key), Ok(true));
        assert_eq!(state.work.len(), 2);
        assert_eq!(
            state.words.get(&keys::mapping(keys::VCEKS, &key)),
            Some(&word::from_bool(true))
        );
    }

    #[test]
    fn stored_endorsements_decode_and_meter_only_the_roots_asked_for() {
        let mut state = Recording::default();
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        view.roots(Some(AmdProduct::Genoa)).unwrap();
        assert_eq!(state.work, [Work::AmdRootPair]);
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        view.roots(None).unwrap();
        assert_eq!(state.work, [Work::AmdRootPair; 4]);
    }

    #[test]
    fn stored_endorsements_read_the_vcek_and_floor_of_the_chip_and_product() {
        let tcb = TcbParts {
            fmc: None,
            bootloader: 3,
            tee: 0,
            snp: 8,
            microcode: 115,
        };
        let mut state = Recording::default();
        let chip = [1; 64];
        blob::store(
            &mut state,
            &keys::mapping(keys::VCEK_BY_CHIP, &vcek_key(&chip, &tcb)),
            b"vcek",
        )
        .unwrap();
        let floor = AmdTcbFloor {
            bootloader: 0,
            tee: 0,
            snp: 9,
            microcode: 0,
            fmc: 0,
        };
        state
            .store(&Param::AmdMinTcbGenoa.key(), word::from_u64(floor.to_u64()))
            .unwrap();
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        assert_eq!(
            view.stored_endorsement(&chip, &tcb),
            Ok(Some(b"vcek".to_vec()))
        );
        assert_eq!(view.stored_endorsement(&[2; 64], &tcb), Ok(None));
        // Each product its own floor.
        assert_eq!(view.admits(AmdProduct::Milan, &tcb), Ok(true));
        assert_eq!(view.admits(AmdProduct::Genoa, &tcb), Ok(false));
    }

    #[test]
    fn a_state_that_refuses_fails_every_answer_and_is_never_a_known_chain() {
        let tcb = TcbParts::default();
        let mut state = Recording {
            fail: true,
            ..Recording::default()
        };
        let mut view = StoredEndorsements {
            store: &mut state,
            read_only: false,
        };
        assert_eq!(view.contains(&[7; 32]), Err(StoreError));
        assert_eq!(view.insert([7; 32]), Err(StoreError));
        assert_eq!(
            view.roots(Some(AmdProduct::Milan)).unwrap_err(),
            aimine_tee::Error::Store
        );
        assert_eq!(view.stored_endorsement(&[1; 64], &tcb), Err(StoreError));
        assert_eq!(view.admits(AmdProduct::Milan, &tcb), Err(StoreError));
        // What the verification makes of it: the store's refusal, not a verdict.
        assert_eq!(Error::from(aimine_tee::Error::Store), Error::Store);
        assert_eq!(
            Error::from(aimine_tee::Error::EndorsementMissing),
            Error::CollateralMissing
        );
        assert_eq!(
            Error::from(aimine_tee::Error::TcbBelowFloor),
            Error::CpuQuote(CpuCheck::TcbPolicy)
        );
    }
}
