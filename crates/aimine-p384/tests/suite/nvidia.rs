//! NVIDIA's genuine evidence signatures and certificate links verify, through both paths, and
//! fail under mutation.
use aimine_p384::{PrecomputedKey, VerifyingKey};
use aimine_vectors::nvidia;

use crate::common::{sha384, verdict, verdict_with};

/// (tag, header length, total length) of the DER TLV at the start of `buf`.
fn tlv(buf: &[u8]) -> (u8, usize, usize) {
    let first = buf[1];
    if first < 0x80 {
        return (buf[0], 2, 2 + first as usize);
    }
    let n = (first & 0x7f) as usize;
    let len = buf[2..2 + n]
        .iter()
        .fold(0usize, |a, &b| (a << 8) | b as usize);
    (buf[0], 2 + n, 2 + n + len)
}

/// The signed TBSCertificate and the DER signature of a certificate.
fn cert_parts(der: &[u8]) -> (&[u8], &[u8]) {
    let (_, h, _) = tlv(der);
    let body = &der[h..];
    let (_, _, tbs_len) = tlv(body);
    let tbs = &body[..tbs_len];
    let rest = &body[tbs_len..];
    let (_, _, alg_len) = tlv(rest);
    let bits = &rest[alg_len..];
    let (tag, bh, blen) = tlv(bits);
    assert_eq!(tag, 0x03);
    (tbs, &bits[bh + 1..blen])
}

/// The uncompressed P-384 key in a certificate's SubjectPublicKeyInfo.
fn cert_key(der: &[u8]) -> [u8; 97] {
    let at = der
        .windows(4)
        .position(|w| w == [0x03, 0x62, 0x00, 0x04])
        .expect("a P-384 key");
    der[at + 3..at + 100].try_into().unwrap()
}

fn raw(sig_der: &[u8]) -> [u8; 96] {
    p384::ecdsa::Signature::from_der(sig_der)
        .unwrap()
        .to_bytes()
        .into()
}

fn devices() -> Vec<(nvidia::Device, bool)> {
    let mut out: Vec<_> = nvidia::ALL
        .iter()
        .filter_map(|s| nvidia::device(s).map(|d| (d, s.valid)))
        .collect();
    for file in [
        "evidence-json/hopper_evidence.json",
        "evidence-json/switch_evidence_ls10.json",
    ] {
        for (_, d) in nvidia::sdk_json(file).unwrap_or_default() {
            out.push((d, true));
        }
    }
    out
}

#[test]
fn evidence_signatures() {
    let devices = devices();
    if devices.is_empty() {
        return;
    }
    let mut checked = 0;
    for (device, valid) in &devices {
        let leaf = cert_key(&device.chain[0]);
        let (signed, sig) = device.evidence.split_at(device.evidence.len() - 96);
        let sig: [u8; 96] = sig.try_into().unwrap();
        let digest = sha384(signed);
        assert_eq!(
            verdict(&leaf, &digest, &sig),
            Some(*valid),
            "{}",
            device.name
        );
        if *valid {
            let table =
                PrecomputedKey::new(&VerifyingKey::from_sec1_bytes(&leaf).unwrap()).unwrap();
            for bit in [0usize, 100, 383, 384, 700, 767] {
                let mut s = sig;
                s[bit / 8] ^= 1 << (bit % 8);
                assert!(!verdict_with(&table, &leaf, &digest, &s), "{}", device.name);
            }
            let mut msg = signed.to_vec();
            msg[40] ^= 1;
            assert!(!verdict_with(&table, &leaf, &sha384(&msg), &sig));
            let short = &signed[..signed.len() - 1];
            assert!(!verdict_with(&table, &leaf, &sha384(short), &sig));
            checked += 1;
        }
    }
    assert!(checked >= 7, "only {checked} valid devices");
}

#[test]
fn certificate_links() {
    let devices = devices();
    if devices.is_empty() {
        return;
    }
    let mut links = 0;
    for (device, _) in &devices {
        let chain = &device.chain;
        for i in 0..chain.len() {
            // The last certificate is the root, self-signed.
            let parent = &chain[(i + 1).min(chain.len() - 1)];
            let (tbs, sig_der) = cert_parts(&chain[i]);
            let key = cert_key(parent);
            let sig = raw(sig_der);
            let digest = sha384(tbs);
            assert_eq!(
                verdict(&key, &digest, &sig),
                Some(true),
                "{} link {i}",
                device.name
            );
            let mut tbs2 = tbs.to_vec();
            let at = tbs2.len() / 2;
            tbs2[at] ^= 0x80;
            assert_eq!(verdict(&key, &sha384(&tbs2), &sig), Some(false));
            // Under the wrong key (the child's own, unless self-signed).
            if i + 1 < chain.len() {
                assert_eq!(verdict(&cert_key(&chain[i]), &digest, &sig), Some(false));
            }
            links += 1;
        }
    }
    assert!(links >= 40, "only {links} links");
}
