//! Edge cases ECDSA must get right, and random signatures with mutations, each compared with p384.
use p384::elliptic_curve::ff::PrimeField;
use p384::elliptic_curve::ops::Reduce;
use p384::elliptic_curve::point::AffineCoordinates;
use p384::elliptic_curve::sec1::ToSec1Point;
use p384::{ProjectivePoint, Scalar, U384};

use crate::common::{sha384, verdict};

const N_HEX: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973";

fn n_bytes() -> [u8; 48] {
    hex::decode(N_HEX).unwrap().try_into().unwrap()
}

fn scalar(bytes: &[u8; 48]) -> Scalar {
    <Scalar as Reduce<U384>>::reduce(&U384::from_be_slice(bytes))
}

fn sec1_of(d: &Scalar) -> Vec<u8> {
    (ProjectivePoint::GENERATOR * d)
        .to_affine()
        .to_sec1_point(false)
        .as_bytes()
        .to_vec()
}

/// r ‖ s for secret d, nonce k and digest scalar z (textbook signing, any z).
fn sign(d: &Scalar, k: &Scalar, z: &Scalar) -> [u8; 96] {
    let x = (ProjectivePoint::GENERATOR * k).to_affine().x();
    let r = <Scalar as Reduce<U384>>::reduce(&U384::from_be_slice(&x));
    let s = k.invert().unwrap() * (*z + r * d);
    let mut out = [0u8; 96];
    out[..48].copy_from_slice(&r.to_repr());
    out[48..].copy_from_slice(&s.to_repr());
    out
}

fn secret(seed: u64) -> Scalar {
    scalar(&sha384(&seed.to_be_bytes()))
}

#[test]
fn out_of_range_r_and_s_are_refused() {
    let d = secret(1);
    let key = sec1_of(&d);
    let digest = sha384(b"range");
    let good = sign(&d, &secret(2), &scalar(&digest));
    assert_eq!(verdict(&key, &digest, &good), Some(true));
    let n = n_bytes();
    let mut n_plus_1 = n;
    n_plus_1[47] += 1;
    for bad in [[0u8; 48], n, n_plus_1, [0xff; 48]] {
        for half in [0..48, 48..96] {
            let mut sig = good;
            sig[half].copy_from_slice(&bad);
            assert_eq!(verdict(&key, &digest, &sig), Some(false));
        }
    }
    // r = s = 0 together, and r, s = n − 1 (in range, wrong).
    assert_eq!(verdict(&key, &digest, &[0; 96]), Some(false));
    let mut n_minus_1 = n;
    n_minus_1[47] -= 1;
    let mut sig = [0u8; 96];
    sig[..48].copy_from_slice(&n_minus_1);
    sig[48..].copy_from_slice(&n_minus_1);
    assert_eq!(verdict(&key, &digest, &sig), Some(false));
}

#[test]
fn digests_at_or_above_n_are_reduced() {
    let d = secret(3);
    let key = sec1_of(&d);
    let n = n_bytes();
    let mut n_plus_5 = n;
    n_plus_5[47] += 5;
    for digest in [[0xff; 48], n, n_plus_5, [0u8; 48]] {
        let sig = sign(&d, &secret(4), &scalar(&digest));
        assert_eq!(
            verdict(&key, &digest, &sig),
            Some(true),
            "{}",
            hex::encode(digest)
        );
        // The unreduced digest minus one is another digest: it must fail.
        let mut other = digest;
        other[47] ^= 1;
        assert_eq!(verdict(&key, &other, &sig), Some(false));
    }
}

#[test]
fn key_equal_to_g_or_minus_g() {
    let one = Scalar::ONE;
    let minus_one = -Scalar::ONE;
    for d in [one, minus_one] {
        let key = sec1_of(&d);
        for seed in 0..8 {
            let digest = sha384(&[seed]);
            let sig = sign(&d, &secret(100 + u64::from(seed)), &scalar(&digest));
            assert_eq!(verdict(&key, &digest, &sig), Some(true));
            let mut flipped = sig;
            flipped[95] ^= 1;
            assert_eq!(verdict(&key, &digest, &flipped), Some(false));
        }
    }
}

#[test]
fn sum_at_infinity_is_refused() {
    // u1·G + u2·Q = (z + r·d)/s · G: the point at infinity when z ≡ −r·d (mod n).
    for d in [Scalar::ONE, -Scalar::ONE, secret(7)] {
        let key = sec1_of(&d);
        for seed in 0..4u64 {
            let r = secret(200 + seed);
            let s = secret(300 + seed);
            let z = -(r * d);
            let digest: [u8; 48] = z.to_repr().into();
            let mut sig = [0u8; 96];
            sig[..48].copy_from_slice(&r.to_repr());
            sig[48..].copy_from_slice(&s.to_repr());
            assert_eq!(verdict(&key, &digest, &sig), Some(false));
        }
    }
}

#[test]
fn additions_that_double() {
    // Q = G and z = r: u1 = u2, so both tables add the same point to the same sum, and the
    // first addition of the fixed path meets the doubling case.
    let d = Scalar::ONE;
    let key = sec1_of(&d);
    for seed in 0..8u64 {
        let k = secret(400 + seed);
        let x = (ProjectivePoint::GENERATOR * k).to_affine().x();
        let r = <Scalar as Reduce<U384>>::reduce(&U384::from_be_slice(&x));
        let digest: [u8; 48] = r.to_repr().into();
        let sig = sign(&d, &k, &r);
        assert_eq!(verdict(&key, &digest, &sig), Some(true));
    }
}

#[test]
fn invalid_keys_are_refused_like_p384() {
    let mut off_curve = sec1_of(&secret(9));
    off_curve[96] ^= 1;
    assert_eq!(verdict(&off_curve, &[0; 48], &[1; 96]), None);
    assert_eq!(verdict(&[0u8], &[0; 48], &[1; 96]), None);
    assert_eq!(verdict(&[], &[0; 48], &[1; 96]), None);
    let mut compressed = sec1_of(&secret(10))[..49].to_vec();
    compressed[0] = 0x02 | (sec1_of(&secret(10))[96] & 1);
    let d = secret(10);
    let digest = sha384(b"compressed");
    let sig = sign(&d, &secret(11), &scalar(&digest));
    assert_eq!(verdict(&compressed, &digest, &sig), Some(true));
}

#[test]
fn random_signatures_and_mutations_agree_with_p384() {
    let mut agreed_true = 0;
    for seed in 0..24u64 {
        let d = secret(1000 + seed);
        let key = sec1_of(&d);
        let digest = sha384(&seed.to_le_bytes());
        let sig = sign(&d, &secret(2000 + seed), &scalar(&digest));
        if verdict(&key, &digest, &sig) == Some(true) {
            agreed_true += 1;
        }
        for bit in [0usize, 7, 200, 383, 384, 500, 767] {
            let mut s = sig;
            s[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(verdict(&key, &digest, &s), Some(false), "sig bit {bit}");
        }
        let mut dg = digest;
        dg[(seed as usize) % 48] ^= 0x10;
        assert_eq!(verdict(&key, &dg, &sig), Some(false));
        let other = sec1_of(&secret(3000 + seed));
        assert_eq!(verdict(&other, &digest, &sig), Some(false));
    }
    assert_eq!(agreed_true, 24);
}

/// `PrecomputedKey::from_uncompressed` (its own key decoding, the `const fn` built-in tables
/// use) refuses what p384 refuses and, for a good key, builds the key's own table: it verifies
/// what p384 verifies.
#[test]
fn from_uncompressed_decodes_like_p384() {
    use aimine_p384::{PrecomputedKey, VerifyingKey};
    let d = secret(21);
    let key: [u8; 97] = sec1_of(&d).try_into().unwrap();
    let table = PrecomputedKey::from_uncompressed(&key).expect("a valid key");
    assert!(table.is_table_of(&VerifyingKey::from_sec1_bytes(&key).unwrap()));
    let digest = sha384(b"uncompressed");
    let sig = sign(&d, &secret(22), &scalar(&digest));
    assert!(table.verify_prehash(&digest, &sig));
    let mut flipped = sig;
    flipped[95] ^= 1;
    assert!(!table.verify_prehash(&digest, &flipped));
    // Refused: another prefix, an off-curve point, a coordinate at or above p (x + p does not
    // fit 48 bytes for any x, so the all-ones coordinate stands for it), the identity's zeros.
    for prefix in [0x00u8, 0x02, 0x03, 0x05, 0x06, 0x07, 0xff] {
        let mut k = key;
        k[0] = prefix;
        assert!(
            PrecomputedKey::from_uncompressed(&k).is_none(),
            "prefix {prefix:#x}"
        );
    }
    let mut off = key;
    off[96] ^= 1;
    assert!(PrecomputedKey::from_uncompressed(&off).is_none());
    assert!(VerifyingKey::from_sec1_bytes(&off).is_none());
    for range in [1..49, 49..97] {
        let mut big = key;
        big[range].fill(0xff);
        assert!(PrecomputedKey::from_uncompressed(&big).is_none());
    }
    let mut zero = [0u8; 97];
    zero[0] = 0x04;
    assert!(PrecomputedKey::from_uncompressed(&zero).is_none());
}

/// A point R with x(R) = x, if x³ − 3x + b is a square.
fn point_with_x(x: &[u8; 48]) -> Option<ProjectivePoint> {
    let mut sec1 = [0u8; 49];
    sec1[0] = 2;
    sec1[1..].copy_from_slice(x);
    let key = p384::PublicKey::from_sec1_bytes(&sec1).ok()?;
    Some(key.to_projective())
}

/// A key and signature whose verification computes exactly the chosen point R with the chosen
/// r (without knowing R's discrete logarithm): for scalars u₁, u₂, Q = (R − u₁·G)/u₂,
/// s = r/u₂ and z = u₁·s, so the verifier's u₁ = z/s and u₂ = r/s rebuild R.
fn signature_reaching(
    point: &ProjectivePoint,
    r: &Scalar,
    seed: u64,
) -> (Vec<u8>, [u8; 48], [u8; 96]) {
    let u1 = secret(5000 + seed);
    let u2_inv = secret(6000 + seed);
    let q = (*point - ProjectivePoint::GENERATOR * u1) * u2_inv;
    let key = q.to_affine().to_sec1_point(false).as_bytes().to_vec();
    let s = *r * u2_inv;
    let z = u1 * s;
    let mut sig = [0u8; 96];
    sig[..48].copy_from_slice(&r.to_repr());
    sig[48..].copy_from_slice(&s.to_repr());
    (key, z.to_repr().into(), sig)
}

/// x(R) ≥ n (only about 2^−190 of points, so never met by honest signatures): r = x(R) − n
/// must verify (step 4 reduces x(R) mod n) and r = x(R) − n ± 1 must not. Points just above n
/// and just below p, the latter for r near the `r < p − n` bound.
#[test]
fn large_x_of_r_is_reduced_mod_n() {
    let n = U384::from_be_hex(N_HEX);
    let p = U384::from_be_hex(
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    );
    let mut found = 0;
    for (base, up) in [(n, true), (p, false)] {
        for delta in 1..40u64 {
            let x = if up {
                base.wrapping_add(&U384::from_u64(delta))
            } else {
                base.wrapping_sub(&U384::from_u64(delta))
            };
            let x_bytes: [u8; 48] = x.to_be_bytes().as_ref().try_into().unwrap();
            let Some(point) = point_with_x(&x_bytes) else {
                continue;
            };
            let r_int = x.wrapping_sub(&n);
            let r = scalar(&r_int.to_be_bytes().as_ref().try_into().unwrap());
            let (key, digest, sig) = signature_reaching(&point, &r, delta);
            assert_eq!(verdict(&key, &digest, &sig), Some(true), "x = n + {delta}");
            for wrong in [r + Scalar::ONE, r - Scalar::ONE] {
                let (key, digest, sig) = signature_reaching(&point, &wrong, delta);
                assert_eq!(verdict(&key, &digest, &sig), Some(false));
            }
            found += 1;
        }
    }
    assert!(found >= 20, "{found}");
}

/// The guard on the second candidate: with r = x(R) + (p − n) (a valid scalar for most x), the
/// field sum r + n wraps to x(R) itself, so a verifier that tried x(R) = r + n without checking
/// r < p − n would accept. x(R) mod n = x(R) ≠ r: refused.
#[test]
fn r_plus_n_wrapping_past_p_is_refused() {
    let n = U384::from_be_hex(N_HEX);
    let p = U384::from_be_hex(
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    );
    let p_minus_n = p.wrapping_sub(&n);
    for seed in 0..6u64 {
        let point = ProjectivePoint::GENERATOR * secret(7000 + seed);
        let x = U384::from_be_slice(&point.to_affine().x());
        let r_int = x.wrapping_add(&p_minus_n);
        assert!(r_int.cmp_vartime(&n).is_lt(), "a random x is far below n");
        let r = scalar(&r_int.to_be_bytes().as_ref().try_into().unwrap());
        let (key, digest, sig) = signature_reaching(&point, &r, seed);
        assert_eq!(verdict(&key, &digest, &sig), Some(false));
        // The same construction with r = x(R) verifies: the refusal is the guard's.
        let honest = scalar(&x.to_be_bytes().as_ref().try_into().unwrap());
        let (key, digest, sig) = signature_reaching(&point, &honest, seed);
        assert_eq!(verdict(&key, &digest, &sig), Some(true));
    }
}
