//! Every Wycheproof ML-DSA verification case gives its expected verdict, and for invalid cases the
//! error that names the flaw, from the shipped backend (libcrux) and the reference (fips204)
//! alike, and from libcrux's portable and AVX2 code called directly.
use aimine_mldsa::{Error, Level};
use aimine_vectors::unhex;

use crate::backends::agreed;

/// Runs one Wycheproof file; returns how many cases ran.
fn run_file(level: Level) -> Option<usize> {
    let file = format!("wycheproof/mldsa_{}_verify_test.json", level.name_number());
    let doc = aimine_vectors::read_json(&file)?;
    assert_eq!(doc["algorithm"], format!("ML-DSA-{}", level.name_number()));
    let declared = doc["numberOfTests"].as_u64().expect("numberOfTests");
    let mut ran = 0usize;
    let mut failures = Vec::new();
    for group in doc["testGroups"].as_array().expect("testGroups") {
        assert_eq!(group["type"], "MlDsaVerify");
        let pk = unhex(group["publicKey"].as_str().expect("publicKey"));
        for case in group["tests"].as_array().expect("tests") {
            ran += 1;
            let id = case["tcId"].as_u64().expect("tcId");
            let msg = unhex(case["msg"].as_str().expect("msg"));
            let sig = unhex(case["sig"].as_str().expect("sig"));
            let ctx = case["ctx"].as_str().map(unhex).unwrap_or_default();
            let flags: Vec<&str> = case["flags"]
                .as_array()
                .expect("flags")
                .iter()
                .map(|f| f.as_str().expect("flag"))
                .collect();
            // Every implementation, and both entry points, give the same answer.
            let got = agreed(&format!("{file} tcId {id}"), level, &pk, &msg, &ctx, &sig);
            let ok = match case["result"].as_str().expect("result") {
                "valid" => got.is_ok(),
                "invalid" => match got {
                    Ok(()) => false,
                    Err(e) => e == expected_error(level, &flags, &pk, &sig, &ctx),
                },
                other => panic!("{file} tcId {id}: unexpected result {other:?}"),
            };
            if !ok {
                failures.push(format!(
                    "tcId {id} ({}; {:?}): got {got:?}",
                    case["comment"], flags
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{file}: {failures:#?}");
    assert_eq!(ran as u64, declared, "{file}: numberOfTests");
    assert!(ran > 0, "{file}: no case ran");
    println!("{file}: {ran} cases ran, all gave their expected verdict in every implementation");
    Some(ran)
}

/// The error an invalid case must produce, from its Wycheproof flags.
fn expected_error(level: Level, flags: &[&str], pk: &[u8], sig: &[u8], ctx: &[u8]) -> Error {
    if flags.contains(&"IncorrectPublicKeyLength") {
        Error::WrongPublicKeyLength {
            expected: Some(level),
            actual: pk.len(),
        }
    } else if flags.contains(&"IncorrectSignatureLength") {
        Error::WrongSignatureLength {
            level,
            actual: sig.len(),
        }
    } else if flags.contains(&"InvalidContext") {
        Error::ContextTooLong { actual: ctx.len() }
    } else {
        Error::SignatureRejected
    }
}

#[test]
fn wycheproof_mldsa_44() {
    if let Some(n) = run_file(Level::MlDsa44) {
        assert!(n >= 100, "expected the full ML-DSA-44 file, ran {n}");
    }
}

#[test]
fn wycheproof_mldsa_65() {
    if let Some(n) = run_file(Level::MlDsa65) {
        assert!(n >= 100, "expected the full ML-DSA-65 file, ran {n}");
    }
}

#[test]
fn wycheproof_mldsa_87() {
    if let Some(n) = run_file(Level::MlDsa87) {
        assert!(n >= 100, "expected the full ML-DSA-87 file, ran {n}");
    }
}
