//! The model registry: registration, ownership, and execution proofs by attested session keys.
use aimine_nvtrust::Architecture;
use aimine_registry::{Address, Error, Event, UnixTime, Word};
use aimine_registry::{MAX_METADATA_LEN, MAX_NAME_LEN, execution_message, model_id};
use aimine_tiers::TrustTier;
use fips204::ml_dsa_65;
use fips204::traits::{KeyGen, SerDes, Signer};
use sha3::{Digest, Keccak256};

use aimine_vectors::registry::{CHAIN, T0, World};

const ADMIN: Address = aimine_vectors::registry::ADMIN;
const MINER: Address = [0x11; 20];
const OWNER: Address = [0x22; 20];
const AUTHOR: Address = [0x33; 20];

/// Starts a session on `device` for [`MINER`], owned by [`OWNER`].
fn session(w: &mut World, arch: Architecture, device: u32, key: Option<&[u8]>) -> Word {
    let q = w.quote(arch, device, &OWNER, &MINER, T0, key);
    w.call(T0, |r| r.start_session(&OWNER, &MINER, &q, key))
        .unwrap()
}

/// `abi.encode(bytes32 session_id, bytes session_key, bytes signature)`, built by hand.
fn proof(session_id: &Word, key: &[u8], signature: &[u8]) -> Vec<u8> {
    let word = |v: usize| {
        let mut w = [0u8; 32];
        w[24..].copy_from_slice(&(v as u64).to_be_bytes());
        w
    };
    let padded = |n: usize| n + (32 - n % 32) % 32;
    let mut p = session_id.to_vec();
    p.extend_from_slice(&word(96));
    p.extend_from_slice(&word(96 + 32 + padded(key.len())));
    for bytes in [key, signature] {
        p.extend_from_slice(&word(bytes.len()));
        p.extend_from_slice(bytes);
        p.resize(padded(p.len()), 0);
    }
    p
}

#[test]
fn model_ids_are_what_solidity_computes() {
    let hash = [0xAB; 32];
    let name = "llama-3-70b";
    // abi.encode(address, string, bytes32): head (owner, offset 0x60, hash), then the string.
    let mut enc = vec![0u8; 12];
    enc.extend_from_slice(&AUTHOR);
    let mut off = [0u8; 32];
    off[31] = 0x60;
    enc.extend_from_slice(&off);
    enc.extend_from_slice(&hash);
    let mut len = [0u8; 32];
    len[31] = name.len() as u8;
    enc.extend_from_slice(&len);
    enc.extend_from_slice(name.as_bytes());
    enc.resize(enc.len() + 32 - name.len() % 32, 0);
    let expected: Word = Keccak256::digest(&enc).into();
    assert_eq!(model_id(&AUTHOR, name, &hash), expected);
    // A 32-byte name needs no padding.
    let long = "x".repeat(32);
    assert_ne!(
        model_id(&AUTHOR, &long, &hash),
        model_id(&AUTHOR, &long[..31], &hash)
    );
}

#[test]
fn registration_ownership_and_bounds() {
    let mut w = World::new(6);
    let hash = [1; 32];
    let id = w
        .call(T0, |r| {
            r.register_model(&AUTHOR, "llama-3-70b", &hash, b"{\"params\":70e9}")
        })
        .unwrap();
    let m = w.call(T0, |r| r.model(&id)).unwrap().unwrap();
    assert_eq!(
        (m.owner, m.model_hash, m.registered_at, m.min_tier, m.active),
        (AUTHOR, hash, UnixTime(T0), TrustTier::Confidential, true)
    );
    assert_eq!(
        m.metadata_hash,
        <[u8; 32]>::from(Keccak256::digest(b"{\"params\":70e9}"))
    );
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e, Event::ModelRegistered { model_id, .. } if *model_id == id))
    );
    assert_eq!(
        w.call(T0, |r| r.register_model(&AUTHOR, "llama-3-70b", &hash, b""))
            .unwrap_err(),
        Error::ModelExists
    );
    // Another owner registering the same name and hash gets another id.
    assert!(
        w.call(T0, |r| r.register_model(&MINER, "llama-3-70b", &hash, b""))
            .is_ok()
    );
    assert_eq!(
        w.call(T0, |r| r.register_model(&AUTHOR, "", &hash, b""))
            .unwrap_err(),
        Error::BadModelName
    );
    let too_long = "n".repeat(MAX_NAME_LEN + 1);
    assert_eq!(
        w.call(T0, |r| r.register_model(&AUTHOR, &too_long, &hash, b""))
            .unwrap_err(),
        Error::BadModelName
    );
    let big = vec![0u8; MAX_METADATA_LEN + 1];
    assert_eq!(
        w.call(T0, |r| r.register_model(&AUTHOR, "m", &hash, &big))
            .unwrap_err(),
        Error::MetadataTooLarge
    );
    // Only the owner changes it.
    assert_eq!(
        w.call(T0, |r| r.deactivate_model(&MINER, &id)).unwrap_err(),
        Error::NotModelOwner
    );
    w.call(T0, |r| r.transfer_model(&AUTHOR, &id, &MINER))
        .unwrap();
    assert_eq!(
        w.call(T0, |r| r.set_model_min_tier(
            &AUTHOR,
            &id,
            TrustTier::Sovereign
        ))
        .unwrap_err(),
        Error::NotModelOwner
    );
    w.call(T0, |r| {
        r.set_model_min_tier(&MINER, &id, TrustTier::Sovereign)
    })
    .unwrap();
    w.call(T0, |r| r.deactivate_model(&MINER, &id)).unwrap();
    let m = w.call(T0, |r| r.model(&id)).unwrap().unwrap();
    assert_eq!(
        (m.owner, m.min_tier, m.active),
        (MINER, TrustTier::Sovereign, false)
    );
    assert_eq!(
        w.call(T0, |r| r.deactivate_model(&MINER, &[7; 32]))
            .unwrap_err(),
        Error::UnknownModel
    );
}

#[test]
fn execution_proofs_good_and_bad() {
    let mut w = World::new(6);
    let (pk, sk) = ml_dsa_65::KG::keygen_from_seed(&[8; 32]);
    let pk = pk.into_bytes();
    let session = session(&mut w, Architecture::Hopper, 1, Some(&pk));
    let model = w
        .call(T0, |r| r.register_model(&AUTHOR, "m", &[1; 32], b""))
        .unwrap();
    let (input, output) = ([2; 32], [3; 32]);
    let sign = |m: &Word, i: &Word, o: &Word, s: &Word| {
        sk.try_sign_with_seed(&[0; 32], &execution_message(CHAIN, m, i, o, s), &[])
            .unwrap()
            .to_vec()
    };
    let good = proof(&session, &pk, &sign(&model, &input, &output, &session));
    assert_eq!(
        aimine_registry::encode_proof(&session, &pk, &sign(&model, &input, &output, &session)),
        good
    );
    let decoded = aimine_registry::decode_proof(&good).unwrap();
    assert_eq!(
        (decoded.session_id, decoded.session_key),
        (session, &pk[..])
    );
    let verify = |w: &mut World, ts: u64, m: &Word, i: &Word, o: &Word, p: &[u8]| {
        w.call(ts, |r| r.verify_execution(m, i, o, p)).unwrap()
    };
    assert!(verify(&mut w, T0 + 5, &model, &input, &output, &good));
    // Altered hashes, another model, garbage proofs: false, never an error.
    assert!(!verify(&mut w, T0 + 5, &model, &[9; 32], &output, &good));
    assert!(!verify(&mut w, T0 + 5, &model, &input, &[9; 32], &good));
    assert!(!verify(&mut w, T0 + 5, &[4; 32], &input, &output, &good));
    for garbage in [
        vec![],
        vec![0u8; 31],
        vec![0xFF; 96],
        good[..good.len() - 1].to_vec(),
        [good.clone(), vec![0; 32]].concat(),
    ] {
        assert!(!verify(&mut w, T0 + 5, &model, &input, &output, &garbage));
    }
    let mut bad_offset = good.clone();
    bad_offset[63] = 0x20;
    assert!(!verify(
        &mut w,
        T0 + 5,
        &model,
        &input,
        &output,
        &bad_offset
    ));
    // A bit flipped in the key's length, the key, the signature's offset, the signature.
    for at in [100, 128 + 7, 64 + 30, good.len() - 40] {
        let mut flipped = good.clone();
        flipped[at] ^= 1;
        assert!(
            !verify(&mut w, T0 + 5, &model, &input, &output, &flipped),
            "{at}"
        );
    }
    // The right signature with another key (of this level, of another level, truncated, the
    // key's hash matching no session): false.
    let sig = sign(&model, &input, &output, &session);
    let (other, _) = ml_dsa_65::KG::keygen_from_seed(&[9; 32]);
    let (level44, _) = fips204::ml_dsa_44::KG::keygen_from_seed(&[8; 32]);
    for key in [
        other.into_bytes().to_vec(),
        level44.into_bytes().to_vec(),
        pk[..pk.len() - 1].to_vec(),
        vec![],
    ] {
        let p = proof(&session, &key, &sig);
        assert!(!verify(&mut w, T0 + 5, &model, &input, &output, &p));
        assert_eq!(
            w.call(T0 + 5, |r| r.record_execution(&model, &input, &output, &p)),
            Err(Error::ExecutionNotVerified)
        );
    }
    // Recording stores a receipt once.
    let receipt = w
        .call(T0 + 5, |r| {
            r.record_execution(&model, &input, &output, &good)
        })
        .unwrap();
    assert!(w.events.iter().any(
        |e| matches!(e, Event::ExecutionRecorded { receipt_id, .. } if *receipt_id == receipt)
    ));
    assert_eq!(
        w.call(T0 + 6, |r| r
            .record_execution(&model, &input, &output, &good))
            .unwrap_err(),
        Error::DuplicateExecution
    );
    assert_eq!(
        w.call(T0 + 6, |r| r
            .record_execution(&model, &[9; 32], &output, &good))
            .unwrap_err(),
        Error::ExecutionNotVerified
    );
    // A tier below the model's minimum.
    w.call(T0, |r| {
        r.set_model_min_tier(&AUTHOR, &model, TrustTier::Sovereign)
    })
    .unwrap();
    assert!(!verify(&mut w, T0 + 5, &model, &input, &output, &good));
    w.call(T0, |r| {
        r.set_model_min_tier(&AUTHOR, &model, TrustTier::Confidential)
    })
    .unwrap();
    // After the attestation expires.
    assert!(!verify(&mut w, T0 + 86_400, &model, &input, &output, &good));
    // A revoked GPU.
    let gpu = w.call(T0, |r| r.session(&session)).unwrap().unwrap().gpu_id;
    w.call(T0, |r| r.set_revoked(&ADMIN, &gpu, true)).unwrap();
    assert!(!verify(&mut w, T0 + 5, &model, &input, &output, &good));
    w.call(T0, |r| r.set_revoked(&ADMIN, &gpu, false)).unwrap();
    // An inactive model.
    w.call(T0, |r| r.deactivate_model(&AUTHOR, &model)).unwrap();
    assert!(!verify(&mut w, T0 + 5, &model, &input, &output, &good));
}

#[test]
fn sessions_without_a_key_or_ended_prove_nothing() {
    let mut w = World::new(6);
    let keyless = session(&mut w, Architecture::Blackwell, 2, None);
    let model = w
        .call(T0, |r| r.register_model(&AUTHOR, "m", &[1; 32], b""))
        .unwrap();
    let (pk8, sk) = ml_dsa_65::KG::keygen_from_seed(&[8; 32]);
    let pk8 = pk8.into_bytes();
    let sig = sk
        .try_sign_with_seed(
            &[0; 32],
            &execution_message(CHAIN, &model, &[2; 32], &[3; 32], &keyless),
            &[],
        )
        .unwrap();
    assert!(
        !w.call(T0 + 1, |r| r.verify_execution(
            &model,
            &[2; 32],
            &[3; 32],
            &proof(&keyless, &pk8, &sig)
        ))
        .unwrap()
    );
    // Ended sessions no longer prove executions.
    let (pk, sk) = ml_dsa_65::KG::keygen_from_seed(&[9; 32]);
    let pk = pk.into_bytes();
    let keyed = session(&mut w, Architecture::Hopper, 3, Some(&pk));
    let sig = sk
        .try_sign_with_seed(
            &[0; 32],
            &execution_message(CHAIN, &model, &[2; 32], &[3; 32], &keyed),
            &[],
        )
        .unwrap();
    let p = proof(&keyed, &pk, &sig);
    assert!(
        w.call(T0 + 1, |r| r
            .verify_execution(&model, &[2; 32], &[3; 32], &p))
            .unwrap()
    );
    w.call(T0 + 2, |r| r.end_session(&OWNER, &keyed)).unwrap();
    assert!(
        !w.call(T0 + 3, |r| r
            .verify_execution(&model, &[2; 32], &[3; 32], &p))
            .unwrap()
    );
}
