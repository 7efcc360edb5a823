//! # aimine-evm
//!
//! *(Shell: the precompiles land with the EVM issue.)*
//!
//! This crate will expose aimine as three revm precompiles, ABI-compatible with the Solidity
//! interfaces shipped in the repository (bindings generated from those files by
//! `alloy-sol-types`' `sol!`):
//!
//! | address | name | gas of the main call |
//! |---|---|---|
//! | `0x0300` | AI_MINING | 100,000 |
//! | `0x0301` | NV_TRUST | 50,000 |
//! | `0x0302` | MODEL_REGISTRY | 25,000 |
//!
//! Gas is charged before expensive work, state lives in the precompile accounts' storage through
//! revm's journal, and every failure reverts with a Solidity custom error.
#![no_std]
#![forbid(unsafe_code)]
