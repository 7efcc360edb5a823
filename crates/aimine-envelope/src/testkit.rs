//! Test support (feature `testkit`, never in default builds): envelopes of aimine-nvtrust's
//! forged devices.

use alloc::vec::Vec;

use aimine_nvtrust::testkit::ForgedDevice;

/// Something that has an `AIMQ` envelope.
pub trait Enveloped {
    /// Its envelope.
    fn envelope(&self) -> Vec<u8>;
}

impl Enveloped for ForgedDevice {
    /// The kind-1 envelope of a forged device (forged sizes always fit one).
    fn envelope(&self) -> Vec<u8> {
        #[allow(clippy::expect_used)] // test support over inputs the forge sized
        crate::encode_gpu(&self.evidence, &self.chain_refs()).expect("forged sizes fit an envelope")
    }
}

/// The kind-1 envelope of any evidence and chain (DER, leaf first), e.g. a real vector set, or
/// `None` when they do not fit an envelope.
pub fn envelope_of(evidence: &[u8], chain: &[Vec<u8>]) -> Option<Vec<u8>> {
    let refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    crate::encode_gpu(evidence, &refs).ok()
}
