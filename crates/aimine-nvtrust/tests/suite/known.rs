//! NVIDIA's shared certificates compiled into the crate: genuine, correctly linked, and the ones
//! every vector chain uses.
use aimine_nvtrust::NVIDIA_DEVICE_IDENTITY_CA;
use aimine_nvtrust::{Certificate, UnixTime};
use aimine_nvtrust::{KNOWN_CERTS, KnownCert};
use p384::ecdsa::signature::Verifier;
use p384::ecdsa::{Signature, VerifyingKey};

/// The check `is_known_link` stands in for, done for real with p384.
fn really_signed(child: &Certificate<'_>, parent: &Certificate<'_>) -> bool {
    let key = VerifyingKey::from_sec1_bytes(parent.public_key()).unwrap();
    let sig = Signature::from_der(child.signature()).unwrap();
    key.verify(child.tbs(), &sig).is_ok()
}

#[test]
fn known_links_verify() {
    for k in &KNOWN_CERTS {
        let cert = Certificate::from_der(k.der).unwrap();
        assert_eq!(
            cert.public_key(),
            k.public_key.as_slice(),
            "{}: key constant",
            k.name
        );
        assert!(cert.may_sign_certificates(), "{} is a CA", k.name);
        assert!(cert.is_valid_at(UnixTime(1_749_601_858)), "{}", k.name);
        let issuer = &KNOWN_CERTS[usize::from(k.issued_by.unwrap_or(k.id))];
        let parent = Certificate::from_der(issuer.der).unwrap();
        assert_eq!(cert.issuer(), parent.subject(), "{}", k.name);
        assert!(
            really_signed(&cert, &parent),
            "{} signed by {}",
            k.name,
            issuer.name
        );
        if k.issued_by.is_some() {
            assert!(KnownCert::is_known_link(k.der, parent.public_key()));
        }
        // Never a known link under any other key.
        for other in KNOWN_CERTS.iter().filter(|o| o.id != issuer.id) {
            let key = Certificate::from_der(other.der).unwrap();
            assert!(
                !KnownCert::is_known_link(k.der, key.public_key()),
                "{} under {}",
                k.name,
                other.name
            );
        }
        assert_eq!(
            usize::from(k.id),
            KNOWN_CERTS.iter().position(|x| x == k).unwrap()
        );
    }
}

#[test]
fn the_pinned_anchor_is_known_certificate_0_and_the_vectors_root() {
    let root = Certificate::from_der(KNOWN_CERTS[0].der).unwrap();
    assert_eq!(root.subject(), NVIDIA_DEVICE_IDENTITY_CA.subject);
    assert_eq!(root.public_key(), NVIDIA_DEVICE_IDENTITY_CA.public_key);
    let Some(vector_root) = aimine_vectors::nvidia::root_der() else {
        return;
    };
    assert_eq!(vector_root, KNOWN_CERTS[0].der);
    use sha2::Digest;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&vector_root)),
        "102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48"
    );
}

#[test]
fn every_vector_chain_uses_known_intermediates_only() {
    for set in aimine_vectors::nvidia::ALL {
        let Some((_, pem)) = aimine_vectors::nvidia::load(&set) else {
            return;
        };
        let file = set.chain;
        let chain = aimine_nvtrust::decode_pem_chain(&pem).unwrap();
        assert_eq!(chain.len(), 5, "{file}");
        for (i, der) in chain.iter().enumerate() {
            assert_eq!(
                KnownCert::find(der).is_some(),
                i >= 2,
                "{file} certificate {i}"
            );
        }
    }
}
