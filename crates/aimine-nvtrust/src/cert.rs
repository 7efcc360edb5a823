//! A strict reader of the X.509 v3 certificates in NVIDIA device chains: just the fields a
//! verifier needs, zero-copy, and only ECDSA P-384 / SHA-384.

use ::der::Tag;

use crate::CertError;
use crate::der::{DerReader, Tlv, context, inside, oid};
use crate::time::{self, UnixTime};

/// The largest certificate accepted, in bytes (NVIDIA's are under 1 KiB).
pub const MAX_CERT_LEN: usize = 4096;

/// Key-usage bit: digitalSignature.
pub const KU_DIGITAL_SIGNATURE: u16 = 1 << 0;
/// Key-usage bit: keyCertSign.
pub const KU_KEY_CERT_SIGN: u16 = 1 << 5;

/// A parsed certificate, borrowing its DER encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Certificate<'a> {
    der: &'a [u8],
    tbs: &'a [u8],
    serial: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    not_before: UnixTime,
    not_after: UnixTime,
    spki: &'a [u8],
    public_key: &'a [u8],
    signature: &'a [u8],
    ca: Option<BasicConstraints>,
    key_usage: Option<u16>,
    fwid: Option<&'a [u8; 48]>,
}

/// The basicConstraints extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicConstraints {
    /// Whether the subject is a CA.
    pub ca: bool,
    /// How many intermediate CAs may follow it, if limited.
    pub path_len: Option<u8>,
}

impl<'a> Certificate<'a> {
    /// Parses one DER certificate.
    ///
    /// Accepted: X.509 v3, ecdsa-with-SHA384 (inner and outer algorithm identical, parameters
    /// absent), an EC P-384 key, and no critical extension other than basicConstraints and
    /// keyUsage. The FWID extensions NVIDIA leaves carry are read (see [`Certificate::fwid`]).
    ///
    /// # Errors
    /// A [`CertError`] naming what is wrong.
    pub fn from_der(der: &'a [u8]) -> Result<Certificate<'a>, CertError> {
        if der.len() > MAX_CERT_LEN {
            return Err(CertError::TooLong);
        }
        let mut outer = DerReader::new(der)?;
        let cert = outer.expect(Tag::Sequence, "certificate")?;
        outer.finish("certificate")?;
        let mut c = inside(&cert)?;
        let tbs = c.expect(Tag::Sequence, "tbsCertificate")?;
        let outer_alg = c.expect(Tag::Sequence, "signatureAlgorithm")?;
        let sig = c.expect(Tag::BitString, "signatureValue")?;
        c.finish("certificate")?;
        check_ecdsa_sha384(&outer_alg)?;
        let signature = match sig.value.split_first() {
            Some((0, rest)) => rest,
            _ => {
                return Err(CertError::Malformed {
                    field: "signatureValue",
                });
            }
        };

        let mut t = inside(&tbs)?;
        let version = t.optional(context(0, true))?.ok_or(CertError::NotV3)?;
        if version.value != [0x02, 0x01, 0x02] {
            return Err(CertError::NotV3);
        }
        let serial = t.expect(Tag::Integer, "serialNumber")?.value;
        let inner_alg = t.expect(Tag::Sequence, "signature")?;
        if inner_alg.raw != outer_alg.raw {
            return Err(CertError::UnsupportedSignatureAlgorithm);
        }
        let issuer = t.expect(Tag::Sequence, "issuer")?.raw;
        let validity = t.expect(Tag::Sequence, "validity")?;
        let mut v = inside(&validity)?;
        let not_before = time::from_asn1(&v.next()?)?;
        let not_after = time::from_asn1(&v.next()?)?;
        v.finish("validity")?;
        let subject = t.expect(Tag::Sequence, "subject")?.raw;
        let spki = t.expect(Tag::Sequence, "subjectPublicKeyInfo")?;
        let public_key = p384_point(&spki)?;
        // Unique identifiers are not used by NVIDIA; refuse rather than skip them.
        let extensions = t.expect(context(3, true), "extensions")?;
        t.finish("tbsCertificate")?;

        let mut cert = Certificate {
            der,
            tbs: tbs.raw,
            serial,
            issuer,
            subject,
            not_before,
            not_after,
            spki: spki.raw,
            public_key,
            signature,
            ca: None,
            key_usage: None,
            fwid: None,
        };
        cert.read_extensions(&extensions)?;
        Ok(cert)
    }

    fn read_extensions(&mut self, extensions: &Tlv<'a>) -> Result<(), CertError> {
        let mut wrapper = inside(extensions)?;
        let list = wrapper.expect(Tag::Sequence, "extensions")?;
        wrapper.finish("extensions")?;
        let mut exts = inside(&list)?;
        let mut seen_fwid = false;
        while !exts.is_empty() {
            let ext = exts.expect(Tag::Sequence, "extension")?;
            let mut e = inside(&ext)?;
            let id = e.expect(Tag::ObjectIdentifier, "extension id")?.value;
            let critical = match e.optional(Tag::Boolean)? {
                Some(b) if b.value == [0xFF] => true,
                // DER forbids encoding the default (FALSE).
                Some(_) => {
                    return Err(CertError::Malformed {
                        field: "extension critical",
                    });
                }
                None => false,
            };
            let value = e.expect(Tag::OctetString, "extension value")?.value;
            e.finish("extension")?;
            match id {
                oid::BASIC_CONSTRAINTS => set_once(&mut self.ca, basic_constraints(value)?)?,
                oid::KEY_USAGE => set_once(&mut self.key_usage, key_usage(value)?)?,
                oid::NVIDIA_FWID | oid::DICE_TCB_INFO => {
                    if seen_fwid {
                        return Err(CertError::DuplicateExtension);
                    }
                    seen_fwid = true;
                    self.fwid = Some(if id == oid::NVIDIA_FWID {
                        last_48(value)?
                    } else {
                        dice_first_fwid(value)?
                    });
                }
                _ if critical => return Err(CertError::UnknownCriticalExtension),
                _ => {}
            }
        }
        Ok(())
    }

    /// The whole DER encoding.
    pub fn der(&self) -> &'a [u8] {
        self.der
    }

    /// The signed part (tbsCertificate), as encoded.
    pub fn tbs(&self) -> &'a [u8] {
        self.tbs
    }

    /// The serial number's content bytes (big-endian, as encoded).
    pub fn serial(&self) -> &'a [u8] {
        self.serial
    }

    /// The issuer Name, as encoded (compared byte for byte with the parent's subject).
    pub fn issuer(&self) -> &'a [u8] {
        self.issuer
    }

    /// The subject Name, as encoded.
    pub fn subject(&self) -> &'a [u8] {
        self.subject
    }

    /// The subject's common name, if it has one and it is a string.
    pub fn subject_common_name(&self) -> Option<&'a str> {
        common_name(self.subject)
    }

    /// Start of the validity window.
    pub fn not_before(&self) -> UnixTime {
        self.not_before
    }

    /// End of the validity window (inclusive).
    pub fn not_after(&self) -> UnixTime {
        self.not_after
    }

    /// Whether the certificate is valid at `time` (both ends inclusive).
    pub fn is_valid_at(&self, time: UnixTime) -> bool {
        self.not_before <= time && time <= self.not_after
    }

    /// The SubjectPublicKeyInfo, as encoded.
    pub fn spki(&self) -> &'a [u8] {
        self.spki
    }

    /// The P-384 public key as an uncompressed SEC1 point (97 bytes).
    pub fn public_key(&self) -> &'a [u8] {
        self.public_key
    }

    /// The signature (a DER ECDSA-Sig-Value) over [`Certificate::tbs`].
    pub fn signature(&self) -> &'a [u8] {
        self.signature
    }

    /// The basicConstraints extension, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.ca
    }

    /// The keyUsage bits (bit 0 = digitalSignature … bit 8 = decipherOnly), if present.
    pub fn key_usage(&self) -> Option<u16> {
        self.key_usage
    }

    /// Whether this certificate may sign certificates: a CA, and keyCertSign if keyUsage is there.
    pub fn may_sign_certificates(&self) -> bool {
        self.ca.is_some_and(|bc| bc.ca)
            && self.key_usage.is_none_or(|ku| ku & KU_KEY_CERT_SIGN != 0)
    }

    /// The firmware ID a leaf carries: the last 48 bytes of extension 2.23.133.5.4.1 (Hopper,
    /// LS10), or the first FWID digest of the DiceTcbInfo extension 2.23.133.5.4.1.1 (Blackwell).
    pub fn fwid(&self) -> Option<&'a [u8; 48]> {
        self.fwid
    }
}

/// Stores an extension's value, refusing a second occurrence.
fn set_once<T>(slot: &mut Option<T>, value: T) -> Result<(), CertError> {
    if slot.replace(value).is_some() {
        return Err(CertError::DuplicateExtension);
    }
    Ok(())
}

/// The signature algorithm must be ecdsa-with-SHA384 with absent parameters.
fn check_ecdsa_sha384(alg: &Tlv<'_>) -> Result<(), CertError> {
    let mut a = inside(alg)?;
    let id = a.expect(Tag::ObjectIdentifier, "signatureAlgorithm")?;
    if id.value != oid::ECDSA_WITH_SHA384 || !a.is_empty() {
        return Err(CertError::UnsupportedSignatureAlgorithm);
    }
    Ok(())
}

/// The uncompressed P-384 point of an id-ecPublicKey / secp384r1 SubjectPublicKeyInfo.
fn p384_point<'a>(spki: &Tlv<'a>) -> Result<&'a [u8], CertError> {
    let mut s = inside(spki)?;
    let alg = s.expect(Tag::Sequence, "subjectPublicKeyInfo algorithm")?;
    let key = s.expect(Tag::BitString, "subjectPublicKey")?;
    s.finish("subjectPublicKeyInfo")?;
    let mut a = inside(&alg)?;
    let kind = a.expect(Tag::ObjectIdentifier, "key algorithm")?;
    let curve = a.expect(Tag::ObjectIdentifier, "key curve")?;
    a.finish("key algorithm")?;
    if kind.value != oid::EC_PUBLIC_KEY || curve.value != oid::SECP384R1 {
        return Err(CertError::UnsupportedKey);
    }
    match key.value.split_first() {
        Some((0, point)) if point.len() == 97 && point.first() == Some(&0x04) => Ok(point),
        _ => Err(CertError::UnsupportedKey),
    }
}

fn basic_constraints(value: &[u8]) -> Result<BasicConstraints, CertError> {
    let field = "basicConstraints";
    let mut outer = DerReader::new(value)?;
    let seq = outer.expect(Tag::Sequence, field)?;
    outer.finish(field)?;
    let mut r = inside(&seq)?;
    let ca = match r.optional(Tag::Boolean)? {
        Some(b) if b.value == [0xFF] => true,
        Some(_) => return Err(CertError::Malformed { field }),
        None => false,
    };
    let path_len = match r.optional(Tag::Integer)? {
        Some(i) => match i.value {
            [n] if *n < 0x80 => Some(*n),
            _ => return Err(CertError::Malformed { field }),
        },
        None => None,
    };
    r.finish(field)?;
    Ok(BasicConstraints { ca, path_len })
}

fn key_usage(value: &[u8]) -> Result<u16, CertError> {
    let field = "keyUsage";
    let mut outer = DerReader::new(value)?;
    let bits = outer.expect(Tag::BitString, field)?;
    outer.finish(field)?;
    let (unused, bytes) = bits
        .value
        .split_first()
        .ok_or(CertError::Malformed { field })?;
    if *unused > 7 || bytes.is_empty() || bytes.len() > 2 {
        return Err(CertError::Malformed { field });
    }
    let mut out = 0u16;
    for (i, byte) in bytes.iter().enumerate() {
        for bit in 0..8u16 {
            if byte & (0x80 >> bit) != 0 {
                let position = u16::try_from(i)
                    .unwrap_or(0)
                    .saturating_mul(8)
                    .saturating_add(bit);
                out |= 1u16.checked_shl(u32::from(position)).unwrap_or(0);
            }
        }
    }
    Ok(out)
}

/// Hopper/LS10: the FWID is the last 48 bytes of the extension value (NVIDIA's rule).
fn last_48(value: &[u8]) -> Result<&[u8; 48], CertError> {
    let start = value.len().checked_sub(48).ok_or(CertError::Malformed {
        field: "FWID extension",
    })?;
    value
        .get(start..)
        .and_then(|s| s.try_into().ok())
        .ok_or(CertError::Malformed {
            field: "FWID extension",
        })
}

/// Blackwell: DiceTcbInfo ::= SEQUENCE { …, fwids [6] IMPLICIT SEQUENCE OF FWID, … }, FWID ::=
/// SEQUENCE { hashAlg OID, digest OCTET STRING }; the first SHA-384 FWID's digest.
fn dice_first_fwid(value: &[u8]) -> Result<&[u8; 48], CertError> {
    let field = "DiceTcbInfo";
    let mut outer = DerReader::new(value)?;
    let seq = outer.expect(Tag::Sequence, field)?;
    outer.finish(field)?;
    let mut r = inside(&seq)?;
    while !r.is_empty() {
        let item = r.next()?;
        if item.tag != context(6, true) {
            continue;
        }
        let mut fwids = inside(&item)?;
        let first = fwids.expect(Tag::Sequence, field)?;
        let mut f = inside(&first)?;
        let alg = f.expect(Tag::ObjectIdentifier, field)?;
        let digest = f.expect(Tag::OctetString, field)?;
        f.finish(field)?;
        if alg.value != oid::SHA384 {
            return Err(CertError::Malformed { field });
        }
        return digest
            .value
            .try_into()
            .map_err(|_| CertError::Malformed { field });
    }
    Err(CertError::Malformed { field })
}

/// The first commonName attribute of a DER Name, if it is a UTF8String or PrintableString.
fn common_name(name: &[u8]) -> Option<&str> {
    let mut outer = DerReader::new(name).ok()?;
    let seq = outer.next().ok()?;
    let mut rdns = inside(&seq).ok()?;
    while !rdns.is_empty() {
        let set = rdns.next().ok()?;
        let mut attrs = inside(&set).ok()?;
        while !attrs.is_empty() {
            let attr = attrs.next().ok()?;
            let mut a = inside(&attr).ok()?;
            let id = a.next().ok()?;
            let value = a.next().ok()?;
            if id.value == oid::COMMON_NAME
                && matches!(value.tag, Tag::Utf8String | Tag::PrintableString)
            {
                return core::str::from_utf8(value.value).ok();
            }
        }
    }
    None
}
