//! Fuzz target `envelope_gpu`: the AIMQ decoder's GPU kind (1) on any bytes. Never panics, and
//! what it decodes re-encodes to an envelope that decodes to the same quote.

use aimine_envelope::{decode_gpu, encode_gpu_into, encoded_gpu_len};

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(q) = decode_gpu(data) else {
        return;
    };
    let len = encoded_gpu_len(q.evidence, &q.chain).expect("a decoded quote can be encoded");
    assert!(
        len <= data.len(),
        "re-encoding never grows (known certificates get shorter)"
    );
    let mut out = vec![0u8; len];
    let n = encode_gpu_into(q.evidence, &q.chain, &mut out).expect("sized by encoded_gpu_len");
    assert_eq!(n, len);
    let again = decode_gpu(&out).expect("our own encoding decodes");
    assert_eq!(again, q);
}
