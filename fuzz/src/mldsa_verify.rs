//! Fuzz target `mldsa_verify`: arbitrary (level, key, message, context, signature) into
//! aimine-mldsa. It must never panic, must report lengths exactly, and its two entry points agree.

use aimine_mldsa::{Error, Level, verify, verify_any};
use arbitrary::Arbitrary;

/// One fuzz input.
#[derive(Debug, Clone, Arbitrary)]
pub struct Input {
    /// Which level to ask for: 0, 1, 2 pick 44, 65, 87; anything else infers it from the key.
    pub level: u8,
    /// When set, key and signature are stretched or cut to the level's exact lengths, so that the
    /// fuzzer reaches the signature arithmetic instead of stopping at length checks.
    pub fit_lengths: bool,
    /// Public key bytes.
    pub public_key: Vec<u8>,
    /// Message bytes.
    pub message: Vec<u8>,
    /// Context bytes (may exceed 255).
    pub context: Vec<u8>,
    /// Signature bytes.
    pub signature: Vec<u8>,
}

/// Runs one input.
pub fn run(input: Input) {
    let Input {
        level,
        fit_lengths,
        mut public_key,
        message,
        context,
        mut signature,
    } = input;
    let chosen = Level::ALL.get(usize::from(level)).copied();
    if fit_lengths {
        let target = chosen.unwrap_or(Level::MlDsa44);
        fit(&mut public_key, target.public_key_len());
        fit(&mut signature, target.signature_len());
    }
    let result = match chosen {
        Some(level) => verify(level, &public_key, &message, &context, &signature),
        None => verify_any(&public_key, &message, &context, &signature),
    };
    match result {
        Err(Error::WrongPublicKeyLength { actual, .. }) => assert_eq!(actual, public_key.len()),
        Err(Error::WrongSignatureLength { level, actual }) => {
            assert_eq!(actual, signature.len());
            assert_ne!(actual, level.signature_len());
        }
        Err(Error::ContextTooLong { actual }) => assert!(actual > 255),
        Err(Error::MalformedPublicKey | Error::SignatureRejected) | Ok(()) => {
            assert!(context.len() <= 255);
            if let Some(level) = Level::from_public_key_len(public_key.len()) {
                assert_eq!(signature.len(), level.signature_len());
                // Both entry points agree on a well-sized input.
                assert_eq!(
                    verify(level, &public_key, &message, &context, &signature),
                    result
                );
            }
        }
    }
}

/// Stretches `bytes` (by repeating it, or with zeros when empty) or cuts it to `len`.
fn fit(bytes: &mut Vec<u8>, len: usize) {
    if bytes.is_empty() {
        bytes.resize(len, 0);
    }
    let mut i = 0;
    while bytes.len() < len {
        bytes.push(bytes[i]);
        i += 1;
    }
    bytes.truncate(len);
}
