//! What the chain tells the registry about the current call.

use aimine_time::UnixTime;

/// A 20-byte account address.
pub type Address = [u8; 20];

/// The block a call executes in. Time comes from here, never from a clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockEnv {
    /// EIP-155 chain id (bound into session nonces and ids).
    pub chain_id: u64,
    /// Block number.
    pub number: u64,
    /// Block timestamp.
    pub timestamp: UnixTime,
}
