//! What a verified CPU attestation says, the same shape for every kind.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use aimine_tiers::TrustTier;
use aimine_time::UnixTime;

pub use aimine_tiers::Kind;

/// An Intel TCB status (the same names as Intel's TCB info). AMD reports have no published TCB
/// levels; a verified SEV-SNP report is [`TcbStatus::UpToDate`] for the TCB its VCEK endorses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TcbStatus {
    /// The platform runs the latest TCB.
    UpToDate,
    /// Up to date, but software mitigations are needed for some advisories.
    SwHardeningNeeded,
    /// Up to date, but the platform's configuration needs changing.
    ConfigurationNeeded,
    /// Both of the above.
    ConfigurationAndSwHardeningNeeded,
    /// A TD 1.5 launched on an out-of-date TCB whose current TCB is up to date: relaunch it.
    TdRelaunchAdvised,
    /// The same, with configuration needed.
    TdRelaunchAdvisedConfigurationNeeded,
    /// A newer TCB exists; this one has known vulnerabilities.
    OutOfDate,
    /// Out of date, and configuration needed.
    OutOfDateConfigurationNeeded,
    /// The TCB is revoked.
    Revoked,
}

impl TcbStatus {
    /// Intel's name for the status.
    pub const fn name(self) -> &'static str {
        match self {
            TcbStatus::UpToDate => "UpToDate",
            TcbStatus::SwHardeningNeeded => "SWHardeningNeeded",
            TcbStatus::ConfigurationNeeded => "ConfigurationNeeded",
            TcbStatus::ConfigurationAndSwHardeningNeeded => "ConfigurationAndSWHardeningNeeded",
            TcbStatus::TdRelaunchAdvised => "TDRelaunchAdvised",
            TcbStatus::TdRelaunchAdvisedConfigurationNeeded => {
                "TDRelaunchAdvisedConfigurationNeeded"
            }
            TcbStatus::OutOfDate => "OutOfDate",
            TcbStatus::OutOfDateConfigurationNeeded => "OutOfDateConfigurationNeeded",
            TcbStatus::Revoked => "Revoked",
        }
    }

    /// Whether the status is one of the out-of-date variants.
    pub const fn is_out_of_date(self) -> bool {
        matches!(
            self,
            TcbStatus::OutOfDate | TcbStatus::OutOfDateConfigurationNeeded
        )
    }
}

impl fmt::Display for TcbStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The TCB verdict the verifier read, before any policy grading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tcb {
    /// The converged status (platform and QE for Intel).
    pub status: TcbStatus,
    /// Intel security advisory ids that apply (`INTEL-SA-…`), sorted and deduplicated.
    pub advisory_ids: Vec<String>,
    /// The date of the matched TCB level: the start of an out-of-date grace period. `None` for
    /// AMD.
    pub tcb_date: Option<UnixTime>,
    /// The earliest expiry among the collateral and certificates used.
    pub valid_until: UnixTime,
    /// When the collateral expired, if verification fell back to its last valid moment
    /// (Intel's collateral past `nextUpdate`): the policy grades it. `None` when fresh.
    pub stale_since: Option<UnixTime>,
}

/// The measurements of what runs inside the TEE.
// One value per verification, never stored in bulk: the TDX variant's size is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Measurements {
    /// An Intel TD.
    Tdx {
        /// MRTD: the TD's initial contents (firmware image).
        mr_td: [u8; 48],
        /// RTMR0–3: runtime measurements (firmware config, kernel, command line, application).
        rtmr: [[u8; 48]; 4],
        /// MRCONFIGID, MROWNER, MROWNERCONFIG.
        mr_config_id: [u8; 48],
        /// MROWNER.
        mr_owner: [u8; 48],
        /// MROWNERCONFIG.
        mr_owner_config: [u8; 48],
        /// MRSEAM: the TDX module's measurement.
        mr_seam: [u8; 48],
        /// TD_ATTRIBUTES (bit 0: debug).
        td_attributes: [u8; 8],
    },
    /// An Intel SGX enclave.
    Sgx {
        /// MRENCLAVE: the enclave's code and data.
        mr_enclave: [u8; 32],
        /// MRSIGNER: the hash of the enclave author's key.
        mr_signer: [u8; 32],
        /// ISVPRODID.
        isv_prod_id: u16,
        /// ISVSVN.
        isv_svn: u16,
        /// ATTRIBUTES (flags then XFRM).
        attributes: [u8; 16],
    },
    /// An AMD SEV-SNP guest.
    SevSnp {
        /// MEASUREMENT: the launch digest.
        measurement: [u8; 48],
        /// HOST_DATA: what the hypervisor supplied at launch.
        host_data: [u8; 32],
        /// The guest policy.
        policy: u64,
        /// The VMPL that requested the report.
        vmpl: u32,
        /// GUEST_SVN.
        guest_svn: u32,
        /// FAMILY_ID and IMAGE_ID from the ID block.
        family_id: [u8; 16],
        /// IMAGE_ID.
        image_id: [u8; 16],
        /// ID_KEY_DIGEST.
        id_key_digest: [u8; 48],
    },
}

/// Which platform family the attestation comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    /// Intel: the FMSPC (family-model-stepping-platform-customSKU) from the PCK certificate.
    Intel {
        /// The 6-byte FMSPC.
        fmspc: [u8; 6],
    },
    /// AMD: the EPYC generation whose pinned ARK/ASK endorsed the report.
    Amd(AmdProduct),
}

/// An AMD EPYC generation with SEV-SNP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AmdProduct {
    /// EPYC 7003 (Zen 3).
    Milan,
    /// EPYC 9004 (Zen 4; also Bergamo and Siena).
    Genoa,
    /// EPYC 9005 (Zen 5).
    Turin,
}

impl AmdProduct {
    /// Every product, oldest first.
    pub const ALL: [AmdProduct; 3] = [AmdProduct::Milan, AmdProduct::Genoa, AmdProduct::Turin];

    /// AMD's name for it (as in the VCEK's productName and the KDS URLs).
    pub const fn name(self) -> &'static str {
        match self {
            AmdProduct::Milan => "Milan",
            AmdProduct::Genoa => "Genoa",
            AmdProduct::Turin => "Turin",
        }
    }

    /// Whether its TCB_VERSION has the Turin layout (with FMC).
    pub const fn turin_layout(self) -> bool {
        matches!(self, AmdProduct::Turin)
    }
}

/// A verified CPU attestation: the same typed value for every kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attestation {
    /// [`Kind::Tdx`], [`Kind::Sgx`] or [`Kind::SevSnp`].
    pub kind: Kind,
    /// The quote or report version.
    pub version: u16,
    /// A stable identifier of the physical platform (see the crate docs for how each kind
    /// derives it and when it changes).
    pub platform_id: [u8; 32],
    /// The platform family.
    pub product: Product,
    /// What runs inside.
    pub measurements: Measurements,
    /// The 64 bytes the TEE's software chose: aimine binds sessions through them.
    pub report_data: [u8; 64],
    /// The TCB verdict, ungraded.
    pub tcb: Tcb,
}

impl Attestation {
    /// The tier this kind earns (before TCB grading). An attestation's kind is always a CPU
    /// kind; anything else would earn the lowest tier.
    pub fn tier(&self) -> TrustTier {
        self.kind.cpu_tier().unwrap_or(TrustTier::Public)
    }
}
