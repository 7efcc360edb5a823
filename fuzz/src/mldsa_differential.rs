//! Fuzz target `mldsa_differential`: the shipped ML-DSA backend (libcrux-ml-dsa, through
//! `aimine_mldsa::verify`) against the reference (the fips204 crate, `aimine_mldsa::reference`),
//! and libcrux's portable code called directly, on mutations of genuine inputs.
//!
//! Each input picks a base, a (key, message, context, signature) quadruple that is either signed
//! here with fips204 or a Wycheproof ML-DSA case (when the vectors are present: boundary values of
//! z, full hint sections, many-step signatures, invalid encodings), and applies a list of
//! mutations to it, so that the fuzzer spends its time deep in verification rather than at the
//! length checks. The finding is any input on which two implementations disagree, or a changed
//! signed input that still verifies.

use std::sync::OnceLock;

use aimine_mldsa::{Error, Level, MAX_CONTEXT_LEN, reference, verify, verify_any};
use arbitrary::Arbitrary;
use fips204::traits::{KeyGen, SerDes, Signer};
use fips204::{ml_dsa_44, ml_dsa_65, ml_dsa_87};
use libcrux_ml_dsa::{MLDSASignature, MLDSAVerificationKey};

/// One change to the base input. Positions are taken modulo the length of what they point into.
#[derive(Debug, Clone, Arbitrary)]
pub enum Mutation {
    /// Flip one bit of the signature.
    FlipSignatureBit(u16),
    /// Set one signature byte.
    SetSignatureByte(u16, u8),
    /// Set one byte of the hint section (the last omega + k bytes: indices, then counters).
    SetHintByte(u8, u8),
    /// Fill a run of the signature (up to 16 bytes) with one value: 0x00 and 0xff drive z
    /// coefficients to +gamma1 and -gamma1 + 1.
    FillSignature(u16, u8, u8),
    /// Flip one bit of the public key.
    FlipKeyBit(u16),
    /// Set one public key byte.
    SetKeyByte(u16, u8),
    /// Replace the message.
    Message(Vec<u8>),
    /// Flip one bit of the message (when it has any).
    FlipMessageBit(u16),
    /// Replace the context (it may be longer than 255 bytes).
    Context(Vec<u8>),
    /// Replace the signature by these bytes, repeated or cut to the level's length.
    Signature(Vec<u8>),
    /// Take the signature of another base of the same level.
    OtherSignature(u8),
    /// Take the public key of another base of the same level.
    OtherKey(u8),
    /// Cut (0) or extend (1) the signature, or cut (2) or extend (3) the key, by 1 to 4 bytes.
    Length(u8, u8),
}

/// One fuzz input: a base and the mutations applied to it, in order.
#[derive(Debug, Clone, Arbitrary)]
pub struct Input {
    /// Which base (modulo the number of bases).
    pub base: u16,
    /// The changes.
    pub mutations: Vec<Mutation>,
}

/// A starting point: level, key, message, context, signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The parameter set.
    pub level: Level,
    /// Public key.
    pub public_key: Vec<u8>,
    /// Message.
    pub message: Vec<u8>,
    /// Context.
    pub context: Vec<u8>,
    /// Signature.
    pub signature: Vec<u8>,
}

/// Every base: two signed here per level, then every Wycheproof ML-DSA case whose key and
/// signature have their level's lengths.
pub fn bases() -> &'static [Base] {
    static BASES: OnceLock<Vec<Base>> = OnceLock::new();
    BASES.get_or_init(|| {
        let mut bases = Vec::new();
        for level in Level::ALL {
            for (seed, message, context) in [
                (1u8, &b"aimine/heartbeat/v1 fuzz"[..], &b"aimine"[..]),
                (2, &[0xab; 32][..], &b""[..]),
            ] {
                let (public_key, signature) = signed(level, seed, message, context);
                bases.push(Base {
                    level,
                    public_key,
                    message: message.to_vec(),
                    context: context.to_vec(),
                    signature,
                });
            }
        }
        bases.extend(wycheproof());
        bases
    })
}

/// A fips204 key pair from `seed` and its signature of `message` under `context`.
fn signed(level: Level, seed: u8, message: &[u8], context: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let xi = [seed; 32];
    let rnd = [seed ^ 0x5a; 32];
    match level {
        Level::MlDsa44 => {
            let (pk, sk) = ml_dsa_44::KG::keygen_from_seed(&xi);
            let sig = sk.try_sign_with_seed(&rnd, message, context).expect("sign");
            (pk.into_bytes().to_vec(), sig.to_vec())
        }
        Level::MlDsa65 => {
            let (pk, sk) = ml_dsa_65::KG::keygen_from_seed(&xi);
            let sig = sk.try_sign_with_seed(&rnd, message, context).expect("sign");
            (pk.into_bytes().to_vec(), sig.to_vec())
        }
        Level::MlDsa87 => {
            let (pk, sk) = ml_dsa_87::KG::keygen_from_seed(&xi);
            let sig = sk.try_sign_with_seed(&rnd, message, context).expect("sign");
            (pk.into_bytes().to_vec(), sig.to_vec())
        }
    }
}

/// The Wycheproof ML-DSA cases of well-sized key and signature (none when the vectors are absent).
fn wycheproof() -> Vec<Base> {
    let mut bases = Vec::new();
    for level in Level::ALL {
        let file = format!("wycheproof/mldsa_{}_verify_test.json", level.name_number());
        let Some(doc) = aimine_vectors::read_json(&file) else {
            continue;
        };
        for group in doc["testGroups"].as_array().into_iter().flatten() {
            let Some(pk) = group["publicKey"].as_str() else {
                continue;
            };
            let public_key = aimine_vectors::unhex(pk);
            for case in group["tests"].as_array().into_iter().flatten() {
                let hex = |field: &str| case[field].as_str().map(aimine_vectors::unhex);
                let (Some(message), Some(signature)) = (hex("msg"), hex("sig")) else {
                    continue;
                };
                if public_key.len() == level.public_key_len()
                    && signature.len() == level.signature_len()
                {
                    bases.push(Base {
                        level,
                        public_key: public_key.clone(),
                        message,
                        context: hex("ctx").unwrap_or_default(),
                        signature,
                    });
                }
            }
        }
    }
    bases
}

/// The size of the hint section (omega + k, FIPS 204 Table 1).
fn hint_len(level: Level) -> usize {
    match level {
        Level::MlDsa44 => 80 + 4,
        Level::MlDsa65 => 55 + 6,
        Level::MlDsa87 => 75 + 8,
    }
}

/// `bytes` repeated (zeros when empty) or cut to `len`.
fn fitted(bytes: &[u8], len: usize) -> Vec<u8> {
    if bytes.is_empty() {
        return vec![0; len];
    }
    bytes.iter().copied().cycle().take(len).collect()
}

/// Applies one mutation. Mutations that index into the signature or key do nothing once a length
/// change has made it the wrong size.
fn apply(m: Mutation, b: &mut Base, same_level: &[&Base]) {
    let (sig_len, pk_len) = (b.level.signature_len(), b.level.public_key_len());
    let sig_ok = b.signature.len() == sig_len;
    let pk_ok = b.public_key.len() == pk_len;
    match m {
        Mutation::FlipSignatureBit(at) if sig_ok => {
            let at = usize::from(at) % (sig_len * 8);
            b.signature[at / 8] ^= 1 << (at % 8);
        }
        Mutation::SetSignatureByte(at, v) if sig_ok => b.signature[usize::from(at) % sig_len] = v,
        Mutation::SetHintByte(at, v) if sig_ok => {
            let hints = hint_len(b.level);
            b.signature[sig_len - hints + usize::from(at) % hints] = v;
        }
        Mutation::FillSignature(at, n, v) if sig_ok => {
            let at = usize::from(at) % sig_len;
            let end = (at + 1 + usize::from(n % 16)).min(sig_len);
            b.signature[at..end].fill(v);
        }
        Mutation::FlipKeyBit(at) if pk_ok => {
            let at = usize::from(at) % (pk_len * 8);
            b.public_key[at / 8] ^= 1 << (at % 8);
        }
        Mutation::SetKeyByte(at, v) if pk_ok => b.public_key[usize::from(at) % pk_len] = v,
        Mutation::Message(message) => b.message = message,
        Mutation::FlipMessageBit(at) if !b.message.is_empty() => {
            let at = usize::from(at) % (b.message.len() * 8);
            b.message[at / 8] ^= 1 << (at % 8);
        }
        Mutation::Context(context) => b.context = context,
        Mutation::Signature(bytes) => b.signature = fitted(&bytes, sig_len),
        Mutation::OtherSignature(i) => {
            b.signature = same_level[usize::from(i) % same_level.len()]
                .signature
                .clone();
        }
        Mutation::OtherKey(i) => {
            b.public_key = same_level[usize::from(i) % same_level.len()]
                .public_key
                .clone();
        }
        Mutation::Length(what, n) => {
            let n = 1 + usize::from(n % 4);
            let bytes = if what % 4 < 2 {
                &mut b.signature
            } else {
                &mut b.public_key
            };
            if what % 2 == 0 {
                bytes.truncate(bytes.len().saturating_sub(n));
            } else {
                bytes.extend(std::iter::repeat_n(0x80, n));
            }
        }
        _ => {}
    }
}

/// libcrux's portable code on a well-sized input with a legal context, as aimine's errors.
fn libcrux_portable(b: &Base) -> Option<Result<(), Error>> {
    macro_rules! call {
        ($module:ident) => {{
            let key = MLDSAVerificationKey::new(b.public_key.as_slice().try_into().ok()?);
            let sig = MLDSASignature::new(b.signature.as_slice().try_into().ok()?);
            libcrux_ml_dsa::$module::portable::verify(&key, &b.message, &b.context, &sig)
        }};
    }
    if b.context.len() > MAX_CONTEXT_LEN {
        return None;
    }
    let result = match b.level {
        Level::MlDsa44 => call!(ml_dsa_44),
        Level::MlDsa65 => call!(ml_dsa_65),
        Level::MlDsa87 => call!(ml_dsa_87),
    };
    Some(result.map_err(|_| Error::SignatureRejected))
}

/// Runs one input; returns the shipped backend's verdict (the smoke test tallies them).
pub fn run(input: Input) -> Result<(), Error> {
    let bases = bases();
    let original = &bases[usize::from(input.base) % bases.len()];
    let same_level: Vec<&Base> = bases.iter().filter(|b| b.level == original.level).collect();
    let mut b = original.clone();
    for m in input.mutations {
        apply(m, &mut b, &same_level);
    }
    let Base {
        level,
        public_key: pk,
        message: msg,
        context: ctx,
        signature: sig,
    } = &b;
    let shipped = verify(*level, pk, msg, ctx, sig);
    let fips204 = reference::verify(*level, pk, msg, ctx, sig);
    assert_eq!(shipped, fips204, "libcrux (shipped) and fips204 disagree");
    if let Some(portable) = libcrux_portable(&b) {
        assert_eq!(portable, shipped, "libcrux portable and shipped disagree");
    }
    if pk.len() == level.public_key_len() {
        assert_eq!(verify_any(pk, msg, ctx, sig), shipped);
    }
    // A changed input verifies only if the change rebuilt another base exactly (taking its key
    // or signature); anything else verifying would be a forgery of the base's signature.
    if shipped.is_ok() && b != *original {
        assert!(bases.contains(&b), "a changed input verified: {b:?}");
    }
    shipped
}
