//! Where the precompiles live.

use revm_primitives::{Address, address};

/// AI_MINING: sessions, rewards, stakes, governance. Its storage holds all aimine state.
pub const AI_MINING: Address = address!("0000000000000000000000000000000000000300");
/// NV_TRUST: NVIDIA GPU quote verification (read-only).
pub const NV_TRUST: Address = address!("0000000000000000000000000000000000000301");
/// MODEL_REGISTRY: models and verified executions.
pub const MODEL_REGISTRY: Address = address!("0000000000000000000000000000000000000302");

/// All three, in order.
pub const ALL: [Address; 3] = [AI_MINING, NV_TRUST, MODEL_REGISTRY];
