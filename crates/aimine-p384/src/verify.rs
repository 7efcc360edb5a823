//! ECDSA verification (FIPS 186-5 §6.4.2, SEC 1 §4.1.4) over a 48-byte digest.
//!
//! Given a public key Q, a digest e and a signature (r, s):
//! 1. r and s must lie in [1, n − 1];
//! 2. z is e read as a big-endian integer (a SHA-384 digest has exactly n's 384 bits, so no bits
//!    are dropped) and reduced mod n;
//! 3. u₁ = z·s⁻¹ and u₂ = r·s⁻¹ mod n, and R = u₁·G + u₂·Q;
//! 4. R must not be the point at infinity, and x(R) mod n must equal r.
//!
//! Step 4 is done without inverting R's Z coordinate: x(R) = X/Z² lies in [0, p) and p < 2n, so
//! x(R) mod n = r exactly when X = r·Z², or X = (r + n)·Z² with r + n < p.

use p384::elliptic_curve::ff::PrimeField;
use p384::elliptic_curve::ops::{Invert, Reduce};
use p384::{FieldBytes, Scalar, U384};

use crate::field::{self, Fe};
use crate::point::{Affine, Jacobian};
use crate::table::{self, FixedTable, SPAN, SUBTABLES};
use crate::wnaf::{NAF_LEN, wnaf};

/// u₁, u₂ and r of a signature that passed the range checks.
struct Prepared {
    u1: [u8; 48],
    u2: [u8; 48],
    r: [u8; 48],
}

/// Steps 1 to 3 up to the scalars: `None` when r or s is out of range.
fn prepare(digest: &[u8; 48], signature: &[u8; 96]) -> Option<Prepared> {
    let (r_bytes, s_bytes) = signature.split_at(48);
    let r = scalar(r_bytes)?;
    let s = scalar(s_bytes)?;
    let z = <Scalar as Reduce<U384>>::reduce(&U384::from_be_slice(digest));
    let s_inv = Option::<Scalar>::from(s.invert_vartime())?;
    let u1 = z.multiply(&s_inv);
    let u2 = r.multiply(&s_inv);
    Some(Prepared {
        u1: u1.to_repr().into(),
        u2: u2.to_repr().into(),
        r: r.to_repr().into(),
    })
}

/// The scalar with these 48 big-endian bytes if it lies in [1, n − 1].
fn scalar(bytes: &[u8]) -> Option<Scalar> {
    let repr = FieldBytes::try_from(bytes).ok()?;
    let s = Option::<Scalar>::from(Scalar::from_repr(repr))?;
    if bool::from(s.is_zero()) {
        None
    } else {
        Some(s)
    }
}

/// Step 4: R finite and x(R) ≡ r (mod n).
fn x_matches(point: &Jacobian, r: &[u8; 48]) -> bool {
    if point.is_identity() {
        return false;
    }
    let zz = point.z().square();
    let Some(r_fe) = Fe::from_slice(r) else {
        return false;
    };
    if field::eq(point.x(), &r_fe.multiply(&zz)) {
        return true;
    }
    let r_int = U384::from_be_slice(r);
    if !r_int.cmp_vartime(&field::P_MINUS_N).is_lt() {
        return false;
    }
    // r < p − n, so the field sum r + n is the integer r + n (it does not wrap past p).
    let candidate = r_fe.add(&field::N_FE);
    field::eq(point.x(), &candidate.multiply(&zz))
}

/// acc ± |digit|·P from the odd multiples `odd` of P (digit zero: acc unchanged); false if
/// the digit has no entry (it always has one: wNAF digits are odd and below the table's
/// width). In place, without an `Option` around the point: the 144-byte point copies that
/// wrapping cost showed up in profiles.
fn add_digit(acc: &mut Jacobian, odd: &[Affine], digit: i8) -> bool {
    if digit == 0 {
        return true;
    }
    let Some(point) = odd.get(usize::from(digit.unsigned_abs() >> 1)) else {
        return false;
    };
    *acc = if digit > 0 {
        acc.add_affine(point)
    } else {
        acc.sub_affine(point)
    };
    true
}

/// Adds the digits of a fixed-table wNAF at step `t` of a SPAN-long chain; false as
/// [`add_digit`].
fn add_fixed_digits(acc: &mut Jacobian, table: &FixedTable, naf: &[i8; NAF_LEN], t: usize) -> bool {
    for j in 0..SUBTABLES {
        let Some(&digit) = naf.get(j.wrapping_mul(SPAN).wrapping_add(t)) else {
            return false;
        };
        if !add_digit(acc, table.sub(j), digit) {
            return false;
        }
    }
    true
}

/// u₁·G + u₂·Q for a point Q seen once: Straus's interleaving of u₂'s wNAF over Q's odd
/// multiples (384 doublings) with u₁'s digits over the generator's table (added in the last
/// SPAN steps, the sub-tables standing for the higher positions).
fn mul_add_var(u1: &[u8; 48], u2: &[u8; 48], q: &Affine) -> Option<Jacobian> {
    let g_naf = wnaf(u1, table::FIXED_WIDTH);
    let q_naf = wnaf(u2, table::VAR_WIDTH);
    let q_odd = table::odd_multiples(q)?;
    let mut acc = Jacobian::IDENTITY;
    let mut ok = true;
    for (i, &digit) in q_naf.iter().enumerate().rev() {
        acc = acc.double();
        ok &= add_digit(&mut acc, &q_odd, digit);
        if i < SPAN {
            ok &= add_fixed_digits(&mut acc, &table::GENERATOR, &g_naf, i);
        }
    }
    ok.then_some(acc)
}

/// u₁·G + u₂·Q for a Q with its own [`FixedTable`]: SPAN doublings in all.
fn mul_add_fixed(u1: &[u8; 48], u2: &[u8; 48], q: &FixedTable) -> Option<Jacobian> {
    let g_naf = wnaf(u1, table::FIXED_WIDTH);
    let q_naf = wnaf(u2, table::FIXED_WIDTH);
    let mut acc = Jacobian::IDENTITY;
    let mut ok = true;
    for t in (0..SPAN).rev() {
        acc = acc.double();
        ok &= add_fixed_digits(&mut acc, &table::GENERATOR, &g_naf, t);
        ok &= add_fixed_digits(&mut acc, q, &q_naf, t);
    }
    ok.then_some(acc)
}

/// Verifies `signature` (r ‖ s) over `digest` under the finite point `q`.
pub(crate) fn verify_var(q: &Affine, digest: &[u8; 48], signature: &[u8; 96]) -> bool {
    let Some(p) = prepare(digest, signature) else {
        return false;
    };
    mul_add_var(&p.u1, &p.u2, q).is_some_and(|point| x_matches(&point, &p.r))
}

/// Verifies `signature` (r ‖ s) over `digest` under the key whose table is `q`.
pub(crate) fn verify_fixed(q: &FixedTable, digest: &[u8; 48], signature: &[u8; 96]) -> bool {
    let Some(p) = prepare(digest, signature) else {
        return false;
    };
    mul_add_fixed(&p.u1, &p.u2, q).is_some_and(|point| x_matches(&point, &p.r))
}
