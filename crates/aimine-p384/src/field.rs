//! The base field of P-384, borrowed from p384 (its fiat-crypto or crypto-bigint backend), with
//! the few `const` helpers that compile-time tables need.

use p384::elliptic_curve::hazmat::FieldArithmetic;
use p384::{NistP384, U384};

/// An element of GF(p), p = 2^384 − 2^128 − 2^96 + 2^32 − 1: p384's own field element type.
pub(crate) type Fe = <NistP384 as FieldArithmetic>::FieldElement;

/// The curve coefficient b of y² = x³ − 3x + b.
pub(crate) const B: Fe = Fe::from_hex_vartime(
    "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
);

/// The field modulus p.
pub(crate) const P: U384 = U384::from_be_hex(
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
);

/// The group order n.
pub(crate) const N: U384 = U384::from_be_hex(
    "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
);

/// p − n: an x-coordinate below it has a second value, x + n, that is still a field element.
pub(crate) const P_MINUS_N: U384 = P.wrapping_sub(&N);

/// Whether `a` is zero (variable time; usable in `const` context).
pub(crate) const fn is_zero(a: &Fe) -> bool {
    a.to_canonical().is_zero_vartime()
}

/// Whether `a == b` (variable time; usable in `const` context).
pub(crate) const fn eq(a: &Fe, b: &Fe) -> bool {
    is_zero(&a.sub(b))
}

/// The field element with these 48 big-endian bytes, or `None` if they encode a value ≥ p.
/// A `const fn` (Horner's rule over the bytes) for keys decoded at compile time.
pub(crate) const fn from_be_bytes_const(bytes: &[u8; 48]) -> Option<Fe> {
    let radix = Fe::from_u64(256);
    let mut acc = Fe::ZERO;
    let mut i = 0;
    while i < bytes.len() {
        #[allow(clippy::indexing_slicing)] // i < bytes.len(), the loop bound
        let byte = bytes[i];
        acc = acc.multiply(&radix).add(&Fe::from_u64(byte as u64));
        i = i.wrapping_add(1);
    }
    // Horner's rule reduces mod p: accept only the canonical encoding.
    let value = U384::from_be_slice(bytes);
    if value.cmp_vartime(&P).is_lt() {
        Some(acc)
    } else {
        None
    }
}
