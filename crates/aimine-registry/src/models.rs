//! The model registry (MODEL_REGISTRY): models registered by hash, and executions proven by an
//! attested session's key.
//!
//! - `model_id = keccak256(abi.encode(address owner, string name, bytes32 model_hash))`, as
//!   Solidity computes it.
//! - Names are 1 to [`MAX_NAME_LEN`] bytes of UTF-8; metadata at most [`MAX_METADATA_LEN`] bytes
//!   and only its keccak256 is stored (the metadata itself goes into the event log).
//! - An execution proof is the ABI encoding of `(bytes32 session_id, bytes session_key, bytes
//!   signature)` ([`encode_proof`], [`decode_proof`]); it holds when the model is active, the
//!   session is active, attested (not expired), no device it counts revoked, its tier at least
//!   the model's minimum, `session_key` hashes to the session's key hash (only the hash is
//!   stored), and `signature` is that key's ML-DSA signature (empty context) of
//!   [`execution_message`].
//! - A recorded execution stores one word, the session that proved it, under its receipt id;
//!   the model, input and output hashes are in the `ExecutionRecorded` event.

use alloc::vec::Vec;
use sha3::{Digest, Keccak256};

use crate::Error;
use crate::env::Address;
use crate::event::{Event, EventSink};
use crate::keys;
use crate::registry::Registry;
use crate::sessions::{Devices, Session, is_session_key};
use crate::store::{Store, Word, word};
use aimine_tiers::TrustTier;
use aimine_time::UnixTime;

/// The longest model name, in bytes.
pub const MAX_NAME_LEN: usize = 128;
/// The largest metadata, in bytes.
pub const MAX_METADATA_LEN: usize = 8_192;
/// The domain tag of execution signatures.
pub const EXECUTION_DOMAIN: &[u8] = b"aimine/execution/v1";
/// The minimum tier of a newly registered model.
pub const DEFAULT_MIN_TIER: TrustTier = TrustTier::Confidential;

pub mod field {
    //! Word offsets of a model record from its base `keccak256(model_id ‖ 24)`: three words,
    //! packed as Solidity packs a struct (from the low-order end of the word).
    //!
    //! | word | bits | field |
    //! |---|---|---|
    //! | [`HEADER`] (0) | 0–7 | minimum trust tier (1 to 4) |
    //! | | 8–15 | active flag (0 or 1) |
    //! | | 32–95 | registration time (`uint64` Unix seconds) |
    //! | | 96–255 | owner (`address`) |
    //! | [`MODEL_HASH`] (1) | 0–255 | the model weights' hash |
    //! | [`METADATA_HASH`] (2) | 0–255 | keccak256 of the metadata (the metadata itself is only in the `ModelRegistered` log) |
    //!
    //! A model exists when its header is non-zero (its tier never is); a header that does not
    //! decode is [`crate::Error::Store`]. The owner calls (deactivate, transfer, minimum tier)
    //! rewrite the header alone.

    /// Packed: minimum tier (bits 0–7), active flag (8–15), registration time (32–95), owner
    /// (96–255).
    pub const HEADER: u64 = 0;
    /// Model weights' hash.
    pub const MODEL_HASH: u64 = 1;
    /// keccak256 of the metadata.
    pub const METADATA_HASH: u64 = 2;
}

/// A model record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// Its id.
    pub id: Word,
    /// Its owner.
    pub owner: Address,
    /// The model weights' hash.
    pub model_hash: Word,
    /// keccak256 of its metadata.
    pub metadata_hash: Word,
    /// When it was registered.
    pub registered_at: UnixTime,
    /// The lowest tier whose sessions may prove executions.
    pub min_tier: TrustTier,
    /// Whether it accepts executions.
    pub active: bool,
}

/// `keccak256(abi.encode(owner, name, model_hash))`.
pub fn model_id(owner: &Address, name: &str, model_hash: &Word) -> Word {
    let mut h = Keccak256::new();
    h.update(word::from_address(owner));
    h.update(word::from_u64(0x60));
    h.update(model_hash);
    h.update(word::from_u64(name.len() as u64));
    h.update(name.as_bytes());
    h.update([0u8; 32].get(..padding(name.len())).unwrap_or_default());
    h.finalize().into()
}

/// Zero bytes that pad `len` bytes to a multiple of 32 (ABI encoding).
fn padding(len: usize) -> usize {
    32usize.wrapping_sub(len % 32) % 32
}

/// The message a session key signs to prove it ran `model_id` on `input_hash` giving
/// `output_hash`: `"aimine/execution/v1" ‖ chain_id (u64 BE) ‖ model_id ‖ input_hash ‖ output_hash
/// ‖ session_id`.
pub fn execution_message(
    chain_id: u64,
    model_id: &Word,
    input_hash: &Word,
    output_hash: &Word,
    session_id: &Word,
) -> [u8; 19 + 8 + 4 * 32] {
    let mut m = [0u8; 19 + 8 + 4 * 32];
    let parts: [&[u8]; 6] = [
        EXECUTION_DOMAIN,
        &chain_id.to_be_bytes(),
        model_id,
        input_hash,
        output_hash,
        session_id,
    ];
    let mut at = 0usize;
    for part in parts {
        let end = at.saturating_add(part.len());
        if let Some(dst) = m.get_mut(at..end) {
            dst.copy_from_slice(part);
        }
        at = end;
    }
    m
}

/// The receipt id of an execution: `keccak256(abi.encode(model_id, input_hash, output_hash,
/// session_id))`.
pub fn receipt_id(
    model_id: &Word,
    input_hash: &Word,
    output_hash: &Word,
    session_id: &Word,
) -> Word {
    let mut h = Keccak256::new();
    for w in [model_id, input_hash, output_hash, session_id] {
        h.update(w);
    }
    h.finalize().into()
}

/// An execution proof: the session that ran the model, its ML-DSA public key, and the key's
/// signature of [`execution_message`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proof<'a> {
    /// The session.
    pub session_id: Word,
    /// The session's public key (the session stores only its hash).
    pub session_key: &'a [u8],
    /// The ML-DSA signature (empty context).
    pub signature: &'a [u8],
}

/// Decodes `abi.encode(bytes32 session_id, bytes session_key, bytes signature)`, or `None` if
/// the encoding is not the canonical one (offsets 96 and right after the key, zero padding,
/// nothing after the signature).
pub fn decode_proof(proof: &[u8]) -> Option<Proof<'_>> {
    let session_id: Word = proof.get(..32)?.try_into().ok()?;
    let key_at = usize_at(proof, 32)?;
    let signature_at = usize_at(proof, 64)?;
    if key_at != 96 {
        return None;
    }
    let (session_key, key_end) = bytes_at(proof, key_at)?;
    if signature_at != key_end {
        return None;
    }
    let (signature, end) = bytes_at(proof, signature_at)?;
    if end != proof.len() {
        return None;
    }
    Some(Proof {
        session_id,
        session_key,
        signature,
    })
}

/// `abi.encode(bytes32 session_id, bytes session_key, bytes signature)`: the proof
/// [`decode_proof`] reads.
pub fn encode_proof(session_id: &Word, session_key: &[u8], signature: &[u8]) -> Vec<u8> {
    let key_words = session_key.len().saturating_add(padding(session_key.len()));
    let signature_at = 96usize.saturating_add(32).saturating_add(key_words);
    let mut out = Vec::with_capacity(
        signature_at
            .saturating_add(64)
            .saturating_add(signature.len()),
    );
    out.extend_from_slice(session_id);
    out.extend_from_slice(&word::from_u64(96));
    out.extend_from_slice(&word::from_u64(signature_at as u64));
    for bytes in [session_key, signature] {
        out.extend_from_slice(&word::from_u64(bytes.len() as u64));
        out.extend_from_slice(bytes);
        out.resize(out.len().saturating_add(padding(bytes.len())), 0);
    }
    out
}

/// The word at `at` as a `usize`, if it is one.
fn usize_at(data: &[u8], at: usize) -> Option<usize> {
    let w: Word = data.get(at..at.checked_add(32)?)?.try_into().ok()?;
    usize::try_from(word::to_u64(&w)?).ok()
}

/// The ABI `bytes` at `at` (length word, data, zero padding to a word): the data and where its
/// padding ends, or `None` if it runs past `data` or its padding is not zero.
fn bytes_at(data: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let len = usize_at(data, at)?;
    let start = at.checked_add(32)?;
    let end = start.checked_add(len)?;
    let bytes = data.get(start..end)?;
    let padded = end.checked_add(padding(len))?;
    if data.get(end..padded)?.iter().any(|b| *b != 0) {
        return None;
    }
    Some((bytes, padded))
}

impl Model {
    fn base(id: &Word) -> Word {
        keys::mapping(keys::MODELS, id)
    }

    /// The packed header word (see [`field`]).
    fn header(&self) -> Word {
        let mut h = [0u8; 32];
        let parts: [(usize, &[u8]); 4] = [
            (31, &[self.min_tier.as_u8()]),
            (30, &[u8::from(self.active)]),
            (27, &self.registered_at.as_secs().to_be_bytes()),
            (19, &self.owner),
        ];
        for (end, bytes) in parts {
            let start = end.saturating_add(1).saturating_sub(bytes.len());
            if let Some(dst) = h.get_mut(start..=end) {
                dst.copy_from_slice(bytes);
            }
        }
        h
    }

    /// Reads a model; `None` when no model has this id.
    ///
    /// # Errors
    /// [`Error::Store`] when the store fails or holds a header that does not decode.
    pub fn load(s: &mut (impl Store + ?Sized), id: &Word) -> Result<Option<Model>, Error> {
        let base = Self::base(id);
        let header = s.load(&keys::offset(&base, field::HEADER))?;
        if header == [0; 32] {
            return Ok(None);
        }
        let [min_tier, active] = [31usize, 30].map(|i| header.get(i).copied().unwrap_or(0));
        let min_tier = TrustTier::from_u8(min_tier).map_err(|_| Error::Store)?;
        let active = match active {
            0 => false,
            1 => true,
            _ => return Err(Error::Store),
        };
        let (owner_bytes, rest) = header.split_at(20);
        let (time, low) = rest.split_at(8);
        if low.get(..2) != Some(&[0, 0][..]) {
            return Err(Error::Store);
        }
        Ok(Some(Model {
            id: *id,
            owner: owner_bytes.try_into().map_err(|_| Error::Store)?,
            model_hash: s.load(&keys::offset(&base, field::MODEL_HASH))?,
            metadata_hash: s.load(&keys::offset(&base, field::METADATA_HASH))?,
            registered_at: UnixTime(u64::from_be_bytes(
                time.try_into().map_err(|_| Error::Store)?,
            )),
            min_tier,
            active,
        }))
    }

    /// Writes the record: every word of a new one (`before` is `None`), else only its header,
    /// the one word the owner calls change.
    fn store(&self, s: &mut (impl Store + ?Sized), before: Option<&Model>) -> Result<(), Error> {
        let base = Self::base(&self.id);
        let header = self.header();
        if before.map(Model::header) != Some(header) {
            s.store(&keys::offset(&base, field::HEADER), header)?;
        }
        if before.is_none() {
            s.store(&keys::offset(&base, field::MODEL_HASH), self.model_hash)?;
            s.store(
                &keys::offset(&base, field::METADATA_HASH),
                self.metadata_hash,
            )?;
        }
        Ok(())
    }
}

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Registers a model owned by the caller and returns its id.
    ///
    /// # Errors
    /// [`Error::BadModelName`], [`Error::MetadataTooLarge`], [`Error::ModelExists`].
    pub fn register_model(
        &mut self,
        caller: &Address,
        name: &str,
        model_hash: &Word,
        metadata: &[u8],
    ) -> Result<Word, Error> {
        if name.is_empty() || name.len() > MAX_NAME_LEN {
            return Err(Error::BadModelName);
        }
        if metadata.len() > MAX_METADATA_LEN {
            return Err(Error::MetadataTooLarge);
        }
        let id = model_id(caller, name, model_hash);
        if Model::load(self.state(), &id)?.is_some() {
            return Err(Error::ModelExists);
        }
        let model = Model {
            id,
            owner: *caller,
            model_hash: *model_hash,
            metadata_hash: keys::keccak256(metadata),
            registered_at: self.env().timestamp,
            min_tier: DEFAULT_MIN_TIER,
            active: true,
        };
        model.store(self.state(), None)?;
        self.emit(Event::ModelRegistered {
            model_id: id,
            owner: model.owner,
            model_hash: model.model_hash,
            metadata_hash: model.metadata_hash,
        });
        Ok(id)
    }

    /// A model by id.
    ///
    /// # Errors
    /// A store error.
    pub fn model(&mut self, id: &Word) -> Result<Option<Model>, Error> {
        Model::load(self.state(), id)
    }

    /// Changes a model (its owner only): `active`, `owner` and `min_tier` as given.
    fn update_model(
        &mut self,
        caller: &Address,
        id: &Word,
        f: impl FnOnce(&mut Model),
    ) -> Result<(), Error> {
        let mut model = Model::load(self.state(), id)?.ok_or(Error::UnknownModel)?;
        if model.owner != *caller {
            return Err(Error::NotModelOwner);
        }
        let before = model;
        f(&mut model);
        model.store(self.state(), Some(&before))?;
        self.emit(Event::ModelUpdated {
            model_id: *id,
            owner: model.owner,
            min_tier: model.min_tier.as_u8(),
            active: model.active,
        });
        Ok(())
    }

    /// Stops a model accepting executions (owner only).
    ///
    /// # Errors
    /// [`Error::UnknownModel`], [`Error::NotModelOwner`].
    pub fn deactivate_model(&mut self, caller: &Address, id: &Word) -> Result<(), Error> {
        self.update_model(caller, id, |m| m.active = false)
    }

    /// Hands a model to `new_owner` (owner only). Its id does not change.
    ///
    /// # Errors
    /// [`Error::UnknownModel`], [`Error::NotModelOwner`], [`Error::BadParam`] for the zero address.
    pub fn transfer_model(
        &mut self,
        caller: &Address,
        id: &Word,
        new_owner: &Address,
    ) -> Result<(), Error> {
        if *new_owner == [0; 20] {
            return Err(Error::BadParam);
        }
        self.update_model(caller, id, |m| m.owner = *new_owner)
    }

    /// Sets the lowest tier whose sessions may prove executions of a model (owner only).
    ///
    /// # Errors
    /// [`Error::UnknownModel`], [`Error::NotModelOwner`].
    pub fn set_model_min_tier(
        &mut self,
        caller: &Address,
        id: &Word,
        tier: TrustTier,
    ) -> Result<(), Error> {
        self.update_model(caller, id, |m| m.min_tier = tier)
    }

    /// Whether `proof` proves that an attested session ran the model on `input_hash` giving
    /// `output_hash` (see the module docs). A malformed proof is `Ok(false)`, never an error.
    ///
    /// # Errors
    /// Only store errors.
    pub fn verify_execution(
        &mut self,
        model_id: &Word,
        input_hash: &Word,
        output_hash: &Word,
        proof: &[u8],
    ) -> Result<bool, Error> {
        Ok(self
            .execution_session(model_id, input_hash, output_hash, proof)?
            .is_some())
    }

    /// [`Registry::verify_execution`], then stores a receipt, refusing one recorded before.
    /// Returns the receipt id.
    ///
    /// # Errors
    /// [`Error::ExecutionNotVerified`], [`Error::DuplicateExecution`], store errors.
    pub fn record_execution(
        &mut self,
        model_id: &Word,
        input_hash: &Word,
        output_hash: &Word,
        proof: &[u8],
    ) -> Result<Word, Error> {
        let session_id = self
            .execution_session(model_id, input_hash, output_hash, proof)?
            .ok_or(Error::ExecutionNotVerified)?;
        let receipt = receipt_id(model_id, input_hash, output_hash, &session_id);
        let key = keys::mapping(keys::RECEIPTS, &receipt);
        if self.state().load(&key)? != [0; 32] {
            return Err(Error::DuplicateExecution);
        }
        self.state().store(&key, session_id)?;
        self.emit(Event::ExecutionRecorded {
            receipt_id: receipt,
            model_id: *model_id,
            session_id,
            input_hash: *input_hash,
            output_hash: *output_hash,
        });
        Ok(receipt)
    }

    /// The session that produced a recorded receipt, or zero when none was recorded.
    ///
    /// # Errors
    /// A store error.
    pub fn receipt_session(&mut self, receipt_id: &Word) -> Result<Word, Error> {
        self.state()
            .load(&keys::mapping(keys::RECEIPTS, receipt_id))
    }

    /// The session a valid proof names, or `None`.
    fn execution_session(
        &mut self,
        model_id: &Word,
        input_hash: &Word,
        output_hash: &Word,
        proof: &[u8],
    ) -> Result<Option<Word>, Error> {
        let Some(Proof {
            session_id,
            session_key,
            signature,
        }) = decode_proof(proof)
        else {
            return Ok(None);
        };
        let Some(model) = Model::load(self.state(), model_id)? else {
            return Ok(None);
        };
        let Some(session) = Session::load(self.state(), &session_id)? else {
            return Ok(None);
        };
        let now = self.env().timestamp;
        if !model.active
            || !session.active
            || !is_session_key(&session, session_key)
            || now >= session.attestation_expiry
            || session.tier < model.min_tier
            || Devices::any_revoked(self.store, &session)?
        {
            return Ok(None);
        }
        let message = execution_message(
            self.env().chain_id,
            model_id,
            input_hash,
            output_hash,
            &session_id,
        );
        Ok(self
            .signed_by(session_key, &message, signature)?
            .then_some(session_id))
    }
}
