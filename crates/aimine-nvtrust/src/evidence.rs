//! SPDM 1.1 measurement evidence: the GET_MEASUREMENTS request and the MEASUREMENTS response,
//! parsed strictly and zero-copy.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! request  (37 bytes): version 0x11 | code 0xE0 | param1 (bit 0: signature requested) |
//!                      param2 0xFF (all measurements) | nonce (32) | slot id
//! response:            version 0x11 | code 0x60 | param1 | param2 (slot id) | block count (u8) |
//!                      record length (u24) | record | nonce (32) | opaque length (u16) |
//!                      opaque data | signature (96: ECDSA P-384 r‖s)
//! block:               index (u8, 1-based) | spec 0x01 (DMTF) | size (u16) |
//!                      value type (u8) | value size (u16) | value
//! ```
//!
//! The signature covers SHA-384 of everything before it ([`Evidence::signed_bytes`]).

use crate::FormatError;
use crate::opaque::OpaqueData;
use crate::reader::Reader;

/// Length of a nonce.
pub const NONCE_LEN: usize = 32;
/// Length of the ECDSA P-384 signature that ends the evidence (r ‖ s, big-endian).
pub const SIGNATURE_LEN: usize = 96;
/// The SPDM version byte this verifier accepts (1.1).
pub(crate) const SPDM_VERSION_1_1: u8 = 0x11;
/// SPDM request code GET_MEASUREMENTS.
pub(crate) const GET_MEASUREMENTS: u8 = 0xE0;
/// SPDM response code MEASUREMENTS.
pub(crate) const MEASUREMENTS: u8 = 0x60;
/// The measurement-specification byte of DMTF measurements.
pub(crate) const DMTF_SPEC: u8 = 0x01;
/// The largest evidence accepted (real evidence is about 4 KiB). Bounds the work per call.
pub const MAX_EVIDENCE_LEN: usize = 32 * 1024;

/// Parsed, validated SPDM evidence borrowing the bytes it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evidence<'a> {
    raw: &'a [u8],
    request_param1: u8,
    request_nonce: &'a [u8; NONCE_LEN],
    slot_id: u8,
    response_param1: u8,
    response_param2: u8,
    block_count: u8,
    record: &'a [u8],
    responder_nonce: &'a [u8; NONCE_LEN],
    opaque: OpaqueData<'a>,
    signature: &'a [u8; SIGNATURE_LEN],
}

/// One DMTF measurement block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeasurementBlock<'a> {
    /// SPDM index, 1-based. RIMs number measurements from 0: RIM index = `index − 1`.
    pub index: u8,
    /// DMTF value type (bit 7: raw bit stream rather than digest).
    pub value_type: u8,
    /// The measurement value (a SHA-384 digest in NVIDIA evidence).
    pub value: &'a [u8],
}

impl<'a> Evidence<'a> {
    /// Parses and validates evidence: every length is checked, the signature must end the input
    /// exactly, blocks must be DMTF with unique 1-based indices, and opaque fields must be
    /// well-formed (see [`OpaqueData`]).
    ///
    /// # Errors
    /// A [`FormatError`] naming the first problem.
    pub fn parse(raw: &'a [u8]) -> Result<Evidence<'a>, FormatError> {
        if raw.len() > MAX_EVIDENCE_LEN {
            return Err(FormatError::TooLong { len: raw.len() });
        }
        let mut r = Reader::new(raw);

        // The request.
        expect(
            r.u8("request version")?,
            SPDM_VERSION_1_1,
            "request version",
        )?;
        expect(r.u8("request code")?, GET_MEASUREMENTS, "request code")?;
        let param1 = r.u8("request param1")?;
        if param1 & 0x01 == 0 {
            return Err(unexpected(
                "request param1 (signature not requested)",
                param1,
            ));
        }
        expect(
            r.u8("request param2")?,
            0xFF,
            "request param2 (all measurements)",
        )?;
        let request_nonce = r.array::<NONCE_LEN>("request nonce")?;
        let slot_id = r.u8("request slot id")?;
        if slot_id > 7 {
            return Err(unexpected("request slot id", slot_id));
        }

        // The response header.
        expect(
            r.u8("response version")?,
            SPDM_VERSION_1_1,
            "response version",
        )?;
        expect(r.u8("response code")?, MEASUREMENTS, "response code")?;
        let response_param1 = r.u8("response param1")?;
        let response_param2 = r.u8("response param2")?;
        if response_param2 & 0x0F != slot_id {
            return Err(unexpected("response slot id", response_param2));
        }
        let block_count = r.u8("block count")?;
        let record_len = r.u24("record length")?;
        let record = r.take(usize_from(record_len), "measurement record")?;
        validate_record(record, block_count)?;

        let responder_nonce = r.array::<NONCE_LEN>("response nonce")?;
        let opaque_len = r.u16("opaque length")?;
        let opaque = OpaqueData::parse(r.take(usize::from(opaque_len), "opaque data")?)?;
        let signature = r.array::<SIGNATURE_LEN>("signature")?;
        if !r.is_empty() {
            return Err(FormatError::TrailingBytes {
                count: r.remaining(),
            });
        }
        Ok(Evidence {
            raw,
            request_param1: param1,
            request_nonce,
            slot_id,
            response_param1,
            response_param2,
            block_count,
            record,
            responder_nonce,
            opaque,
            signature,
        })
    }

    /// The whole evidence.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The bytes the signature covers: the request and the response up to the signature.
    pub fn signed_bytes(&self) -> &'a [u8] {
        let end = self.raw.len().saturating_sub(SIGNATURE_LEN);
        self.raw.get(..end).unwrap_or_default()
    }

    /// The requester's nonce: the verifier's challenge, proof of freshness.
    pub fn nonce(&self) -> &'a [u8; NONCE_LEN] {
        self.request_nonce
    }

    /// The responder's (GPU's) own nonce.
    pub fn responder_nonce(&self) -> &'a [u8; NONCE_LEN] {
        self.responder_nonce
    }

    /// The request's param1 (bit 0: signature requested) and param2 (0xFF: all measurements).
    pub fn request_params(&self) -> (u8, u8) {
        (self.request_param1, 0xFF)
    }

    /// The certificate slot the request named.
    pub fn slot_id(&self) -> u8 {
        self.slot_id
    }

    /// The response's param1 and param2 bytes.
    pub fn response_params(&self) -> (u8, u8) {
        (self.response_param1, self.response_param2)
    }

    /// How many measurement blocks there are (64 for GPUs, 31 for LS10 switches).
    pub fn block_count(&self) -> u8 {
        self.block_count
    }

    /// The measurement record's length in bytes.
    pub fn record_len(&self) -> usize {
        self.record.len()
    }

    /// The measurement blocks, in evidence order.
    pub fn blocks(&self) -> Blocks<'a> {
        Blocks {
            reader: Reader::new(self.record),
        }
    }

    /// The block with this SPDM (1-based) index.
    pub fn block(&self, index: u8) -> Option<MeasurementBlock<'a>> {
        self.blocks().find(|b| b.index == index)
    }

    /// The opaque data (NVIDIA's TLV fields).
    pub fn opaque(&self) -> &OpaqueData<'a> {
        &self.opaque
    }

    /// The signature (r ‖ s, big-endian).
    pub fn signature(&self) -> &'a [u8; SIGNATURE_LEN] {
        self.signature
    }
}

/// Iterator over a validated measurement record.
#[derive(Clone, Debug)]
pub struct Blocks<'a> {
    reader: Reader<'a>,
}

impl<'a> Iterator for Blocks<'a> {
    type Item = MeasurementBlock<'a>;

    fn next(&mut self) -> Option<MeasurementBlock<'a>> {
        // The record was validated by `Evidence::parse`; a failure here just ends the iteration.
        read_block(&mut self.reader).ok()
    }
}

/// Reads one block: (index, value type, value), checking its internal sizes.
fn read_block<'a>(r: &mut Reader<'a>) -> Result<MeasurementBlock<'a>, FormatError> {
    let index = r.u8("block index")?;
    let spec = r.u8("block specification")?;
    let size = r.u16("block size")?;
    let mut body = Reader::new(r.take(usize::from(size), "block")?);
    if spec != DMTF_SPEC {
        return Err(FormatError::NotDmtf { index, spec });
    }
    let value_type = body.u8("DMTF value type")?;
    let value_size = body.u16("DMTF value size")?;
    let value = body.take(usize::from(value_size), "DMTF value")?;
    if !body.is_empty() {
        return Err(FormatError::BlockSizeMismatch { index });
    }
    Ok(MeasurementBlock {
        index,
        value_type,
        value,
    })
}

/// Checks every block of the record: well-formed, 1-based, unique, and as many as declared.
fn validate_record(record: &[u8], declared: u8) -> Result<(), FormatError> {
    let mut r = Reader::new(record);
    let mut seen = [0u64; 4];
    let mut found: u16 = 0;
    while !r.is_empty() {
        let block = read_block(&mut r)?;
        if block.index == 0 {
            return Err(FormatError::BlockIndexZero);
        }
        let (word, bit) = (usize::from(block.index / 64), block.index % 64);
        let slot = seen
            .get_mut(word)
            .ok_or(FormatError::DuplicateBlockIndex(block.index))?;
        if *slot & (1u64 << bit) != 0 {
            return Err(FormatError::DuplicateBlockIndex(block.index));
        }
        *slot |= 1u64 << bit;
        // At most 255 distinct indices exist, so this cannot overflow a u16.
        found = found.saturating_add(1);
    }
    if found != u16::from(declared) {
        return Err(FormatError::BlockCountMismatch { declared, found });
    }
    Ok(())
}

fn expect(value: u8, wanted: u8, field: &'static str) -> Result<(), FormatError> {
    if value == wanted {
        Ok(())
    } else {
        Err(unexpected(field, value))
    }
}

fn unexpected(field: &'static str, value: u8) -> FormatError {
    FormatError::UnexpectedValue {
        field,
        value: u32::from(value),
    }
}

/// A u24 as usize (always fits on the 32- and 64-bit targets this crate supports).
fn usize_from(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}
