//! Fuzz target `nvtrust_envelope`: the quote envelope decoder on any bytes. Never panics, and
//! what it decodes re-encodes to an envelope that decodes to the same quote.

use aimine_nvtrust::envelope::{decode, encode, encoded_len};

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(q) = decode(data) else {
        return;
    };
    let len = encoded_len(q.evidence, &q.chain).expect("a decoded quote can be encoded");
    assert!(
        len <= data.len(),
        "re-encoding never grows (known certificates get shorter)"
    );
    let mut out = vec![0u8; len];
    let n = encode(q.evidence, &q.chain, &mut out).expect("sized by encoded_len");
    assert_eq!(n, len);
    let again = decode(&out).expect("our own encoding decodes");
    assert_eq!(again, q);
}
