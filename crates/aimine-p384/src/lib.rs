//! # aimine-p384
//!
//! ECDSA P-384 verification over a 48-byte (SHA-384) digest, about 2.5 to 7 times faster
//! than `p384::ecdsa::VerifyingKey::verify_prehash` and with the same verdict on every input.
//! `no_std`, no allocator, no `unsafe`.
//!
//! It uses p384's scalars and key decoding, its own arithmetic modulo p (variable time: a
//! product reduced through p's special form, elements kept canonical so comparisons are limb
//! compares; held to p384's field by the tests), and adds what p384 0.14 leaves out:
//! - Jacobian coordinates with the a = −3 formulas (a doubling costs 3M + 5S against p384's
//!   complete projective formulas' 8M + 3S and many additions), and no final inversion;
//! - a table of the generator computed at compile time (odd multiples of 2^(49·j)·G for
//!   j < 8, 256 points), so the u₁·G half costs about 48 mixed additions and no doublings of
//!   its own;
//! - [`PrecomputedKey`]: the same table for a public key known ahead (built-in CA keys), so a
//!   verification under it needs 48 doublings in all instead of 384;
//! - for any other key ([`VerifyingKey`]), a width-5 wNAF over 8 odd multiples of the key,
//!   interleaved (Straus) with the generator's digits in one chain of doublings.
//!
//! **Variable time.** Every branch and table index depends on the data, which is public:
//! the key, the digest and the signature. Never use this code with secrets (signing, ECDH).
//!
//! The checks are exactly ECDSA's (FIPS 186-5 §6.4.2): r, s ∈ [1, n − 1]; the digest read
//! big-endian and reduced mod n; R = u₁·G + u₂·Q not the point at infinity; x(R) mod n = r.
//! The test suite holds the verdict to p384's on every Wycheproof P-384/SHA-384 case and the
//! fuzz target `p384_differential` on mutated signatures.
//!
//! ```
//! use aimine_p384::VerifyingKey;
//! // The generator as a key: not a useful key, but a valid point.
//! let mut sec1 = [0u8; 97];
//! sec1[0] = 4;
//! hex::decode_to_slice(
//!     "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7\
//!      3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
//!     &mut sec1[1..],
//! ).unwrap();
//! let key = VerifyingKey::from_sec1_bytes(&sec1).unwrap();
//! // r = s = 0 is out of range: refused.
//! assert!(!key.verify_prehash(&[0; 48], &[0; 96]));
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

mod field;
mod key;
mod point;
mod table;
mod verify;
mod wnaf;

pub use key::{PrecomputedKey, TABLE_HEX_LEN, VerifyingKey};
