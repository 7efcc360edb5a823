//! Every Wycheproof ECDSA P-384/SHA-384 case (DER and IEEE P1363 encodings) gives its expected
//! verdict, and the same verdict as p384, through both paths.
use aimine_p384::{PrecomputedKey, VerifyingKey};
use aimine_vectors::unhex;

use crate::common::{sha384, verdict_with};

fn run_file(file: &str, der: bool) -> Option<usize> {
    let doc = aimine_vectors::read_json(&format!("wycheproof/{file}"))?;
    let declared = doc["numberOfTests"].as_u64().unwrap();
    let (mut ran, mut verified) = (0usize, 0usize);
    for group in doc["testGroups"].as_array().unwrap() {
        let sec1 = unhex(group["publicKey"]["uncompressed"].as_str().unwrap());
        assert_eq!(group["sha"], "SHA-384");
        let key = VerifyingKey::from_sec1_bytes(&sec1).expect("Wycheproof keys are valid");
        let table = PrecomputedKey::new(&key).unwrap();
        assert!(table.is_table_of(&key));
        for case in group["tests"].as_array().unwrap() {
            ran += 1;
            let id = case["tcId"].as_u64().unwrap();
            let digest = sha384(&unhex(case["msg"].as_str().unwrap()));
            let sig_bytes = unhex(case["sig"].as_str().unwrap());
            // The encoding is p384's to parse; what reaches the verifiers is r ‖ s.
            let raw: Option<[u8; 96]> = if der {
                p384::ecdsa::Signature::from_der(&sig_bytes)
                    .ok()
                    .map(|s| s.to_bytes().into())
            } else {
                sig_bytes.as_slice().try_into().ok()
            };
            let got = match raw {
                Some(raw) => {
                    verified += 1;
                    verdict_with(&table, &sec1, &digest, &raw)
                }
                None => false,
            };
            match case["result"].as_str().unwrap() {
                "valid" => assert!(got, "{file} tcId {id} ({}) must verify", case["comment"]),
                "invalid" => assert!(!got, "{file} tcId {id} ({}) must fail", case["comment"]),
                // "acceptable": only agreement with p384 is required (checked above).
                _ => {}
            }
        }
    }
    assert_eq!(ran as u64, declared, "{file}: numberOfTests");
    assert!(
        verified > 200,
        "{file}: only {verified} signatures reached the verifiers"
    );
    println!("{file}: {ran} cases, {verified} verified three ways, all as expected");
    Some(ran)
}

#[test]
fn wycheproof_der() {
    run_file("ecdsa_secp384r1_sha384_test.json", true);
}

#[test]
fn wycheproof_p1363() {
    run_file("ecdsa_secp384r1_sha384_p1363_test.json", false);
}
