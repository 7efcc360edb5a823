//! ECDSA P-384 with SHA-384, the only signature NVIDIA's device chains and evidence use,
//! verified by aimine-p384: under one of NVIDIA's provisioning CAs (the keys that sign device
//! certificates) with the key's precomputed table, under any other key generically.

use aimine_p384::{PrecomputedKey, VerifyingKey};
use p384::ecdsa::Signature;
use sha2::{Digest, Sha384};

use crate::known;

/// A public key, ready to verify.
pub(crate) enum Key {
    /// A built-in key with its table in the binary.
    Known(&'static PrecomputedKey),
    /// Any other valid key.
    Other(VerifyingKey),
}

impl Key {
    fn verify(&self, message: &[u8], signature: &[u8; 96]) -> bool {
        let digest: [u8; 48] = Sha384::digest(message).into();
        match self {
            Key::Known(table) => table.verify_prehash(&digest, signature),
            Key::Other(key) => key.verify_prehash(&digest, signature),
        }
    }
}

/// A P-384 public key from its SEC1 encoding, or `None` if it is not a valid curve point.
pub(crate) fn key(sec1: &[u8]) -> Option<Key> {
    if let Some(table) = known::precomputed_key(sec1) {
        return Some(Key::Known(table));
    }
    VerifyingKey::from_sec1_bytes(sec1).map(Key::Other)
}

/// Verifies a DER `ECDSA-Sig-Value` over SHA-384 of `message`.
pub(crate) fn verify_der(key: &Key, message: &[u8], signature_der: &[u8]) -> bool {
    match Signature::from_der(signature_der) {
        Ok(sig) => key.verify(message, &sig.to_bytes().into()),
        Err(_) => false,
    }
}

/// Verifies a raw `r ‖ s` (48 + 48 bytes, big-endian) signature over SHA-384 of `message`
/// (r and s outside [1, n − 1] fail).
pub(crate) fn verify_raw(key: &Key, message: &[u8], signature: &[u8; 96]) -> bool {
    key.verify(message, signature)
}
