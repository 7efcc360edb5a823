//! # aimine-registry
//!
//! *(Shell: the state machines land with the registry issue.)*
//!
//! This crate will hold the rules of AI mining, independent of any chain: mining sessions started
//! from a verified GPU quote (via `aimine-nvtrust`) and bound to chain, miner, epoch and an optional
//! ML-DSA session key (via `aimine-mldsa`); heartbeats paying rewards scaled by trust tier (via
//! `aimine-tiers`); stakes for the Public tier; and the model registry (`register`,
//! `verifyExecution`). State lives behind a small storage trait (32-byte words under 32-byte keys)
//! so that an EVM precompile, a Cosmos module or an enclave can run the same deterministic code.
#![no_std]
#![forbid(unsafe_code)]
