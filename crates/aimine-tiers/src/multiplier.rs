//! Reward multipliers in basis points.

use core::fmt;

/// A reward multiplier in basis points: 10,000 bps = 1.0x.
///
/// Tiers have fixed multipliers ([`crate::TrustTier::multiplier`]); governance may derive reduced
/// ones (for instance half the tier's multiplier while a TEE's TCB is out of date) with
/// [`Multiplier::percent_of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Multiplier(u32);

impl Multiplier {
    /// Basis points in 1.0x.
    pub const ONE_BPS: u32 = 10_000;
    /// 1.0x.
    pub const ONE: Multiplier = Multiplier(Self::ONE_BPS);
    /// 0x: earns nothing.
    pub const ZERO: Multiplier = Multiplier(0);

    /// A multiplier of `bps` basis points.
    pub const fn from_bps(bps: u32) -> Multiplier {
        Multiplier(bps)
    }

    /// This multiplier in basis points.
    pub const fn bps(self) -> u32 {
        self.0
    }

    /// `percent`% of this multiplier, rounded down; percentages above 100 are capped at 100 so a
    /// derived multiplier never exceeds its base.
    pub const fn percent_of(self, percent: u8) -> Multiplier {
        let p = if percent > 100 { 100 } else { percent as u32 };
        // ⌊m × p / 100⌋ = ⌊m / 100⌋ × p + ⌊(m mod 100) × p / 100⌋, and with p ≤ 100 neither term
        // overflows: the fallbacks are unreachable but keep the function total.
        let whole = match (self.0 / 100).checked_mul(p) {
            Some(v) => v,
            None => self.0,
        };
        let part = match (self.0 % 100).checked_mul(p) {
            Some(v) => v / 100,
            None => 0,
        };
        match whole.checked_add(part) {
            Some(v) => Multiplier(v),
            None => self,
        }
    }
}

impl fmt::Display for Multiplier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / Self::ONE_BPS;
        let frac = self.0 % Self::ONE_BPS;
        if frac == 0 {
            write!(f, "{whole}.0x")
        } else {
            let mut frac_digits = frac;
            let mut width: usize = 4;
            while frac_digits.is_multiple_of(10) {
                frac_digits /= 10;
                width = width.saturating_sub(1);
            }
            write!(f, "{whole}.{frac_digits:0width$}x")
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn displays_as_a_decimal_factor() {
        assert_eq!(Multiplier::from_bps(15_000).to_string(), "1.5x");
        assert_eq!(Multiplier::from_bps(2_500).to_string(), "0.25x");
        assert_eq!(Multiplier::from_bps(10_000).to_string(), "1.0x");
        assert_eq!(Multiplier::from_bps(1).to_string(), "0.0001x");
        assert_eq!(Multiplier::from_bps(10_050).to_string(), "1.005x");
        assert_eq!(Multiplier::ZERO.to_string(), "0.0x");
    }

    #[test]
    fn percent_of_rounds_down_and_caps_at_100() {
        assert_eq!(
            Multiplier::from_bps(15_000).percent_of(50),
            Multiplier::from_bps(7_500)
        );
        assert_eq!(
            Multiplier::from_bps(2_501).percent_of(50),
            Multiplier::from_bps(1_250)
        );
        assert_eq!(Multiplier::from_bps(5_000).percent_of(0), Multiplier::ZERO);
        assert_eq!(
            Multiplier::from_bps(5_000).percent_of(255),
            Multiplier::from_bps(5_000)
        );
        assert_eq!(
            Multiplier::from_bps(u32::MAX).percent_of(100),
            Multiplier::from_bps(u32::MAX)
        );
        assert_eq!(
            Multiplier::from_bps(u32::MAX).percent_of(99).bps(),
            4_252_017_622
        );
    }
}
