//! The Rust side of the Solidity interfaces in `sol/ai/`, generated from those same files.
//!
//! Each interface becomes a module with one type per function call (`…Call`), return value,
//! event and custom error, as `alloy-sol-types` encodes them.
#![allow(missing_docs, clippy::too_many_arguments)]

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "sol/ai/IAIMining.sol"
);
alloy_sol_types::sol!(
    #[sol(all_derives)]
    "sol/ai/INVTrust.sol"
);
alloy_sol_types::sol!(
    #[sol(all_derives)]
    "sol/ai/IModelRegistry.sol"
);
