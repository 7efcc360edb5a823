//! Public keys: [`VerifyingKey`] for any key, [`PrecomputedKey`] for a key known ahead.

use p384::elliptic_curve::sec1::ToSec1Point;

use crate::field::{self, Fe};
use crate::point::Affine;
use crate::table::{self, FixedTable};
use crate::verify;

/// A P-384 public key: a finite point on the curve. Verification with it builds a small table
/// of the key's odd multiples each time (the path for keys seen once, such as a device's).
#[derive(Clone, Copy, Debug)]
pub struct VerifyingKey {
    point: Affine,
}

impl VerifyingKey {
    /// The key with this SEC1 encoding (uncompressed `04 ‖ x ‖ y` or compressed `02/03 ‖ x`),
    /// decoded and validated by p384 exactly as `p384::ecdsa::VerifyingKey::from_sec1_bytes`
    /// does (on the curve, not the point at infinity); `None` otherwise.
    pub fn from_sec1_bytes(bytes: &[u8]) -> Option<VerifyingKey> {
        let key = p384::PublicKey::from_sec1_bytes(bytes).ok()?;
        let encoded = key.to_sec1_point(false);
        let x = Fe::from_slice(encoded.x()?)?;
        let y = Fe::from_slice(encoded.y()?)?;
        Some(VerifyingKey {
            point: Affine { x, y },
        })
    }

    /// Verifies an ECDSA signature `r ‖ s` (48 + 48 bytes, big-endian) over a 48-byte digest
    /// (SHA-384 of the message): the verdict of `p384::ecdsa::VerifyingKey::verify_prehash`.
    pub fn verify_prehash(&self, digest: &[u8; 48], signature: &[u8; 96]) -> bool {
        verify::verify_var(&self.point, digest, signature)
    }
}

/// The length of [`PrecomputedKey::write_table_hex`]'s text.
pub const TABLE_HEX_LEN: usize = table::HEX_LEN;

/// A P-384 public key with its own precomputed table (odd multiples of 2^(49·j)·Q, 256 affine
/// points, about 24 KiB), for keys known ahead: built-in CA keys, governance anchors. A
/// verification with it needs 48 doublings instead of 384.
///
/// Built by `const fn` ([`PrecomputedKey::from_uncompressed`]), so a built-in key's table is
/// part of the binary; at run time [`PrecomputedKey::new`] costs about two verifications.
#[derive(Clone, Debug)]
pub struct PrecomputedKey {
    table: FixedTable,
}

impl PrecomputedKey {
    /// The table of an uncompressed SEC1 key `04 ‖ x ‖ y`; `None` if the prefix is not 04,
    /// a coordinate is not below p, or the point is not on the curve. A `const fn`, but the
    /// const evaluator takes some 20 s per table: for a table in the binary, write it once
    /// with [`PrecomputedKey::write_table_hex`] and decode it with
    /// [`PrecomputedKey::from_table_hex`] in a `static` (about 2 s of compile time).
    pub const fn from_uncompressed(sec1: &[u8; 97]) -> Option<PrecomputedKey> {
        let mut x = [0u8; 48];
        let mut y = [0u8; 48];
        let mut i = 0;
        while i < 48 {
            #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
            // i < 48: in bounds of every array here.
            {
                x[i] = sec1[1 + i];
                y[i] = sec1[49 + i];
            }
            i = i.wrapping_add(1);
        }
        if sec1[0] != 0x04 {
            return None;
        }
        let (Some(x), Some(y)) = (
            field::from_be_bytes_const(&x),
            field::from_be_bytes_const(&y),
        ) else {
            return None;
        };
        if !Affine::is_on_curve(&x, &y) {
            return None;
        }
        match FixedTable::new(&Affine { x, y }) {
            Some(table) => Some(PrecomputedKey { table }),
            None => None,
        }
    }

    /// The table of `key`, built now (about two generic verifications: build it once, keep it).
    pub fn new(key: &VerifyingKey) -> Option<PrecomputedKey> {
        FixedTable::new(&key.point).map(|table| PrecomputedKey { table })
    }

    /// The table [`PrecomputedKey::write_table_hex`] wrote, as a `const fn` for `static`s;
    /// `None` unless `hex` has exactly that shape (256 lines of x ‖ y in 192 lowercase hex
    /// digits, every coordinate below p). The points are not checked to be the key's
    /// multiples (that would cost what building the table does): a table in a binary must be
    /// tested with [`PrecomputedKey::is_table_of`].
    pub const fn from_table_hex(hex: &str) -> Option<PrecomputedKey> {
        match FixedTable::from_hex(hex) {
            Some(table) => Some(PrecomputedKey { table }),
            None => None,
        }
    }

    /// Writes the table as text for [`PrecomputedKey::from_table_hex`]
    /// ([`TABLE_HEX_LEN`] bytes).
    ///
    /// # Errors
    /// Those of `out`.
    pub fn write_table_hex(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        self.table.write_hex(out)
    }

    /// Whether this is exactly the table of `key` (rebuilt and compared: for tests of tables
    /// decoded with [`PrecomputedKey::from_table_hex`]).
    pub fn is_table_of(&self, key: &VerifyingKey) -> bool {
        FixedTable::new(&key.point).is_some_and(|t| t.same_as(&self.table))
    }

    /// The key itself, for the generic path.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey {
            point: *self.table.point(),
        }
    }

    /// Verifies an ECDSA signature `r ‖ s` over a 48-byte digest, as
    /// [`VerifyingKey::verify_prehash`] does (same verdict on every input), faster.
    pub fn verify_prehash(&self, digest: &[u8; 48], signature: &[u8; 96]) -> bool {
        verify::verify_fixed(&self.table, digest, signature)
    }
}
