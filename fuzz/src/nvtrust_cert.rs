//! Fuzz target `nvtrust_cert`: the X.509 reader on any bytes, then a two-certificate chain
//! check with the input as both child and issuer. Never panics.

use aimine_nvtrust::{Certificate, NoCache, TrustAnchor, UnixTime, verify_chain};

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(cert) = Certificate::from_der(data) else {
        return;
    };
    assert_eq!(cert.der(), data);
    assert_eq!(cert.public_key().len(), 97);
    let _ = (
        cert.subject_common_name(),
        cert.fwid(),
        cert.key_usage(),
        cert.basic_constraints(),
        cert.may_sign_certificates(),
        cert.is_valid_at(UnixTime(1_750_000_000)),
    );
    let anchor = TrustAnchor {
        subject: cert.subject(),
        public_key: cert.public_key(),
    };
    let _ = verify_chain(
        &[data, data],
        &[anchor],
        UnixTime(1_750_000_000),
        &mut NoCache,
    );
    let _ = verify_chain(&[data], &[anchor], cert.not_before(), &mut NoCache);
}
