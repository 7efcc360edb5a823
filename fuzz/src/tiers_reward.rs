//! Fuzz target `tiers_reward`: the reward arithmetic never panics, never wraps, and agrees with a
//! 256-bit reference computation.

use aimine_tiers::{Error, Multiplier, TrustTier, reward, reward_with_multiplier};
use arbitrary::Arbitrary;

/// One fuzz input.
#[derive(Debug, Clone, Arbitrary)]
pub struct Input {
    /// Base rate per compute unit per second.
    pub rate: u128,
    /// Elapsed seconds.
    pub elapsed: u64,
    /// Compute units.
    pub units: u64,
    /// A `uint8` trust level as it comes from chain (often invalid).
    pub tier: u8,
    /// An explicit multiplier in basis points.
    pub bps: u32,
}

/// Runs one input.
pub fn run(input: Input) {
    let Input {
        rate,
        elapsed,
        units,
        tier,
        bps,
    } = input;
    match TrustTier::from_u8(tier) {
        Ok(t) => {
            assert_eq!(
                reward(rate, elapsed, units, t),
                reference(rate, elapsed, units, t.multiplier().bps())
            );
        }
        Err(e) => assert_eq!(e, Error::InvalidTier(tier)),
    }
    assert_eq!(
        reward_with_multiplier(rate, elapsed, units, Multiplier::from_bps(bps)),
        reference(rate, elapsed, units, bps)
    );
}

/// The reward computed in 256 bits (two u128 halves), then checked to fit: the specification the
/// library's shortcut must equal. The gross product `rate × elapsed × units` must itself fit in
/// 128 bits, as the library documents.
fn reference(rate: u128, elapsed: u64, units: u64, bps: u32) -> Result<u128, Error> {
    let gross = rate
        .checked_mul(u128::from(elapsed))
        .and_then(|x| x.checked_mul(u128::from(units)))
        .ok_or(Error::RewardOverflow)?;
    let (hi, lo) = mul_128_by_32(gross, bps);
    let q = div_256_by_10000(hi, lo);
    q.ok_or(Error::RewardOverflow)
}

/// `x × m` as a 256-bit (hi, lo) pair.
fn mul_128_by_32(x: u128, m: u32) -> (u128, u128) {
    let m = u128::from(m);
    let p_lo = (x & u128::from(u64::MAX)) * m; // < 2^96
    let p_hi = (x >> 64) * m; // < 2^96
    let (lo, carry) = p_lo.overflowing_add(p_hi << 64);
    ((p_hi >> 64) + u128::from(carry), lo)
}

/// `⌊(hi, lo) / 10,000⌋` when it fits in 128 bits, by long division one bit at a time.
fn div_256_by_10000(hi: u128, lo: u128) -> Option<u128> {
    let d = 10_000u128;
    if hi >= d {
        return None;
    }
    let mut rem = hi;
    let mut q = 0u128;
    for bit in (0..128).rev() {
        rem = (rem << 1) | ((lo >> bit) & 1);
        q <<= 1;
        if rem >= d {
            rem -= d;
            q |= 1;
        }
    }
    Some(q)
}
