//! The GPU kind (1) round-trips real NVIDIA evidence, is compact, verifies as the evidence does,
//! and its decoder is strict.
use aimine_envelope::{Error, decode, decode_gpu, encode_gpu, encode_gpu_into, encoded_gpu_len};
use aimine_nvtrust::NVIDIA_DEVICE_IDENTITY_CA;
use aimine_nvtrust::{Evidence, NoCache, UnixTime, verify_evidence, verify_evidence_with};
use aimine_vectors::nvidia::{
    BLACKWELL_575, CAPTURED_AT, Device, HOPPER_550, HOPPER_INVALID_SIGNATURE, LS10, devices as load,
};

const AT: UnixTime = CAPTURED_AT;

fn envelope(d: &Device) -> Vec<u8> {
    let chain = d.chain_refs();
    let mut out = vec![0; encoded_gpu_len(&d.evidence, &chain).unwrap()];
    let n = encode_gpu_into(&d.evidence, &chain, &mut out).unwrap();
    assert_eq!(n, out.len());
    assert_eq!(encode_gpu(&d.evidence, &chain).unwrap(), out);
    out
}

fn devices() -> Vec<Device> {
    load(&[HOPPER_550, BLACKWELL_575, LS10, HOPPER_INVALID_SIGNATURE])
}

#[test]
fn real_quotes_round_trip_and_verify_the_same() {
    for d in devices() {
        let q = envelope(&d);
        let decoded = decode_gpu(&q).unwrap();
        assert_eq!(decoded.evidence, d.evidence.as_slice());
        assert_eq!(
            decoded.chain.as_slice(),
            d.chain_refs().as_slice(),
            "{}",
            d.name
        );
        // Three shared NVIDIA certificates are referenced, two device certificates inline.
        let inline: usize = d.chain[..2].iter().map(|c| 3 + c.len()).sum();
        assert_eq!(q.len(), 9 + d.evidence.len() + inline + 3 * 2, "{}", d.name);
        let direct = verify_evidence(&d.evidence, &d.chain_refs(), &d.nonce, AT);
        let enveloped = verify_evidence_with(
            Evidence::parse(decoded.evidence).unwrap(),
            &decoded.chain,
            &d.nonce,
            &[NVIDIA_DEVICE_IDENTITY_CA],
            AT,
            &mut NoCache,
        );
        assert_eq!(
            direct.map(|g| *g.gpu_id()),
            enveloped.map(|g| *g.gpu_id()),
            "{}",
            d.name
        );
        println!(
            "{}: envelope {} bytes (evidence {})",
            d.name,
            q.len(),
            d.evidence.len()
        );
    }
}

#[test]
fn every_truncation_and_extension_is_refused() {
    let Some(d) = devices().into_iter().next() else {
        return;
    };
    let q = envelope(&d);
    for len in 0..q.len() {
        let err = decode(&q[..len]).unwrap_err();
        assert!(
            matches!(err, Error::Truncated { .. } | Error::BadMagic),
            "truncated to {len}: {err:?}"
        );
    }
    let mut longer = q.clone();
    longer.push(0);
    assert_eq!(decode(&longer).unwrap_err(), Error::TrailingBytes);
}

#[test]
fn header_fields_are_checked() {
    let Some(d) = devices().into_iter().next() else {
        return;
    };
    let q = envelope(&d);
    let with = |at: usize, value: u8| {
        let mut m = q.clone();
        m[at] = value;
        decode(&m).unwrap_err()
    };
    assert_eq!(with(0, b'X'), Error::BadMagic);
    assert_eq!(with(4, 2), Error::UnsupportedVersion(2));
    assert_eq!(with(5, 9), Error::UnsupportedKind(9));
    let count_at = 8 + d.evidence.len();
    assert_eq!(with(count_at, 0), Error::BadCertificateCount(0));
    assert_eq!(with(count_at, 9), Error::BadCertificateCount(9));
    assert_eq!(with(count_at + 1, 7), Error::BadCertificateTag(7));
    // The last certificate is a reference: point it at a number that does not exist.
    assert_eq!(with(q.len() - 1, 200), Error::UnknownKnownCertificate(200));
    // Fewer certificates than present: trailing bytes.
    assert_eq!(with(count_at, 4), Error::TrailingBytes);
    // An inline certificate whose length runs past the end.
    let mut m = q.clone();
    m[count_at + 2] = 0xFF;
    assert!(matches!(
        decode(&m).unwrap_err(),
        Error::BadCertificateLength | Error::Truncated { .. }
    ));
}

#[test]
fn encoding_refuses_what_decoding_would() {
    let mut out = [0u8; 16];
    assert_eq!(
        encode_gpu_into(&[1, 2, 3], &[], &mut out).unwrap_err(),
        Error::BadCertificateCount(0)
    );
    assert_eq!(
        encode_gpu_into(&[1, 2, 3], &[&[]], &mut out).unwrap_err(),
        Error::BadCertificateLength
    );
    assert_eq!(
        encode_gpu_into(&[1, 2, 3], &[&[0x30; 20]], &mut out).unwrap_err(),
        Error::BufferTooSmall
    );
    let mut big = [0u8; 64];
    let n = encode_gpu_into(&[1, 2, 3], &[&[0x30; 20]], &mut big).unwrap();
    assert_eq!(n, 9 + 3 + 3 + 20);
    let q = decode_gpu(&big[..n]).unwrap();
    assert_eq!(q.evidence, [1, 2, 3]);
    assert_eq!(q.chain.as_slice(), [&[0x30u8; 20][..]]);
}
