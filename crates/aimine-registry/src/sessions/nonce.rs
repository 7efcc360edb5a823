//! The formulas miners' tooling must follow: the session nonce a quote signs, session ids, and
//! the heartbeat message a session key signs.
//!
//! ## The session nonce
//!
//! A GPU quote starts a session only if the nonce the GPU signed is
//!
//! ```text
//! SHA-256( "aimine/session/v2" ‖ chain_id (u64, big-endian) ‖ submitter (20 bytes)
//!          ‖ miner (20 bytes) ‖ epoch (u64, big-endian) ‖ key_hash (32 bytes) )
//! epoch     = block timestamp / epoch_seconds      (this epoch or the previous one is accepted)
//! key_hash  = SHA-256(ML-DSA session public key), or 32 zero bytes without a session key
//! submitter = the account that calls AI_MINING with the quote (`msg.sender` there): the miner
//!             itself, or the contract it mines through (the mission's ComputeProvider)
//! ```
//!
//! so a quote is bound to one chain, one submitter, one reward recipient, one hour (by default)
//! and one session key: replayed on another chain, by another account, for another miner,
//! later, or with another key, it fails. Binding the submitter is what makes a quote seen in the
//! mempool or in calldata worthless to anyone else: the session's owner is always the account
//! the GPU named, so a third party can neither take a session over, nor end it, nor sit on it.
//! Tooling computes the nonce with [`session_nonce`], asks the GPU for evidence over it (NVIDIA's
//! attestation SDK takes the nonce as an argument), and submits the quote from that account.
//!
//! ## Session ids
//!
//! `keccak256(abi.encode(uint64 chain_id, bytes32 gpu_id, uint256 n))`, where `n` counts the
//! sessions the GPU started before on this chain (bits 0–63 of its device word, at
//! [`crate::keys::DEVICES`]):
//! unique, and derivable off chain before the transaction is sent.

use sha2::{Digest, Sha256};

use crate::env::Address;
use crate::keys;
use crate::store::{Word, word};

/// The domain tag of session nonces.
pub const NONCE_DOMAIN: &[u8] = b"aimine/session/v2";
/// The domain tag of heartbeat signatures.
pub const HEARTBEAT_DOMAIN: &[u8] = b"aimine/heartbeat/v1";

/// The nonce a quote must carry to start a session (see the module docs): for a quote that
/// `submitter` sends to AI_MINING, paying `miner`, in nonce epoch `epoch`, with the session key
/// whose hash is `key_hash`.
pub fn session_nonce(
    chain_id: u64,
    submitter: &Address,
    miner: &Address,
    epoch: u64,
    key_hash: &Word,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(NONCE_DOMAIN);
    h.update(chain_id.to_be_bytes());
    h.update(submitter);
    h.update(miner);
    h.update(epoch.to_be_bytes());
    h.update(key_hash);
    h.finalize().into()
}

/// SHA-256 of a session public key; zero without one.
pub fn key_hash(session_key: Option<&[u8]>) -> Word {
    session_key.map_or([0; 32], |k| Sha256::digest(k).into())
}

/// The id of the `n`-th session (0-based) of a GPU on a chain.
pub fn session_id(chain_id: u64, gpu_id: &Word, n: u64) -> Word {
    let mut encoded = [0u8; 96];
    let (a, rest) = encoded.split_at_mut(32);
    let (b, c) = rest.split_at_mut(32);
    a.copy_from_slice(&word::from_u64(chain_id));
    b.copy_from_slice(gpu_id);
    c.copy_from_slice(&word::from_u64(n));
    keys::keccak256(&encoded)
}

/// The message a session key signs for heartbeat number `counter` (0-based): `"aimine/heartbeat/v1"
/// ‖ chain_id (u64 BE) ‖ session_id ‖ counter (u64 BE)`, with an empty ML-DSA context.
pub fn heartbeat_message(chain_id: u64, session_id: &Word, counter: u64) -> [u8; 19 + 8 + 32 + 8] {
    let mut m = [0u8; 19 + 8 + 32 + 8];
    let (domain, rest) = m.split_at_mut(19);
    domain.copy_from_slice(HEARTBEAT_DOMAIN);
    let (chain, rest) = rest.split_at_mut(8);
    chain.copy_from_slice(&chain_id.to_be_bytes());
    let (id, count) = rest.split_at_mut(32);
    id.copy_from_slice(session_id);
    count.copy_from_slice(&counter.to_be_bytes());
    m
}
