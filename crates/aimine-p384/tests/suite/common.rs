//! What every test here does: verify one (key, digest, signature) three ways and compare.

use aimine_p384::{PrecomputedKey, VerifyingKey};
use p384::ecdsa::signature::hazmat::PrehashVerifier;

/// p384's verdict, the generic path's and the precomputed-key path's; panics if they differ.
/// `None` when the key does not decode (p384 must refuse it too).
pub fn verdict(sec1: &[u8], digest: &[u8; 48], sig: &[u8; 96]) -> Option<bool> {
    let theirs_key = p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1).ok();
    let ours_key = VerifyingKey::from_sec1_bytes(sec1);
    assert_eq!(
        theirs_key.is_some(),
        ours_key.is_some(),
        "key decoding differs"
    );
    let (theirs_key, ours_key) = (theirs_key?, ours_key?);
    let theirs = match p384::ecdsa::Signature::from_slice(sig) {
        Ok(s) => theirs_key.verify_prehash(digest, &s).is_ok(),
        Err(_) => false,
    };
    let generic = ours_key.verify_prehash(digest, sig);
    let table = PrecomputedKey::new(&ours_key).expect("table");
    let fixed = table.verify_prehash(digest, sig);
    assert_eq!(generic, theirs, "generic path differs from p384");
    assert_eq!(fixed, theirs, "precomputed-key path differs from p384");
    Some(theirs)
}

/// As [`verdict`], reusing a table (for many signatures under one key).
pub fn verdict_with(
    table: &PrecomputedKey,
    sec1: &[u8],
    digest: &[u8; 48],
    sig: &[u8; 96],
) -> bool {
    let theirs_key = p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1).unwrap();
    let theirs = match p384::ecdsa::Signature::from_slice(sig) {
        Ok(s) => theirs_key.verify_prehash(digest, &s).is_ok(),
        Err(_) => false,
    };
    let generic = table.verifying_key().verify_prehash(digest, sig);
    let fixed = table.verify_prehash(digest, sig);
    assert_eq!(generic, theirs, "generic path differs from p384");
    assert_eq!(fixed, theirs, "precomputed-key path differs from p384");
    theirs
}

/// SHA-384 of `msg`.
pub fn sha384(msg: &[u8]) -> [u8; 48] {
    use sha2::Digest;
    sha2::Sha384::digest(msg).into()
}
