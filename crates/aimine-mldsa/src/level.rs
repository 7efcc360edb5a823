//! The three ML-DSA parameter sets and their sizes.

use core::fmt;

/// An ML-DSA parameter set (FIPS 204 Table 1).
///
/// Solidity callers name a level by its NIST security category (2, 3 or 5), see
/// [`Level::security_category`] and [`Level::from_security_category`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// ML-DSA-44, NIST security category 2.
    MlDsa44,
    /// ML-DSA-65, NIST security category 3.
    MlDsa65,
    /// ML-DSA-87, NIST security category 5.
    MlDsa87,
}

impl Level {
    /// All levels, weakest first.
    pub const ALL: [Level; 3] = [Level::MlDsa44, Level::MlDsa65, Level::MlDsa87];

    /// Encoded public key length of ML-DSA-44, in bytes.
    pub const ML_DSA_44_PUBLIC_KEY_LEN: usize =
        libcrux_ml_dsa::ml_dsa_44::MLDSA44VerificationKey::len();
    /// Encoded public key length of ML-DSA-65, in bytes.
    pub const ML_DSA_65_PUBLIC_KEY_LEN: usize =
        libcrux_ml_dsa::ml_dsa_65::MLDSA65VerificationKey::len();
    /// Encoded public key length of ML-DSA-87, in bytes.
    pub const ML_DSA_87_PUBLIC_KEY_LEN: usize =
        libcrux_ml_dsa::ml_dsa_87::MLDSA87VerificationKey::len();
    /// Signature length of ML-DSA-44, in bytes.
    pub const ML_DSA_44_SIGNATURE_LEN: usize = libcrux_ml_dsa::ml_dsa_44::MLDSA44Signature::len();
    /// Signature length of ML-DSA-65, in bytes.
    pub const ML_DSA_65_SIGNATURE_LEN: usize = libcrux_ml_dsa::ml_dsa_65::MLDSA65Signature::len();
    /// Signature length of ML-DSA-87, in bytes.
    pub const ML_DSA_87_SIGNATURE_LEN: usize = libcrux_ml_dsa::ml_dsa_87::MLDSA87Signature::len();

    /// Length of an encoded public key of this level, in bytes (1312, 1952 or 2592).
    pub const fn public_key_len(self) -> usize {
        match self {
            Level::MlDsa44 => Self::ML_DSA_44_PUBLIC_KEY_LEN,
            Level::MlDsa65 => Self::ML_DSA_65_PUBLIC_KEY_LEN,
            Level::MlDsa87 => Self::ML_DSA_87_PUBLIC_KEY_LEN,
        }
    }

    /// Length of a signature of this level, in bytes (2420, 3309 or 4627).
    pub const fn signature_len(self) -> usize {
        match self {
            Level::MlDsa44 => Self::ML_DSA_44_SIGNATURE_LEN,
            Level::MlDsa65 => Self::ML_DSA_65_SIGNATURE_LEN,
            Level::MlDsa87 => Self::ML_DSA_87_SIGNATURE_LEN,
        }
    }

    /// The level whose public keys have this length, if any.
    ///
    /// The three key lengths are distinct, so a key's length alone identifies its level.
    pub const fn from_public_key_len(len: usize) -> Option<Level> {
        match len {
            Self::ML_DSA_44_PUBLIC_KEY_LEN => Some(Level::MlDsa44),
            Self::ML_DSA_65_PUBLIC_KEY_LEN => Some(Level::MlDsa65),
            Self::ML_DSA_87_PUBLIC_KEY_LEN => Some(Level::MlDsa87),
            _ => None,
        }
    }

    /// The NIST security category of this level (2, 3 or 5), as Solidity callers encode it.
    pub const fn security_category(self) -> u8 {
        match self {
            Level::MlDsa44 => 2,
            Level::MlDsa65 => 3,
            Level::MlDsa87 => 5,
        }
    }

    /// The level of a NIST security category (2, 3 or 5); `None` for any other number.
    pub const fn from_security_category(category: u8) -> Option<Level> {
        match category {
            2 => Some(Level::MlDsa44),
            3 => Some(Level::MlDsa65),
            5 => Some(Level::MlDsa87),
            _ => None,
        }
    }

    /// The number in the parameter set's name (44, 65 or 87), as the CLI spells it.
    pub const fn name_number(self) -> u8 {
        match self {
            Level::MlDsa44 => 44,
            Level::MlDsa65 => 65,
            Level::MlDsa87 => 87,
        }
    }

    /// The level named by its number (44, 65 or 87); `None` for any other number.
    pub const fn from_name_number(number: u8) -> Option<Level> {
        match number {
            44 => Some(Level::MlDsa44),
            65 => Some(Level::MlDsa65),
            87 => Some(Level::MlDsa87),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ML-DSA-{}", self.name_number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_fips_204_table_2() {
        let expected = [(1312, 2420), (1952, 3309), (2592, 4627)];
        for (level, (pk, sig)) in Level::ALL.into_iter().zip(expected) {
            assert_eq!(level.public_key_len(), pk, "{level}");
            assert_eq!(level.signature_len(), sig, "{level}");
        }
    }

    #[test]
    fn round_trips_through_every_encoding() {
        for level in Level::ALL {
            assert_eq!(
                Level::from_public_key_len(level.public_key_len()),
                Some(level)
            );
            assert_eq!(
                Level::from_security_category(level.security_category()),
                Some(level)
            );
            assert_eq!(Level::from_name_number(level.name_number()), Some(level));
        }
        assert_eq!(
            Level::ALL.map(Level::security_category),
            [2, 3, 5],
            "Solidity callers use the NIST categories"
        );
    }

    #[test]
    fn rejects_unknown_encodings() {
        for len in [0, 1311, 1313, 2420, 4627, usize::MAX] {
            assert_eq!(Level::from_public_key_len(len), None, "{len}");
        }
        for category in [0, 1, 4, 6, 255] {
            assert_eq!(Level::from_security_category(category), None, "{category}");
        }
        for number in [0, 43, 45, 128] {
            assert_eq!(Level::from_name_number(number), None, "{number}");
        }
    }
}
