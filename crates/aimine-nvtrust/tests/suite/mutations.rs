//! Targeted mutations of genuine evidence and chains are all rejected, with the right error.
use aimine_nvtrust::NONCE_LEN;
use aimine_nvtrust::NVIDIA_DEVICE_IDENTITY_CA;
use aimine_nvtrust::{
    Error, Evidence, FormatError, GpuCheck, LinkCache, NoCache, TrustAnchor, UnixTime,
    verify_evidence, verify_evidence_with,
};

/// The SPDM GET_MEASUREMENTS request's length: what follows it is signed.
const REQUEST_LEN: usize = 37;
use aimine_vectors::nvidia::{
    BLACKWELL_575, CAPTURED_AT as AT, Device, HOPPER_535, HOPPER_550, LS10, devices,
};

fn genuine() -> Vec<Device> {
    devices(&[HOPPER_550, HOPPER_535, BLACKWELL_575, LS10])
}

/// Every byte of every genuine report, flipped (lowest bit), is rejected: in the request nonce as
/// a nonce mismatch, elsewhere as a format error or an invalid signature. Chain links are cached
/// after the first call so that each mutant costs one evidence signature check.
#[test]
fn every_single_byte_change_is_rejected() {
    let mut total = 0usize;
    for d in genuine() {
        let chain = d.chain_refs();
        let mut cache = LinkCache::<8>::new();
        let anchors = [NVIDIA_DEVICE_IDENTITY_CA];
        verify_evidence_with(
            Evidence::parse(&d.evidence).unwrap(),
            &chain,
            &d.nonce,
            &anchors,
            AT,
            &mut cache,
        )
        .unwrap();
        let nonce_range = 4..4 + NONCE_LEN;
        let (mut format, mut signature, mut nonce) = (0, 0, 0);
        for offset in 0..d.evidence.len() {
            let mut bad = d.evidence.clone();
            bad[offset] ^= 0x01;
            let err = Evidence::parse(&bad)
                .map_err(Error::from)
                .and_then(|ev| verify_evidence_with(ev, &chain, &d.nonce, &anchors, AT, &mut cache))
                .expect_err(&format!("{}: flip at {offset} accepted", d.name));
            match err.check() {
                GpuCheck::Nonce if nonce_range.contains(&offset) => nonce += 1,
                GpuCheck::Format if !nonce_range.contains(&offset) => format += 1,
                GpuCheck::Signature if offset >= REQUEST_LEN => signature += 1,
                _ => panic!("{}: flip at {offset} gave {err:?}", d.name),
            }
        }
        assert_eq!(format + signature + nonce, d.evidence.len());
        assert_eq!(nonce, NONCE_LEN);
        // Flipping a measurement digest byte is a signature failure, not a parse failure.
        assert!(
            signature > 64 * 48 / 2 || d.name.contains("switch"),
            "{}",
            d.name
        );
        println!(
            "{}: {} flips rejected ({format} format, {signature} signature, {nonce} nonce)",
            d.name,
            d.evidence.len()
        );
        total += d.evidence.len();
    }
    println!("single-byte changes rejected: {total}");
}

#[test]
fn every_truncation_and_extension_is_a_format_error() {
    let mut total = 0usize;
    for d in genuine() {
        let chain = d.chain_refs();
        for len in 0..d.evidence.len() {
            let err = verify_evidence(&d.evidence[..len], &chain, &d.nonce, AT).unwrap_err();
            assert_eq!(
                err.check(),
                GpuCheck::Format,
                "{}: truncated to {len}: {err:?}",
                d.name
            );
            total += 1;
        }
        let mut longer = d.evidence.clone();
        longer.push(0);
        assert_eq!(
            verify_evidence(&longer, &chain, &d.nonce, AT).unwrap_err(),
            Error::Format(FormatError::TrailingBytes { count: 1 })
        );
        total += 1;
    }
    println!("truncations and extensions rejected: {total}");
}

#[test]
fn certificates_swapped_with_another_devices_are_rejected() {
    let devices = genuine();
    let mut tried = 0;
    for a in &devices {
        for b in &devices {
            for i in 0..a.chain.len() {
                if a.chain[i] == b.chain[i] {
                    continue;
                }
                let mut chain = a.chain_refs();
                chain[i] = &b.chain[i];
                let err = verify_evidence(&a.evidence, &chain, &a.nonce, AT).unwrap_err();
                assert!(
                    matches!(err.check(), GpuCheck::Chain | GpuCheck::Root),
                    "{} with {}'s certificate {i}: {err:?}",
                    a.name,
                    b.name
                );
                tried += 1;
            }
            // Evidence of one device under another device's whole chain: a signature failure.
            if a.chain[0] != b.chain[0] && a.nonce == b.nonce {
                let err = verify_evidence(&a.evidence, &b.chain_refs(), &a.nonce, AT).unwrap_err();
                assert_eq!(
                    err,
                    Error::BadEvidenceSignature,
                    "{} under {}'s chain",
                    a.name,
                    b.name
                );
                tried += 1;
            }
        }
    }
    assert!(tried >= 30, "only {tried} swaps");
    println!("certificate swaps rejected: {tried}");
}

#[test]
fn a_foreign_root_a_wrong_nonce_and_a_wrong_time_are_rejected() {
    let Some(rim_root) = aimine_vectors::read("nvidia/roots/verifier_RIM_root.pem") else {
        return;
    };
    let rim_root =
        aimine_nvtrust::decode_pem_chain(std::str::from_utf8(&rim_root).unwrap()).unwrap();
    let foreign = TrustAnchor::from_cert_der(&rim_root[0]).unwrap();
    for d in genuine() {
        let chain = d.chain_refs();
        assert_eq!(
            verify_evidence_with(
                Evidence::parse(&d.evidence).unwrap(),
                &chain,
                &d.nonce,
                &[foreign],
                AT,
                &mut NoCache
            )
            .unwrap_err(),
            Error::UntrustedRoot,
            "{}",
            d.name
        );
        let mut other = d.nonce;
        other[31] ^= 1;
        assert_eq!(
            verify_evidence(&d.evidence, &chain, &other, AT).unwrap_err(),
            Error::NonceMismatch
        );
        // Before the certificates were issued (1 January 2020).
        assert_eq!(
            verify_evidence(&d.evidence, &chain, &d.nonce, UnixTime(1_577_836_800)).unwrap_err(),
            Error::Expired { index: 0 }
        );
        // Without the root copy the chain still reaches the pinned anchor; without the
        // intermediates it does not.
        assert!(
            verify_evidence(&d.evidence, &chain[..4], &d.nonce, AT).is_ok(),
            "{}",
            d.name
        );
        assert_eq!(
            verify_evidence(&d.evidence, &chain[..2], &d.nonce, AT).unwrap_err(),
            Error::UntrustedRoot
        );
        // Reversed order breaks the first link.
        let reversed: Vec<&[u8]> = chain.iter().rev().copied().collect();
        assert_eq!(
            verify_evidence(&d.evidence, &reversed, &d.nonce, AT)
                .unwrap_err()
                .check(),
            GpuCheck::Chain
        );
        // Certificates after the anchor are refused, not ignored.
        let mut longer = chain.clone();
        longer.push(chain[0]);
        assert_eq!(
            verify_evidence(&d.evidence, &longer, &d.nonce, AT).unwrap_err(),
            Error::UntrustedRoot
        );
        assert_eq!(
            verify_evidence(&d.evidence, &[], &d.nonce, AT).unwrap_err(),
            Error::EmptyChain
        );
    }
}

#[test]
fn every_certificate_byte_flip_is_rejected() {
    let Some(d) = genuine().into_iter().next() else {
        return;
    };
    let mut tried = 0;
    for i in 0..2 {
        for offset in 0..d.chain[i].len() {
            let mut cert = d.chain[i].clone();
            cert[offset] ^= 0x01;
            let mut chain = d.chain_refs();
            chain[i] = &cert;
            let err = verify_evidence(&d.evidence, &chain, &d.nonce, AT)
                .expect_err(&format!("certificate {i} flip at {offset} accepted"));
            assert!(
                matches!(
                    err.check(),
                    GpuCheck::Format
                        | GpuCheck::Chain
                        | GpuCheck::Root
                        | GpuCheck::Signature
                        | GpuCheck::Fwid
                        | GpuCheck::Version
                ),
                "{err:?}"
            );
            tried += 1;
        }
    }
    println!("certificate byte flips rejected: {tried}");
}
