//! Width-w non-adjacent form (wNAF) of 384-bit scalars.
//!
//! A scalar k < 2^384 is rewritten as Σ dᵢ·2^i with every dᵢ zero or odd, |dᵢ| < 2^(w−1), and
//! at most one non-zero digit in any w consecutive positions, so a multiplication costs about
//! 384/(w+1) additions from a table of the 2^(w−2) odd multiples. The last non-zero digit is
//! at position 384 at most.

/// Digit positions kept: one more than the 384 bits (the wNAF may carry into bit 384), rounded
/// up to a whole number of [`crate::table::SPAN`]s so that fixed tables split it evenly.
pub(crate) const NAF_LEN: usize = crate::table::SUBTABLES * crate::table::SPAN;

const _: () = assert!(
    NAF_LEN > 384,
    "the wNAF of a 384-bit scalar needs 385 digits"
);

/// The wNAF of width `width` (2 ≤ width ≤ 8) of the 384-bit big-endian integer `k`.
pub(crate) fn wnaf(k: &[u8; 48], width: u32) -> [i8; NAF_LEN] {
    // Little-endian 64-bit limbs; bits past 383 read as zero.
    let mut limbs = [0u64; 6];
    for (limb, chunk) in limbs.iter_mut().zip(k.rchunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(word);
    }
    let full: u64 = 1u64 << width;
    let mask = full.wrapping_sub(1);
    let half = full >> 1;

    let mut naf = [0i8; NAF_LEN];
    // The value still to write is (k >> pos) + carry.
    let mut carry = 0u64;
    let mut pos = 0usize;
    while pos < NAF_LEN {
        let window = (bits_at(&limbs, pos) & mask).wrapping_add(carry);
        if window & 1 == 0 {
            // The lowest bit of the rest is 0 (a set bit plus the carry carries on).
            pos = pos.wrapping_add(1);
            continue;
        }
        // window is odd, so below 2^width: write it as a digit in (−2^(w−1), 2^(w−1)).
        let digit = if window < half {
            carry = 0;
            i64::try_from(window).unwrap_or(0)
        } else {
            carry = 1;
            i64::try_from(window)
                .unwrap_or(0)
                .wrapping_sub(i64::try_from(full).unwrap_or(0))
        };
        if let Some(slot) = naf.get_mut(pos) {
            *slot = i8::try_from(digit).unwrap_or(0);
        }
        pos = pos.wrapping_add(usize::try_from(width).unwrap_or(1));
    }
    naf
}

/// The 64 bits of the integer `limbs` starting at bit `pos` (zero past the top).
fn bits_at(limbs: &[u64; 6], pos: usize) -> u64 {
    let index = pos / 64;
    let shift = pos % 64;
    let low = limbs.get(index).copied().unwrap_or(0) >> shift;
    if shift == 0 {
        return low;
    }
    let high = limbs
        .get(index.wrapping_add(1))
        .copied()
        .unwrap_or(0)
        .checked_shl(u32::try_from(64usize.wrapping_sub(shift)).unwrap_or(0))
        .unwrap_or(0);
    low | high
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test helpers over small bounded values
mod tests {
    use super::*;

    extern crate std;
    use std::vec;

    /// Σ dᵢ·2^i as a little-endian 7-limb two's-complement integer (enough for 385 bits).
    fn evaluate(naf: &[i8; NAF_LEN]) -> [u64; 7] {
        let mut acc = [0u64; 7];
        for (i, &d) in naf.iter().enumerate().rev() {
            // acc = 2·acc + d
            let mut carry = 0u64;
            for limb in acc.iter_mut() {
                let next = *limb >> 63;
                *limb = (*limb << 1) | carry;
                carry = next;
            }
            let _ = i;
            let (add, negative) = (u64::from(d.unsigned_abs()), d < 0);
            if negative {
                let mut borrow = add;
                for limb in acc.iter_mut() {
                    let (v, b) = limb.overflowing_sub(borrow);
                    *limb = v;
                    borrow = u64::from(b);
                }
            } else {
                let mut c = add;
                for limb in acc.iter_mut() {
                    let (v, o) = limb.overflowing_add(c);
                    *limb = v;
                    c = u64::from(o);
                }
            }
        }
        acc
    }

    fn check(k: [u8; 48], width: u32) {
        let naf = wnaf(&k, width);
        let mut expected = [0u64; 7];
        for (limb, chunk) in expected.iter_mut().zip(k.rchunks_exact(8)) {
            *limb = u64::from_be_bytes(chunk.try_into().unwrap());
        }
        assert_eq!(evaluate(&naf), expected, "value, width {width}");
        let bound = 1i16 << (width - 1);
        let mut last: Option<usize> = None;
        for (i, &d) in naf.iter().enumerate() {
            if d != 0 {
                assert!(d % 2 != 0 && i16::from(d).abs() < bound, "digit {d} at {i}");
                if let Some(l) = last {
                    assert!(i - l >= width as usize, "digits {l} and {i} too close");
                }
                last = Some(i);
                assert!(i <= 384, "digit past 384 at {i}");
            }
        }
    }

    #[test]
    fn wnaf_represents_the_scalar() {
        let mut samples = vec![[0u8; 48], [0xff; 48], [0x55; 48], [0xaa; 48]];
        let mut one = [0u8; 48];
        one[47] = 1;
        samples.push(one);
        let mut top = [0u8; 48];
        top[0] = 0x80;
        samples.push(top);
        // A simple deterministic generator for more shapes.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200 {
            let mut k = [0u8; 48];
            for b in k.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            samples.push(k);
        }
        for k in samples {
            for width in 2..=8 {
                check(k, width);
            }
        }
    }
}
