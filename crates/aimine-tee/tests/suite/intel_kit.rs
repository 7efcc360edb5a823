//! The Intel test kit's quotes verify under its root through dcap-qvl, exactly as real ones do
//! under Intel's: every TCB grade it can produce, the report data it was given, and refusals.
#![cfg(feature = "intel")]

use aimine_tee::intel::collateral::verify_collateral;
use aimine_tee::intel::{IntelOptions, verify_quote};
use aimine_tee::testkit::KIT_TIME;
use aimine_tee::testkit::intel::{IntelKit, KIT_FMSPC, OUT_OF_DATE_TDX_SVN, TdFields};
use aimine_tee::{CpuCheck, Error, Kind, Measurements, TcbStatus, UnixTime};

#[test]
fn kit_quotes_verify_with_the_fields_they_were_given() {
    let kit = IntelKit::new();
    let collateral = kit.collateral();
    let info = verify_collateral(&collateral, kit.root(), KIT_TIME).unwrap();
    assert_eq!(
        (info.fmspc, info.tdx, info.tcb_evaluation),
        (KIT_FMSPC, true, 20)
    );
    let fields = TdFields {
        report_data: [0x33; 64],
        ..TdFields::default()
    };
    let quote = kit.tdx_quote(&fields);
    let a = verify_quote(
        &quote,
        &collateral,
        kit.root(),
        KIT_TIME,
        &IntelOptions::default(),
    )
    .unwrap();
    assert_eq!(
        (a.kind, a.version, a.tcb.status),
        (Kind::Tdx, 4, TcbStatus::UpToDate)
    );
    assert_eq!(a.report_data, [0x33; 64]);
    assert_eq!(a.platform_id, kit.platform_id());
    let Measurements::Tdx { mr_td, .. } = a.measurements else {
        panic!("not TDX")
    };
    assert_eq!(mr_td, [0x7D; 48]);
    assert_eq!(aimine_tee::intel::quote_fmspc(&quote), Some(KIT_FMSPC));
    // Intel's real root does not vouch for it.
    let err = verify_quote(
        &quote,
        &collateral,
        aimine_tee::intel::INTEL_SGX_ROOT_CA,
        KIT_TIME,
        &IntelOptions::default(),
    )
    .unwrap_err();
    assert_ne!(err.check(), CpuCheck::TcbPolicy);
}

#[test]
fn kit_quotes_reach_every_tcb_outcome() {
    let kit = IntelKit::new();
    let collateral = kit.collateral();
    let verify = |fields: &TdFields| {
        verify_quote(
            &kit.tdx_quote(fields),
            &collateral,
            kit.root(),
            KIT_TIME,
            &IntelOptions::default(),
        )
    };
    let old = verify(&TdFields {
        tee_tcb_svn: OUT_OF_DATE_TDX_SVN,
        ..TdFields::default()
    })
    .unwrap();
    assert_eq!(old.tcb.status, TcbStatus::OutOfDate);
    assert_eq!(old.tcb.advisory_ids, ["INTEL-SA-99999"]);
    let none = verify(&TdFields {
        tee_tcb_svn: [1; 16].map(|_| 0),
        ..TdFields::default()
    })
    .unwrap_err();
    assert_eq!(none.check(), CpuCheck::Tcb, "{none}");
    let debug = verify(&TdFields {
        td_attributes: [1, 0, 0, 0x10, 0, 0, 0, 0],
        ..TdFields::default()
    })
    .unwrap_err();
    assert_eq!(debug.check(), CpuCheck::GuestPolicy, "{debug}");
    // Every byte of the signed quote body matters; one sample per 16 bytes here.
    let quote = kit.tdx_quote(&TdFields::default());
    for i in (0..48 + 584).step_by(16) {
        let mut bad = quote.clone();
        bad[i] ^= 1;
        let err = verify_quote(
            &bad,
            &collateral,
            kit.root(),
            KIT_TIME,
            &IntelOptions::default(),
        );
        assert!(err.is_err(), "byte {i}");
    }
    // Before the kit's collateral was issued.
    assert!(matches!(
        verify_quote(
            &quote,
            &collateral,
            kit.root(),
            UnixTime(1_760_000_000),
            &IntelOptions::default()
        ),
        Err(Error::CollateralNotYetValid { .. })
    ));
}
