//! Session keys: the ML-DSA public key a session's heartbeats and execution receipts are signed
//! with. Only its SHA-256 is stored (the session's `key_hash`, which the quote's nonce binds);
//! the key itself travels in the call data of every call that checks a signature and is used
//! only if it hashes to the stored hash.

use crate::sessions::{Session, key_hash};

/// The longest ML-DSA public key (ML-DSA-87), in bytes.
pub const MAX_KEY_LEN: usize = 2_592;

/// Whether `key` is the session's key: it hashes to the session's key hash (a session without
/// a key has none). A key of another session, another level, or truncated does not.
pub(crate) fn is_session_key(session: &Session, key: &[u8]) -> bool {
    session.has_key() && key.len() <= MAX_KEY_LEN && key_hash(Some(key)) == session.key_hash
}
