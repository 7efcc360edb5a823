//! Fuzz target `registry_proof`: an execution proof from the call data
//! (`abi.encode(bytes32 sessionId, bytes sessionKey, bytes signature)`) is decoded without a
//! panic, and only in its one canonical encoding: whatever [`decode_proof`] accepts re-encodes
//! with [`encode_proof`] to exactly the input, and every proof `encode_proof` builds decodes to
//! its parts. A second reading of one proof (another offset, padding, trailing bytes) would let
//! two call data strings carry one receipt.

use aimine_registry::{decode_proof, encode_proof};
use arbitrary::Arbitrary;

/// One fuzz input.
#[derive(Debug, Clone, Arbitrary)]
pub struct Input {
    /// Raw proof bytes, decoded as they come.
    pub raw: Vec<u8>,
    /// Parts of a well-formed proof, encoded, then mutated by `edits`.
    pub session_id: [u8; 32],
    /// The key part.
    pub key: Vec<u8>,
    /// The signature part.
    pub signature: Vec<u8>,
    /// (position, new byte) edits applied to the encoded proof, positions taken modulo its length.
    pub edits: Vec<(u16, u8)>,
    /// Bytes cut from the end of the encoded proof (modulo its length).
    pub cut: u16,
}

/// Runs one input.
pub fn run(input: Input) {
    check(&input.raw);
    let good = encode_proof(&input.session_id, &input.key, &input.signature);
    let decoded = decode_proof(&good).expect("encode_proof's output decodes");
    assert_eq!(
        (decoded.session_id, decoded.session_key, decoded.signature),
        (input.session_id, &input.key[..], &input.signature[..])
    );
    let mut mutated = good.clone();
    for (at, byte) in &input.edits {
        let at = usize::from(*at) % mutated.len();
        mutated[at] = *byte;
    }
    let keep = mutated.len() - usize::from(input.cut) % mutated.len().max(1);
    mutated.truncate(keep);
    check(&mutated);
}

/// Whatever decodes is the canonical encoding of what it decoded to.
fn check(bytes: &[u8]) {
    if let Some(p) = decode_proof(bytes) {
        assert_eq!(
            encode_proof(&p.session_id, p.session_key, p.signature),
            bytes,
            "a non-canonical proof decoded"
        );
    }
}
