//! ECDSA P-384 with SHA-384, the only signature NVIDIA's device chains and evidence use.

use p384::ecdsa::signature::Verifier;
use p384::ecdsa::{Signature, VerifyingKey};

/// A P-384 public key from its SEC1 encoding, or `None` if it is not a valid curve point.
pub(crate) fn key(sec1: &[u8]) -> Option<VerifyingKey> {
    VerifyingKey::from_sec1_bytes(sec1).ok()
}

/// Verifies a DER `ECDSA-Sig-Value` over SHA-384 of `message`.
pub(crate) fn verify_der(key: &VerifyingKey, message: &[u8], signature_der: &[u8]) -> bool {
    match Signature::from_der(signature_der) {
        Ok(sig) => key.verify(message, &sig).is_ok(),
        Err(_) => false,
    }
}

/// Verifies a raw `r ‖ s` (48 + 48 bytes, big-endian) signature over SHA-384 of `message`.
pub(crate) fn verify_raw(key: &VerifyingKey, message: &[u8], signature: &[u8; 96]) -> bool {
    match Signature::from_slice(signature) {
        Ok(sig) => key.verify(message, &sig).is_ok(),
        Err(_) => false,
    }
}
