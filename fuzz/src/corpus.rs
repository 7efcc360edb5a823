//! A small deterministic corpus: pseudo-random byte strings for the smoke runs on stable.

use arbitrary::{Arbitrary, Unstructured};

/// xorshift64*: a fixed, dependency-free generator, so the smoke corpus is the same on every run.
#[derive(Debug, Clone)]
pub struct Bytes {
    state: u64,
}

impl Bytes {
    /// A generator from a non-zero seed (zero is replaced by a constant).
    pub fn new(seed: u64) -> Bytes {
        Bytes {
            state: if seed == 0 {
                0x9E37_79B9_7F4A_7C15
            } else {
                seed
            },
        }
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// `len` pseudo-random bytes.
    pub fn take(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// Runs `target` over `cases` inputs built by `arbitrary` from pseudo-random buffers of up to
/// `max_len` bytes; returns how many inputs were built (some buffers build none).
pub fn run<T, F>(seed: u64, cases: usize, max_len: usize, mut target: F) -> usize
where
    T: for<'a> Arbitrary<'a>,
    F: FnMut(T),
{
    let mut rng = Bytes::new(seed);
    let mut built = 0;
    for _ in 0..cases {
        let len = (rng.next_u64() as usize) % (max_len + 1);
        let buf = rng.take(len);
        if let Ok(input) = T::arbitrary_take_rest(Unstructured::new(&buf)) {
            target(input);
            built += 1;
        }
    }
    built
}
