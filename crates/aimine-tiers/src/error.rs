//! The one error type of this crate.

use core::fmt;

/// What can go wrong with tiers and rewards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// A `uint8` trust level that is not 1..=4 (0 means "no tier" on chain and is refused too).
    InvalidTier(u8),
    /// The reward does not fit in a `u128`; nothing is paid rather than a wrapped amount.
    RewardOverflow,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidTier(v) => write!(
                f,
                "invalid trust tier {v}: must be 1 (Public) to 4 (Sovereign)"
            ),
            Error::RewardOverflow => f.write_str("reward overflows 128 bits"),
        }
    }
}

impl core::error::Error for Error {}
