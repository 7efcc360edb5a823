//! # aimine-evm
//!
//! aimine as three EVM precompiles, ABI-compatible with the Solidity interfaces in `sol/ai/`
//! (bindings generated from those files by `alloy-sol-types`' `sol!`, in [`abi`]):
//!
//! | address | name | what | main call's base price |
//! |---|---|---|---|
//! | `0x0300` | AI_MINING | sessions from GPU quotes, heartbeats, rewards, stakes, governance, Lux helpers | 28,000 (`startSession`'s base) |
//! | `0x0301` | NV_TRUST | `verifyQuote` / `parseQuote` of NVIDIA Hopper/Blackwell evidence (read-only) | 28,000 |
//! | `0x0302` | MODEL_REGISTRY | `register`, `verifyExecution`, `recordExecution` | 5,000 |
//!
//! Each call is dispatched by selector ([`mining`], [`nvtrust`], [`models`]); malformed or
//! non-canonical call data, unknown selectors, DELEGATECALL/CALLCODE, value sent to anything but
//! `stake()`, and writes under STATICCALL revert with Solidity custom errors ([`errors`]). Before
//! the call data is read, every call pays its precompile's floor ([`gas::GasSchedule::floor`]:
//! the cheapest function's base price plus the input's words), which is all a refused call pays
//! and which it keeps; a decoded call then pays the rest of its base price
//! ([`gas::GasSchedule`]) before any work, expensive steps (certificate links no session verified
//! before, ML-DSA checks) just before they run, storage at the EVM's own SLOAD/SSTORE prices and
//! events at LOG prices ([`events`]); `GAS.md` has the measurements.
//!
//! All state is aimine-registry's, kept in AI_MINING's account storage at the layout documented
//! in `aimine_registry::keys` (so reverts undo it and `eth_getStorageAt` reads it). The crate is
//! `#![no_std]` + `alloc`: the precompiles run over any node through the [`Host`] trait; the
//! default `revm` feature adds [`AiminePrecompiles`], a revm `PrecompileProvider` serving
//! 0x0300–0x0302 beside revm's Ethereum precompiles, and [`install`] for the genesis state:
//!
//! ```no_run
//! # #[cfg(feature = "revm")] {
//! use aimine_evm::{AiminePrecompiles, ChainConfig, install};
//! use revm::database::{CacheDB, EmptyDB};
//! use revm::{Context, MainBuilder, MainContext};
//!
//! let config = ChainConfig::new(96_369, [0xAD; 20]); // chain id, admin
//! let mut db = CacheDB::<EmptyDB>::default();
//! install(&mut db, &config).expect("genesis"); // precompile accounts and registry state
//! let evm = Context::mainnet()
//!     .with_db(db)
//!     .build_mainnet()
//!     .with_precompiles(AiminePrecompiles::new(&config)); // other addresses: Ethereum's
//! # let _ = evm; }
//! ```
//!
//! The `alloy-evm` feature (std) adds the module `alloy`: the same three precompiles as
//! alloy-evm `DynPrecompile`s for the `PrecompilesMap` a reth-based node's `EvmFactory` builds
//! (`alloy::extend`), running the same code and charging the same gas as `AiminePrecompiles`.
//!
//! Nodes that embed aimine must build with `--cfg p384_backend="fiat"` (in their
//! `.cargo/config.toml` or `RUSTFLAGS`; p384 0.14 offers no cargo feature for it, and a
//! dependency cannot set it): the prices assume it. With p384's default backend its P-384 checks
//! take about 40 % longer, and NV_TRUST runs at up to 1.5 times ecrecover's time per gas (`GAS.md`,
//! "The P-384 backend"). The `devnet` feature (std) is an embedded development chain for demos,
//! tests and benches.
#![no_std]
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]
extern crate alloc;
pub mod abi;
pub mod address;
#[cfg(feature = "alloy-evm")]
pub mod alloy;
mod call;
#[cfg(feature = "devnet")]
pub mod devnet;
pub mod errors;
pub mod events;
mod exec;
pub mod gas;
mod genesis;
mod host;
pub mod mining;
pub mod models;
pub mod nvtrust;
#[cfg(feature = "revm")]
mod provider;

pub use aimine_registry::UnixTime;
pub use genesis::{AmdRoot, ChainConfig, GenesisAccount, GoldenSet, PRECOMPILE_CODE};
pub use host::{Call, Fatal, Host, MemoryHost, Outcome, Read, Scheme, Status, Write};
#[cfg(feature = "revm")]
pub use provider::{AiminePrecompiles, JournalHost, install};

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
