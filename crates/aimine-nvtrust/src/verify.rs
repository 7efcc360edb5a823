//! Evidence verification: the whole NVIDIA attestation check, from bytes to a [`VerifiedGpu`].

use core::fmt;

use sha2::{Digest, Sha256};

use crate::cache::{LinkStore, NoCache};
use crate::evidence::NONCE_LEN;
use crate::opaque::{FeatureFlag, VbiosVersion};
use crate::trust_anchor::NVIDIA_DEVICE_IDENTITY_CA;
use crate::verify_cert::{parse_chain, verify_parsed};
use crate::{Certificate, Error, Evidence, TrustAnchor, UnixTime, signed_data};

/// The highest opaque-data layout version this verifier understands.
pub const MAX_OPAQUE_DATA_VERSION: u16 = 1;

/// The NVIDIA device family, read from the device certificates' names.
///
/// Deliberately not `#[non_exhaustive]`: the registry assigns each family its trust tier with
/// an exhaustive `match`, so a new family must be given a tier before it compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Architecture {
    /// Hopper GPUs (GH100: H100, H200, GH200).
    Hopper,
    /// Blackwell GPUs: data-centre GB100/GB102 (B100, B200, GB200) and workstation GB2xx (RTX
    /// PRO 6000 Blackwell); [`VerifiedGpu::chip`] tells them apart.
    Blackwell,
    /// NVSwitch LS10 (the Hopper-generation NVLink switch).
    Ls10,
}

impl Architecture {
    /// The name NVIDIA's attestation SDK uses: `HOPPER`, `BLACKWELL`, `LS10`.
    pub const fn name(self) -> &'static str {
        match self {
            Architecture::Hopper => "HOPPER",
            Architecture::Blackwell => "BLACKWELL",
            Architecture::Ls10 => "LS10",
        }
    }

    /// The family of a device certificate's common name ("GH100 A01 GSP BROM", "LS_10 A01 FSP
    /// BROM", …), if it is one this verifier knows.
    pub fn from_common_name(cn: &str) -> Option<Architecture> {
        if cn.starts_with("GH1") {
            Some(Architecture::Hopper)
        } else if cn.starts_with("GB1") || cn.starts_with("GB2") {
            Some(Architecture::Blackwell)
        } else if cn.starts_with("LS_10") {
            Some(Architecture::Ls10)
        } else {
            None
        }
    }

    /// The family of an SDK name (`HOPPER`, `BLACKWELL`, `LS10`), case-insensitive.
    pub fn from_name(name: &str) -> Option<Architecture> {
        [
            Architecture::Hopper,
            Architecture::Blackwell,
            Architecture::Ls10,
        ]
        .into_iter()
        .find(|a| a.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Evidence that passed every check, with what it proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedGpu<'a> {
    architecture: Architecture,
    chip: [u8; 5],
    gpu_id: [u8; 32],
    pdi: [u8; 8],
    evidence: Evidence<'a>,
}

impl<'a> VerifiedGpu<'a> {
    /// The die, as its device certificate names it: the first five characters of the common
    /// name (`GH100`, `GB100`, `GB202`, `LS_10`). It tells data-centre parts from workstation
    /// parts of one family (GB100 B200 against GB202 RTX PRO 6000 Blackwell).
    pub fn chip(&self) -> &[u8; 5] {
        &self.chip
    }

    /// Whether this is a workstation Blackwell die (GB2xx) rather than a data-centre one.
    pub fn is_workstation_blackwell(&self) -> bool {
        self.architecture == Architecture::Blackwell && self.chip.starts_with(b"GB2")
    }

    /// The device family.
    pub fn architecture(&self) -> Architecture {
        self.architecture
    }

    /// The stable identity of the physical device: SHA-256 of the SubjectPublicKeyInfo of its
    /// device-identity certificate (`chain[1]`, "… GSP BROM" / "… FSP BROM").
    ///
    /// That key is derived in the chip's boot ROM from fused secrets and certified by NVIDIA at
    /// manufacture, so it stays the same across driver and firmware updates and reboots, unlike
    /// the leaf ("FMC LF") key, which the firmware regenerates. Two quotes with the same `gpu_id`
    /// come from the same chip.
    pub fn gpu_id(&self) -> &[u8; 32] {
        &self.gpu_id
    }

    /// The device's 8-byte PDI (per-device identifier), from its device-identity certificate's
    /// serial number (a one-byte prefix, then the PDI).
    pub fn pdi(&self) -> &[u8; 8] {
        &self.pdi
    }

    /// The verified evidence, for every field it carries.
    pub fn evidence(&self) -> &Evidence<'a> {
        &self.evidence
    }

    /// The nonce the evidence answers.
    pub fn nonce(&self) -> &'a [u8; NONCE_LEN] {
        self.evidence.nonce()
    }

    /// The driver version (GPUs).
    pub fn driver_version(&self) -> Option<&'a str> {
        self.evidence.opaque().driver_version()
    }

    /// The VBIOS version.
    pub fn vbios_version(&self) -> Option<VbiosVersion<'a>> {
        self.evidence.opaque().vbios_version()
    }

    /// The confidential-computing mode (SPT, MPT, PPCIe), when the driver reports it.
    pub fn mode(&self) -> Option<FeatureFlag> {
        self.evidence.opaque().feature_flag()
    }
}

/// Verifies NVIDIA evidence against NVIDIA's Device Identity CA, with no link cache: the
/// one-call form for a verifier that holds raw bytes and no state.
///
/// `chain` is DER, leaf first (the device's own copy of the root may end it); `expected_nonce`
/// the challenge the verifier issued; `time` the block timestamp.
///
/// # Errors
/// The first failed check (see [`crate::GpuCheck`]), the evidence's format first.
pub fn verify_evidence<'a>(
    evidence: &'a [u8],
    chain: &[&[u8]],
    expected_nonce: &[u8; NONCE_LEN],
    time: UnixTime,
) -> Result<VerifiedGpu<'a>, Error> {
    verify_evidence_with(
        Evidence::parse(evidence)?,
        chain,
        expected_nonce,
        &[NVIDIA_DEVICE_IDENTITY_CA],
        time,
        &mut NoCache,
    )
}

/// Verifies evidence the caller has parsed ([`Evidence::parse`], to read its nonce or fields
/// first) against caller-chosen trust anchors (tests, or a future NVIDIA root), with a store of
/// verified chain links kept between calls (a [`crate::LinkCache`], chain storage, or
/// [`NoCache`]).
///
/// # Errors
/// The first failed check, in this order: format (certificates), nonce, chain and root,
/// architecture, signature, FWID, opaque-data version; [`Error::LinkStore`] when `cache` cannot
/// answer.
pub fn verify_evidence_with<'a>(
    parsed: Evidence<'a>,
    chain: &[&[u8]],
    expected_nonce: &[u8; NONCE_LEN],
    anchors: &[TrustAnchor<'_>],
    time: UnixTime,
    cache: &mut dyn LinkStore,
) -> Result<VerifiedGpu<'a>, Error> {
    let certs = parse_chain(chain)?;
    if parsed.nonce() != expected_nonce {
        return Err(Error::NonceMismatch);
    }
    verify_parsed(&certs, anchors, time, cache)?;
    let (leaf, device) = match certs.as_slice() {
        [leaf, device, ..] => (leaf, device),
        _ => return Err(Error::UnknownArchitecture),
    };
    let architecture = architecture(leaf, device)?;
    let chip = device
        .subject_common_name()
        .and_then(|cn| cn.as_bytes().first_chunk::<5>())
        .copied()
        .ok_or(Error::UnknownArchitecture)?;
    let key = signed_data::key(leaf.public_key()).ok_or(Error::BadEvidenceSignature)?;
    if !signed_data::verify_raw(&key, parsed.signed_bytes(), parsed.signature()) {
        return Err(Error::BadEvidenceSignature);
    }
    if let Some(reported) = parsed.opaque().fwid() {
        match leaf.fwid() {
            Some(certified) if certified == reported => {}
            Some(_) => return Err(Error::FwidMismatch),
            None => return Err(Error::FwidMissingInCertificate),
        }
    }
    let version = parsed.opaque().opaque_data_version();
    if version > MAX_OPAQUE_DATA_VERSION {
        return Err(Error::UnsupportedOpaqueVersion(version));
    }
    Ok(VerifiedGpu {
        architecture,
        chip,
        gpu_id: Sha256::digest(device.spki()).into(),
        pdi: pdi(device)?,
        evidence: parsed,
    })
}

/// Leaf and device certificate must name the same known family.
fn architecture(leaf: &Certificate<'_>, device: &Certificate<'_>) -> Result<Architecture, Error> {
    let of = |c: &Certificate<'_>| {
        c.subject_common_name()
            .and_then(Architecture::from_common_name)
    };
    match (of(leaf), of(device)) {
        (Some(a), Some(b)) if a == b => Ok(a),
        _ => Err(Error::UnknownArchitecture),
    }
}

/// The PDI: the last 8 bytes of the device certificate's 9-byte serial number.
fn pdi(device: &Certificate<'_>) -> Result<[u8; 8], Error> {
    match device.serial() {
        [_, rest @ ..] => rest.try_into().map_err(|_| Error::UnknownArchitecture),
        [] => Err(Error::UnknownArchitecture),
    }
}
