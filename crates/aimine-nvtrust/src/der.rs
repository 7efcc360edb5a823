//! A thin layer over the `der` crate: walk DER TLVs zero-copy, keeping each element's raw bytes
//! (signatures cover raw encodings, and names are compared byte for byte).

use ::der::{AnyRef, Decode, Reader as _, SliceReader, Tag, TagNumber, Tagged};

use crate::CertError;

/// One DER element: its tag, its value bytes, and its whole encoding (tag ‖ length ‖ value).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: Tag,
    pub(crate) value: &'a [u8],
    pub(crate) raw: &'a [u8],
}

/// Reads consecutive DER elements from a slice.
pub(crate) struct DerReader<'a> {
    inner: SliceReader<'a>,
}

impl<'a> DerReader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Result<DerReader<'a>, CertError> {
        Ok(DerReader {
            inner: SliceReader::new(bytes).map_err(|_| CertError::BadDer)?,
        })
    }

    /// The next element, whatever its tag.
    pub(crate) fn next(&mut self) -> Result<Tlv<'a>, CertError> {
        let raw = self.inner.tlv_bytes().map_err(|_| CertError::BadDer)?;
        let any = AnyRef::from_der(raw).map_err(|_| CertError::BadDer)?;
        Ok(Tlv {
            tag: any.tag(),
            value: any.value(),
            raw,
        })
    }

    /// The next element, which must have tag `tag`.
    pub(crate) fn expect(&mut self, tag: Tag, field: &'static str) -> Result<Tlv<'a>, CertError> {
        let tlv = self.next()?;
        if tlv.tag == tag {
            Ok(tlv)
        } else {
            Err(CertError::Malformed { field })
        }
    }

    /// The next element if it has tag `tag`; nothing is consumed otherwise.
    pub(crate) fn optional(&mut self, tag: Tag) -> Result<Option<Tlv<'a>>, CertError> {
        match Tag::peek(&self.inner) {
            Ok(t) if t == tag => self.next().map(Some),
            _ => Ok(None),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.inner.is_finished()
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(self, field: &'static str) -> Result<(), CertError> {
        if self.inner.is_finished() {
            Ok(())
        } else {
            Err(CertError::Malformed { field })
        }
    }
}

/// A reader over the value of a constructed element.
pub(crate) fn inside<'a>(tlv: &Tlv<'a>) -> Result<DerReader<'a>, CertError> {
    DerReader::new(tlv.value)
}

/// The context-specific tag `[n]`, constructed or not.
pub(crate) const fn context(n: u32, constructed: bool) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number: TagNumber(n),
    }
}

/// Object identifiers this crate recognises, as the content bytes of their DER encoding.
pub(crate) mod oid {
    /// ecdsa-with-SHA384, 1.2.840.10045.4.3.3.
    pub(crate) const ECDSA_WITH_SHA384: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03];
    /// id-ecPublicKey, 1.2.840.10045.2.1.
    pub(crate) const EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
    /// secp384r1, 1.3.132.0.34.
    pub(crate) const SECP384R1: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
    /// sha384, 2.16.840.1.101.3.4.2.2.
    pub(crate) const SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
    /// basicConstraints, 2.5.29.19.
    pub(crate) const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1D, 0x13];
    /// keyUsage, 2.5.29.15.
    pub(crate) const KEY_USAGE: &[u8] = &[0x55, 0x1D, 0x0F];
    /// NVIDIA's FWID extension on Hopper and LS10 leaves, 2.23.133.5.4.1 (tcg-dice-TcbInfo arc).
    pub(crate) const NVIDIA_FWID: &[u8] = &[0x67, 0x81, 0x05, 0x05, 0x04, 0x01];
    /// The TCG DiceTcbInfo extension on Blackwell leaves, 2.23.133.5.4.1.1.
    pub(crate) const DICE_TCB_INFO: &[u8] = &[0x67, 0x81, 0x05, 0x05, 0x04, 0x01, 0x01];
    /// commonName, 2.5.4.3.
    pub(crate) const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
}
