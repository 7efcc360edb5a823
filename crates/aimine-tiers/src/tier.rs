//! The four trust tiers and their on-chain encoding.

use core::fmt;

use crate::{Error, Multiplier};

/// How far a miner's hardware can be trusted, as the `uint8 trustLevel` the precompiles return.
///
/// Ordered: a higher tier is more trusted (`Sovereign > Public`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum TrustTier {
    /// Consumer GPUs: no hardware quote, a stake stands in for attestation. 0.25x.
    Public = 1,
    /// Enclave-grade TEEs without full confidential compute: Intel SGX, NVIDIA A100. 0.5x.
    Private = 2,
    /// Hardware-backed confidential compute: NVIDIA Hopper (H100), Intel TDX, AMD SEV-SNP. 1.0x.
    Confidential = 3,
    /// Full TEE with the highest trust: NVIDIA Blackwell. 1.5x.
    Sovereign = 4,
}

impl TrustTier {
    /// All tiers, least trusted first.
    pub const ALL: [TrustTier; 4] = [
        TrustTier::Public,
        TrustTier::Private,
        TrustTier::Confidential,
        TrustTier::Sovereign,
    ];

    /// The tier's reward multiplier (0.25x, 0.5x, 1.0x, 1.5x).
    pub const fn multiplier(self) -> Multiplier {
        Multiplier::from_bps(match self {
            TrustTier::Public => 2_500,
            TrustTier::Private => 5_000,
            TrustTier::Confidential => 10_000,
            TrustTier::Sovereign => 15_000,
        })
    }

    /// The `uint8` used on chain (1 to 4).
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// The tier of an on-chain `uint8`.
    ///
    /// # Errors
    /// [`Error::InvalidTier`] for 0 and for anything above 4.
    pub const fn from_u8(value: u8) -> Result<TrustTier, Error> {
        match value {
            1 => Ok(TrustTier::Public),
            2 => Ok(TrustTier::Private),
            3 => Ok(TrustTier::Confidential),
            4 => Ok(TrustTier::Sovereign),
            other => Err(Error::InvalidTier(other)),
        }
    }

    /// The tier's name, as the mission writes it.
    pub const fn name(self) -> &'static str {
        match self {
            TrustTier::Public => "Public",
            TrustTier::Private => "Private",
            TrustTier::Confidential => "Confidential",
            TrustTier::Sovereign => "Sovereign",
        }
    }
}

impl From<TrustTier> for u8 {
    fn from(tier: TrustTier) -> u8 {
        tier.as_u8()
    }
}

impl TryFrom<u8> for TrustTier {
    type Error = Error;

    fn try_from(value: u8) -> Result<TrustTier, Error> {
        TrustTier::from_u8(value)
    }
}

impl fmt::Display for TrustTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.as_u8())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_chain_encoding_round_trips() {
        for tier in TrustTier::ALL {
            assert_eq!(TrustTier::try_from(u8::from(tier)), Ok(tier));
        }
        assert_eq!(TrustTier::ALL.map(TrustTier::as_u8), [1, 2, 3, 4]);
    }

    #[test]
    fn zero_and_above_four_are_invalid() {
        for value in [0u8, 5, 6, 128, 255] {
            assert_eq!(TrustTier::from_u8(value), Err(Error::InvalidTier(value)));
        }
    }

    #[test]
    fn multipliers_are_the_missions() {
        let bps = TrustTier::ALL.map(|t| t.multiplier().bps());
        assert_eq!(bps, [2_500, 5_000, 10_000, 15_000]);
    }

    #[test]
    fn tiers_are_ordered_by_trust() {
        assert!(TrustTier::Sovereign > TrustTier::Confidential);
        assert!(TrustTier::Confidential > TrustTier::Private);
        assert!(TrustTier::Private > TrustTier::Public);
    }
}
