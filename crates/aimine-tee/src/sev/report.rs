//! The SEV-SNP ATTESTATION_REPORT structure (AMD SEV-SNP firmware ABI, "Attestation Report"),
//! read in place: every field is a fixed offset into the 1,184 bytes the firmware signs.

use crate::error::Error;

/// The length of an attestation report, in bytes.
pub const REPORT_LEN: usize = 0x4A0;
/// The end of the signed region: the signature covers bytes `0x000..0x2A0`.
pub const SIGNED_LEN: usize = 0x2A0;
/// The oldest report version accepted (version 2 is the first with a stable layout).
const MIN_VERSION: u32 = 2;
/// The newest report version whose layout this reader knows.
const MAX_VERSION: u32 = 5;
/// SIGNATURE_ALGO value for ECDSA P-384 with SHA-384, the only one defined.
const ECDSA_P384_SHA384: u32 = 1;
/// Guest policy bit: the guest may be debugged (its memory is readable by the host).
pub const POLICY_DEBUG: u64 = 1 << 19;

/// Which key signed the report (the KEY_INFO field's SIGNING_KEY bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningKey {
    /// The Versioned Chip Endorsement Key: unique per chip and TCB, chained to AMD's ASK.
    Vcek,
    /// The Versioned Loaded Endorsement Key: per cloud provider, chained to AMD's ASVK.
    Vlek,
}

/// A TCB_VERSION: the security patch levels of the firmware components. The byte layout depends
/// on the product (Turin adds FMC and moves the others), so the raw value is kept and decoded by
/// [`TcbVersion::parts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcbVersion(pub [u8; 8]);

/// The components of a TCB_VERSION, as the VCEK's extensions name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TcbParts {
    /// FMC (Turin and later only).
    pub fmc: Option<u8>,
    /// The PSP bootloader.
    pub bootloader: u8,
    /// The PSP OS (TEE).
    pub tee: u8,
    /// The SNP firmware.
    pub snp: u8,
    /// The CPU microcode.
    pub microcode: u8,
}

impl TcbVersion {
    /// The components, laid out as `turin_layout` says (Milan and Genoa: bootloader, TEE,
    /// 4 reserved, SNP, microcode; Turin: FMC, bootloader, TEE, SNP, 3 reserved, microcode).
    pub fn parts(self, turin_layout: bool) -> TcbParts {
        let [b0, b1, b2, b3, _, _, b6, b7] = self.0;
        if turin_layout {
            TcbParts {
                fmc: Some(b0),
                bootloader: b1,
                tee: b2,
                snp: b3,
                microcode: b7,
            }
        } else {
            TcbParts {
                fmc: None,
                bootloader: b0,
                tee: b1,
                snp: b6,
                microcode: b7,
            }
        }
    }
}

/// An attestation report, borrowed. Construct with [`Report::parse`]; every accessor is then an
/// infallible read at a fixed offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report<'a> {
    bytes: &'a [u8; REPORT_LEN],
}

impl<'a> Report<'a> {
    /// Checks the length, version, signature algorithm and signing-key field; reads nothing else.
    ///
    /// # Errors
    /// [`Error::ReportLength`], [`Error::ReportVersion`], [`Error::ReportAlgorithm`] or
    /// [`Error::ReportSigningKey`].
    pub fn parse(bytes: &'a [u8]) -> Result<Report<'a>, Error> {
        let bytes: &[u8; REPORT_LEN] = bytes
            .try_into()
            .map_err(|_| Error::ReportLength { len: bytes.len() })?;
        let report = Report { bytes };
        let version = report.version();
        if !(MIN_VERSION..=MAX_VERSION).contains(&version) {
            return Err(Error::ReportVersion { version });
        }
        if report.signature_algo() != ECDSA_P384_SHA384 {
            return Err(Error::ReportAlgorithm {
                algo: report.signature_algo(),
            });
        }
        report.signing_key()?;
        Ok(report)
    }

    fn array<const N: usize>(&self, at: usize) -> [u8; N] {
        let mut out = [0u8; N];
        if let Some(src) = self.bytes.get(at..at.saturating_add(N)) {
            out.copy_from_slice(src);
        }
        out
    }

    fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.array(at))
    }

    fn u64_at(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.array(at))
    }

    /// All 1,184 bytes.
    pub fn bytes(&self) -> &'a [u8; REPORT_LEN] {
        self.bytes
    }

    /// The bytes the signature covers (0x000–0x29F).
    pub fn signed_bytes(&self) -> &'a [u8] {
        let (signed, _) = self.bytes.split_at(SIGNED_LEN);
        signed
    }

    /// VERSION (0x00).
    pub fn version(&self) -> u32 {
        self.u32_at(0x00)
    }
    /// GUEST_SVN (0x04): the guest's security version, set by its owner.
    pub fn guest_svn(&self) -> u32 {
        self.u32_at(0x04)
    }
    /// POLICY (0x08): the guest policy the hypervisor launched it with.
    pub fn policy(&self) -> u64 {
        self.u64_at(0x08)
    }
    /// Whether the guest policy allows debugging.
    pub fn debug_allowed(&self) -> bool {
        self.policy() & POLICY_DEBUG != 0
    }
    /// FAMILY_ID (0x10), from the guest's ID block.
    pub fn family_id(&self) -> [u8; 16] {
        self.array(0x10)
    }
    /// IMAGE_ID (0x20), from the guest's ID block.
    pub fn image_id(&self) -> [u8; 16] {
        self.array(0x20)
    }
    /// VMPL (0x30): the privilege level that asked for the report (0 is the most privileged).
    pub fn vmpl(&self) -> u32 {
        self.u32_at(0x30)
    }
    /// SIGNATURE_ALGO (0x34).
    pub fn signature_algo(&self) -> u32 {
        self.u32_at(0x34)
    }
    /// CURRENT_TCB (0x38).
    pub fn current_tcb(&self) -> TcbVersion {
        TcbVersion(self.array(0x38))
    }
    /// PLATFORM_INFO (0x40): SMT, TSME and similar platform flags.
    pub fn platform_info(&self) -> u64 {
        self.u64_at(0x40)
    }
    /// KEY_INFO (0x48): author-key, mask-chip-key and signing-key bits.
    pub fn key_info(&self) -> u32 {
        self.u32_at(0x48)
    }
    /// Which key signed the report.
    ///
    /// # Errors
    /// [`Error::ReportSigningKey`] when the field names no key (7) or a reserved value.
    pub fn signing_key(&self) -> Result<SigningKey, Error> {
        match (self.key_info() >> 2) & 0b111 {
            0 => Ok(SigningKey::Vcek),
            1 => Ok(SigningKey::Vlek),
            other => Err(Error::ReportSigningKey { value: other }),
        }
    }
    /// Whether MASK_CHIP_KEY is set (then the chip id is all zeros).
    pub fn chip_key_masked(&self) -> bool {
        self.key_info() & 0b10 != 0
    }
    /// REPORT_DATA (0x50): the 64 bytes the guest chose; aimine binds sessions through them.
    pub fn report_data(&self) -> [u8; 64] {
        self.array(0x50)
    }
    /// MEASUREMENT (0x90): the launch digest of the guest's initial memory and state.
    pub fn measurement(&self) -> [u8; 48] {
        self.array(0x90)
    }
    /// HOST_DATA (0xC0): data the hypervisor supplied at launch.
    pub fn host_data(&self) -> [u8; 32] {
        self.array(0xC0)
    }
    /// ID_KEY_DIGEST (0xE0).
    pub fn id_key_digest(&self) -> [u8; 48] {
        self.array(0xE0)
    }
    /// AUTHOR_KEY_DIGEST (0x110).
    pub fn author_key_digest(&self) -> [u8; 48] {
        self.array(0x110)
    }
    /// REPORT_ID (0x140).
    pub fn report_id(&self) -> [u8; 32] {
        self.array(0x140)
    }
    /// REPORTED_TCB (0x180): the TCB the VCEK that signs this report was derived for.
    pub fn reported_tcb(&self) -> TcbVersion {
        TcbVersion(self.array(0x180))
    }
    /// CPUID family, model and stepping (0x188–0x18A), present from version 3; `None` before.
    pub fn cpuid(&self) -> Option<(u8, u8, u8)> {
        let [family, model, stepping] = self.array(0x188);
        (self.version() >= 3).then_some((family, model, stepping))
    }
    /// CHIP_ID (0x1A0): the chip's unique identifier (Turin uses the first 8 bytes).
    pub fn chip_id(&self) -> [u8; 64] {
        self.array(0x1A0)
    }
    /// COMMITTED_TCB (0x1E0).
    pub fn committed_tcb(&self) -> TcbVersion {
        TcbVersion(self.array(0x1E0))
    }
    /// CURRENT build, minor and major firmware version (0x1E8–0x1EA).
    pub fn current_firmware(&self) -> (u8, u8, u8) {
        let [build, minor, major] = self.array(0x1E8);
        (major, minor, build)
    }
    /// LAUNCH_TCB (0x1F0).
    pub fn launch_tcb(&self) -> TcbVersion {
        TcbVersion(self.array(0x1F0))
    }
    /// The signature's r, as a big-endian P-384 scalar (stored little-endian, zero-padded to 72).
    /// `None` when the padding is not zero.
    pub fn signature_r(&self) -> Option<[u8; 48]> {
        scalar_from_le(&self.array::<72>(0x2A0))
    }
    /// The signature's s (at 0x2E8), like [`Report::signature_r`].
    pub fn signature_s(&self) -> Option<[u8; 48]> {
        scalar_from_le(&self.array::<72>(0x2E8))
    }
}

/// A 72-byte little-endian field holding a 48-byte scalar: the top 24 bytes must be zero.
fn scalar_from_le(field: &[u8; 72]) -> Option<[u8; 48]> {
    let (value, padding) = field.split_at(48);
    if padding.iter().any(|&b| b != 0) {
        return None;
    }
    let mut out = [0u8; 48];
    for (dst, src) in out.iter_mut().zip(value.iter().rev()) {
        *dst = *src;
    }
    Some(out)
}
