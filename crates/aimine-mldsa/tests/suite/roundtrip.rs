//! Round trips with keys we make ourselves (signed by the fips204 crate): what a signer produces
//! verifies, and every targeted mutation (bit flip, truncation, other message, other context,
//! other key, other level) is rejected with the right error, by the shipped backend and the
//! reference alike.
use aimine_mldsa::{Error, Level, MAX_CONTEXT_LEN, verify, verify_any};
use fips204::traits::{KeyGen, SerDes, Signer};
use fips204::{ml_dsa_44, ml_dsa_65, ml_dsa_87};

use crate::backends::agreed;

/// A deterministic key pair and a signature of `msg` under `ctx`, made by the fips204 crate, as
/// byte vectors.
pub(crate) fn signed(level: Level, seed: u8, msg: &[u8], ctx: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let xi = [seed; 32];
    let rnd = [seed.wrapping_add(1); 32];
    match level {
        Level::MlDsa44 => {
            let (pk, sk) = ml_dsa_44::KG::keygen_from_seed(&xi);
            let sig = sk.try_sign_with_seed(&rnd, msg, ctx).expect("sign");
            (pk.into_bytes().to_vec(), sig.to_vec())
        }
        Level::MlDsa65 => {
            let (pk, sk) = ml_dsa_65::KG::keygen_from_seed(&xi);
            let sig = sk.try_sign_with_seed(&rnd, msg, ctx).expect("sign");
            (pk.into_bytes().to_vec(), sig.to_vec())
        }
        Level::MlDsa87 => {
            let (pk, sk) = ml_dsa_87::KG::keygen_from_seed(&xi);
            let sig = sk.try_sign_with_seed(&rnd, msg, ctx).expect("sign");
            (pk.into_bytes().to_vec(), sig.to_vec())
        }
    }
}

const MSG: &[u8] = b"aimine/heartbeat/v1 test message";
const CTX: &[u8] = b"aimine";

#[test]
fn genuine_signatures_verify_at_every_level_with_and_without_context() {
    for level in Level::ALL {
        for (msg, ctx) in [
            (MSG, CTX),
            (MSG, &b""[..]),
            (&b""[..], &b""[..]),
            (&[0x5a; 4096][..], &[0xa5; MAX_CONTEXT_LEN][..]),
        ] {
            let (pk, sig) = signed(level, 7, msg, ctx);
            let what = format!("{level} msg {} ctx {}", msg.len(), ctx.len());
            assert_eq!(agreed(&what, level, &pk, msg, ctx, &sig), Ok(()), "{what}");
            assert_eq!(verify_any(&pk, msg, ctx, &sig), Ok(()), "{what}");
        }
    }
}

#[test]
fn every_bit_flip_in_the_first_bytes_is_rejected() {
    for level in Level::ALL {
        let (pk, sig) = signed(level, 9, MSG, CTX);
        // The challenge hash c~ and the start of z: flipping any of these bits must fail.
        for byte in 0..48 {
            for bit in 0..8 {
                let mut bad = sig.clone();
                bad[byte] ^= 1 << bit;
                let what = format!("{level} byte {byte} bit {bit}");
                assert_eq!(
                    agreed(&what, level, &pk, MSG, CTX, &bad),
                    Err(Error::SignatureRejected),
                    "{what}"
                );
            }
        }
        let mut bad_key = pk.clone();
        bad_key[0] ^= 1;
        assert_eq!(
            agreed("key flip", level, &bad_key, MSG, CTX, &sig),
            Err(Error::SignatureRejected),
            "{level} key flip"
        );
    }
}

#[test]
fn bit_flips_anywhere_in_key_signature_message_and_context_are_rejected() {
    for level in Level::ALL {
        let (pk, sig) = signed(level, 10, MSG, CTX);
        // Every 29th bit of the signature (c~, every z polynomial, the hint section and its
        // counters) and every 31st bit of the key (rho and every t1 polynomial).
        for at in (0..sig.len() * 8).step_by(29) {
            let mut bad = sig.clone();
            bad[at / 8] ^= 1 << (at % 8);
            let what = format!("{level} signature bit {at}");
            assert_eq!(
                agreed(&what, level, &pk, MSG, CTX, &bad),
                Err(Error::SignatureRejected),
                "{what}"
            );
        }
        for at in (0..pk.len() * 8).step_by(31) {
            let mut bad = pk.clone();
            bad[at / 8] ^= 1 << (at % 8);
            let what = format!("{level} key bit {at}");
            assert_eq!(
                agreed(&what, level, &bad, MSG, CTX, &sig),
                Err(Error::SignatureRejected),
                "{what}"
            );
        }
        for at in 0..MSG.len() * 8 {
            let mut bad = MSG.to_vec();
            bad[at / 8] ^= 1 << (at % 8);
            let what = format!("{level} message bit {at}");
            assert_eq!(
                agreed(&what, level, &pk, &bad, CTX, &sig),
                Err(Error::SignatureRejected),
                "{what}"
            );
        }
        for at in 0..CTX.len() * 8 {
            let mut bad = CTX.to_vec();
            bad[at / 8] ^= 1 << (at % 8);
            let what = format!("{level} context bit {at}");
            assert_eq!(
                agreed(&what, level, &pk, MSG, &bad, &sig),
                Err(Error::SignatureRejected),
                "{what}"
            );
        }
    }
}

#[test]
fn wrong_message_context_key_and_level_are_rejected() {
    for level in Level::ALL {
        let (pk, sig) = signed(level, 11, MSG, CTX);
        assert_eq!(
            agreed("other message", level, &pk, b"other", CTX, &sig),
            Err(Error::SignatureRejected)
        );
        assert_eq!(
            agreed("message cut", level, &pk, &MSG[..MSG.len() - 1], CTX, &sig),
            Err(Error::SignatureRejected)
        );
        assert_eq!(
            agreed("no context", level, &pk, MSG, b"", &sig),
            Err(Error::SignatureRejected)
        );
        assert_eq!(
            agreed("context extended", level, &pk, MSG, b"aimine!", &sig),
            Err(Error::SignatureRejected)
        );
        assert_eq!(
            agreed("context cut", level, &pk, MSG, b"aimin", &sig),
            Err(Error::SignatureRejected)
        );
        // The context is bound as its length and bytes: moving bytes between context and
        // message changes the signed string.
        assert_eq!(
            agreed(
                "context moved",
                level,
                &pk,
                b"eaimine/heartbeat/v1 test message",
                b"aimin",
                &sig
            ),
            Err(Error::SignatureRejected)
        );
        let (other_pk, _) = signed(level, 12, MSG, CTX);
        assert_eq!(
            agreed("other key", level, &other_pk, MSG, CTX, &sig),
            Err(Error::SignatureRejected)
        );
        for other in Level::ALL.into_iter().filter(|l| *l != level) {
            assert_eq!(
                agreed("other level", other, &pk, MSG, CTX, &sig),
                Err(Error::WrongPublicKeyLength {
                    expected: Some(other),
                    actual: pk.len()
                })
            );
        }
    }
}

#[test]
fn truncations_and_extensions_are_length_errors() {
    for level in Level::ALL {
        let (pk, sig) = signed(level, 13, MSG, CTX);
        let short_sig = &sig[..sig.len() - 1];
        assert_eq!(
            agreed("short signature", level, &pk, MSG, CTX, short_sig),
            Err(Error::WrongSignatureLength {
                level,
                actual: sig.len() - 1
            })
        );
        let mut long_sig = sig.clone();
        long_sig.push(0);
        assert_eq!(
            agreed("long signature", level, &pk, MSG, CTX, &long_sig),
            Err(Error::WrongSignatureLength {
                level,
                actual: sig.len() + 1
            })
        );
        assert_eq!(
            agreed("short key", level, &pk[..pk.len() - 1], MSG, CTX, &sig),
            Err(Error::WrongPublicKeyLength {
                expected: Some(level),
                actual: pk.len() - 1
            })
        );
        assert_eq!(
            verify_any(&pk[..pk.len() - 1], MSG, CTX, &sig),
            Err(Error::WrongPublicKeyLength {
                expected: None,
                actual: pk.len() - 1
            })
        );
        assert_eq!(
            aimine_mldsa::reference::verify_any(&pk[..pk.len() - 1], MSG, CTX, &sig),
            Err(Error::WrongPublicKeyLength {
                expected: None,
                actual: pk.len() - 1
            })
        );
        assert_eq!(
            agreed("empty signature", level, &pk, MSG, CTX, &[]),
            Err(Error::WrongSignatureLength { level, actual: 0 })
        );
        // Lengths are checked key first, then signature, then context.
        assert_eq!(
            agreed("all wrong", level, &pk[1..], MSG, &[0; 256], &sig[1..]),
            Err(Error::WrongPublicKeyLength {
                expected: Some(level),
                actual: pk.len() - 1
            })
        );
        assert_eq!(
            agreed(
                "signature and context wrong",
                level,
                &pk,
                MSG,
                &[0; 256],
                &sig[1..]
            ),
            Err(Error::WrongSignatureLength {
                level,
                actual: sig.len() - 1
            })
        );
    }
}

#[test]
fn context_length_limit_is_255() {
    for level in Level::ALL {
        let ctx = [0x5a; MAX_CONTEXT_LEN];
        let (pk, sig) = signed(level, 17, MSG, &ctx);
        assert_eq!(agreed("255", level, &pk, MSG, &ctx, &sig), Ok(()));
        let long = [0x5a; MAX_CONTEXT_LEN + 1];
        assert_eq!(
            agreed("256", level, &pk, MSG, &long, &sig),
            Err(Error::ContextTooLong { actual: 256 })
        );
        assert_eq!(
            verify(level, &pk, MSG, &[0; 100_000], &sig),
            Err(Error::ContextTooLong { actual: 100_000 })
        );
    }
}

#[test]
fn errors_read_clearly() {
    let e = Error::WrongSignatureLength {
        level: Level::MlDsa65,
        actual: 3,
    };
    assert_eq!(
        e.to_string(),
        "wrong signature length: 3 bytes, ML-DSA-65 needs 3309"
    );
    assert_eq!(
        Error::ContextTooLong { actual: 300 }.to_string(),
        "context too long: 300 bytes, at most 255 allowed"
    );
}
