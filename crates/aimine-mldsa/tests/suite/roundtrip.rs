//! Round trips with keys we make ourselves: what a signer produces verifies, and every targeted
//! mutation (bit flip, truncation, other message, other context, other key, other level) is
//! rejected with the right error.
use aimine_mldsa::{Error, Level, MAX_CONTEXT_LEN, verify, verify_any};
use fips204::traits::{KeyGen, SerDes, Signer};
use fips204::{ml_dsa_44, ml_dsa_65, ml_dsa_87};

/// A deterministic key pair and a signature of `msg` under `ctx`, as byte vectors.
fn signed(level: Level, seed: u8, msg: &[u8], ctx: &[u8]) -> (Vec<u8>, Vec<u8>) {
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
fn genuine_signatures_verify_at_every_level() {
    for level in Level::ALL {
        let (pk, sig) = signed(level, 7, MSG, CTX);
        assert_eq!(verify(level, &pk, MSG, CTX, &sig), Ok(()), "{level}");
        assert_eq!(verify_any(&pk, MSG, CTX, &sig), Ok(()), "{level}");
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
                assert_eq!(
                    verify(level, &pk, MSG, CTX, &bad),
                    Err(Error::SignatureRejected),
                    "{level} byte {byte} bit {bit}"
                );
            }
        }
        let mut bad_key = pk.clone();
        bad_key[0] ^= 1;
        assert_eq!(
            verify(level, &bad_key, MSG, CTX, &sig),
            Err(Error::SignatureRejected),
            "{level} key flip"
        );
    }
}

#[test]
fn wrong_message_context_key_and_level_are_rejected() {
    for level in Level::ALL {
        let (pk, sig) = signed(level, 11, MSG, CTX);
        assert_eq!(
            verify(level, &pk, b"other", CTX, &sig),
            Err(Error::SignatureRejected)
        );
        assert_eq!(
            verify(level, &pk, MSG, b"", &sig),
            Err(Error::SignatureRejected)
        );
        assert_eq!(
            verify(level, &pk, MSG, b"aimine!", &sig),
            Err(Error::SignatureRejected)
        );
        let (other_pk, _) = signed(level, 12, MSG, CTX);
        assert_eq!(
            verify(level, &other_pk, MSG, CTX, &sig),
            Err(Error::SignatureRejected)
        );
        for other in Level::ALL.into_iter().filter(|l| *l != level) {
            assert_eq!(
                verify(other, &pk, MSG, CTX, &sig),
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
            verify(level, &pk, MSG, CTX, short_sig),
            Err(Error::WrongSignatureLength {
                level,
                actual: sig.len() - 1
            })
        );
        let mut long_sig = sig.clone();
        long_sig.push(0);
        assert_eq!(
            verify(level, &pk, MSG, CTX, &long_sig),
            Err(Error::WrongSignatureLength {
                level,
                actual: sig.len() + 1
            })
        );
        assert_eq!(
            verify(level, &pk[..pk.len() - 1], MSG, CTX, &sig),
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
            verify(level, &pk, MSG, CTX, &[]),
            Err(Error::WrongSignatureLength { level, actual: 0 })
        );
    }
}

#[test]
fn context_length_limit_is_255() {
    let ctx = [0x5a; MAX_CONTEXT_LEN];
    let (pk, sig) = signed(Level::MlDsa44, 17, MSG, &ctx);
    assert_eq!(verify(Level::MlDsa44, &pk, MSG, &ctx, &sig), Ok(()));
    let long = [0x5a; MAX_CONTEXT_LEN + 1];
    assert_eq!(
        verify(Level::MlDsa44, &pk, MSG, &long, &sig),
        Err(Error::ContextTooLong { actual: 256 })
    );
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
