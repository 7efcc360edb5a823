//! Tables of odd multiples, the only precomputation the verifier uses.
//!
//! A [`FixedTable`] serves a point known ahead (the generator, or a [`crate::PrecomputedKey`]):
//! for each of [`SUBTABLES`] bases Pⱼ = 2^(j·SPAN)·P it holds the odd multiples
//! 1·Pⱼ, 3·Pⱼ, …, (2^(w−1) − 1)·Pⱼ in affine coordinates, with w = [`FIXED_WIDTH`]. A wNAF digit
//! at position j·SPAN + t then becomes an addition of ±dᵢ·Pⱼ at step t of a chain of only
//! `SPAN` doublings. It is built by `const fn`, so built-in keys are tables in the binary.
//!
//! A point seen once (a device key) gets [`odd_multiples`]: 2^(w−2) multiples for
//! w = [`VAR_WIDTH`], normalised to affine with a single field inversion.

use crate::field::Fe;
use crate::point::{Affine, Jacobian};

/// Sub-tables of a [`FixedTable`]: the doublings of a fixed-base multiplication are `SPAN`.
pub(crate) const SUBTABLES: usize = 8;
/// Digit positions covered by each sub-table (8 × 49 = 392 ≥ the 385 a wNAF may use).
pub(crate) const SPAN: usize = 49;
/// wNAF width of scalars multiplied by a [`FixedTable`].
pub(crate) const FIXED_WIDTH: u32 = 7;
/// Odd multiples per sub-table: 2^(FIXED_WIDTH − 2).
pub(crate) const FIXED_ODD: usize = 1 << (FIXED_WIDTH - 2);
/// wNAF width of scalars multiplied by a point seen once.
pub(crate) const VAR_WIDTH: u32 = 5;
/// Odd multiples of a point seen once: 2^(VAR_WIDTH − 2).
pub(crate) const VAR_ODD: usize = 1 << (VAR_WIDTH - 2);

const ENTRIES: usize = SUBTABLES * FIXED_ODD;

/// The odd multiples of 2^(j·SPAN)·P for j < [`SUBTABLES`], in affine coordinates.
#[derive(Clone, Debug)]
pub(crate) struct FixedTable {
    /// `entries[j·FIXED_ODD + k]` = (2k + 1)·2^(j·SPAN)·P.
    entries: [Affine; ENTRIES],
}

impl FixedTable {
    /// The table of P; `None` only if a multiple were the point at infinity, which cannot
    /// happen for a finite point of the prime-order group.
    // Indices below are loop counters bounded by the array lengths, all compile-time constants.
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    pub(crate) const fn new(p: &Affine) -> Option<FixedTable> {
        let mut jacobian = [Jacobian::IDENTITY; ENTRIES];
        let mut base = Jacobian::from_affine(p);
        let mut j = 0;
        while j < SUBTABLES {
            let twice = base.double();
            let mut multiple = base;
            let mut k = 0;
            while k < FIXED_ODD {
                jacobian[j * FIXED_ODD + k] = multiple;
                multiple = multiple.add(&twice);
                k += 1;
            }
            let mut d = 0;
            while d < SPAN {
                base = base.double();
                d += 1;
            }
            j += 1;
        }

        // One inversion for all (Montgomery's trick): prefix[i] = Z₀·…·Zᵢ.
        let mut prefix = [Fe::ONE; ENTRIES];
        let mut acc = Fe::ONE;
        let mut i = 0;
        while i < ENTRIES {
            if jacobian[i].is_identity() {
                return None;
            }
            acc = acc.multiply(jacobian[i].z());
            prefix[i] = acc;
            i += 1;
        }
        let mut inv = acc.const_invert();
        let mut entries = [Affine::GENERATOR; ENTRIES];
        let mut i = ENTRIES;
        while i > 0 {
            i -= 1;
            // inv = 1/(Z₀·…·Zᵢ); 1/Zᵢ = inv·(Z₀·…·Zᵢ₋₁).
            let z_inv = if i == 0 {
                inv
            } else {
                inv.multiply(&prefix[i - 1])
            };
            inv = inv.multiply(jacobian[i].z());
            entries[i] = match jacobian[i].affine_with(&z_inv) {
                Some(a) => a,
                None => return None,
            };
        }
        Some(FixedTable { entries })
    }

    /// Sub-table `j`: the odd multiples of 2^(j·SPAN)·P.
    pub(crate) fn sub(&self, j: usize) -> &[Affine] {
        let start = j.saturating_mul(FIXED_ODD);
        self.entries
            .get(start..start.saturating_add(FIXED_ODD))
            .unwrap_or(&[])
    }

    /// The base point (entry 0: 1·P).
    pub(crate) const fn point(&self) -> &Affine {
        &self.entries[0]
    }
}

/// The generator's table, decoded at compile time from `generator.hex` (which the test
/// `generator_table_is_current` recomputes and compares).
#[allow(clippy::panic)] // evaluated at compile time: a failure is a broken build
pub(crate) static GENERATOR: FixedTable = match FixedTable::from_hex(include_str!("generator.hex"))
{
    Some(t) => t,
    None => panic!("generator.hex is not a table"),
};

/// Length of a table in hex: one line per entry, x then y (96 lowercase hex digits each), '\n'.
pub(crate) const HEX_LEN: usize = ENTRIES * HEX_LINE;
const HEX_LINE: usize = 96 + 96 + 1;

impl FixedTable {
    /// The table written by [`FixedTable::write_hex`]; `None` unless `hex` has that exact shape
    /// (length, lowercase digits, line ends) with every coordinate below p. Nothing checks that
    /// the points are the multiples they should be: the tests of each table do. A `const fn`
    /// costing one field multiplication per coordinate, so tables can be `static`s.
    // Indices are bounded by the length check at the top; counters by compile-time constants.
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    pub(crate) const fn from_hex(hex: &str) -> Option<FixedTable> {
        let bytes = hex.as_bytes();
        if bytes.len() != HEX_LEN {
            return None;
        }
        let mut entries = [Affine::GENERATOR; ENTRIES];
        let mut i = 0;
        while i < ENTRIES {
            let line = i * HEX_LINE;
            if bytes[line + HEX_LINE - 1] != b'\n' {
                return None;
            }
            let (Some(x), Some(y)) = (coordinate(bytes, line), coordinate(bytes, line + 96)) else {
                return None;
            };
            entries[i] = Affine { x, y };
            i += 1;
        }
        Some(FixedTable { entries })
    }

    /// Writes the table as [`FixedTable::from_hex`] reads it.
    pub(crate) fn write_hex(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        for entry in &self.entries {
            for byte in entry.x.to_bytes().iter().chain(entry.y.to_bytes().iter()) {
                write!(out, "{byte:02x}")?;
            }
            core::fmt::Write::write_char(out, '\n')?;
        }
        Ok(())
    }

    /// Whether two tables hold the same points.
    pub(crate) fn same_as(&self, other: &FixedTable) -> bool {
        self.entries
            .iter()
            .zip(other.entries.iter())
            .all(|(a, b)| crate::field::eq(&a.x, &b.x) && crate::field::eq(&a.y, &b.y))
    }
}

/// The field element written as 96 lowercase hex digits at `bytes[at..at + 96]`, if they are
/// digits of a value below p.
// The caller checked that at + 96 <= bytes.len().
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn coordinate(bytes: &[u8], at: usize) -> Option<Fe> {
    let (_, rest) = bytes.split_at(at);
    let (digits, _) = rest.split_at(96);
    let mut i = 0;
    while i < 96 {
        if !matches!(digits[i], b'0'..=b'9' | b'a'..=b'f') {
            return None;
        }
        i += 1;
    }
    Fe::from_hex(digits)
}

/// The odd multiples P, 3P, …, (2^(VAR_WIDTH−1) − 1)·P in affine coordinates, for a point seen
/// once; `None` only if the field inversion failed (it cannot, for a finite point).
pub(crate) fn odd_multiples(p: &Affine) -> Option<[Affine; VAR_ODD]> {
    let mut jacobian = [Jacobian::IDENTITY; VAR_ODD];
    let start = Jacobian::from_affine(p);
    let twice = start.double();
    let mut multiple = start;
    for slot in jacobian.iter_mut() {
        *slot = multiple;
        multiple = multiple.add(&twice);
    }
    let mut prefix = [Fe::ONE; VAR_ODD];
    let mut acc = Fe::ONE;
    for (slot, point) in prefix.iter_mut().zip(jacobian.iter()) {
        acc = acc.multiply(point.z());
        *slot = acc;
    }
    let mut inv = acc.invert_vartime()?;
    let mut out = [*p; VAR_ODD];
    for i in (0..VAR_ODD).rev() {
        let point = jacobian.get(i)?;
        let z_inv = match i.checked_sub(1) {
            Some(prev) => inv.multiply(prefix.get(prev)?),
            None => inv,
        };
        inv = inv.multiply(point.z());
        *out.get_mut(i)? = point.affine_with(&z_inv)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;
    use std::format;
    use std::string::String;

    /// p in the table's hex format.
    const P_HEX: &[u8; 96] =
        b"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff";

    /// `generator.hex` is the generator's table as this crate computes it. With
    /// `AIMINE_P384_WRITE_TABLES=1` the test rewrites the file instead.
    #[test]
    fn generator_table_is_current() {
        let fresh = FixedTable::new(&Affine::GENERATOR).unwrap();
        let mut text = String::new();
        fresh.write_hex(&mut text).unwrap();
        assert_eq!(text.len(), HEX_LEN);
        if std::env::var_os("AIMINE_P384_WRITE_TABLES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/generator.hex");
            std::fs::write(path, &text).unwrap();
        }
        assert_eq!(text, include_str!("generator.hex"));
        assert!(GENERATOR.same_as(&fresh));
    }

    #[test]
    fn malformed_hex_is_refused() {
        let good = include_str!("generator.hex");
        assert!(FixedTable::from_hex(good).is_some());
        assert!(FixedTable::from_hex(&good[1..]).is_none());
        let upper = good.replacen('a', "A", 1);
        assert!(FixedTable::from_hex(&upper).is_none());
        let no_newline = good.replacen('\n', "0", 1);
        assert!(FixedTable::from_hex(&no_newline).is_none());
        // A coordinate equal to p is out of range.
        let p_line = String::from_utf8(P_HEX.to_vec()).unwrap();
        let at_p = format!("{p_line}{}", &good[96..]);
        assert!(FixedTable::from_hex(&at_p).is_none());
    }
}
