//! # aimine-evm
#![no_std]
#![forbid(unsafe_code)]
extern crate alloc;
pub mod abi;
pub mod address;
mod call;
#[cfg(feature = "devnet")]
pub mod devnet;
pub mod errors;
pub mod events;
mod exec;
pub mod gas;
pub mod genesis;
pub mod host;
pub mod mining;
pub mod models;
pub mod nvtrust;
#[cfg(feature = "revm")]
pub mod provider;

pub use genesis::ChainConfig;
pub use host::{Call, Fatal, Host, Outcome, Scheme, Status};
#[cfg(feature = "revm")]
pub use provider::{AiminePrecompiles, install};

use revm_primitives::Address;

/// Runs a call into whichever aimine precompile lives at `address`; `None` for any other
/// address.
///
/// # Errors
/// [`Fatal`] only when the node's database fails.
pub fn run(
    host: &mut dyn Host,
    address: Address,
    call: &Call<'_>,
    gas: &gas::GasSchedule,
) -> Result<Option<Outcome>, Fatal> {
    let run = match address {
        address::AI_MINING => mining::run,
        address::NV_TRUST => nvtrust::run,
        address::MODEL_REGISTRY => models::run,
        _ => return Ok(None),
    };
    run(host, call, gas).map(Some)
}
