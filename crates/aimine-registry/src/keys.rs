//! Where every value lives: the storage layout, in one place.
//!
//! The layout follows Solidity's rules so that on an EVM chain the state sits in the precompile
//! account's storage and can be read with `eth_getStorageAt`:
//! - a plain value at slot `p` is stored under key `p` (a 32-byte big-endian integer);
//! - the entry for key `k` of a mapping at slot `p` is under `keccak256(k ‖ p)`, with `k` as its
//!   32-byte ABI encoding (addresses left-padded, `bytes32` as is) — Solidity's
//!   `mapping(K => V)` at slot `p`;
//! - a record of several words at base `b` keeps field `i` under `b + i`.
//!
//! | slot | what |
//! |---|---|
//! | 0–15, 35–39, 44–51 | configuration, [`crate::config::Param`] numbers (admin at 0, the proposed admin at 44); the parameters a session reads are packed into the policy word at 52 instead, and their own slots (1–5, 9–11, 49, 51) stay zero |
//! | 52 | the policy word: epoch, attestation TTL, heartbeat interval, the three `Require…` flags, the trust anchors' count and NVIDIA-root bit, base rate and the GPU compute units, bit positions in [`crate::config::Param::packed`] |
//! | 16 | `mapping(bytes32 session_id => Session)`: three packed words, four for a keyed session (header: owner, start, tier and kind, grade, compute units, active and keyed flags; state: miner, last heartbeat and attestation expiry as seconds after the start, heartbeats; gpu id; key hash, only for a keyed session), bit positions and limits in [`session_field`] |
//! | 17 | `mapping(bytes32 gpu_id => bytes32 session_id)`: the composite session a bound GPU is counted by (written only for GPUs bound to a composite session; zero once it ends) |
//! | 18 | `mapping(bytes32 device => uint256)`: the device word, packed from the low end: bits 0–63 sessions started (the next session's number), 64–71 whether the latest is active (0/1), 72–79 revoked (0/1), 80–239 a real GPU's verified chain digest ([`crate::device_chain_digest`]), 240–255 zero |
//! | 19 | unused: revocation was stored here; it is a bit of the device word (slot 18) now |
//! | 20 | `mapping(address miner => uint256 mining_balance)` |
//! | 21 | trust anchors governance added: anchor `i`'s four key words at `keccak256(21) + 4i` (how many, and whether NVIDIA's built-in Device Identity CA is trusted, are bits 120–127 of the policy word at 52; slot 21 itself stays zero) |
//! | 22 | `mapping(bytes32 link => bool)`: certificate links whose signatures verified |
//! | 23 | unused: session keys were stored here; now only their hash is, in the session record, and the key travels in the call data |
//! | 24 | `mapping(bytes32 model_id => Model)`: three words (a packed header: minimum tier, active flag, registration time, owner; the model hash; the metadata's keccak256), bit positions in [`model_field`] |
//! | 25 | `mapping(bytes32 receipt_id => bytes32 session_id)`: recorded executions (one word; the hashes are in the `ExecutionRecorded` log) |
//! | 26 | `mapping(address => bool)`: callers allowed to `mark_spent` |
//! | 27 | `mapping(bytes32 work_id => bool)`: spent Lux work ids |
//! | 28 | `mapping(address staker => Stake)`, fields in [`stake_field`] |
//! | 29 | golden measurement sets: `mapping(bytes32 set_key => uint256 count)`, entry `i` (two words: index ‖ digest) at `keccak256(count_key) + 2i` |
//! | 30 | `mapping(bytes32 sku_key => uint256 compute_units)`: per-SKU overrides (0: none) |
//! | 31 | `uint256`: the sum of every Public-tier stake (not part of the reward pool) |

use sha3::{Digest, Keccak256};

pub use crate::balances::field as stake_field;
pub use crate::models::field as model_field;
pub use crate::sessions::field as session_field;

use crate::store::Word;

/// Slot of the policy word ([`crate::config::Param::packed`]).
pub const POLICY: u64 = 52;
/// Slot of the session records.
pub const SESSIONS: u64 = 16;
/// Slot of the bound GPU → composite session mapping.
pub const ACTIVE_SESSION: u64 = 17;
/// Slot of the device words: sessions started, latest session active, revoked.
pub const DEVICES: u64 = 18;
/// Slot of the mining balances.
pub const BALANCES: u64 = 20;
/// Slot of the trust-anchor array.
pub const ANCHORS: u64 = 21;
/// Slot of the verified certificate links.
pub const LINKS: u64 = 22;
/// Slot of the model records.
pub const MODELS: u64 = 24;
/// Slot of the execution receipts.
pub const RECEIPTS: u64 = 25;
/// Slot of the callers allowed to mark work spent.
pub const SPENDERS: u64 = 26;
/// Slot of the spent work ids.
pub const SPENT: u64 = 27;
/// Slot of the Public-tier stakes.
pub const STAKES: u64 = 28;
/// Slot of the golden measurement sets.
pub const GOLDEN: u64 = 29;
/// Slot of the per-SKU compute-unit overrides.
pub const COMPUTE_UNITS: u64 = 30;
/// Slot of the total staked.
pub const TOTAL_STAKED: u64 = 31;

/// keccak256 of `data`.
pub fn keccak256(data: &[u8]) -> Word {
    Keccak256::digest(data).into()
}

/// The key of plain slot `slot`.
pub fn slot(slot: u64) -> Word {
    crate::store::word::from_u64(slot)
}

/// The key of `mapping[key]` for a mapping at `slot`: `keccak256(key ‖ slot)`.
pub fn mapping(slot: u64, key: &Word) -> Word {
    let mut h = Keccak256::new();
    h.update(key);
    h.update(crate::store::word::from_u64(slot));
    h.finalize().into()
}

/// `base + offset`, as 256-bit big-endian integers (wrapping, like the EVM).
pub fn offset(base: &Word, offset: u64) -> Word {
    let mut out = *base;
    let mut carry = u128::from(offset);
    for byte in out.iter_mut().rev() {
        if carry == 0 {
            break;
        }
        // Both terms are below 2^121, so the wrapping operations never actually wrap.
        let sum = u128::from(*byte).wrapping_add(carry & 0xFF);
        *byte = (sum & 0xFF) as u8;
        carry = (carry >> 8).wrapping_add(sum >> 8);
    }
    out
}

/// The start of a dynamic array at `slot` (Solidity: `keccak256(slot)`).
pub fn array_base(slot: u64) -> Word {
    keccak256(&crate::store::word::from_u64(slot))
}

/// `mapping(bytes32 endorsementKey => bool)`: AMD endorsement keys whose chain verified once,
/// keyed by SHA-256 of the leaf's DER and of the keys it chained to (ARK, then ASK or ASVK: the
/// key `aimine_tee::sev::verify` asks its `EndorsementStore` for); later reports under the same
/// root skip the RSA check.
pub const VCEKS: u64 = 32;
/// `mapping(bytes32 sessionId => bytes32[])`: the GPUs of a composite session (length, then ids).
pub const SESSION_GPUS: u64 = 33;
/// `mapping(bytes32 advisoryHash => bool)`: Intel advisory ids (SHA-256 of the upper-case id)
/// governance bans.
pub const BANNED_ADVISORIES: u64 = 34;
/// `mapping(uint256 index => (uint256 product, bytes ark, bytes ask))`: AMD product roots
/// governance added beside the pinned ones (product 1 Milan, 2 Genoa, 3 Turin; 0 = empty).
pub const AMD_ROOTS: u64 = 40;
/// `mapping(bytes32 fmspcKey => (uint256 tcbEvaluation, uint256 issueDate, bytes collateral))`:
/// the newest verified Intel collateral per FMSPC and TEE type (`keccak256(fmspc ‖ tdx)`).
pub const INTEL_COLLATERAL: u64 = 41;
/// `mapping(bytes32 chipTcbKey => bytes vcek)`: verified AMD VCEKs by chip and TCB.
pub const VCEK_BY_CHIP: u64 = 42;
/// `bytes`: an Intel root CA (DER) governance trusts beside Intel's pinned SGX Root CA (a test
/// kit's); empty when none.
pub const INTEL_ROOT: u64 = 43;
