//! Adversarial differential tests of the field (an independent review of `field.rs`).
//!
//! Two references: p384's field element (fiat-crypto Montgomery arithmetic) for every operation,
//! and crypto-bigint's generic division (a 768-bit remainder by p) for `reduce` and products.
//! The inputs are chosen to run every branch and carry chain: all 2^k, 2^k ± 1, p − 2^k, multiples
//! of c = 2^384 − p, the limb patterns 0, 1, 2^64 − 1, 2^32 − 1 and 2^64 − 2^32 in every limb over
//! three backgrounds, sums landing exactly on p − 1, p, p + 1, 2^384 − 1, 2^384, and 768-bit inputs
//! to `reduce` built so that the first fold L + H·c carries through every limb and the second
//! fold lands exactly on each side of 2^384 and p. A crypto-bigint model of `reduce`'s branch
//! predicate asserts the rare carry branch is really reached (by products, squares and direct
//! inputs), so the tests cannot silently stop covering it.
//!
//! The multi-million random runs are `#[ignore]`d; run them with
//! `cargo test --release -p aimine-p384 -- --ignored field::differential`.

use super::*;

extern crate std;
use std::vec::Vec;

use p384::elliptic_curve::bigint::{Limb, NonZero, U768};

/// The limb patterns the brief asks for in every limb position.
const PATTERNS: [u64; 5] = [0, 1, u64::MAX, 0x0000_0000_ffff_ffff, 0xffff_ffff_0000_0000];

/// c as a 384-bit integer.
fn c_int() -> U384 {
    U384::from_words([C[0], C[1], C[2], 0, 0, 0])
}

/// The element x mod p of any 384-bit x (x < 2^384 < 2p: at most one subtraction).
fn fe_mod(x: &U384) -> Fe {
    let r = if x.cmp_vartime(&P).is_lt() {
        *x
    } else {
        x.wrapping_sub(&P)
    };
    Fe(r.to_words())
}

/// The element's integer.
fn int(a: &Fe) -> U384 {
    U384::from_words(a.0)
}

/// 2^k for k < 384.
fn pow2(k: u32) -> U384 {
    U384::ONE.shl_vartime(k)
}

/// The 768-bit t mod p by crypto-bigint's long division.
fn oracle(t: &[u64; 12]) -> Fe {
    let wide = U768::from_words(*t);
    Fe(wide.rem_vartime(&NonZero::<U384>::new_unwrap(P)).to_words())
}

/// The integer product of two elements, as 12 limbs (crypto-bigint's multiplication).
fn wide_product(a: &Fe, b: &Fe) -> [u64; 12] {
    let (lo, hi) = int(a).widening_mul(&int(b));
    join(&lo, &hi)
}

fn join(lo: &U384, hi: &U384) -> [u64; 12] {
    let mut t = [0u64; 12];
    t[..6].copy_from_slice(lo.as_words());
    t[6..].copy_from_slice(hi.as_words());
    t
}

/// Which of `reduce`'s three endings t takes, computed with crypto-bigint: `Carry` when the
/// second fold carries past 2^384, `Subtract` when it stays below 2^384 but reaches p, `Keep`
/// otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ending {
    Keep,
    Subtract,
    Carry,
}

fn ending(t: &[u64; 12]) -> Ending {
    let mut h = [0u64; 6];
    let mut l = [0u64; 6];
    h.copy_from_slice(&t[6..]);
    l.copy_from_slice(&t[..6]);
    let (hc_lo, hc_hi) = U384::from_words(h).widening_mul(&c_int());
    let (s_lo, carry) = hc_lo.carrying_add(&U384::from_words(l), Limb::ZERO);
    // The high part H′ of s = L + H·c: below 2^130, so adding the carry cannot overflow.
    let h2 = hc_hi.wrapping_add(&U384::from_words([carry.0, 0, 0, 0, 0, 0]));
    let (h2c, h2c_hi) = h2.widening_mul(&c_int());
    assert_eq!(h2c_hi, U384::ZERO, "H′·c < 2^259");
    let (low, carry) = s_lo.carrying_add(&h2c, Limb::ZERO);
    if carry.0 != 0 {
        Ending::Carry
    } else if low.cmp_vartime(&P).is_lt() {
        Ending::Keep
    } else {
        Ending::Subtract
    }
}

/// The adversarial elements: structured values at every bit and limb position.
fn adversarial() -> Vec<Fe> {
    let mut out = Vec::new();
    for k in 0..4u64 {
        out.push(Fe::from_u64(k));
        out.push(Fe::from_u64(k).neg());
    }
    for k in 0..384 {
        let x = pow2(k);
        out.push(fe_mod(&x));
        out.push(fe_mod(&x.wrapping_add(&U384::ONE)));
        out.push(fe_mod(&x.wrapping_sub(&U384::ONE)));
        out.push(fe_mod(&x).neg());
    }
    // Multiples of c: c·2^k (as integers while they fit), −c·2^k, c·(2^64 − 1), c².
    for k in 0..255 {
        let x = fe_mod(&c_int().shl_vartime(k));
        out.push(x);
        out.push(x.neg());
    }
    let c = fe_mod(&c_int());
    out.push(c.multiply(&Fe::from_u64(u64::MAX)));
    out.push(c.square());
    out.push(c.sub(&Fe::ONE)); // 2^384 − 1 mod p
    // Limb patterns in every position over the backgrounds 0, all ones and p − 1, and every
    // pattern in all limbs.
    let backgrounds = [[0u64; 6], [u64::MAX; 6], Fe::ONE.neg().0];
    for bg in backgrounds {
        for pos in 0..6 {
            for pat in PATTERNS {
                let mut limbs = bg;
                limbs[pos] = pat;
                out.push(fe_mod(&U384::from_words(limbs)));
            }
        }
    }
    for pat in PATTERNS {
        out.push(fe_mod(&U384::from_words([pat; 6])));
    }
    // Alternating patterns: 0x00000000ffffffff and 0xffffffff00000000 across limbs.
    out.push(fe_mod(&U384::from_words([
        PATTERNS[3],
        PATTERNS[4],
        PATTERNS[3],
        PATTERNS[4],
        PATTERNS[3],
        PATTERNS[4],
    ])));
    out.push(fe_mod(&U384::from_words([
        PATTERNS[4],
        PATTERNS[3],
        PATTERNS[4],
        PATTERNS[3],
        PATTERNS[4],
        PATTERNS[3],
    ])));
    out
}

/// A deterministic generator (splitmix64): tests must be reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform element, or (one time in two) one whose limbs are drawn from the patterns
    /// and random words: the latter meets boundaries uniform values never do.
    fn element(&mut self) -> Fe {
        let structured = self.next() & 1 == 1;
        let mut limbs = [0u64; 6];
        for limb in &mut limbs {
            let w = self.next();
            *limb = if structured && !w.is_multiple_of(3) {
                PATTERNS[(w >> 8) as usize % PATTERNS.len()]
            } else {
                self.next()
            };
        }
        fe_mod(&U384::from_words(limbs))
    }
}

/// Every binary operation on (a, b) against p384's field and crypto-bigint; returns `reduce`'s
/// ending for a·b.
fn check_pair(a: &Fe, b: &Fe) -> Ending {
    let (ta, tb) = (
        P384Fe::from_slice(&a.to_bytes()).unwrap(),
        P384Fe::from_slice(&b.to_bytes()).unwrap(),
    );
    let back = |x: &P384Fe| Fe::from_slice(&x.to_bytes()).unwrap();
    let t = wide_product(a, b);
    let ab = a.multiply(b);
    assert!(eq(&ab, &oracle(&t)), "a·b (bigint): {a:?} {b:?}");
    assert!(eq(&ab, &back(&ta.multiply(&tb))), "a·b (p384): {a:?} {b:?}");
    assert!(eq(&ab, &b.multiply(a)), "a·b = b·a: {a:?} {b:?}");
    assert!(eq(&a.add(b), &back(&ta.add(&tb))), "a + b: {a:?} {b:?}");
    assert!(eq(&a.sub(b), &back(&ta.sub(&tb))), "a − b: {a:?} {b:?}");
    assert!(eq(&b.sub(a), &back(&tb.sub(&ta))), "b − a: {a:?} {b:?}");
    assert_eq!(eq(a, b), ta == tb, "equality: {a:?} {b:?}");
    assert_eq!(a.sub(b).is_zero(), eq(a, b), "a − b = 0 iff a = b");
    ending(&t)
}

/// Every unary operation on a against p384's field and crypto-bigint; returns `reduce`'s ending
/// for a².
fn check_one(a: &Fe) -> Ending {
    let ta = P384Fe::from_slice(&a.to_bytes()).unwrap();
    let back = |x: &P384Fe| Fe::from_slice(&x.to_bytes()).unwrap();
    let t = wide_product(a, a);
    let sq = a.square();
    assert!(eq(&sq, &oracle(&t)), "a² (bigint): {a:?}");
    assert!(eq(&sq, &back(&ta.square())), "a² (p384): {a:?}");
    assert!(eq(&sq, &a.multiply(a)), "a² = a·a: {a:?}");
    assert!(eq(&a.neg(), &back(&ta.neg())), "−a: {a:?}");
    assert!(eq(&a.double(), &back(&ta.double())), "2a: {a:?}");
    assert_eq!(a.is_zero(), bool::from(ta.is_zero()), "a = 0: {a:?}");
    assert!(a.neg().add(a).is_zero(), "−a + a = 0: {a:?}");
    let bytes = a.to_bytes();
    assert_eq!(bytes.as_slice(), ta.to_bytes().as_slice(), "bytes: {a:?}");
    assert_eq!(U384::from_be_slice(&bytes), int(a), "bytes (bigint): {a:?}");
    assert!(
        eq(&Fe::from_be_bytes(&bytes).unwrap(), a),
        "bytes round trip: {a:?}"
    );
    ending(&t)
}

/// 1/a both ways, against p384's inversion.
fn check_inverse(a: &Fe, fermat: bool) {
    let ta = P384Fe::from_slice(&a.to_bytes()).unwrap();
    let theirs = Option::<P384Fe>::from(ta.invert_vartime());
    match a.invert_vartime() {
        None => {
            assert!(a.is_zero() && theirs.is_none());
            assert!(a.const_invert().is_zero());
        }
        Some(inv) => {
            assert!(eq(&inv.multiply(a), &Fe::ONE), "a·(1/a) = 1: {a:?}");
            assert_eq!(
                inv.to_bytes().as_slice(),
                theirs.unwrap().to_bytes().as_slice()
            );
            if fermat {
                assert!(eq(&a.const_invert(), &inv), "Fermat: {a:?}");
            }
        }
    }
}

/// Tallies of `reduce`'s endings.
#[derive(Default, Debug)]
struct Tally {
    keep: usize,
    subtract: usize,
    carry: usize,
}

impl Tally {
    fn count(&mut self, e: Ending) {
        match e {
            Ending::Keep => self.keep += 1,
            Ending::Subtract => self.subtract += 1,
            Ending::Carry => self.carry += 1,
        }
    }
}

#[test]
fn adversarial_unary() {
    let values = adversarial();
    let mut squares = Tally::default();
    for a in &values {
        squares.count(check_one(a));
    }
    // Squares of all-ones-like values end in the carry branch; random squares never do.
    assert!(squares.carry >= 5, "{squares:?}");
    assert!(squares.subtract >= 5, "{squares:?}");
    for a in values.iter().step_by(9) {
        check_inverse(a, true);
    }
}

#[test]
fn adversarial_pairs() {
    let values = adversarial();
    // Every value against every 13th (about 1800 × 140 pairs in debug in a few seconds), and
    // every pair among the limb patterns and the values near p and 2^384.
    let partners: Vec<Fe> = values.iter().step_by(13).copied().collect();
    let mut products = Tally::default();
    for a in &values {
        for b in &partners {
            products.count(check_pair(a, b));
        }
    }
    let tail: Vec<Fe> = values.iter().rev().take(120).copied().collect();
    for a in &tail {
        for b in &tail {
            products.count(check_pair(a, b));
        }
    }
    assert!(products.carry >= 100, "{products:?}");
    assert!(products.subtract >= 100, "{products:?}");
}

/// Sums and differences landing exactly on the boundaries of `add`'s and `sub`'s branches.
#[test]
fn sums_at_the_boundaries() {
    let c = c_int();
    // Integer targets for a + b as (low 384 bits, past 2^384): p − 1, p, p + 1, 2^384 − 2,
    // 2^384 − 1, 2^384, 2^384 + 1, and 2p − 2 (the largest sum of two elements).
    let targets = [
        (P.wrapping_sub(&U384::ONE), false),
        (P, false),
        (P.wrapping_add(&U384::ONE), false),
        (U384::MAX.wrapping_sub(&U384::ONE), false),
        (U384::MAX, false),
        (U384::ZERO, true),
        (U384::ONE, true),
        (P.wrapping_sub(&c).wrapping_sub(&U384::from_u64(2)), true),
    ];
    let mut count = 0;
    for a in adversarial() {
        for (low, past) in targets {
            // b = target − a, kept only if it is an integer in [0, p).
            let (b, borrow) = low.borrowing_sub(&int(&a), Limb::ZERO);
            if (borrow.0 != 0) != past || !b.cmp_vartime(&P).is_lt() {
                continue;
            }
            let b = Fe(b.to_words());
            // The residue of the integer sum: 2^384 ≡ c.
            let want = if past {
                fe_mod(&low).add(&fe_mod(&c))
            } else {
                fe_mod(&low)
            };
            assert!(eq(&a.add(&b), &want), "a + b: {a:?} {b:?}");
            assert!(eq(&b.add(&a), &want), "b + a: {a:?} {b:?}");
            check_pair(&a, &b);
            count += 1;
        }
        // a − a = 0 and a − (a + 1) = p − 1 (the borrow branch at its edge).
        assert!(a.sub(&a).is_zero());
        let a1 = a.add(&Fe::ONE);
        assert!(eq(&a.sub(&a1), &Fe::ONE.neg()), "a − (a + 1): {a:?}");
    }
    assert!(count > 3000, "{count}");
}

/// `reduce` on arbitrary 768-bit inputs (its bounds hold for any, not only products below
/// p²), built to take each ending with the first fold carrying through every limb.
#[test]
fn reduce_on_crafted_inputs() {
    let c = c_int();
    let mut tally = Tally::default();
    let mut check = |t: &[u64; 12], want: Option<Ending>| {
        let got = Fe::reduce(t);
        assert!(eq(&got, &oracle(t)), "reduce: {t:x?}");
        let e = ending(t);
        if let Some(w) = want {
            assert_eq!(e, w, "{t:x?}");
        }
        tally.count(e);
    };
    // H values: patterns, 2^k, 2^k − 1, all ones.
    let mut highs = Vec::new();
    for pat in PATTERNS {
        highs.push(U384::from_words([pat; 6]));
        for pos in 0..6 {
            let mut l = [0u64; 6];
            l[pos] = pat;
            highs.push(U384::from_words(l));
        }
    }
    for k in (0..384).step_by(7) {
        highs.push(pow2(k));
        highs.push(pow2(k).wrapping_sub(&U384::ONE));
    }
    // Targets for the second fold's sum s_low + H′·c (integers; ≥ 2^384 means the carry).
    let targets_below = [
        P.wrapping_sub(&U384::ONE),
        P,
        P.wrapping_add(&U384::ONE),
        U384::MAX,
        U384::ZERO,
        U384::ONE,
    ];
    for h in &highs {
        let (hc_lo, hc_hi) = h.widening_mul(&c);
        // First fold with a carry through every limb: L = 2^384 − (H·c mod 2^384) + δ.
        for delta in [0u64, 1, 2, u64::MAX] {
            let l = hc_lo.wrapping_neg().wrapping_add(&U384::from_u64(delta));
            check(&join(&l, h), None);
        }
        // Second fold aimed at each target: s_low = target − H′·c (mod 2^384), solving for
        // the first fold's carry.
        for target in targets_below {
            for carry in [0u64, 1] {
                let h2 = hc_hi.wrapping_add(&U384::from_u64(carry));
                let (h2c, _) = h2.widening_mul(&c);
                let s_low = target.wrapping_sub(&h2c);
                let l = s_low.wrapping_sub(&hc_lo);
                let (_, actual) = l.carrying_add(&hc_lo, Limb::ZERO);
                if actual.0 != carry {
                    continue;
                }
                // The ending follows from whether s_low + H′·c wrapped.
                let wrapped = target.cmp_vartime(&h2c).is_lt();
                let want = if wrapped {
                    Ending::Carry
                } else if target.cmp_vartime(&P).is_lt() {
                    Ending::Keep
                } else {
                    Ending::Subtract
                };
                check(&join(&l, h), Some(want));
            }
        }
        // s_low = 2^384 − ε for small ε: the carry branch whenever H′·c ≥ ε.
        for eps in [1u64, 2, 3, u64::MAX] {
            let s_low = U384::from_u64(eps).wrapping_neg();
            check(&join(&s_low.wrapping_sub(&hc_lo), h), None);
        }
    }
    // Every limb pattern in every limb of the 12, over zero and all-ones backgrounds.
    for bg in [0u64, u64::MAX] {
        for pos in 0..12 {
            for pat in PATTERNS {
                let mut t = [bg; 12];
                t[pos] = pat;
                check(&t, None);
            }
        }
    }
    assert!(tally.carry >= 200, "{tally:?}");
    assert!(tally.subtract >= 50, "{tally:?}");
    assert!(tally.keep >= 200, "{tally:?}");
}

/// The encodings refuse exactly the values ≥ p (p + 2^k, p − 2^k, every pattern, random bytes).
#[test]
fn encodings_refuse_exactly_non_canonical() {
    let mut cases: Vec<U384> = Vec::new();
    for k in 0..384 {
        let (up, carry) = P.carrying_add(&pow2(k), Limb::ZERO);
        if carry.0 == 0 {
            cases.push(up);
        }
        cases.push(P.wrapping_sub(&pow2(k)));
        cases.push(U384::MAX.wrapping_sub(&pow2(k)));
    }
    for d in 0..4u64 {
        cases.push(P.wrapping_add(&U384::from_u64(d)));
        cases.push(P.wrapping_sub(&U384::from_u64(d)));
        cases.push(U384::MAX.wrapping_sub(&U384::from_u64(d)));
    }
    for bg in [[0u64; 6], [u64::MAX; 6], P.to_words()] {
        for pos in 0..6 {
            for pat in PATTERNS {
                let mut l = bg;
                l[pos] = pat;
                cases.push(U384::from_words(l));
            }
        }
    }
    // Random distances from p, up to 2^k for every k: p + r (if below 2^384) and p − 1 − r.
    let mut rng = Rng(7);
    for i in 0..2000u32 {
        let mut l = [0u64; 6];
        for limb in &mut l {
            *limb = rng.next();
        }
        let r = U384::from_words(l).shr_vartime(i % 384);
        let (up, carry) = P.carrying_add(&r, Limb::ZERO);
        if carry.0 == 0 {
            cases.push(up);
        }
        cases.push(P.wrapping_sub(&U384::ONE).wrapping_sub(&r));
    }
    let (mut accepted, mut refused) = (0, 0);
    for x in cases {
        let bytes: [u8; 48] = x.to_be_bytes().as_ref().try_into().unwrap();
        let canonical = x.cmp_vartime(&P).is_lt();
        let ours = Fe::from_be_bytes(&bytes);
        assert_eq!(ours.is_some(), canonical, "{x:?}");
        assert_eq!(
            P384Fe::from_slice(&bytes).is_some(),
            canonical,
            "p384 agrees: {x:?}"
        );
        assert_eq!(from_be_bytes_const(&bytes).is_some(), canonical);
        assert_eq!(Fe::from_slice(&bytes).is_some(), canonical);
        // The same through hex, both cases.
        let mut hex = [0u8; 96];
        for (i, b) in bytes.iter().enumerate() {
            let digits = b"0123456789abcdef";
            hex[2 * i] = digits[usize::from(b >> 4)];
            hex[2 * i + 1] = digits[usize::from(b & 15)];
        }
        assert_eq!(Fe::from_hex(&hex).is_some(), canonical);
        assert_eq!(Fe::from_hex(&hex.to_ascii_uppercase()).is_some(), canonical);
        if let Some(fe) = ours {
            assert_eq!(fe.to_bytes(), bytes);
            assert_eq!(int(&fe), x);
            assert!(eq(&Fe::from_hex(&hex).unwrap(), &fe));
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    assert!(accepted > 500 && refused > 500, "{accepted} {refused}");
    for len in [0, 1, 47, 49, 96] {
        assert!(Fe::from_slice(&[0u8; 96][..len]).is_none());
    }
}

/// Random pairs: run in debug in CI with a few thousand; millions under `--ignored`.
fn random_run(seed: u64, pairs: usize) -> (Tally, Tally) {
    let mut rng = Rng(seed);
    let (mut products, mut squares) = (Tally::default(), Tally::default());
    for i in 0..pairs {
        let a = rng.element();
        let b = rng.element();
        products.count(check_pair(&a, &b));
        squares.count(check_one(&a));
        if i % 4096 == 0 {
            check_inverse(&a, i % (4096 * 64) == 0);
        }
    }
    (products, squares)
}

#[test]
fn random_pairs() {
    let (products, squares) = random_run(1, 3000);
    assert!(
        products.keep > 0 && squares.keep > 0,
        "{products:?} {squares:?}"
    );
}

/// Several million random pairs (about 15 s for the default 4 million in release; set
/// `AIMINE_FIELD_PAIRS` and `AIMINE_FIELD_SEED` for other runs):
/// `cargo test --release -p aimine-p384 -- --ignored field::differential::random_pairs_millions --nocapture`.
#[test]
#[ignore = "long: several million pairs, run in release"]
fn random_pairs_millions() {
    let var = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let pairs = var("AIMINE_FIELD_PAIRS", 4_000_000);
    let seed = var("AIMINE_FIELD_SEED", 0x5eed);
    let (products, squares) = random_run(seed, usize::try_from(pairs).unwrap());
    std::println!("seed {seed}, {pairs} pairs: products {products:?}\nsquares {squares:?}");
    assert_eq!(
        products.keep + products.subtract + products.carry,
        pairs as usize
    );
}

/// Every pair of adversarial values (about 3.3 million pairs):
/// `cargo test --release -p aimine-p384 -- --ignored field::differential::adversarial_all_pairs --nocapture`.
#[test]
#[ignore = "long: every adversarial pair, run in release"]
fn adversarial_all_pairs() {
    let values = adversarial();
    let mut products = Tally::default();
    for a in &values {
        for b in &values {
            products.count(check_pair(a, b));
        }
    }
    std::println!("{} values, products {products:?}", values.len());
    assert!(products.carry > 0);
}
