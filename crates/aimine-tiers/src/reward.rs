//! Fixed-point reward arithmetic.
//!
//! `reward = base_rate_per_second × elapsed_seconds × compute_units × multiplier`, where the
//! multiplier is in basis points. The product of the first three factors is formed with checked
//! `u128` multiplication; the multiplier is then applied as an exact floor division,
//! `⌊x × bps / 10,000⌋ = ⌊x / 10,000⌋ × bps + ⌊(x mod 10,000) × bps / 10,000⌋`, which cannot overflow
//! in an intermediate step when the final reward fits. The result is rounded down (the chain never
//! pays a fraction of a unit it did not earn).
//!
//! Overflow policy: **error, never saturate**. A reward that does not fit in a `u128` returns
//! [`Error::RewardOverflow`]; consensus code then refuses the transaction instead of paying a capped
//! amount that would differ from what the formula says.

use crate::{Error, Multiplier, TrustTier};

/// The reward of a tier: `base_rate_per_second × elapsed_seconds × compute_units × tier multiplier`,
/// rounded down. `base_rate_per_second` is in the chain's smallest unit per compute unit per second.
///
/// # Errors
/// [`Error::RewardOverflow`] when the reward does not fit in a `u128`.
pub fn reward(
    base_rate_per_second: u128,
    elapsed_seconds: u64,
    compute_units: u64,
    tier: TrustTier,
) -> Result<u128, Error> {
    reward_with_multiplier(
        base_rate_per_second,
        elapsed_seconds,
        compute_units,
        tier.multiplier(),
    )
}

/// As [`reward`], with an explicit multiplier (a tier's, or one governance derived from it).
///
/// # Errors
/// [`Error::RewardOverflow`] when the reward does not fit in a `u128`.
pub fn reward_with_multiplier(
    base_rate_per_second: u128,
    elapsed_seconds: u64,
    compute_units: u64,
    multiplier: Multiplier,
) -> Result<u128, Error> {
    let gross = base_rate_per_second
        .checked_mul(u128::from(elapsed_seconds))
        .and_then(|x| x.checked_mul(u128::from(compute_units)))
        .ok_or(Error::RewardOverflow)?;
    apply_bps(gross, multiplier.bps())
}

/// `⌊x × bps / 10,000⌋`, exact, erroring only when the result overflows.
fn apply_bps(x: u128, bps: u32) -> Result<u128, Error> {
    const ONE: u128 = Multiplier::ONE_BPS as u128;
    let bps = u128::from(bps);
    let (whole, rest) = (x / ONE, x % ONE);
    // rest < 10^4 and bps < 2^32, so rest × bps < 2^46: this never overflows.
    let rest_part = rest.checked_mul(bps).ok_or(Error::RewardOverflow)? / ONE;
    whole
        .checked_mul(bps)
        .and_then(|w| w.checked_add(rest_part))
        .ok_or(Error::RewardOverflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1 token = 10^18 base units.
    const WEI: u128 = 1_000_000_000_000_000_000;

    #[test]
    fn zero_elapsed_zero_units_or_zero_rate_pay_nothing() {
        for tier in TrustTier::ALL {
            assert_eq!(reward(WEI, 0, 100, tier), Ok(0));
            assert_eq!(reward(WEI, 3600, 0, tier), Ok(0));
            assert_eq!(reward(0, 3600, 100, tier), Ok(0));
        }
    }

    #[test]
    fn each_tier_scales_the_same_work() {
        // 1 wei/s/unit for an hour on 1,000 units = 3.6M wei at 1.0x.
        let expected = [900_000, 1_800_000, 3_600_000, 5_400_000];
        for (tier, want) in TrustTier::ALL.into_iter().zip(expected) {
            assert_eq!(reward(1, 3_600, 1_000, tier), Ok(want), "{tier}");
        }
    }

    #[test]
    fn rounds_down_never_up() {
        // 1 × 1 × 1 × 0.25 = 0.25 → 0; 3 × 0.25 = 0.75 → 0; 7 × 1.5 = 10.5 → 10.
        assert_eq!(reward(1, 1, 1, TrustTier::Public), Ok(0));
        assert_eq!(reward(3, 1, 1, TrustTier::Public), Ok(0));
        assert_eq!(reward(7, 1, 1, TrustTier::Sovereign), Ok(10));
        assert_eq!(reward(10_001, 1, 1, TrustTier::Sovereign), Ok(15_001));
    }

    #[test]
    fn maximum_inputs() {
        // The largest gross amount at 1.0x is returned unchanged.
        assert_eq!(
            reward(u128::MAX, 1, 1, TrustTier::Confidential),
            Ok(u128::MAX)
        );
        // Multipliers below 1.0x never overflow, even from u128::MAX.
        assert_eq!(
            reward(u128::MAX, 1, 1, TrustTier::Private),
            Ok(u128::MAX / 2)
        );
        assert_eq!(
            reward(u128::MAX, 1, 1, TrustTier::Public),
            Ok(u128::MAX / 4)
        );
        // 1.5x of u128::MAX does not fit.
        assert_eq!(
            reward(u128::MAX, 1, 1, TrustTier::Sovereign),
            Err(Error::RewardOverflow)
        );
        // The largest gross that still fits at 1.5x: ⌊MAX × 2/3⌋ rounded to whole 10,000ths.
        let fits = (u128::MAX / 15_000) * 10_000;
        assert!(reward(fits, 1, 1, TrustTier::Sovereign).is_ok());
        // Overflow in the gross product itself.
        assert_eq!(
            reward(u128::MAX, 2, 1, TrustTier::Public),
            Err(Error::RewardOverflow)
        );
        assert_eq!(
            reward(u128::from(u64::MAX), u64::MAX, u64::MAX, TrustTier::Public),
            Err(Error::RewardOverflow)
        );
        // u64::MAX seconds × u64::MAX units at rate 1 fits (< 2^128).
        let gross = u128::from(u64::MAX) * u128::from(u64::MAX);
        assert_eq!(
            reward(1, u64::MAX, u64::MAX, TrustTier::Confidential),
            Ok(gross)
        );
    }

    #[test]
    fn realistic_rewards_are_exact() {
        // 0.001 token per unit-second, a day, 1,000 units, Blackwell: 0.001 × 86,400 × 1,000 × 1.5.
        let rate = WEI / 1_000;
        assert_eq!(
            reward(rate, 86_400, 1_000, TrustTier::Sovereign),
            Ok(129_600 * WEI)
        );
    }

    #[test]
    fn explicit_multipliers() {
        assert_eq!(reward_with_multiplier(100, 1, 1, Multiplier::ZERO), Ok(0));
        assert_eq!(
            reward_with_multiplier(100, 1, 1, Multiplier::from_bps(1)),
            Ok(0)
        );
        assert_eq!(
            reward_with_multiplier(10_000, 1, 1, Multiplier::from_bps(1)),
            Ok(1)
        );
        let half_sovereign = TrustTier::Sovereign.multiplier().percent_of(50);
        assert_eq!(
            reward_with_multiplier(1_000, 2, 3, half_sovereign),
            Ok(4_500)
        );
        // u32::MAX bps (~429,496x) of a large amount overflows cleanly.
        assert_eq!(
            reward_with_multiplier(u128::MAX / 2, 1, 1, Multiplier::from_bps(u32::MAX)),
            Err(Error::RewardOverflow)
        );
    }
}
