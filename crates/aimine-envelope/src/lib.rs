//! # aimine-envelope
//!
//! The `bytes teeQuote` contracts hand the aimine precompiles, for every kind of evidence: the
//! versioned `AIMQ` envelope. This crate owns the whole format — the header, every kind's body,
//! the one byte reader, the encoders — and is the one decoder the registry, the CLI and the
//! tests use; the verifiers (aimine-nvtrust for GPUs, aimine-tee for CPU TEEs) take the slices it
//! yields. Which certificate a GPU part's known-certificate number names is aimine-nvtrust's.
//!
//! ```text
//! magic    4   "AIMQ"
//! version  1   1
//! kind     1   aimine_tiers::Kind: 1 NVIDIA GPU · 2 Intel TDX · 3 Intel SGX · 4 AMD SEV-SNP
//!              · 5 composite
//! body         per kind:
//!   1        evidence and certificate chain ([`gpu`])
//!   2, 3, 4  a CPU TEE's quote or report ([`cpu`])
//!   5        part count u8 (2..=9) · each u32 length · a whole envelope: the first of kind 2, 3
//!            or 4 (the CPU), the others of kind 1 (the GPUs in that VM, in the order their ids
//!            are hashed into the CPU's report data)
//! ```
//!
//! Integers are big-endian, as Solidity tooling writes them. Nothing may follow the last field.
//! See `docs/quote-format.md` for the same in prose, with examples.
//!
//! ```
//! use aimine_envelope::{Error, decode};
//! assert_eq!(decode(b"AIMQ\x01\x07"), Err(Error::UnsupportedKind(7)));
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod cpu;
#[cfg(feature = "alloc")]
mod encode;
mod error;
mod gpu;
mod reader;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use aimine_tiers::Kind;
pub use cpu::{
    COLLATERAL_INLINE, COLLATERAL_STORED, Cpu, IntelCollateral, MAX_INTEL_FIELD, MAX_SEV_CERT,
    MAX_SEV_CERTS, SEV_REPORT_LEN, decode_collateral,
};
#[cfg(feature = "alloc")]
pub use encode::{encode_collateral, encode_composite, encode_gpu, encode_intel, encode_sev_snp};
pub use error::Error;
pub use gpu::{CERT_INLINE, CERT_KNOWN, GpuQuote, encode_gpu_into, encoded_gpu_len};

use heapless::Vec;
use reader::Reader;

/// The first four bytes of every envelope.
pub const MAGIC: [u8; 4] = *b"AIMQ";
/// The envelope version this crate reads and writes.
pub const VERSION: u8 = 1;
/// The most GPUs in a composite quote.
pub const MAX_GPUS: usize = 8;
/// The longest CPU part of a composite quote (a quote and nine collateral fields, with room).
pub const MAX_CPU_PART: usize = cpu::MAX_INTEL_FIELD * 12;
/// The longest GPU part of a composite quote.
pub const MAX_GPU_PART: usize = 64 * 1024;

/// A decoded envelope, borrowing the input.
// Decoded once per call, on the stack, without an allocator: a composite's fixed-capacity GPU
// list (about 1.3 KiB) is the price of no_std without alloc.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Envelope<'a> {
    /// Kind 1: one NVIDIA device.
    Gpu(GpuQuote<'a>),
    /// Kinds 2–4: one CPU TEE.
    Cpu(Cpu<'a>),
    /// Kind 5: a CPU TEE and the GPUs of its VM.
    Composite {
        /// The CPU part.
        cpu: Cpu<'a>,
        /// The GPUs, in hashing order.
        gpus: Vec<GpuQuote<'a>, MAX_GPUS>,
    },
}

impl Envelope<'_> {
    /// The envelope kind.
    pub fn kind(&self) -> Kind {
        match self {
            Envelope::Gpu(_) => Kind::Gpu,
            Envelope::Cpu(c) => c.kind(),
            Envelope::Composite { .. } => Kind::Composite,
        }
    }
}

/// The header every envelope starts with: the kind, and a reader over the body.
fn header(bytes: &[u8]) -> Result<(Kind, Reader<'_>), Error> {
    let mut r = Reader::new(bytes);
    if r.take(MAGIC.len(), "magic").map_err(|_| Error::BadMagic)? != MAGIC {
        return Err(Error::BadMagic);
    }
    let version = r.u8("version")?;
    if version != VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let byte = r.u8("kind")?;
    match Kind::from_u8(byte) {
        Some(kind) if kind != Kind::Stake => Ok((kind, r)),
        _ => Err(Error::UnsupportedKind(byte)),
    }
}

/// Decodes an envelope of any kind, strictly: every length bounded and checked, nothing after
/// the end.
///
/// # Errors
/// An [`Error`] naming the first problem. Evidence, quotes, reports and certificates are only
/// sliced here; the verifiers parse them.
pub fn decode(bytes: &[u8]) -> Result<Envelope<'_>, Error> {
    let (kind, mut r) = header(bytes)?;
    let envelope = match kind {
        Kind::Gpu => Envelope::Gpu(gpu::body(&mut r)?),
        Kind::Tdx | Kind::Sgx | Kind::SevSnp => Envelope::Cpu(cpu::body(kind, &mut r)?),
        Kind::Composite => composite(&mut r)?,
        Kind::Stake => return Err(Error::UnsupportedKind(kind.as_u8())),
    };
    r.finish()?;
    Ok(envelope)
}

/// Decodes a GPU envelope (kind 1) only: what aimine-nvtrust's evidence comes in.
///
/// # Errors
/// As [`decode`], and [`Error::WrongKind`] for an envelope of another kind (refused from its
/// header, before its body is read).
pub fn decode_gpu(bytes: &[u8]) -> Result<GpuQuote<'_>, Error> {
    let (kind, mut r) = header(bytes)?;
    if kind != Kind::Gpu {
        return Err(Error::WrongKind {
            expected: Kind::Gpu,
            found: kind,
        });
    }
    let quote = gpu::body(&mut r)?;
    r.finish()?;
    Ok(quote)
}

/// A composite body: the CPU part, then the GPU parts, each a whole envelope of its own.
fn composite<'a>(r: &mut Reader<'a>) -> Result<Envelope<'a>, Error> {
    let count = r.u8("part count")?;
    if count < 2 || usize::from(count) > MAX_GPUS.saturating_add(1) {
        return Err(Error::BadPartCount(count));
    }
    let (cpu_kind, mut c) = header(r.sized32(MAX_CPU_PART, "part")?)?;
    if !cpu_kind.is_cpu() {
        return Err(Error::BadPartKind(cpu_kind));
    }
    let cpu = cpu::body(cpu_kind, &mut c)?;
    c.finish()?;
    let mut gpus = Vec::new();
    for _ in 1..count {
        let (gpu_kind, mut g) = header(r.sized32(MAX_GPU_PART, "part")?)?;
        if gpu_kind != Kind::Gpu {
            return Err(Error::BadPartKind(gpu_kind));
        }
        let quote = gpu::body(&mut g)?;
        g.finish()?;
        gpus.push(quote).map_err(|_| Error::BadPartCount(count))?;
    }
    Ok(Envelope::Composite { cpu, gpus })
}
