//! Fuzz target `p384_differential`: aimine-p384's two verification paths against p384's
//! `verify_prehash` on (key, digest, signature) triples. Most inputs start from a valid signature
//! (a key and nonce from the fuzzer's bytes, textbook signing) and are then mutated, so the
//! fuzzer reaches the point arithmetic and the x(R) comparison, not only the range checks;
//! special shapes (key G or −G, sums at infinity, r or s at the range ends, r + n cases) are
//! chosen by `shape`. The three verdicts must agree on every input; a valid, unmutated signature
//! must verify.

use aimine_p384::{PrecomputedKey, VerifyingKey};
use arbitrary::Arbitrary;
use p384::ecdsa::signature::hazmat::PrehashVerifier;
use p384::elliptic_curve::ff::PrimeField;
use p384::elliptic_curve::ops::Reduce;
use p384::elliptic_curve::point::AffineCoordinates;
use p384::elliptic_curve::sec1::ToSec1Point;
use p384::{ProjectivePoint, Scalar, U384};

/// One fuzz input.
#[derive(Debug, Clone, Arbitrary)]
pub struct Input {
    /// The signing key's bytes (reduced mod n; zero becomes one).
    pub secret: [u8; 48],
    /// The nonce's bytes (reduced mod n; zero becomes one).
    pub nonce: [u8; 48],
    /// The digest.
    pub digest: [u8; 48],
    /// How the triple is shaped before mutation: see [`run`].
    pub shape: u8,
    /// XOR masks applied after signing: (which part, byte index, mask).
    pub mutations: Vec<(u8, u8, u8)>,
    /// When present, replaces the key by these SEC1 bytes (any length, any prefix).
    pub raw_key: Option<Vec<u8>>,
}

fn reduce(bytes: &[u8; 48]) -> Scalar {
    <Scalar as Reduce<U384>>::reduce(&U384::from_be_slice(bytes))
}

fn nonzero(s: Scalar) -> Scalar {
    if bool::from(s.is_zero()) {
        Scalar::ONE
    } else {
        s
    }
}

const N_HEX: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973";

/// Runs one input.
pub fn run(input: Input) {
    let mut d = nonzero(reduce(&input.secret));
    let k = nonzero(reduce(&input.nonce));
    let mut digest = input.digest;
    match input.shape % 8 {
        1 => d = Scalar::ONE,
        2 => d = -Scalar::ONE,
        _ => {}
    }
    let key_point = ProjectivePoint::GENERATOR * d;
    let mut sec1 = key_point
        .to_affine()
        .to_sec1_point(false)
        .as_bytes()
        .to_vec();
    let x = (ProjectivePoint::GENERATOR * k).to_affine().x();
    let r = nonzero(reduce(&x.into()));
    let mut z = reduce(&digest);
    let mut r_bytes: [u8; 48] = r.to_repr().into();
    match input.shape % 8 {
        // z = −r·d: u₁·G + u₂·Q is the point at infinity (with any s).
        3 => {
            z = -(r * d);
            digest = z.to_repr().into();
        }
        // z = r·(…): u₁ = u₂ when Q = G: additions that double.
        4 => {
            z = r;
            digest = z.to_repr().into();
        }
        _ => {}
    }
    let s = if input.shape % 8 == 3 {
        // Any s: the sum is at infinity whatever it is.
        k
    } else {
        k.invert().unwrap() * (z + r * d)
    };
    let mut s_bytes: [u8; 48] = s.to_repr().into();
    match input.shape % 8 {
        // r or s at or past the ends of [1, n − 1].
        5 => r_bytes = hex_48(N_HEX),
        6 => s_bytes = [0xff; 48],
        // a small r, as when x(R) ≥ n (r + n < p): rarely valid, but reaches that comparison.
        7 => {
            r_bytes = [0; 48];
            r_bytes[47] = input.nonce[0] | 1;
        }
        _ => {}
    }
    let unmutated_valid = input.mutations.is_empty()
        && input.raw_key.is_none()
        && !matches!(input.shape % 8, 3 | 5 | 6 | 7)
        && !bool::from(s.is_zero());

    let mut sig = [0u8; 96];
    sig[..48].copy_from_slice(&r_bytes);
    sig[48..].copy_from_slice(&s_bytes);
    if let Some(raw) = input.raw_key {
        sec1 = raw;
    }
    for (part, index, mask) in input.mutations {
        let i = usize::from(index);
        match part % 3 {
            0 => sig[i % 96] ^= mask,
            1 => digest[i % 48] ^= mask,
            _ => {
                let len = sec1.len();
                if len > 0 {
                    sec1[i % len] ^= mask;
                }
            }
        }
    }

    let theirs_key = p384::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).ok();
    let ours_key = VerifyingKey::from_sec1_bytes(&sec1);
    assert_eq!(
        theirs_key.is_some(),
        ours_key.is_some(),
        "key decoding differs"
    );
    let (Some(theirs_key), Some(ours_key)) = (theirs_key, ours_key) else {
        return;
    };
    let theirs = p384::ecdsa::Signature::from_slice(&sig)
        .is_ok_and(|s| theirs_key.verify_prehash(&digest, &s).is_ok());
    let generic = ours_key.verify_prehash(&digest, &sig);
    let table = PrecomputedKey::new(&ours_key).expect("a valid key has a table");
    let fixed = table.verify_prehash(&digest, &sig);
    assert_eq!(generic, theirs, "generic path differs from p384");
    assert_eq!(fixed, theirs, "precomputed-key path differs from p384");
    if unmutated_valid {
        assert!(theirs, "a valid signature failed");
    }
}

fn hex_48(text: &str) -> [u8; 48] {
    let mut out = [0u8; 48];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex");
    }
    out
}
