//! # aimine-envelope
//!
//! The `bytes teeQuote` contracts hand the aimine precompiles, for every kind of evidence: the
//! versioned `AIMQ` envelope. Kind 1 (NVIDIA SPDM evidence) is aimine-nvtrust's encoding, byte
//! for byte; this crate adds the CPU TEEs and composite quotes, and is the one decoder that sees
//! every kind — the registry dispatches on [`Envelope`] to aimine-nvtrust and aimine-tee.
//!
//! ```text
//! magic    4   "AIMQ"
//! version  1   1
//! kind     1   1 NVIDIA SPDM · 2 Intel TDX · 3 Intel SGX · 4 AMD SEV-SNP · 5 composite
//! body         per kind:
//!   1  evidence and certificate chain (aimine-nvtrust's envelope, docs/quote-format.md)
//!   2, 3  quote length u32 (≤ 16 KiB) · quote · collateral tag u8:
//!           0 = use the collateral stored on chain for the quote's FMSPC
//!           1 = inline: 9 fields, each u32 length (≤ 16 KiB) · bytes, in dcap-qvl's
//!               QuoteCollateralV3 order (pck_crl_issuer_chain, root_ca_crl, pck_crl,
//!               tcb_info_issuer_chain, tcb_info, tcb_info_signature,
//!               qe_identity_issuer_chain, qe_identity, qe_identity_signature)
//!   4  report (exactly 1,184 bytes) · certificate count u8 (0..=3) · each u16 length (≤ 4 KiB)
//!      · DER: the VCEK or VLEK, then optionally the ASK/ASVK, then optionally the ARK
//!      (0 certificates: use the VCEK stored on chain for the report's chip and TCB)
//!   5  part count u8 (2..=9) · each u32 length · a whole envelope: the first of kind 2, 3 or
//!      4 (the CPU), the others of kind 1 (the GPUs in that VM, in the order their ids are
//!      hashed into the CPU's report data)
//! ```
//!
//! Integers are big-endian. Nothing may follow the last field. See `docs/quote-format.md`.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;

use core::fmt;

use aimine_nvtrust::envelope::{self as gpu, EnvelopeError};
use heapless::Vec;

pub use aimine_nvtrust::envelope::{KIND_NVIDIA_SPDM, MAGIC, VERSION};

/// Kind 2: an Intel TDX DCAP quote.
pub const KIND_TDX: u8 = 2;
/// Kind 3: an Intel SGX DCAP quote.
pub const KIND_SGX: u8 = 3;
/// Kind 4: an AMD SEV-SNP report.
pub const KIND_SEV_SNP: u8 = 4;
/// Kind 5: a CPU quote and the GPUs of its VM.
pub const KIND_COMPOSITE: u8 = 5;

/// The longest DCAP quote or collateral field accepted, in bytes.
pub const MAX_INTEL_FIELD: usize = 16 * 1024;
/// An SEV-SNP report's length.
pub const SEV_REPORT_LEN: usize = 1184;
/// The most certificates an SEV-SNP part carries.
pub const MAX_SEV_CERTS: usize = 3;
/// The longest AMD certificate, in bytes.
pub const MAX_SEV_CERT: usize = 4096;
/// The most GPUs in a composite quote.
pub const MAX_GPUS: usize = 8;
/// Collateral tag: use the stored collateral.
pub const COLLATERAL_STORED: u8 = 0;
/// Collateral tag: the collateral follows inline.
pub const COLLATERAL_INLINE: u8 = 1;

/// Why an envelope could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// A kind-1 (GPU) envelope, or the common header, is malformed.
    Gpu(EnvelopeError),
    /// The input ends inside `field`.
    Truncated {
        /// What was being read.
        field: &'static str,
    },
    /// A length beyond its bound.
    TooLong {
        /// Which field.
        field: &'static str,
    },
    /// A collateral tag other than 0 or 1.
    BadCollateralTag(u8),
    /// An SEV-SNP certificate count above 3, or an empty certificate.
    BadCertificate,
    /// A composite quote with fewer than one CPU and one GPU or more than 8 GPUs.
    BadPartCount(u8),
    /// A composite part of the wrong kind (the first must be a CPU quote, the rest GPUs).
    BadPartKind(u8),
    /// Bytes after the last field.
    TrailingBytes,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Gpu(e) => write!(f, "{e}"),
            Error::Truncated { field } => write!(f, "envelope truncated in {field}"),
            Error::TooLong { field } => write!(f, "envelope {field} too long"),
            Error::BadCollateralTag(t) => write!(f, "envelope collateral tag {t}"),
            Error::BadCertificate => f.write_str("envelope SEV-SNP certificates malformed"),
            Error::BadPartCount(n) => write!(
                f,
                "composite envelope holds {n} parts (a CPU and 1 to {MAX_GPUS} GPUs)"
            ),
            Error::BadPartKind(k) => write!(f, "composite envelope part of kind {k}"),
            Error::TrailingBytes => f.write_str("bytes after the envelope"),
        }
    }
}

impl core::error::Error for Error {}

impl From<EnvelopeError> for Error {
    fn from(e: EnvelopeError) -> Self {
        Error::Gpu(e)
    }
}

/// Intel collateral carried inline: dcap-qvl's `QuoteCollateralV3` fields, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntelCollateral<'a> {
    /// PEM chain of the PCK CRL's issuer.
    pub pck_crl_issuer_chain: &'a [u8],
    /// The root CA's CRL, DER.
    pub root_ca_crl: &'a [u8],
    /// The PCK CRL, DER.
    pub pck_crl: &'a [u8],
    /// PEM chain of the TCB info signer.
    pub tcb_info_issuer_chain: &'a [u8],
    /// The TCB info JSON, as Intel signed it.
    pub tcb_info: &'a [u8],
    /// Its signature (raw r‖s).
    pub tcb_info_signature: &'a [u8],
    /// PEM chain of the QE identity signer.
    pub qe_identity_issuer_chain: &'a [u8],
    /// The QE identity JSON, as Intel signed it.
    pub qe_identity: &'a [u8],
    /// Its signature (raw r‖s).
    pub qe_identity_signature: &'a [u8],
}

impl<'a> IntelCollateral<'a> {
    /// The nine fields in wire order.
    pub fn fields(&self) -> [&'a [u8]; 9] {
        [
            self.pck_crl_issuer_chain,
            self.root_ca_crl,
            self.pck_crl,
            self.tcb_info_issuer_chain,
            self.tcb_info,
            self.tcb_info_signature,
            self.qe_identity_issuer_chain,
            self.qe_identity,
            self.qe_identity_signature,
        ]
    }

    /// The fields of dcap-qvl's collateral, borrowed (feature `intel`).
    #[cfg(feature = "intel")]
    pub fn from_dcap(c: &'a aimine_tee::intel::Collateral) -> Self {
        IntelCollateral {
            pck_crl_issuer_chain: c.pck_crl_issuer_chain.as_bytes(),
            root_ca_crl: &c.root_ca_crl,
            pck_crl: &c.pck_crl,
            tcb_info_issuer_chain: c.tcb_info_issuer_chain.as_bytes(),
            tcb_info: c.tcb_info.as_bytes(),
            tcb_info_signature: &c.tcb_info_signature,
            qe_identity_issuer_chain: c.qe_identity_issuer_chain.as_bytes(),
            qe_identity: c.qe_identity.as_bytes(),
            qe_identity_signature: &c.qe_identity_signature,
        }
    }

    /// dcap-qvl's collateral, owned (feature `intel`); `None` when a text field (PEM chains,
    /// JSON) is not UTF-8.
    #[cfg(feature = "intel")]
    pub fn to_dcap(&self) -> Option<aimine_tee::intel::Collateral> {
        use alloc::string::String;
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).ok();
        Some(aimine_tee::intel::Collateral {
            pck_crl_issuer_chain: text(self.pck_crl_issuer_chain)?,
            root_ca_crl: self.root_ca_crl.to_vec(),
            pck_crl: self.pck_crl.to_vec(),
            tcb_info_issuer_chain: text(self.tcb_info_issuer_chain)?,
            tcb_info: text(self.tcb_info)?,
            tcb_info_signature: self.tcb_info_signature.to_vec(),
            qe_identity_issuer_chain: text(self.qe_identity_issuer_chain)?,
            qe_identity: text(self.qe_identity)?,
            qe_identity_signature: self.qe_identity_signature.to_vec(),
            pck_certificate_chain: None,
        })
    }

    fn from_fields(f: [&'a [u8]; 9]) -> Self {
        let [a, b, c, d, e, g, h, i, j] = f;
        IntelCollateral {
            pck_crl_issuer_chain: a,
            root_ca_crl: b,
            pck_crl: c,
            tcb_info_issuer_chain: d,
            tcb_info: e,
            tcb_info_signature: g,
            qe_identity_issuer_chain: h,
            qe_identity: i,
            qe_identity_signature: j,
        }
    }
}

/// A CPU TEE part: an Intel quote or an AMD report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cpu<'a> {
    /// An Intel DCAP quote (TDX when `tdx`, else SGX).
    Intel {
        /// TDX (kind 2) or SGX (kind 3).
        tdx: bool,
        /// The quote.
        quote: &'a [u8],
        /// Inline collateral, or `None` for the stored one.
        collateral: Option<IntelCollateral<'a>>,
    },
    /// An AMD SEV-SNP report.
    SevSnp {
        /// The 1,184-byte report.
        report: &'a [u8],
        /// VCEK/VLEK, then ASK/ASVK, then ARK, as given (possibly none).
        certs: Vec<&'a [u8], MAX_SEV_CERTS>,
    },
}

impl Cpu<'_> {
    /// The envelope kind of this part.
    pub fn kind(&self) -> u8 {
        match self {
            Cpu::Intel { tdx: true, .. } => KIND_TDX,
            Cpu::Intel { tdx: false, .. } => KIND_SGX,
            Cpu::SevSnp { .. } => KIND_SEV_SNP,
        }
    }
}

/// A decoded envelope, borrowing the input.
// Decoded once per call, on the stack, without an allocator: a composite's fixed-capacity GPU
// list (about 1.3 KiB) is the price of no_std without alloc.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Envelope<'a> {
    /// Kind 1: one NVIDIA device.
    Gpu(gpu::Quote<'a>),
    /// Kinds 2–4: one CPU TEE.
    Cpu(Cpu<'a>),
    /// Kind 5: a CPU TEE and the GPUs of its VM.
    Composite {
        /// The CPU part.
        cpu: Cpu<'a>,
        /// The GPUs, in hashing order.
        gpus: Vec<gpu::Quote<'a>, MAX_GPUS>,
    },
}

impl Envelope<'_> {
    /// The envelope kind.
    pub fn kind(&self) -> u8 {
        match self {
            Envelope::Gpu(_) => KIND_NVIDIA_SPDM,
            Envelope::Cpu(c) => c.kind(),
            Envelope::Composite { .. } => KIND_COMPOSITE,
        }
    }
}

struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], Error> {
        if n > self.rest.len() {
            return Err(Error::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, Error> {
        let b = self.take(1, field)?;
        Ok(b.first().copied().unwrap_or(0))
    }

    fn u16(&mut self, field: &'static str) -> Result<usize, Error> {
        let b = self.take(2, field)?;
        let mut a = [0u8; 2];
        a.copy_from_slice(b);
        Ok(usize::from(u16::from_be_bytes(a)))
    }

    fn u32(&mut self, field: &'static str) -> Result<usize, Error> {
        let b = self.take(4, field)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        usize::try_from(u32::from_be_bytes(a)).map_err(|_| Error::TooLong { field })
    }

    fn sized32(&mut self, max: usize, field: &'static str) -> Result<&'a [u8], Error> {
        let n = self.u32(field)?;
        if n > max {
            return Err(Error::TooLong { field });
        }
        self.take(n, field)
    }

    fn finish(&self) -> Result<(), Error> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Error::TrailingBytes)
        }
    }
}

/// Reads the common header, returning the kind and the body.
fn header(bytes: &[u8]) -> Result<(u8, Cursor<'_>), Error> {
    let mut r = Cursor { rest: bytes };
    if r.take(4, "magic").map_err(|_| EnvelopeError::BadMagic)? != MAGIC {
        return Err(EnvelopeError::BadMagic.into());
    }
    let version = r.u8("version")?;
    if version != VERSION {
        return Err(EnvelopeError::UnsupportedVersion(version).into());
    }
    let kind = r.u8("kind")?;
    Ok((kind, r))
}

fn cpu_body<'a>(kind: u8, r: &mut Cursor<'a>) -> Result<Cpu<'a>, Error> {
    match kind {
        KIND_TDX | KIND_SGX => {
            let quote = r.sized32(MAX_INTEL_FIELD, "quote")?;
            let collateral = match r.u8("collateral tag")? {
                COLLATERAL_STORED => None,
                COLLATERAL_INLINE => {
                    let mut fields: [&[u8]; 9] = [&[]; 9];
                    for f in &mut fields {
                        *f = r.sized32(MAX_INTEL_FIELD, "collateral field")?;
                    }
                    Some(IntelCollateral::from_fields(fields))
                }
                other => return Err(Error::BadCollateralTag(other)),
            };
            Ok(Cpu::Intel {
                tdx: kind == KIND_TDX,
                quote,
                collateral,
            })
        }
        KIND_SEV_SNP => {
            let report = r.take(SEV_REPORT_LEN, "report")?;
            let count = r.u8("certificate count")?;
            if usize::from(count) > MAX_SEV_CERTS {
                return Err(Error::BadCertificate);
            }
            let mut certs = Vec::new();
            for _ in 0..count {
                let n = r.u16("certificate length")?;
                if n == 0 || n > MAX_SEV_CERT {
                    return Err(Error::BadCertificate);
                }
                certs
                    .push(r.take(n, "certificate")?)
                    .map_err(|_| Error::BadCertificate)?;
            }
            Ok(Cpu::SevSnp { report, certs })
        }
        other => Err(EnvelopeError::UnsupportedKind(other).into()),
    }
}

/// Decodes Intel collateral on its own: the nine length-prefixed fields of an inline
/// collateral (what `submitIntelCollateral` takes), nothing after them.
///
/// # Errors
/// [`Error::Truncated`], [`Error::TooLong`] or [`Error::TrailingBytes`].
pub fn decode_collateral(bytes: &[u8]) -> Result<IntelCollateral<'_>, Error> {
    let mut r = Cursor { rest: bytes };
    let mut fields: [&[u8]; 9] = [&[]; 9];
    for f in &mut fields {
        *f = r.sized32(MAX_INTEL_FIELD, "collateral field")?;
    }
    r.finish()?;
    Ok(IntelCollateral::from_fields(fields))
}

/// Decodes an envelope of any kind, strictly: every length bounded and checked, nothing after
/// the end. Kind 1 is decoded by aimine-nvtrust, unchanged.
///
/// # Errors
/// An [`Error`] naming the first problem. Evidence, quotes, reports and certificates are only
/// sliced here; the verifiers parse them.
pub fn decode(bytes: &[u8]) -> Result<Envelope<'_>, Error> {
    let (kind, mut r) = header(bytes)?;
    match kind {
        KIND_NVIDIA_SPDM => Ok(Envelope::Gpu(gpu::decode(bytes)?)),
        KIND_TDX | KIND_SGX | KIND_SEV_SNP => {
            let cpu = cpu_body(kind, &mut r)?;
            r.finish()?;
            Ok(Envelope::Cpu(cpu))
        }
        KIND_COMPOSITE => {
            let count = r.u8("part count")?;
            if count < 2 || usize::from(count) > MAX_GPUS.saturating_add(1) {
                return Err(Error::BadPartCount(count));
            }
            let first = r.sized32(MAX_INTEL_FIELD.saturating_mul(12), "part")?;
            let (cpu_kind, mut c) = header(first)?;
            if !matches!(cpu_kind, KIND_TDX | KIND_SGX | KIND_SEV_SNP) {
                return Err(Error::BadPartKind(cpu_kind));
            }
            let cpu = cpu_body(cpu_kind, &mut c)?;
            c.finish()?;
            let mut gpus = Vec::new();
            for _ in 1..count {
                let part = r.sized32(64 * 1024, "part")?;
                let (gpu_kind, _) = header(part)?;
                if gpu_kind != KIND_NVIDIA_SPDM {
                    return Err(Error::BadPartKind(gpu_kind));
                }
                gpus.push(gpu::decode(part)?)
                    .map_err(|_| Error::BadPartCount(count))?;
            }
            r.finish()?;
            Ok(Envelope::Composite { cpu, gpus })
        }
        other => Err(EnvelopeError::UnsupportedKind(other).into()),
    }
}

#[cfg(feature = "alloc")]
mod encode;
#[cfg(feature = "alloc")]
pub use encode::{encode_collateral, encode_composite, encode_intel, encode_sev_snp};
