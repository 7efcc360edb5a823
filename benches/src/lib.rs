//! # aimine-benches
//!
//! The list of benchmarked operations with the gas each is (or is proposed to be) priced at, and
//! the fixtures they run on. `benches/operations.rs` times them with criterion; `cargo xtask bench`
//! reads criterion's medians and prints, per operation, ns/call, gas, ns/gas and the ratio to
//! revm's ecrecover measured in the same run. A ratio above 1.0 means a block full of that call is
//! slower than a block full of ecrecovers: the price is too low.
#![forbid(unsafe_code)]
#![allow(clippy::expect_used, clippy::indexing_slicing)]

pub mod precompiles;

use aimine_envelope::testkit::Enveloped;
use aimine_mldsa::Level;
use fips204::traits::{KeyGen, SerDes, Signer};
use fips204::{ml_dsa_44, ml_dsa_65, ml_dsa_87};

/// The criterion group every operation is benchmarked in.
pub const GROUP: &str = "ops";

/// One benchmarked operation.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The criterion function id inside [`GROUP`].
    pub id: &'static str,
    /// The gas this operation is priced at (proposed until the precompiles land).
    pub gas: u64,
    /// Where the price comes from.
    pub note: &'static str,
}

/// revm's ecrecover: the ruler every ns/gas is compared with.
pub const ECRECOVER: Operation = Operation {
    id: "revm_ecrecover",
    gas: 3_000,
    note: "revm-precompile 0x01, libsecp256k1",
};

/// revm's P256VERIFY (EIP-7951 at its Osaka price): the second ruler, a signature check that
/// Ethereum prices at 6,900 gas, timed in the same run.
pub const P256VERIFY: Operation = Operation {
    id: "revm_p256verify",
    gas: revm_precompile::secp256r1::P256VERIFY_BASE_GAS_FEE_OSAKA,
    note: "revm-precompile 0x100 (EIP-7951, Osaka price), p256",
};

/// Every operation, the rulers first.
pub const OPERATIONS: &[Operation] = &[
    ECRECOVER,
    P256VERIFY,
    Operation {
        id: "mldsa44_verify",
        gas: MLDSA_GAS[0],
        note: "aimine-mldsa alone (libcrux-ml-dsa), ML-DSA-44 (schedule's mldsa44)",
    },
    Operation {
        id: "mldsa65_verify",
        gas: MLDSA_GAS[1],
        note: "aimine-mldsa alone (libcrux-ml-dsa), ML-DSA-65 (schedule's mldsa65)",
    },
    Operation {
        id: "mldsa87_verify",
        gas: MLDSA_GAS[2],
        note: "aimine-mldsa alone (libcrux-ml-dsa), ML-DSA-87 (schedule's mldsa87)",
    },
    Operation {
        id: "mldsa44_verify_fips204",
        gas: MLDSA_GAS[0],
        note: "reference, not shipped: fips204 through aimine_mldsa::reference, ML-DSA-44",
    },
    Operation {
        id: "mldsa65_verify_fips204",
        gas: MLDSA_GAS[1],
        note: "reference, not shipped: fips204 through aimine_mldsa::reference, ML-DSA-65",
    },
    Operation {
        id: "mldsa87_verify_fips204",
        gas: MLDSA_GAS[2],
        note: "reference, not shipped: fips204 through aimine_mldsa::reference, ML-DSA-87",
    },
    Operation {
        id: "p384_verify",
        gas: CERTIFICATE_SIGNATURE_GAS,
        note: "reference, not priced: p384's own verify, SHA-384 of 1 KiB and one check (what a certificate link cost before aimine-p384)",
    },
    Operation {
        id: "p384fast_verify_generic",
        gas: CERTIFICATE_SIGNATURE_GAS,
        note: "aimine-p384, any key (wNAF/Straus, generator table): SHA-384 of the same 1 KiB and one check",
    },
    Operation {
        id: "p384fast_verify_precomputed",
        gas: BUILT_IN_CERTIFICATE_SIGNATURE_GAS,
        note: "aimine-p384, a PrecomputedKey (a built-in CA's table): SHA-384 of the same 1 KiB and one check",
    },
    Operation {
        id: "p384fast_build_table",
        gas: CERTIFICATE_SIGNATURE_GAS,
        note: "aimine-p384: building a PrecomputedKey at run time (never charged: compare with one check)",
    },
    Operation {
        id: "nvtrust_verify_cold",
        gas: NV_TRUST_GAS + CERTIFICATE_SIGNATURE_GAS + BUILT_IN_CERTIFICATE_SIGNATURE_GAS,
        note: "aimine-nvtrust alone, H100 quote, nothing cached: base + the attestation key's link (generic) + the device certificate's (built-in CA)",
    },
    Operation {
        id: "nvtrust_verify_warm",
        gas: NV_TRUST_GAS,
        note: "aimine-nvtrust alone, H100 quote, device links cached: base only",
    },
    Operation {
        id: "tee_sev_verify_cold",
        gas: SCHEDULE.amd_endorsement + SCHEDULE.amd_root_pair + SCHEDULE.sev_report,
        note: "aimine-tee alone, real Milan report: Milan roots decoded, VCEK RSA-PSS, report P-384",
    },
    Operation {
        id: "tee_sev_verify_warm",
        gas: SCHEDULE.amd_root_pair + SCHEDULE.sev_report,
        note: "aimine-tee alone, the same with the VCEK known: roots decoded, report P-384",
    },
    Operation {
        id: "tee_intel_verify",
        gas: SCHEDULE.intel_quote,
        note: "aimine-tee alone, real TDX v4 quote and collateral through dcap-qvl",
    },
];

const SCHEDULE: aimine_evm::gas::GasSchedule = aimine_evm::gas::GasSchedule::DEFAULT;

/// One row of the summary table: a criterion id, the gas it is charged, what it is.
#[derive(Debug, Clone)]
pub struct Row {
    /// The criterion function id inside [`GROUP`].
    pub id: String,
    /// The gas charged.
    pub gas: u64,
    /// What it measures.
    pub note: String,
}

/// The id suffix of rows that time the reference ML-DSA implementation (fips204): measured for
/// comparison with the shipped backend, never charged, so never a pricing verdict.
pub const REFERENCE_SUFFIX: &str = "_fips204";

/// Rows measured for comparison and never charged as they stand: p384's own ECDSA verify (the
/// reference aimine-p384 is differential-tested against; NVIDIA links no longer use it) and
/// building a `PrecomputedKey` at run time (built-in tables are compiled in).
pub const UNPRICED: &[&str] = &["p384_verify", "p384fast_build_table"];

impl Row {
    /// Whether this row times a reference implementation rather than what aimine runs.
    pub fn is_reference(&self) -> bool {
        self.id.ends_with(REFERENCE_SUFFIX)
    }

    /// Whether this row's ratio is a pricing verdict (not a reference, not an unpriced
    /// comparison, not the second ruler).
    pub fn is_priced(&self) -> bool {
        !self.is_reference() && !UNPRICED.contains(&self.id.as_str()) && self.id != P256VERIFY.id
    }
}

/// Every row of the summary table: the ruler and the raw operations, then every precompile case
/// with the gas the precompile actually charges for it (one run each).
pub fn rows() -> Vec<Row> {
    let mut rows: Vec<Row> = OPERATIONS
        .iter()
        .map(|op| Row {
            id: op.id.to_string(),
            gas: op.gas,
            note: op.note.to_string(),
        })
        .collect();
    for mut bench in [
        precompiles::precompile_bench(),
        precompiles::nvidia_bench(),
        precompiles::cpu_bench(),
    ] {
        let cases = bench.cases.clone();
        for case in &cases {
            let outcome = bench.run(case);
            rows.push(Row {
                id: case.id.to_string(),
                gas: outcome.gas_used,
                note: format!("precompile: {}", case.note),
            });
        }
    }
    rows
}

/// The mission's price of an NV_TRUST quote verification (the schedule's base price).
pub const NV_TRUST_GAS: u64 = aimine_evm::gas::GasSchedule::DEFAULT.verify_quote;

/// The schedule's price of one certificate link not verified before under a key seen for the
/// first time (an H100's attestation key, signed by its device-identity key; NVIDIA's shared
/// certificates are built in).
pub const CERTIFICATE_SIGNATURE_GAS: u64 =
    aimine_evm::gas::GasSchedule::DEFAULT.certificate_signature;

/// The schedule's price of one certificate link not verified before, signed by one of NVIDIA's
/// built-in provisioning CAs (an H100's device certificate), checked with its precomputed table.
pub const BUILT_IN_CERTIFICATE_SIGNATURE_GAS: u64 =
    aimine_evm::gas::GasSchedule::DEFAULT.built_in_certificate_signature;

/// A real H100 quote (hopper-550.90.07 as an envelope) with its nonce and a time inside its
/// validity; when the vectors are absent, a forged one under a test root. Returns (quote, nonce,
/// anchor certificate DER, time, whether it is real). Vectors that are present but malformed
/// panic (aimine-vectors' loaders), never fall back to the forged quote.
pub fn nvtrust_fixture() -> (Vec<u8>, [u8; 32], Vec<u8>, aimine_nvtrust::UnixTime, bool) {
    use aimine_nvtrust::KNOWN_CERTS;
    use aimine_vectors::nvidia::{CAPTURED_AT, HOPPER_550};
    let at = CAPTURED_AT;
    let real = aimine_vectors::nvidia::device(&HOPPER_550).map(|d| {
        let quote = aimine_envelope::testkit::envelope_of(&d.evidence, &d.chain)
            .expect("the vector as an envelope");
        (quote, d.nonce, KNOWN_CERTS[0].der.to_vec(), at, true)
    });
    real.unwrap_or_else(|| {
        let pki = aimine_nvtrust::testkit::TestPki::new([1; 32]);
        let options = aimine_nvtrust::testkit::ForgeOptions::new(
            aimine_nvtrust::Architecture::Hopper,
            [3; 32],
        );
        let device = pki.forge(&options);
        (
            device.envelope(),
            [3; 32],
            pki.root_der().to_vec(),
            at,
            false,
        )
    })
}

/// The schedule's gas for one ML-DSA-44, -65, -87 verification (32-byte message, empty
/// context), set from this bench so that each stays at or below ecrecover's ns/gas with headroom.
pub const MLDSA_GAS: [u64; 3] = [
    aimine_evm::gas::GasSchedule::DEFAULT.mldsa44,
    aimine_evm::gas::GasSchedule::DEFAULT.mldsa65,
    aimine_evm::gas::GasSchedule::DEFAULT.mldsa87,
];

/// A P256VERIFY input (hash ‖ r ‖ s ‖ x ‖ y) with a valid signature: a fixed key signs a fixed
/// digest (RFC 6979, so the bytes are the same every run).
pub fn p256verify_fixture() -> Vec<u8> {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use p256::ecdsa::{Signature, SigningKey};
    let key = SigningKey::from_bytes(&[0x2a; 32].into()).expect("a valid scalar");
    let digest = [0x5c; 32];
    let signature: Signature = key.sign_prehash(&digest).expect("signs");
    let point = key.verifying_key().to_encoded_point(false);
    let mut input = digest.to_vec();
    input.extend_from_slice(&signature.to_bytes());
    input.extend_from_slice(point.x().expect("affine"));
    input.extend_from_slice(point.y().expect("affine"));
    input
}

/// An ecrecover input (hash ‖ v ‖ r ‖ s) with a valid signature, and the address it recovers
/// (left-padded to 32 bytes). A public Ethereum test vector (the "ValidKey" case).
pub fn ecrecover_fixture() -> (Vec<u8>, Vec<u8>) {
    let input = hex::decode(concat!(
        "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c",
        "000000000000000000000000000000000000000000000000000000000000001c",
        "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f",
        "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549",
    ))
    .expect("fixture hex");
    let address = hex::decode("000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b")
        .expect("fixture hex");
    (input, address)
}

/// A P-384 key, a 1 KiB message (about a certificate's signed part) and its ECDSA signature
/// over SHA-384: one certificate link's check, as aimine-nvtrust makes it.
pub fn p384_fixture() -> (p384::ecdsa::VerifyingKey, Vec<u8>, p384::ecdsa::Signature) {
    use p384::ecdsa::signature::Signer;
    let key = p384::ecdsa::SigningKey::from_slice(&[7u8; 48]).expect("fixture key");
    let message: Vec<u8> = (0..1_024u32).map(|i| (i % 251) as u8).collect();
    let signature: p384::ecdsa::Signature = key.sign(&message);
    (*key.verifying_key(), message, signature)
}

/// A signed heartbeat-sized message at `level`: (public key, message, context, signature).
pub struct MldsaFixture {
    /// The parameter set.
    pub level: Level,
    /// Encoded public key.
    pub public_key: Vec<u8>,
    /// A 32-byte message, like a heartbeat digest.
    pub message: Vec<u8>,
    /// Empty context.
    pub context: Vec<u8>,
    /// A valid signature.
    pub signature: Vec<u8>,
}

/// A deterministic key pair and a valid signature at `level`.
pub fn mldsa_fixture(level: Level) -> MldsaFixture {
    let seed = [0x42; 32];
    let message = vec![0xab; 32];
    let context = Vec::new();
    let (public_key, signature) = match level {
        Level::MlDsa44 => {
            let (pk, sk) = ml_dsa_44::KG::keygen_from_seed(&seed);
            let sig = sk
                .try_sign_with_seed(&[0; 32], &message, &context)
                .expect("sign");
            (pk.into_bytes().to_vec(), sig.to_vec())
        }
        Level::MlDsa65 => {
            let (pk, sk) = ml_dsa_65::KG::keygen_from_seed(&seed);
            let sig = sk
                .try_sign_with_seed(&[0; 32], &message, &context)
                .expect("sign");
            (pk.into_bytes().to_vec(), sig.to_vec())
        }
        Level::MlDsa87 => {
            let (pk, sk) = ml_dsa_87::KG::keygen_from_seed(&seed);
            let sig = sk
                .try_sign_with_seed(&[0; 32], &message, &context)
                .expect("sign");
            (pk.into_bytes().to_vec(), sig.to_vec())
        }
    };
    MldsaFixture {
        level,
        public_key,
        message,
        context,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p384_fixture_verifies_and_a_changed_message_does_not() {
        use p384::ecdsa::signature::Verifier;
        let (key, mut message, signature) = p384_fixture();
        assert!(key.verify(&message, &signature).is_ok());
        message[0] ^= 1;
        assert!(key.verify(&message, &signature).is_err());
    }

    #[test]
    fn p256verify_fixture_verifies_and_a_flipped_bit_does_not() {
        let mut input = p256verify_fixture();
        assert_eq!(input.len(), 160);
        assert!(revm_precompile::secp256r1::verify_impl(&input));
        input[40] ^= 1;
        assert!(!revm_precompile::secp256r1::verify_impl(&input));
    }

    #[test]
    fn ecrecover_fixture_recovers_its_address() {
        let (input, address) = ecrecover_fixture();
        let out = revm_precompile::secp256k1::ec_recover_run(&input, ECRECOVER.gas).expect("runs");
        assert_eq!(out.gas_used, 3_000);
        assert_eq!(out.bytes.as_ref(), address.as_slice());
    }

    #[test]
    fn mldsa_fixtures_verify() {
        for level in Level::ALL {
            let f = mldsa_fixture(level);
            assert_eq!(
                aimine_mldsa::verify(level, &f.public_key, &f.message, &f.context, &f.signature),
                Ok(())
            );
        }
    }

    #[test]
    fn nvtrust_fixture_verifies() {
        let (quote, nonce, root, at, real) = nvtrust_fixture();
        // Where the vectors are, the fixture is the real quote (its loader panics on bad data).
        assert_eq!(real, aimine_vectors::dir().is_some());
        let anchor = aimine_nvtrust::TrustAnchor::from_cert_der(&root).expect("root");
        let mut cache = aimine_nvtrust::NoCache;
        let q = aimine_envelope::decode_gpu(&quote).expect("envelope");
        let gpu = aimine_nvtrust::verify_evidence_with(
            aimine_nvtrust::Evidence::parse(q.evidence).expect("evidence"),
            &q.chain,
            &nonce,
            &[anchor],
            at,
            &mut cache,
        );
        assert!(gpu.is_ok(), "{gpu:?}");
    }

    #[test]
    fn every_precompile_case_succeeds_and_is_charged() {
        let rows = rows();
        assert!(rows.len() > OPERATIONS.len() + 15);
        for (i, row) in rows.iter().enumerate() {
            assert!(row.gas > 0, "{}", row.id);
            assert!(rows[..i].iter().all(|r| r.id != row.id), "{} twice", row.id);
        }
    }

    #[test]
    fn refused_cases_pay_the_floor_and_no_more() {
        let g = aimine_evm::gas::GasSchedule::DEFAULT;
        let rows = rows();
        let refused = precompiles::refused_cases();
        assert_eq!(refused.len(), 5);
        for case in &refused {
            assert_eq!(case.address, aimine_evm::address::AI_MINING, "{}", case.id);
            let row = rows.iter().find(|r| r.id == case.id).expect("a row");
            // AI_MINING's cheapest function is a view: 1,000 gas, then 3 a word.
            let words = (case.input.len() as u64).div_ceil(32);
            let floor = g
                .view_call
                .saturating_add(words.saturating_mul(g.input_word));
            assert_eq!(row.gas, floor, "{}", case.id);
            assert!(row.gas >= 99_304, "{}", case.id);
        }
    }

    #[test]
    fn every_precompile_function_has_a_bench_case() {
        use aimine_evm::abi::{IAIMining, IModelRegistry, INVTrust};
        if aimine_vectors::dir().is_none() {
            return; // the CPU TEE cases need the vectors (dir() printed a notice)
        }
        let mut cases = precompiles::precompile_bench().cases;
        cases.extend(precompiles::nvidia_bench().cases);
        cases.extend(precompiles::cpu_bench().cases);
        let signatures = IAIMining::IAIMiningCalls::SIGNATURES
            .iter()
            .chain(INVTrust::INVTrustCalls::SIGNATURES)
            .chain(IModelRegistry::IModelRegistryCalls::SIGNATURES);
        for signature in signatures {
            let name = signature.split('(').next().expect("name");
            assert!(
                cases
                    .iter()
                    .any(|c| c.id == name || c.id.starts_with(&format!("{name}_"))),
                "no bench case for {signature}"
            );
        }
    }

    #[test]
    fn every_operation_has_a_unique_id_and_a_price() {
        for (i, op) in OPERATIONS.iter().enumerate() {
            assert!(op.gas > 0, "{}", op.id);
            assert!(
                OPERATIONS[..i].iter().all(|o| o.id != op.id),
                "{} twice",
                op.id
            );
        }
    }
}
