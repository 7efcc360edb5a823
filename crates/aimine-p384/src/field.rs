//! The base field of P-384, GF(p) with p = 2^384 − 2^128 − 2^96 + 2^32 − 1, as six 64-bit
//! limbs always reduced below p, with `const` arithmetic for the compile-time tables.
//!
//! Why not p384's own field element: its fiat-crypto arithmetic is constant-time Montgomery
//! arithmetic, which verification of public data does not need. Here a product is reduced
//! with p's special form (2^384 ≡ c = 2^128 + 2^96 − 2^32 + 1, folded in twice: 27 word
//! multiplications, 18 for the first fold and 9 for the second, where a Montgomery reduction
//! takes 36), a square computes each cross product once (21 word multiplications instead of
//! 36), additions branch instead of masking, and elements are canonical, so equality and zero
//! tests compare limbs instead of leaving the Montgomery domain. Inversion at run time is
//! p384's (variable-time safegcd); the tests check every operation against p384's field.

use p384::elliptic_curve::hazmat::FieldArithmetic;
use p384::elliptic_curve::ops::Invert;
use p384::{NistP384, U384};

/// p384's field element, used only for inversion at run time.
type P384Fe = <NistP384 as FieldArithmetic>::FieldElement;

/// An element of GF(p): little-endian 64-bit limbs of an integer below p (the invariant every
/// constructor and operation keeps, so equal elements have equal limbs).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fe([u64; 6]);

/// p's limbs, little-endian.
const P_LIMBS: [u64; 6] = [
    0x0000_0000_ffff_ffff,
    0xffff_ffff_0000_0000,
    0xffff_ffff_ffff_fffe,
    0xffff_ffff_ffff_ffff,
    0xffff_ffff_ffff_ffff,
    0xffff_ffff_ffff_ffff,
];

/// c = 2^384 − p = 2^128 + 2^96 − 2^32 + 1, little-endian limbs: 2^384 ≡ c (mod p).
const C: [u64; 3] = [0xffff_ffff_0000_0001, 0x0000_0000_ffff_ffff, 1];

/// p − 2, the exponent of Fermat inversion, little-endian limbs.
const P_MINUS_2: [u64; 6] = [
    0x0000_0000_ffff_fffd,
    0xffff_ffff_0000_0000,
    0xffff_ffff_ffff_fffe,
    0xffff_ffff_ffff_ffff,
    0xffff_ffff_ffff_ffff,
    0xffff_ffff_ffff_ffff,
];

/// a·b + acc + carry as (low word, high word); cannot overflow 128 bits.
#[allow(clippy::arithmetic_side_effects)] // (2^64−1)² + 2·(2^64−1) = 2^128 − 1
#[inline(always)]
const fn mac(acc: u64, a: u64, b: u64, carry: u64) -> (u64, u64) {
    let v = (a as u128) * (b as u128) + (acc as u128) + (carry as u128);
    (v as u64, (v >> 64) as u64)
}

/// a + b + carry as (sum, carry out); carry is 0 or 1.
#[allow(clippy::arithmetic_side_effects)] // below 2^65
#[inline(always)]
const fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let v = (a as u128) + (b as u128) + (carry as u128);
    (v as u64, (v >> 64) as u64)
}

/// a − b − borrow as (difference, borrow out); borrow is 0 or 1.
#[inline(always)]
const fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let (d1, b1) = a.overflowing_sub(b);
    let (d2, b2) = d1.overflowing_sub(borrow);
    (d2, (b1 | b2) as u64)
}

// Below, indices are loop counters bounded by the fixed array lengths, and the arithmetic on
// them stays below those lengths; limb arithmetic goes through `mac`, `adc` and `sbb`.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
impl Fe {
    /// 0.
    pub(crate) const ZERO: Fe = Fe([0; 6]);
    /// 1.
    pub(crate) const ONE: Fe = Fe([1, 0, 0, 0, 0, 0]);

    /// The integer `top`·2^384 + `x`, minus p if it is at least p; the caller guarantees it is
    /// below 2p. Without a branch: after an addition the outcome is a coin toss, which a
    /// branch predictor would miss half the time.
    #[inline]
    const fn sub_p_if_ge(x: [u64; 6], top: u64) -> Fe {
        let mut r = [0u64; 6];
        let mut borrow = 0;
        let mut i = 0;
        while i < 6 {
            let (v, b) = sbb(x[i], P_LIMBS[i], borrow);
            r[i] = v;
            borrow = b;
            i += 1;
        }
        // x − p is negative exactly when the borrow out exceeds the top limb: keep x then.
        let keep = 0u64.wrapping_sub((borrow > top) as u64);
        let mut i = 0;
        while i < 6 {
            r[i] = (x[i] & keep) | (r[i] & !keep);
            i += 1;
        }
        Fe(r)
    }

    /// The 768-bit `t` reduced mod p. With t = H·2^384 + L: t ≡ L + H·c (below 2^514), whose
    /// high part H′ (below 2^130) folds in again as H′·c (below 2^259); what is left is below
    /// 2^385, so one carry (2^384 ≡ c, the rest then below 2^261) or one subtraction of p ends.
    #[inline]
    const fn reduce(t: &[u64; 12]) -> Fe {
        // H·c: six rows of three words.
        let mut hc = [0u64; 9];
        let mut i = 0;
        while i < 6 {
            let h = t[6 + i];
            let mut carry = 0;
            let mut j = 0;
            while j < 3 {
                let (v, c) = mac(hc[i + j], h, C[j], carry);
                hc[i + j] = v;
                carry = c;
                j += 1;
            }
            hc[i + 3] = carry;
            i += 1;
        }
        // s = L + H·c < 2^384 + 2^513: nine limbs, no carry out.
        let mut s = [0u64; 9];
        let mut carry = 0;
        let mut i = 0;
        while i < 9 {
            let low = if i < 6 { t[i] } else { 0 };
            let (v, c) = adc(low, hc[i], carry);
            s[i] = v;
            carry = c;
            i += 1;
        }
        // s[6..9]·c < 2^130·2^129.
        let mut hc2 = [0u64; 6];
        let mut i = 0;
        while i < 3 {
            let h = s[6 + i];
            let mut carry = 0;
            let mut j = 0;
            while j < 3 {
                let (v, c) = mac(hc2[i + j], h, C[j], carry);
                hc2[i + j] = v;
                carry = c;
                j += 1;
            }
            hc2[i + 3] = carry;
            i += 1;
        }
        let mut low = [0u64; 6];
        let mut carry = 0;
        let mut i = 0;
        while i < 6 {
            let (v, c) = adc(s[i], hc2[i], carry);
            low[i] = v;
            carry = c;
            i += 1;
        }
        if carry != 0 {
            // The sum is below 2^384 + 2^259, so here low < 2^259 and low + c < 2^260 < p.
            let mut carry = 0;
            let mut i = 0;
            while i < 6 {
                let add = if i < 3 { C[i] } else { 0 };
                let (v, c) = adc(low[i], add, carry);
                low[i] = v;
                carry = c;
                i += 1;
            }
            return Fe(low);
        }
        Fe::sub_p_if_ge(low, 0)
    }

    /// self·rhs.
    #[inline]
    pub(crate) const fn multiply(&self, rhs: &Fe) -> Fe {
        let a = &self.0;
        let b = &rhs.0;
        let mut t = [0u64; 12];
        let mut i = 0;
        while i < 6 {
            let mut carry = 0;
            let mut j = 0;
            while j < 6 {
                let (v, c) = mac(t[i + j], a[i], b[j], carry);
                t[i + j] = v;
                carry = c;
                j += 1;
            }
            t[i + 6] = carry;
            i += 1;
        }
        Fe::reduce(&t)
    }

    /// self².
    #[inline]
    pub(crate) const fn square(&self) -> Fe {
        let a = &self.0;
        let mut t = [0u64; 12];
        // The cross products aᵢ·aⱼ (i < j) once: their sum is below 2^767.
        let mut i = 0;
        while i < 6 {
            let mut carry = 0;
            let mut j = i + 1;
            while j < 6 {
                let (v, c) = mac(t[i + j], a[i], a[j], carry);
                t[i + j] = v;
                carry = c;
                j += 1;
            }
            t[i + 6] = carry;
            i += 1;
        }
        // Doubled (a shift by one bit), then the squares aᵢ² at 2i.
        let mut i = 11;
        while i > 0 {
            t[i] = (t[i] << 1) | (t[i - 1] >> 63);
            i -= 1;
        }
        t[0] <<= 1;
        let mut carry = 0;
        let mut i = 0;
        while i < 6 {
            let (lo, hi) = mac(0, a[i], a[i], 0);
            let (v, c) = adc(t[2 * i], lo, carry);
            t[2 * i] = v;
            let (v, c) = adc(t[2 * i + 1], hi, c);
            t[2 * i + 1] = v;
            carry = c;
            i += 1;
        }
        Fe::reduce(&t)
    }

    /// self + rhs.
    #[inline]
    pub(crate) const fn add(&self, rhs: &Fe) -> Fe {
        let mut r = [0u64; 6];
        let mut carry = 0;
        let mut i = 0;
        while i < 6 {
            let (v, c) = adc(self.0[i], rhs.0[i], carry);
            r[i] = v;
            carry = c;
            i += 1;
        }
        Fe::sub_p_if_ge(r, carry)
    }

    /// 2·self.
    #[inline]
    pub(crate) const fn double(&self) -> Fe {
        self.add(self)
    }

    /// self − rhs.
    #[inline]
    pub(crate) const fn sub(&self, rhs: &Fe) -> Fe {
        let mut r = [0u64; 6];
        let mut borrow = 0;
        let mut i = 0;
        while i < 6 {
            let (v, b) = sbb(self.0[i], rhs.0[i], borrow);
            r[i] = v;
            borrow = b;
            i += 1;
        }
        // On a borrow r holds self − rhs + 2^384: adding p wraps past 2^384 back to
        // self − rhs + p. Masked rather than branched, as in `sub_p_if_ge`.
        let mask = 0u64.wrapping_sub(borrow);
        let mut carry = 0;
        let mut i = 0;
        while i < 6 {
            let (v, c) = adc(r[i], P_LIMBS[i] & mask, carry);
            r[i] = v;
            carry = c;
            i += 1;
        }
        Fe(r)
    }

    /// −self.
    #[inline]
    pub(crate) const fn neg(&self) -> Fe {
        Fe::ZERO.sub(self)
    }

    /// Whether this is zero.
    #[inline]
    pub(crate) const fn is_zero(&self) -> bool {
        let mut acc = 0;
        let mut i = 0;
        while i < 6 {
            acc |= self.0[i];
            i += 1;
        }
        acc == 0
    }

    /// The small integer `w` (for tests).
    #[cfg(test)]
    pub(crate) const fn from_u64(w: u64) -> Fe {
        Fe([w, 0, 0, 0, 0, 0])
    }

    /// The element with these 48 big-endian bytes, or `None` if they encode a value ≥ p.
    pub(crate) const fn from_be_bytes(bytes: &[u8; 48]) -> Option<Fe> {
        let mut limbs = [0u64; 6];
        let mut i = 0;
        while i < 48 {
            // Byte i is bits 8·(47 − i) and up.
            let shift = 8 * ((47 - i) % 8);
            limbs[(47 - i) / 8] |= (bytes[i] as u64) << shift;
            i += 1;
        }
        // Canonical only: compare with p from the top limb down.
        let mut i = 6;
        while i > 0 {
            i -= 1;
            if limbs[i] < P_LIMBS[i] {
                return Some(Fe(limbs));
            }
            if limbs[i] > P_LIMBS[i] {
                return None;
            }
        }
        None // equal to p
    }

    /// [`Fe::from_be_bytes`] for a slice, which must be 48 bytes long.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Fe> {
        Fe::from_be_bytes(<&[u8; 48]>::try_from(bytes).ok()?)
    }

    /// The 48 big-endian bytes of this element.
    pub(crate) const fn to_bytes(self) -> [u8; 48] {
        let mut out = [0u8; 48];
        let mut i = 0;
        while i < 48 {
            out[i] = (self.0[(47 - i) / 8] >> (8 * ((47 - i) % 8))) as u8;
            i += 1;
        }
        out
    }

    /// The element written as 96 hex digits (big-endian, either case), or `None` if `hex` is
    /// not that or encodes a value ≥ p.
    pub(crate) const fn from_hex(hex: &[u8]) -> Option<Fe> {
        if hex.len() != 96 {
            return None;
        }
        let mut bytes = [0u8; 48];
        let mut i = 0;
        while i < 96 {
            let nibble = match hex[i] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => return None,
            };
            bytes[i / 2] |= nibble << (4 * (1 - i % 2));
            i += 1;
        }
        Fe::from_be_bytes(&bytes)
    }

    /// 1/self by Fermat's little theorem (self^(p−2)), for `const` table building; zero maps
    /// to zero.
    pub(crate) const fn const_invert(&self) -> Fe {
        let mut acc = Fe::ONE;
        let mut i = 6;
        while i > 0 {
            i -= 1;
            let limb = P_MINUS_2[i];
            let mut bit = 64;
            while bit > 0 {
                bit -= 1;
                acc = acc.square();
                if (limb >> bit) & 1 == 1 {
                    acc = acc.multiply(self);
                }
            }
        }
        acc
    }

    /// 1/self by p384's variable-time inversion; `None` for zero.
    pub(crate) fn invert_vartime(&self) -> Option<Fe> {
        let theirs = P384Fe::from_slice(&self.to_bytes())?;
        let inverse = Option::<P384Fe>::from(theirs.invert_vartime())?;
        Fe::from_slice(&inverse.to_bytes())
    }
}

/// The curve coefficient b of y² = x³ − 3x + b.
pub(crate) const B: Fe = constant(
    b"b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
);

/// The group order n, as a field element (n < p).
pub(crate) const N_FE: Fe = constant(
    b"ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
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

/// A field constant written in hex (evaluated at compile time: bad hex is a broken build).
#[allow(clippy::panic)]
pub(crate) const fn constant(hex: &[u8; 96]) -> Fe {
    match Fe::from_hex(hex) {
        Some(fe) => fe,
        None => panic!("not a field element"),
    }
}

/// Whether `a` is zero (variable time; usable in `const` context).
pub(crate) const fn is_zero(a: &Fe) -> bool {
    a.is_zero()
}

/// Whether `a == b` (variable time; usable in `const` context). Elements are canonical, so
/// this compares limbs.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // i < 6
pub(crate) const fn eq(a: &Fe, b: &Fe) -> bool {
    let mut i = 0;
    while i < 6 {
        if a.0[i] != b.0[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The field element with these 48 big-endian bytes, or `None` if they encode a value ≥ p
/// (a `const fn` for keys decoded at compile time).
pub(crate) const fn from_be_bytes_const(bytes: &[u8; 48]) -> Option<Fe> {
    Fe::from_be_bytes(bytes)
}

#[cfg(test)]
#[allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unwrap_used
)]
mod differential;

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    extern crate std;
    use std::vec::Vec;

    /// p384's field element with the same value.
    fn theirs(a: &Fe) -> P384Fe {
        P384Fe::from_slice(&a.to_bytes()).unwrap()
    }

    fn ours(a: &P384Fe) -> Fe {
        Fe::from_slice(&a.to_bytes()).unwrap()
    }

    /// Elements near the edges: 0, 1, p − 1, 2^k ± 1 and −2^k at limb and c boundaries, and a
    /// value with most of p's limbs. Their products reach the rare branch of `reduce` (a carry
    /// past 2^384 after the second fold), which random values never do.
    fn edges() -> Vec<Fe> {
        let mut out = Vec::new();
        let p_minus = |k: u64| Fe::ZERO.sub(&Fe::from_u64(k));
        for k in 0..4 {
            out.push(Fe::from_u64(k));
            out.push(p_minus(k));
        }
        for shift in [
            31usize, 32, 63, 64, 95, 96, 127, 128, 129, 191, 255, 256, 319, 383,
        ] {
            let mut bytes = [0u8; 48];
            bytes[47 - shift / 8] = 1 << (shift % 8);
            let two_k = Fe::from_be_bytes(&bytes).unwrap();
            out.push(two_k);
            out.push(two_k.add(&Fe::ONE));
            out.push(two_k.sub(&Fe::ONE));
            out.push(two_k.neg());
        }
        out.push(Fe(P_LIMBS).sub_limbs_for_test());
        out
    }

    /// A deterministic pseudo-random walk of 300 elements.
    fn walk() -> Vec<Fe> {
        let mut out = Vec::new();
        let mut x = ours(&P384Fe::from_u64(0x1234_5678_9abc_def1).square());
        for k in 0..300u64 {
            x = x.square().add(&Fe::from_u64(k));
            out.push(x);
        }
        out
    }

    fn samples() -> Vec<Fe> {
        let mut out = edges();
        out.extend(walk());
        out
    }

    /// a·b, a + b, a − b and b − a agree with p384's field.
    fn check_pair(a: &Fe, b: &Fe) {
        let (ta, tb) = (theirs(a), theirs(b));
        assert!(eq(&a.multiply(b), &ours(&ta.multiply(&tb))));
        assert!(eq(&a.add(b), &ours(&ta.add(&tb))));
        assert!(eq(&a.sub(b), &ours(&ta.sub(&tb))));
        assert!(eq(&b.sub(a), &ours(&tb.sub(&ta))));
    }

    impl Fe {
        /// p − 2^64·(p's limb 1): a value whose limbs are mostly p's.
        fn sub_limbs_for_test(self) -> Fe {
            let mut l = self.0;
            l[1] = 0;
            Fe(l)
        }
    }

    #[test]
    fn operations_match_p384() {
        let s = samples();
        for a in &s {
            let ta = theirs(a);
            assert!(eq(&a.square(), &ours(&ta.square())));
            assert!(eq(&a.neg(), &ours(&ta.neg())));
            assert!(eq(&a.double(), &ours(&ta.double())));
        }
        let edges = edges();
        for a in &edges {
            for b in &edges {
                check_pair(a, b);
            }
        }
        let walk = walk();
        for a in &walk {
            for b in walk.iter().step_by(7).chain(edges.iter()) {
                check_pair(a, b);
            }
        }
    }

    #[test]
    fn inversions() {
        for a in samples().iter().step_by(5) {
            if a.is_zero() {
                assert!(a.invert_vartime().is_none());
                assert!(a.const_invert().is_zero());
                continue;
            }
            let inv = a.invert_vartime().unwrap();
            assert!(eq(&inv.multiply(a), &Fe::ONE));
            assert!(eq(&a.const_invert(), &inv));
        }
    }

    #[test]
    fn encodings() {
        let p_bytes = Fe(P_LIMBS).to_bytes();
        assert!(Fe::from_be_bytes(&p_bytes).is_none());
        assert!(Fe::from_be_bytes(&[0xff; 48]).is_none());
        let mut p_minus_1 = p_bytes;
        p_minus_1[47] -= 1;
        assert!(eq(&Fe::from_be_bytes(&p_minus_1).unwrap(), &Fe::ONE.neg()));
        assert!(Fe::from_slice(&p_minus_1[1..]).is_none());
        for a in samples() {
            let bytes = a.to_bytes();
            assert_eq!(bytes, theirs(&a).to_bytes().as_slice());
            assert!(eq(&Fe::from_be_bytes(&bytes).unwrap(), &a));
        }
        let hex = b"b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef";
        assert!(eq(&Fe::from_hex(hex).unwrap(), &B));
        assert!(Fe::from_hex(&hex[1..]).is_none());
        let mut bad = *hex;
        bad[5] = b'g';
        assert!(Fe::from_hex(&bad).is_none());
        assert!(Fe::from_hex(&[b'f'; 96]).is_none());
        assert!(!eq(&B, &B.add(&Fe::ONE)));
    }
}
