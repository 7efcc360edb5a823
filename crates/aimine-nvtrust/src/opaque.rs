//! NVIDIA's opaque data: `u16 type | u16 length | value` fields after the measurement record.
//!
//! Policy for unknown field types: **reported, not rejected**. NVIDIA adds field types with new
//! drivers (33–36 appeared in 2024–2025), and the fields are covered by the evidence signature, so
//! an unknown field cannot be forged; rejecting it would only break honest miners on a new driver.
//! Unknown fields are kept and can be listed with [`OpaqueData::fields`] ([`OpaqueType::from_u16`]
//! returns `None` for them). Known fields are strict: a duplicate of any field type below 256, or a
//! known field with a length or content its type does not allow, is a [`FormatError`].

use core::fmt;

use crate::FormatError;
use crate::reader::Reader;

/// The opaque field types NVIDIA defines (numbering of NVIDIA's verifiers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
#[allow(missing_docs)] // The names are NVIDIA's; `name()` gives their spelling.
pub enum OpaqueType {
    CertIssuerName = 1,
    CertAuthorityKeyIdentifier = 2,
    /// Driver version, NUL-terminated ASCII ("550.90.07").
    DriverVersion = 3,
    GpuInfo = 4,
    Sku = 5,
    /// VBIOS version: 8 bytes on GPUs (see [`VbiosVersion`]), ASCII on NVSwitches.
    VbiosVersion = 6,
    ManufacturerId = 7,
    TamperDetection = 8,
    Smc = 9,
    Vpr = 10,
    /// NVDEC0 status: 0xAA enabled, 0x55 disabled.
    Nvdec0Status = 11,
    /// Measurement counts, u32 each.
    Msrscnt = 12,
    Cprinfo = 13,
    BoardId = 14,
    ChipSku = 15,
    ChipSkuMod = 16,
    Project = 17,
    ProjectSku = 18,
    ProjectSkuMod = 19,
    /// Firmware ID, 48 bytes (bound to the leaf certificate).
    Fwid = 20,
    ProtectedPcieStatus = 21,
    /// PDIs, 8 bytes each: a GPU lists its NVSwitches', an NVSwitch gives its own.
    SwitchPdi = 22,
    /// Floorswept (disabled) ports, a bit mask.
    FloorsweptPorts = 23,
    PositionId = 24,
    LockSwitchStatus = 25,
    /// An NVSwitch's GPU PDIs (8 × 8 bytes) followed by its port map (1 byte a port).
    SwitchGpuPdis = 26,
    GpuLinkConn = 32,
    SysEnableStatus = 33,
    /// Opaque-data layout version (u16); this verifier understands 0 and 1.
    OpaqueDataVersion = 34,
    /// Chip name, ASCII ("GB100").
    ChipInfo = 35,
    /// Confidential-computing mode: 0 SPT, 1 MPT, 2 PPCIe (u16).
    FeatureFlag = 36,
}

impl OpaqueType {
    /// Every known type, by number.
    pub const ALL: [OpaqueType; 31] = [
        OpaqueType::CertIssuerName,
        OpaqueType::CertAuthorityKeyIdentifier,
        OpaqueType::DriverVersion,
        OpaqueType::GpuInfo,
        OpaqueType::Sku,
        OpaqueType::VbiosVersion,
        OpaqueType::ManufacturerId,
        OpaqueType::TamperDetection,
        OpaqueType::Smc,
        OpaqueType::Vpr,
        OpaqueType::Nvdec0Status,
        OpaqueType::Msrscnt,
        OpaqueType::Cprinfo,
        OpaqueType::BoardId,
        OpaqueType::ChipSku,
        OpaqueType::ChipSkuMod,
        OpaqueType::Project,
        OpaqueType::ProjectSku,
        OpaqueType::ProjectSkuMod,
        OpaqueType::Fwid,
        OpaqueType::ProtectedPcieStatus,
        OpaqueType::SwitchPdi,
        OpaqueType::FloorsweptPorts,
        OpaqueType::PositionId,
        OpaqueType::LockSwitchStatus,
        OpaqueType::SwitchGpuPdis,
        OpaqueType::GpuLinkConn,
        OpaqueType::SysEnableStatus,
        OpaqueType::OpaqueDataVersion,
        OpaqueType::ChipInfo,
        OpaqueType::FeatureFlag,
    ];

    /// The known type with this number, or `None` for an unknown one.
    pub fn from_u16(value: u16) -> Option<OpaqueType> {
        OpaqueType::ALL.into_iter().find(|t| *t as u16 == value)
    }

    /// NVIDIA's name for the field on a GPU (`OPAQUE_FIELD_ID_` + this).
    pub const fn name(self) -> &'static str {
        match self {
            OpaqueType::CertIssuerName => "CERT_ISSUER_NAME",
            OpaqueType::CertAuthorityKeyIdentifier => "CERT_AUTHORITY_KEY_IDENTIFIER",
            OpaqueType::DriverVersion => "DRIVER_VERSION",
            OpaqueType::GpuInfo => "GPU_INFO",
            OpaqueType::Sku => "SKU",
            OpaqueType::VbiosVersion => "VBIOS_VERSION",
            OpaqueType::ManufacturerId => "MANUFACTURER_ID",
            OpaqueType::TamperDetection => "TAMPER_DETECTION",
            OpaqueType::Smc => "SMC",
            OpaqueType::Vpr => "VPR",
            OpaqueType::Nvdec0Status => "NVDEC0_STATUS",
            OpaqueType::Msrscnt => "MSRSCNT",
            OpaqueType::Cprinfo => "CPRINFO",
            OpaqueType::BoardId => "BOARD_ID",
            OpaqueType::ChipSku => "CHIP_SKU",
            OpaqueType::ChipSkuMod => "CHIP_SKU_MOD",
            OpaqueType::Project => "PROJECT",
            OpaqueType::ProjectSku => "PROJECT_SKU",
            OpaqueType::ProjectSkuMod => "PROJECT_SKU_MOD",
            OpaqueType::Fwid => "FWID",
            OpaqueType::ProtectedPcieStatus => "PROTECTED_PCIE_STATUS",
            OpaqueType::SwitchPdi => "SWITCH_PDI",
            OpaqueType::FloorsweptPorts => "FLOORSWEPT_PORTS",
            OpaqueType::PositionId => "POSITION_ID",
            OpaqueType::LockSwitchStatus => "LOCK_SWITCH_STATUS",
            OpaqueType::SwitchGpuPdis => "SWITCH_GPU_PDIS",
            OpaqueType::GpuLinkConn => "GPU_LINK_CONN",
            OpaqueType::SysEnableStatus => "SYS_ENABLE_STATUS",
            OpaqueType::OpaqueDataVersion => "OPAQUE_DATA_VERSION",
            OpaqueType::ChipInfo => "CHIP_INFO",
            OpaqueType::FeatureFlag => "FEATURE_FLAG",
        }
    }

    /// NVIDIA's name for the field on an NVSwitch, where some numbers mean something else.
    pub const fn switch_name(self) -> &'static str {
        match self {
            OpaqueType::SwitchPdi => "DEVICE_PDI",
            OpaqueType::FloorsweptPorts => "DISABLED_PORTS",
            OpaqueType::PositionId => "SWITCH_POSITION_ID",
            OpaqueType::LockSwitchStatus => "SWITCH_LOCK_STATUS",
            other => other.name(),
        }
    }

    /// Whether the field holds text (NUL-padded ASCII).
    const fn is_text(self) -> bool {
        matches!(
            self,
            OpaqueType::DriverVersion
                | OpaqueType::ChipSku
                | OpaqueType::ChipSkuMod
                | OpaqueType::Project
                | OpaqueType::ProjectSku
                | OpaqueType::ProjectSkuMod
                | OpaqueType::ChipInfo
        )
    }

    /// Checks a known field's length and content.
    fn validate(self, value: &[u8]) -> Result<(), FormatError> {
        let len = value.len();
        let ok = match self {
            OpaqueType::Fwid => len == 48,
            OpaqueType::Nvdec0Status | OpaqueType::ProtectedPcieStatus => len == 1,
            OpaqueType::OpaqueDataVersion | OpaqueType::FeatureFlag => len == 2,
            OpaqueType::Msrscnt => len.is_multiple_of(4),
            OpaqueType::SwitchPdi => len.is_multiple_of(8),
            OpaqueType::SwitchGpuPdis => len >= SWITCH_GPU_PDI_COUNT * 8,
            OpaqueType::VbiosVersion => len == 8 || text(value).is_some(),
            t if t.is_text() => {
                if text(value).is_none() {
                    return Err(FormatError::OpaqueFieldText(self as u16));
                }
                true
            }
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            Err(FormatError::OpaqueFieldLength {
                field_type: self as u16,
                len: u16::try_from(len).unwrap_or(u16::MAX),
            })
        }
    }
}

/// How many GPU PDIs an NVSwitch's [`OpaqueType::SwitchGpuPdis`] field starts with.
pub(crate) const SWITCH_GPU_PDI_COUNT: usize = 8;

/// One opaque field, as found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpaqueField<'a> {
    /// The type number (possibly unknown).
    pub field_type: u16,
    /// The value bytes.
    pub value: &'a [u8],
}

/// The validated opaque data of some evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpaqueData<'a> {
    bytes: &'a [u8],
}

/// NVDEC0 engine status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nvdec0Status {
    /// 0xAA.
    Enabled,
    /// 0x55: RIM index 35 is then not measured.
    Disabled,
    /// Any other byte.
    Other(u8),
}

/// The confidential-computing mode of a GPU (opaque field 36).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureFlag {
    /// 0: single-GPU passthrough.
    Spt,
    /// 1: multi-GPU passthrough.
    Mpt,
    /// 2: protected PCIe.
    Ppcie,
    /// Anything else.
    Other(u16),
}

impl FeatureFlag {
    /// `SPT`, `MPT`, `PPCIe`, or `unknown`.
    pub const fn name(self) -> &'static str {
        match self {
            FeatureFlag::Spt => "SPT",
            FeatureFlag::Mpt => "MPT",
            FeatureFlag::Ppcie => "PPCIe",
            FeatureFlag::Other(_) => "unknown",
        }
    }
}

/// A VBIOS version as NVIDIA formats it: `96.00.9F.00.01`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VbiosVersion<'a> {
    /// A GPU's 8-byte field; the text is bytes 3, 2, 1, 0 and 4 in upper-case hex.
    Binary([u8; 5]),
    /// An NVSwitch's ASCII text, used as is.
    Text(&'a str),
}

/// Length of the text of a binary VBIOS version: `XX.XX.XX.XX.XX`.
pub const VBIOS_TEXT_LEN: usize = 14;

impl VbiosVersion<'_> {
    /// The version as NVIDIA writes it, without allocating: a binary version is written into
    /// `buf`, a text version is returned as is.
    pub fn text<'s>(&'s self, buf: &'s mut [u8; VBIOS_TEXT_LEN]) -> &'s str {
        match self {
            VbiosVersion::Text(t) => t,
            VbiosVersion::Binary(bytes) => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                buf.fill(b'.');
                for (chunk, byte) in buf.chunks_mut(3).zip(bytes) {
                    let hex = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'?');
                    if let [hi, lo, ..] = chunk {
                        *hi = hex(byte >> 4);
                        *lo = hex(byte & 0x0F);
                    }
                }
                core::str::from_utf8(buf).unwrap_or_default()
            }
        }
    }
}

impl fmt::Display for VbiosVersion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VbiosVersion::Binary(_) => {
                let mut buf = [0u8; VBIOS_TEXT_LEN];
                f.write_str(self.text(&mut buf))
            }
            VbiosVersion::Text(t) => f.write_str(t),
        }
    }
}

impl<'a> OpaqueData<'a> {
    /// Validates opaque data (see the module docs for the policy).
    ///
    /// # Errors
    /// A [`FormatError`] for a truncated field, a repeated field type, or a known field whose
    /// length or content is invalid.
    pub fn parse(bytes: &'a [u8]) -> Result<OpaqueData<'a>, FormatError> {
        let mut r = Reader::new(bytes);
        let mut seen = [0u64; 4];
        while !r.is_empty() {
            let field = read_field(&mut r)?;
            if let Some(slot) = seen.get_mut(usize::from(field.field_type / 64)) {
                let bit = 1u64 << (field.field_type % 64);
                if *slot & bit != 0 {
                    return Err(FormatError::DuplicateOpaqueField(field.field_type));
                }
                *slot |= bit;
            }
            if let Some(known) = OpaqueType::from_u16(field.field_type) {
                known.validate(field.value)?;
            }
        }
        Ok(OpaqueData { bytes })
    }

    /// The raw opaque data.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Every field in order, known or not.
    pub fn fields(&self) -> OpaqueFields<'a> {
        OpaqueFields {
            reader: Reader::new(self.bytes),
        }
    }

    /// The value of a known field, if present.
    pub fn get(&self, field_type: OpaqueType) -> Option<&'a [u8]> {
        self.fields()
            .find(|f| f.field_type == field_type as u16)
            .map(|f| f.value)
    }

    /// A text field without its NUL padding.
    fn text(&self, field_type: OpaqueType) -> Option<&'a str> {
        self.get(field_type).and_then(text)
    }

    /// The driver version, e.g. `550.90.07` (absent on NVSwitches).
    pub fn driver_version(&self) -> Option<&'a str> {
        self.text(OpaqueType::DriverVersion)
    }

    /// The VBIOS version.
    pub fn vbios_version(&self) -> Option<VbiosVersion<'a>> {
        let v = self.get(OpaqueType::VbiosVersion)?;
        match v {
            [a, b, c, d, e, _, _, _] => Some(VbiosVersion::Binary([*d, *c, *b, *a, *e])),
            other => text(other).map(VbiosVersion::Text),
        }
    }

    /// Chip SKU, e.g. `882`.
    pub fn chip_sku(&self) -> Option<&'a str> {
        self.text(OpaqueType::ChipSku)
    }

    /// Chip SKU modifier.
    pub fn chip_sku_mod(&self) -> Option<&'a str> {
        self.text(OpaqueType::ChipSkuMod)
    }

    /// Project, e.g. `1010` (H100) or `G525` (B200).
    pub fn project(&self) -> Option<&'a str> {
        self.text(OpaqueType::Project)
    }

    /// Project SKU, e.g. `0200`.
    pub fn project_sku(&self) -> Option<&'a str> {
        self.text(OpaqueType::ProjectSku)
    }

    /// Project SKU modifier.
    pub fn project_sku_mod(&self) -> Option<&'a str> {
        self.text(OpaqueType::ProjectSkuMod)
    }

    /// Chip name, e.g. `GB100` (newer drivers only).
    pub fn chip_info(&self) -> Option<&'a str> {
        self.text(OpaqueType::ChipInfo)
    }

    /// The firmware ID (absent on old drivers).
    pub fn fwid(&self) -> Option<&'a [u8; 48]> {
        self.get(OpaqueType::Fwid).and_then(|v| v.try_into().ok())
    }

    /// NVDEC0 engine status.
    pub fn nvdec0_status(&self) -> Option<Nvdec0Status> {
        self.get(OpaqueType::Nvdec0Status).and_then(|v| match v {
            [0xAA] => Some(Nvdec0Status::Enabled),
            [0x55] => Some(Nvdec0Status::Disabled),
            [other] => Some(Nvdec0Status::Other(*other)),
            _ => None,
        })
    }

    /// Protected-PCIe status byte.
    pub fn protected_pcie_status(&self) -> Option<u8> {
        self.get(OpaqueType::ProtectedPcieStatus)
            .and_then(|v| v.first().copied())
    }

    /// The opaque-data layout version (0 when the field is absent, as on older drivers).
    pub fn opaque_data_version(&self) -> u16 {
        self.get(OpaqueType::OpaqueDataVersion)
            .and_then(|v| <[u8; 2]>::try_from(v).ok())
            .map_or(0, u16::from_le_bytes)
    }

    /// The confidential-computing mode (absent on older drivers).
    pub fn feature_flag(&self) -> Option<FeatureFlag> {
        let v = self.get(OpaqueType::FeatureFlag)?;
        Some(match u16::from_le_bytes(v.try_into().ok()?) {
            0 => FeatureFlag::Spt,
            1 => FeatureFlag::Mpt,
            2 => FeatureFlag::Ppcie,
            other => FeatureFlag::Other(other),
        })
    }

    /// The 8-byte PDIs of field 22 (a GPU's NVSwitches, or an NVSwitch's own).
    pub fn switch_pdis(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        self.get(OpaqueType::SwitchPdi)
            .unwrap_or_default()
            .chunks_exact(8)
    }

    /// An NVSwitch's GPU PDIs (the first 64 bytes of field 26, 8 bytes each).
    pub fn switch_gpu_pdis(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        let v = self.get(OpaqueType::SwitchGpuPdis).unwrap_or_default();
        v.get(..SWITCH_GPU_PDI_COUNT * 8)
            .unwrap_or_default()
            .chunks_exact(8)
    }

    /// An NVSwitch's port map (field 26 after the GPU PDIs, one byte a port).
    pub fn switch_ports(&self) -> &'a [u8] {
        let v = self.get(OpaqueType::SwitchGpuPdis).unwrap_or_default();
        v.get(SWITCH_GPU_PDI_COUNT * 8..).unwrap_or_default()
    }

    /// The measurement counts (field 12), u32 each.
    pub fn msrscnt(&self) -> impl Iterator<Item = u32> + use<'a> {
        self.get(OpaqueType::Msrscnt)
            .unwrap_or_default()
            .chunks_exact(4)
            .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes))
    }

    /// Disabled (floorswept) ports, one flag a port: each bit of field 23, most significant
    /// first, stands for 4 ports (NVIDIA's expansion).
    pub fn disabled_ports(&self) -> impl Iterator<Item = bool> + use<'a> {
        self.get(OpaqueType::FloorsweptPorts)
            .unwrap_or_default()
            .iter()
            .flat_map(|byte| (0..8u8).rev().map(move |bit| byte & (1 << bit) != 0))
            .flat_map(|flag| core::iter::repeat_n(flag, 4))
    }
}

/// Iterator over validated opaque fields.
#[derive(Clone, Debug)]
pub struct OpaqueFields<'a> {
    reader: Reader<'a>,
}

impl<'a> Iterator for OpaqueFields<'a> {
    type Item = OpaqueField<'a>;

    fn next(&mut self) -> Option<OpaqueField<'a>> {
        read_field(&mut self.reader).ok()
    }
}

fn read_field<'a>(r: &mut Reader<'a>) -> Result<OpaqueField<'a>, FormatError> {
    let field_type = r.u16("opaque field type")?;
    let len = r.u16("opaque field length")?;
    let value = r.take(usize::from(len), "opaque field value")?;
    Ok(OpaqueField { field_type, value })
}

/// NUL-padded printable ASCII: the text before the first NUL, if everything before it is
/// printable and everything after it is NUL.
fn text(value: &[u8]) -> Option<&str> {
    let end = value.iter().position(|b| *b == 0).unwrap_or(value.len());
    let (body, padding) = value.split_at(end);
    if !body.iter().all(|b| b.is_ascii_graphic() || *b == b' ') || padding.iter().any(|b| *b != 0) {
        return None;
    }
    core::str::from_utf8(body).ok()
}
