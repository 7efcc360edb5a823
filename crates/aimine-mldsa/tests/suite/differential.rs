//! The shipped backend (libcrux) and the reference (fips204) agree on thousands of deterministic
//! pseudo-random mutations of genuine signed triples: bit flips anywhere, hint sections rewritten
//! byte by byte and structurally (counters, duplicate and unordered indices, padding), z
//! coefficients driven to their extremes, new challenge hashes, other messages and contexts, and
//! wrong lengths. The mutations start from valid signatures so that they reach deep into
//! verification; every input also goes through libcrux's portable (and AVX2) code directly.
use aimine_mldsa::{Error, Level, MAX_CONTEXT_LEN};

use crate::backends::agreed;
use crate::roundtrip::signed;

/// A xorshift64* generator: deterministic, so a failure reproduces from its iteration number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// Where the parts of a signature lie (FIPS 204 Algorithm 26, sigEncode): c~, then l
/// polynomials of z, then the hint section of omega index bytes and k counters.
struct Layout {
    c_len: usize,
    z_len: usize,
    omega: usize,
    k: usize,
}

fn layout(level: Level) -> Layout {
    // (lambda/4, l, bytes per z polynomial, omega, k) from FIPS 204 Table 1.
    let (c_len, l, z_poly, omega, k) = match level {
        Level::MlDsa44 => (32, 4, 576, 80, 4),
        Level::MlDsa65 => (48, 5, 640, 55, 6),
        Level::MlDsa87 => (64, 7, 640, 75, 8),
    };
    let layout = Layout {
        c_len,
        z_len: l * z_poly,
        omega,
        k,
    };
    assert_eq!(layout.hint_start() + omega + k, level.signature_len());
    layout
}

impl Layout {
    fn hint_start(&self) -> usize {
        self.c_len + self.z_len
    }
}

/// The kinds of mutation, by the number `mutate` draws.
const KINDS: [&str; 11] = [
    "signature bit",
    "key bit",
    "message",
    "context",
    "hint byte",
    "hint counter",
    "hint structure",
    "z extremes",
    "challenge byte",
    "length",
    "none",
];

/// Applies mutation `kind` to one input.
fn mutate(
    rng: &mut Rng,
    kind: usize,
    level: Level,
    pk: &mut Vec<u8>,
    msg: &mut Vec<u8>,
    ctx: &mut Vec<u8>,
    sig: &mut Vec<u8>,
) {
    let lay = layout(level);
    let hints = lay.hint_start();
    match kind {
        0 => {
            let at = rng.below(sig.len() * 8);
            sig[at / 8] ^= 1 << (at % 8);
        }
        1 => {
            let at = rng.below(pk.len() * 8);
            pk[at / 8] ^= 1 << (at % 8);
        }
        2 => match rng.below(3) {
            0 if !msg.is_empty() => {
                let at = rng.below(msg.len() * 8);
                msg[at / 8] ^= 1 << (at % 8);
            }
            1 if !msg.is_empty() => msg.truncate(rng.below(msg.len())),
            _ => msg.push(rng.byte()),
        },
        3 => match rng.below(4) {
            0 if !ctx.is_empty() => {
                let at = rng.below(ctx.len() * 8);
                ctx[at / 8] ^= 1 << (at % 8);
            }
            1 if !ctx.is_empty() => ctx.truncate(rng.below(ctx.len())),
            2 => ctx.resize(MAX_CONTEXT_LEN + rng.below(2), rng.byte()),
            _ => ctx.push(rng.byte()),
        },
        4 => {
            let at = hints + rng.below(lay.omega + lay.k);
            sig[at] = rng.byte();
        }
        5 => {
            let at = hints + lay.omega + rng.below(lay.k);
            sig[at] = rng.below(lay.omega + 3) as u8;
        }
        6 => {
            let used = usize::from(sig[hints + lay.omega + lay.k - 1]).min(lay.omega);
            match rng.below(4) {
                // A duplicate index (equal to its predecessor).
                0 if used >= 2 => {
                    let j = 1 + rng.below(used - 1);
                    sig[hints + j] = sig[hints + j - 1];
                }
                // Two neighbours swapped (out of order within or across polynomials).
                1 if used >= 2 => {
                    let j = 1 + rng.below(used - 1);
                    sig.swap(hints + j, hints + j - 1);
                }
                // A non-zero padding byte after the last used index.
                2 if used < lay.omega => {
                    let j = used + rng.below(lay.omega - used);
                    sig[hints + j] = 1 + rng.below(255) as u8;
                }
                // A counter moved by one (a hint handed to the neighbouring polynomial).
                _ => {
                    let i = rng.below(lay.k);
                    let at = hints + lay.omega + i;
                    sig[at] = if rng.below(2) == 0 {
                        sig[at].wrapping_add(1)
                    } else {
                        sig[at].wrapping_sub(1)
                    };
                }
            }
        }
        7 => {
            // A run of z bytes set to all zeros (coefficients of gamma1, just outside the
            // bound), all ones (-gamma1 + 1), or random values.
            let at = lay.c_len + rng.below(lay.z_len);
            let n = (1 + rng.below(8)).min(hints - at);
            let fill = match rng.below(3) {
                0 => 0x00,
                1 => 0xff,
                _ => rng.byte(),
            };
            sig[at..at + n].fill(fill);
        }
        8 => {
            let at = rng.below(lay.c_len);
            sig[at] = rng.byte();
        }
        9 => {
            let n = 1 + rng.below(3);
            match rng.below(4) {
                0 => sig.truncate(sig.len() - n),
                1 => sig.extend(std::iter::repeat_n(0, n)),
                2 => pk.truncate(pk.len() - n),
                _ => pk.extend(std::iter::repeat_n(0, n)),
            }
        }
        _ => {}
    }
}

#[test]
fn backends_agree_on_thousands_of_mutations() {
    const ROUNDS: usize = 3_000;
    let mut bases = Vec::new();
    for level in Level::ALL {
        for (seed, msg, ctx) in [
            (
                21u8,
                &b"aimine/heartbeat/v1 differential"[..],
                &b"aimine"[..],
            ),
            (22, &[0xab; 32][..], &b""[..]),
        ] {
            let (pk, sig) = signed(level, seed, msg, ctx);
            bases.push((level, pk, msg.to_vec(), ctx.to_vec(), sig));
        }
    }
    let mut rng = Rng(0x6169_6d69_6e65_0204);
    let mut by_kind = [0usize; KINDS.len()];
    let (mut accepted, mut rejected, mut length_errors, mut context_errors) = (0, 0, 0, 0);
    for round in 0..ROUNDS {
        let (level, pk0, msg0, ctx0, sig0) = &bases[rng.below(bases.len())];
        let (mut pk, mut msg, mut ctx, mut sig) =
            (pk0.clone(), msg0.clone(), ctx0.clone(), sig0.clone());
        let first = rng.below(KINDS.len());
        by_kind[first] += 1;
        mutate(
            &mut rng, first, *level, &mut pk, &mut msg, &mut ctx, &mut sig,
        );
        // A quarter of the inputs get a second mutation on top (not a length change, which
        // comes last when it comes, since the others index into the exact layout).
        if first != 9 && rng.below(4) == 0 {
            let second = rng.below(9);
            mutate(
                &mut rng, second, *level, &mut pk, &mut msg, &mut ctx, &mut sig,
            );
        }
        let what = format!("round {round} ({level}, {})", KINDS[first]);
        let got = agreed(&what, *level, &pk, &msg, &ctx, &sig);
        let unchanged = (&pk, &msg, &ctx, &sig) == (pk0, msg0, ctx0, sig0);
        match got {
            Ok(()) => {
                assert!(unchanged, "{what}: a changed input verified");
                accepted += 1;
            }
            Err(Error::SignatureRejected) => {
                assert!(!unchanged, "{what}: the genuine input was rejected");
                rejected += 1;
            }
            Err(Error::WrongPublicKeyLength { .. } | Error::WrongSignatureLength { .. }) => {
                length_errors += 1
            }
            Err(Error::ContextTooLong { actual }) => {
                assert_eq!(actual, MAX_CONTEXT_LEN + 1, "{what}");
                context_errors += 1;
            }
            Err(Error::MalformedPublicKey) => {
                panic!("{what}: no key of the right length is malformed")
            }
        }
    }
    #[cfg(target_arch = "x86_64")]
    println!(
        "libcrux's AVX2 code compared directly as well: {}",
        crate::backends::has_avx2()
    );
    println!(
        "{ROUNDS} mutations: {accepted} accepted (unchanged), {rejected} rejected, \
         {length_errors} length errors, {context_errors} context errors; first mutations {:?}",
        KINDS.iter().zip(by_kind).collect::<Vec<_>>()
    );
    // The generator reached every kind of mutation and every verdict.
    assert!(by_kind.iter().all(|&n| n >= 150), "{by_kind:?}");
    assert!(accepted >= 150 && length_errors >= 150 && context_errors >= 10);
    assert!(rejected >= 2_000, "{rejected}");
}
