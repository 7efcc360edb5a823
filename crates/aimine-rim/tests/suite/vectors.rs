//! NVIDIA's own RIMs and evidence (../shared/vectors/nvidia): every file gets the verdict its
//! MANIFEST states.
use aimine_nvtrust::{Evidence, UnixTime};
use aimine_rim::{Error, appraise, golden, verify};

/// 2025-06-11T00:30:58Z: inside every RIM chain's validity.
const AT: UnixTime = aimine_vectors::nvidia::CAPTURED_AT;
/// 2026-11-27: after the hopper-550 RIM chains expired (2026-06-01, 2026-02-22).
const NOW: UnixTime = UnixTime(1_795_737_600);

fn read(path: &str) -> Option<Vec<u8>> {
    aimine_vectors::read(&format!("nvidia/{path}"))
}

fn root() -> Option<Vec<u8>> {
    let pem = read("roots/verifier_RIM_root.pem")?;
    let chain = aimine_nvtrust::decode_pem_chain(std::str::from_utf8(&pem).unwrap()).unwrap();
    Some(chain[0].clone())
}

fn evidence(path: &str) -> Option<Vec<u8>> {
    aimine_vectors::read_hex(&format!("nvidia/{path}"))
}

const H550_DRIVER: &str = "hopper-550.90.07/NV_GPU_DRIVER_GH100_550.90.07.xml";
const H550_VBIOS: &str = "hopper-550.90.07/NV_GPU_VBIOS_1010_0200_882_96009F0001.xml";

#[test]
fn hopper_550_rims_verify_then_expire_and_its_evidence_matches_them() {
    let (Some(root), Some(d), Some(v), Some(ev)) = (
        root(),
        read(H550_DRIVER),
        read(H550_VBIOS),
        evidence("hopper-550.90.07/hopperAttestationReport.txt"),
    ) else {
        return;
    };
    let driver = verify(&d, &root, AT).unwrap();
    let vbios = verify(&v, &root, AT).unwrap();
    assert_eq!(driver.rim.version, "550.90.07");
    assert_eq!(vbios.rim.version, "96.00.9F.00.01");
    assert_eq!(driver.signed_by.chain.len(), 4);
    assert_eq!(vbios.signed_by.chain.len(), 4);
    for xml in [&d, &v] {
        let e = verify(xml, &root, NOW).unwrap_err();
        assert!(e.is_expired(), "{e}");
    }
    let evidence = Evidence::parse(&ev).unwrap();
    let a = appraise(&evidence, Some(&driver.rim), Some(&vbios.rim)).unwrap();
    assert!(a.is_match(), "{a:?}");
    assert!(a.checked.len() > 10, "{a:?}");
    // Swapped roles are refused by version before any comparison.
    assert!(appraise(&evidence, Some(&vbios.rim), Some(&driver.rim)).is_err());

    // The golden set: every alternative of every active index, and the evidence passes it.
    let g = golden(&driver.rim, &vbios.rim).unwrap();
    assert_eq!(g.driver_version, "550.90.07");
    assert_eq!(g.vbios_version, "96.00.9F.00.01");
    let indices: Vec<u8> = g.entries.iter().map(|e| e.0).collect();
    assert_eq!(indices.len(), g.entries.len());
    assert!(a.checked.iter().all(|i| indices.contains(i)));
}

#[test]
fn hopper_535_matches_its_swidtag() {
    let (Some(root), Some(v), Some(ev)) = (
        root(),
        read("hopper-535.86.09/1010_0200_882_96005E0001_PROD.swidtag"),
        evidence("hopper-535.86.09/hopperAttestationReport.txt"),
    ) else {
        return;
    };
    let vbios = verify(&v, &root, AT).unwrap();
    let a = appraise(&Evidence::parse(&ev).unwrap(), None, Some(&vbios.rim)).unwrap();
    assert!(a.is_match(), "{a:?}");
    assert!(!a.checked.is_empty());
}

#[test]
fn ls10_switch_matches_all_31_measurements_of_its_bios_rim() {
    let (Some(root), Some(b), Some(ev)) = (
        root(),
        read("ls10-switch/switchVBIOSRim_NV_SWITCH_BIOS_5612_0002_890_9610550001.xml"),
        evidence("ls10-switch/switchAttestationReport.txt"),
    ) else {
        return;
    };
    // Valid until 2027-11-02: today as well.
    let bios = verify(&b, &root, NOW).unwrap();
    let a = appraise(&Evidence::parse(&ev).unwrap(), None, Some(&bios.rim)).unwrap();
    assert!(a.is_match(), "{a:?}");
    assert_eq!(a.checked.len(), 31);
}

#[test]
fn negative_rims_fail_for_their_stated_reasons() {
    let Some(root) = root() else { return };
    type Expect = fn(&Error) -> bool;
    let cases: [(&str, Expect); 4] = [
        ("rim-negative/incorrect_signature_driver_rim.xml", |e| {
            *e == Error::BadSignature
        }),
        // Its KeyInfo holds a leaf issued by "NVIDIA Reference Value L3 GH100 001 Debug Only"
        // and the "NVIDIA CoRIM L1 Root CA Debug Only": not a path, and not the pinned root.
        ("rim-negative/incorrect_cert_chain_driver_rim.xml", |e| {
            matches!(
                e,
                Error::Chain(aimine_nvtrust::Error::IssuerMismatch { index: 0 })
            )
        }),
        (
            "rim-negative/NV_SWITCH_BIOS_5612_0002_890_9610550001_invalid_signature.xml",
            |e| *e == Error::DigestMismatch,
        ),
        (
            "hopper-570.124.03/NV_GPU_DRIVER_GH100_570.124.03_expired.xml",
            |e| *e == Error::DigestMismatch,
        ),
    ];
    for (path, expected) in cases {
        let Some(xml) = read(path) else { return };
        let e = verify(&xml, &root, AT).unwrap_err();
        assert!(expected(&e), "{path}: {e:?}");
    }
    // Genuinely signed, but index 9 differs from what hopper-535.86.09 measures.
    let (Some(xml), Some(ev)) = (
        read("rim-negative/NV_GPU_VBIOS_1010_0200_882_96005E0001_measurement_mismatch.xml"),
        evidence("hopper-535.86.09/hopperAttestationReport.txt"),
    ) else {
        return;
    };
    let rim = verify(&xml, &root, AT).unwrap();
    let a = appraise(&Evidence::parse(&ev).unwrap(), None, Some(&rim.rim)).unwrap();
    assert_eq!(a.mismatched, vec![9]);
    assert!(a.missing.is_empty());
}

#[test]
fn any_change_to_a_signed_attribute_value_fails_and_whitespace_outside_does_not() {
    let (Some(root), Some(d)) = (root(), read(H550_DRIVER)) else {
        return;
    };
    let text = String::from_utf8(d.clone()).unwrap();
    let signature_at = text.find("<ds:Signature").unwrap();
    // Every attribute value before the signature: change one character of it.
    let mut changed = 0;
    let mut at = 0;
    while let Some(eq) = text[at..signature_at].find("=\"") {
        let start = at + eq + 2;
        let end = start + text[start..].find('"').unwrap();
        at = end + 1;
        if start == end {
            continue;
        }
        let mut copy = text.clone().into_bytes();
        copy[start] = if copy[start] == b'0' { b'1' } else { b'0' };
        let e = verify(&copy, &root, AT).unwrap_err();
        assert!(
            matches!(
                e,
                Error::DigestMismatch | Error::Structure(_) | Error::Xml(_)
            ),
            "value at {start}: {e:?}"
        );
        changed += 1;
    }
    assert!(changed > 300, "{changed}");
    // Every attribute value inside SignedInfo (the algorithms, the reference URI).
    let info_start = text.find("<ds:SignedInfo>").unwrap();
    let info_end = text.find("</ds:SignedInfo>").unwrap();
    let mut at = info_start;
    let mut in_info = 0;
    while let Some(eq) = text[at..info_end].find("=\"") {
        let start = at + eq + 2;
        let end = start + text[start..].find('"').unwrap();
        at = end + 1;
        let mut copy = text.clone().into_bytes();
        if start == end {
            copy.insert(start, b'#'); // URI="" → URI="#"
        } else {
            copy[end - 1] = if copy[end - 1] == b'4' { b'5' } else { b'4' };
        }
        assert!(
            verify(&copy, &root, AT).is_err(),
            "SignedInfo value at {start}"
        );
        in_info += 1;
    }
    assert_eq!(in_info, 6);
    // A changed signature value or digest value.
    for needle in ["<ds:SignatureValue>", "<ds:DigestValue>"] {
        let i = text.find(needle).unwrap() + needle.len() + 3;
        let mut copy = text.clone().into_bytes();
        copy[i] = if copy[i] == b'A' { b'B' } else { b'A' };
        assert!(verify(&copy, &root, AT).is_err(), "{needle}");
    }
    // Whitespace outside the signed content: around the root element, inside start tags
    // between attributes, and inside the base64 of the signature element.
    let padded = format!("\n\n  {}\n \n", text.trim_end());
    verify(padded.as_bytes(), &root, AT).unwrap();
    let spaced = text
        .replacen(" corpus=", "   corpus=", 1)
        .replacen("/>", " />", 5);
    verify(spaced.as_bytes(), &root, AT).unwrap();
    let wrapped = text.replacen("<ds:X509Certificate>", "<ds:X509Certificate>\n  ", 1);
    verify(wrapped.as_bytes(), &root, AT).unwrap();
    // Whitespace inside the signed content is content: it fails.
    let inside = text.replacen("<ns0:Entity", " <ns0:Entity", 1);
    assert_eq!(
        verify(inside.as_bytes(), &root, AT).unwrap_err(),
        Error::DigestMismatch
    );
}

#[test]
fn the_pinned_root_is_nvidias_published_one() {
    let Some(root) = root() else { return };
    assert_eq!(aimine_rim::NVIDIA_RIM_ROOT_DER, root.as_slice());
}
