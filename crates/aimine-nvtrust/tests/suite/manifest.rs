//! Every NVIDIA vector set yields exactly what `../shared/vectors/nvidia/MANIFEST.md` says it must.
use aimine_nvtrust::Nvdec0Status;
use aimine_nvtrust::{Architecture, Error, FeatureFlag, VerifiedGpu, verify_evidence};
use aimine_vectors::nonce;
use aimine_vectors::nvidia::{
    BLACKWELL_575, CAPTURED_AT as AT, Device, HOPPER_535, HOPPER_550, HOPPER_570, HOPPER_580,
    HOPPER_INVALID_SIGNATURE, LS10, LS10_INVALID_SIGNATURE, NONCE_931D, NONCE_E97B, device,
    devices, sdk_json,
};

fn verify(d: &Device) -> Result<VerifiedGpu<'_>, Error> {
    verify_evidence(&d.evidence, &d.chain_refs(), &d.nonce, AT)
}

#[test]
fn hopper_550_is_valid_with_fwid_bound_to_the_leaf() {
    let Some(d) = device(&HOPPER_550) else {
        return;
    };
    assert_eq!(d.evidence.len(), 4117);
    let gpu = verify(&d).expect("valid");
    assert_eq!(gpu.architecture(), Architecture::Hopper);
    assert_eq!(gpu.driver_version(), Some("550.90.07"));
    assert_eq!(gpu.vbios_version().unwrap().to_string(), "96.00.9F.00.01");
    let o = gpu.evidence().opaque();
    assert_eq!(
        (o.project(), o.project_sku(), o.chip_sku()),
        (Some("1010"), Some("0200"), Some("882"))
    );
    assert!(o.fwid().is_some(), "550 reports an FWID");
    assert_eq!(gpu.evidence().block_count(), 64);
    // The PDI is the BROM certificate's serial without its 0x41 prefix.
    assert_eq!(hex::encode(gpu.pdi()), "431d480fe5e87274");
}

#[test]
fn hopper_580_is_valid_spt_opaque_version_1() {
    let Some(d) = device(&HOPPER_580) else {
        return;
    };
    assert_eq!(d.evidence.len(), 4130);
    let gpu = verify(&d).expect("valid");
    assert_eq!(gpu.architecture(), Architecture::Hopper);
    assert_eq!(gpu.driver_version(), Some("580.159.03"));
    assert_eq!(gpu.vbios_version().unwrap().to_string(), "96.00.74.00.20");
    assert_eq!(gpu.evidence().opaque().opaque_data_version(), 1);
    assert_eq!(gpu.mode(), Some(FeatureFlag::Spt));
}

#[test]
fn hopper_535_is_valid_without_fwid_and_refuses_another_nonce() {
    let Some(d) = device(&HOPPER_535) else {
        return;
    };
    assert_eq!(d.evidence.len(), 4052);
    let gpu = verify(&d).expect("valid");
    assert_eq!(
        gpu.evidence().opaque().fwid(),
        None,
        "old driver: no FWID field"
    );
    assert_eq!(gpu.driver_version(), Some("535.86.09"));
    assert_eq!(gpu.vbios_version().unwrap().to_string(), "96.00.5E.00.01");
    assert_eq!(
        verify_evidence(&d.evidence, &d.chain_refs(), &[0; 32], AT).unwrap_err(),
        Error::NonceMismatch
    );
}

#[test]
fn hopper_570_report_and_chain_are_valid() {
    let Some(d) = device(&HOPPER_570) else {
        return;
    };
    assert_eq!(d.evidence.len(), 4118);
    let gpu = verify(&d).expect("valid");
    assert_eq!(gpu.driver_version(), Some("570.124.03"));
}

#[test]
fn hopper_invalid_signature_is_refused_and_its_fwid_matches_no_leaf() {
    let Some(d) = device(&HOPPER_INVALID_SIGNATURE) else {
        return;
    };
    assert_eq!(d.evidence.len(), 4262);
    assert_eq!(verify(&d).unwrap_err(), Error::BadEvidenceSignature);
    let reported = *aimine_nvtrust::Evidence::parse(&d.evidence)
        .unwrap()
        .opaque()
        .fwid()
        .unwrap();
    let own_leaf = aimine_nvtrust::Certificate::from_der(&d.chain[0]).unwrap();
    assert_ne!(own_leaf.fwid(), Some(&reported), "its own leaf");
    for other in all_devices() {
        let leaf = aimine_nvtrust::Certificate::from_der(&other.chain[0]).unwrap();
        assert_ne!(leaf.fwid(), Some(&reported), "{}", other.name);
    }
}

#[test]
fn blackwell_is_valid_with_fwid_from_dice_tcb_info() {
    let Some(d) = device(&BLACKWELL_575) else {
        return;
    };
    assert_eq!(d.evidence.len(), 4121);
    let gpu = verify(&d).expect("valid");
    assert_eq!(gpu.architecture(), Architecture::Blackwell);
    assert_eq!(gpu.driver_version(), Some("575.32"));
    assert_eq!(gpu.vbios_version().unwrap().to_string(), "97.00.88.00.0F");
    let o = gpu.evidence().opaque();
    assert_eq!(
        (o.project(), o.project_sku(), o.chip_sku()),
        (Some("G525"), Some("0220"), Some("886"))
    );
    let leaf = aimine_nvtrust::Certificate::from_der(&d.chain[0]).unwrap();
    assert_eq!(leaf.fwid(), o.fwid());
    // The MANIFEST names CHIP_INFO = "GB100" here, but this genuine report carries no field 35
    // (its fields are 3, 4, 6, 11-20, 33, 34): the chip name is in the certificates instead.
    assert_eq!(o.chip_info(), None);
    assert!(leaf.subject_common_name().unwrap().starts_with("GB100 "));
}

#[test]
fn ls10_switch_is_valid_with_31_blocks() {
    let Some(d) = device(&LS10) else {
        return;
    };
    assert_eq!(d.evidence.len(), 2168);
    let gpu = verify(&d).expect("valid");
    assert_eq!(gpu.architecture(), Architecture::Ls10);
    assert_eq!(gpu.evidence().block_count(), 31);
    assert_eq!(gpu.driver_version(), None);
    assert_eq!(gpu.vbios_version().unwrap().to_string(), "96.10.55.00.01");
    // The switch reports its own PDI in field 22; the certificate serial carries the same.
    let own: Vec<&[u8]> = gpu.evidence().opaque().switch_pdis().collect();
    assert_eq!(own, [gpu.pdi().as_slice()]);
}

#[test]
fn ls10_switch_invalid_signature_is_refused() {
    let Some(mut d) = device(&LS10_INVALID_SIGNATURE) else {
        return;
    };
    let ev = aimine_nvtrust::Evidence::parse(&d.evidence).unwrap();
    let n = hex::encode(ev.nonce());
    assert!(n.starts_with("ea038ed5") && n.ends_with("b6a997"), "{n}");
    d.nonce = *ev.nonce();
    assert_eq!(verify(&d).unwrap_err(), Error::BadEvidenceSignature);
}

#[test]
fn sdk_evidence_json_hopper_is_valid_in_ppcie_mode() {
    let Some(devices) = sdk_json("evidence-json/hopper_evidence.json") else {
        return;
    };
    assert_eq!(devices.len(), 1);
    let (arch, d) = &devices[0];
    assert_eq!(d.nonce, nonce(NONCE_E97B));
    let gpu = verify(d).expect("valid");
    assert_eq!(Architecture::from_name(arch), Some(gpu.architecture()));
    assert_eq!(gpu.mode(), Some(FeatureFlag::Ppcie));
    assert_eq!(gpu.driver_version(), Some("590.12"));
    assert_eq!(d.evidence.len(), 4274);
}

#[test]
fn sdk_evidence_json_ls10_is_valid() {
    let Some(devices) = sdk_json("evidence-json/switch_evidence_ls10.json") else {
        return;
    };
    for (arch, d) in &devices {
        let gpu = verify(d).expect("valid");
        assert_eq!(gpu.architecture(), Architecture::Ls10);
        assert_eq!(Architecture::from_name(arch), Some(Architecture::Ls10));
        assert_eq!(d.nonce, nonce(NONCE_931D));
    }
}

#[test]
fn gpu_id_is_the_device_certificates_key_hash_and_distinct_per_device() {
    let devices = all_devices();
    let mut ids = std::collections::BTreeMap::new();
    for d in &devices {
        let Ok(gpu) = verify(d) else { continue };
        let device_cert = aimine_nvtrust::Certificate::from_der(&d.chain[1]).unwrap();
        use sha2::Digest;
        let expect: [u8; 32] = sha2::Sha256::digest(device_cert.spki()).into();
        assert_eq!(gpu.gpu_id(), &expect);
        ids.entry(*gpu.gpu_id())
            .or_insert_with(Vec::new)
            .push(d.name.clone());
    }
    // The same chain under two names (e.g. JSON and hex of one switch) may share an id; different
    // device certificates never do.
    for (id, names) in &ids {
        let certs: std::collections::BTreeSet<Vec<u8>> = devices
            .iter()
            .filter(|d| names.contains(&d.name))
            .map(|d| d.chain[1].clone())
            .collect();
        assert_eq!(
            certs.len(),
            1,
            "{} shared by different devices: {names:?}",
            hex::encode(id)
        );
    }
}

#[test]
fn nvdec0_is_reported_disabled_on_every_gpu_vector() {
    for d in all_devices().iter().filter(|d| !d.name.contains("switch")) {
        let ev = aimine_nvtrust::Evidence::parse(&d.evidence).unwrap();
        assert_eq!(
            ev.opaque().nvdec0_status(),
            Some(Nvdec0Status::Disabled),
            "{}",
            d.name
        );
    }
}

/// Every genuine device in the vectors, with the nonce it answers.
pub fn all_devices() -> Vec<Device> {
    let mut out: Vec<Device> = devices(&[
        HOPPER_550,
        HOPPER_580,
        HOPPER_535,
        HOPPER_570,
        BLACKWELL_575,
        LS10,
    ]);
    for file in [
        "evidence-json/hopper_evidence.json",
        "evidence-json/switch_evidence_ls10.json",
    ] {
        if let Some(devs) = sdk_json(file) {
            out.extend(devs.into_iter().map(|(_, d)| d));
        }
    }
    out
}
