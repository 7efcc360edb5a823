//! Why a CPU attestation was refused: one variant per failed check, each naming the
//! [`CpuCheck`] it belongs to so callers (the registry, the CLI) can report the first failure.

use aimine_time::UnixTime;
use alloc::string::String;
use core::fmt;

/// The checks a CPU attestation verifier runs, in the order it runs them. Each refusal belongs
/// to one. (aimine-nvtrust's GPU checks are another enum.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum CpuCheck {
    /// The bytes are a report or quote of a supported kind and version.
    Format,
    /// The collateral (Intel TCB info, QE identity, CRLs) is well formed, signed by Intel and
    /// valid at the verification time; an SEV-SNP report that carries no VCEK has one kept for
    /// it (and the store that keeps collateral answers).
    Collateral,
    /// Each certificate is signed by its issuer up to a pinned root and valid at the time.
    Chain,
    /// The report or quote is signed by the key the chain endorses.
    Signature,
    /// The platform's TCB is one the endorsement covers (Intel: a TCB level matches; AMD: the
    /// VCEK's TCB and hardware id equal the report's).
    Tcb,
    /// The guest or enclave runs under an acceptable policy (no debug, VMPL 0, …).
    GuestPolicy,
    /// The graded TCB policy refuses the platform (revoked, banned advisory, grace over).
    TcbPolicy,
}

impl CpuCheck {
    /// Every check, in order.
    pub const ALL: [CpuCheck; 7] = [
        CpuCheck::Format,
        CpuCheck::Collateral,
        CpuCheck::Chain,
        CpuCheck::Signature,
        CpuCheck::Tcb,
        CpuCheck::GuestPolicy,
        CpuCheck::TcbPolicy,
    ];

    /// A short stable name (`format`, `collateral`, `chain`, `signature`, `tcb`, `guest-policy`,
    /// `tcb-policy`).
    pub const fn name(self) -> &'static str {
        match self {
            CpuCheck::Format => "format",
            CpuCheck::Collateral => "collateral",
            CpuCheck::Chain => "chain",
            CpuCheck::Signature => "signature",
            CpuCheck::Tcb => "tcb",
            CpuCheck::GuestPolicy => "guest-policy",
            CpuCheck::TcbPolicy => "tcb-policy",
        }
    }

    /// A stable number (1 = format … 7 = tcb-policy), for ABIs that carry the check as a byte.
    pub const fn number(self) -> u8 {
        match self {
            CpuCheck::Format => 1,
            CpuCheck::Collateral => 2,
            CpuCheck::Chain => 3,
            CpuCheck::Signature => 4,
            CpuCheck::Tcb => 5,
            CpuCheck::GuestPolicy => 6,
            CpuCheck::TcbPolicy => 7,
        }
    }
}

impl fmt::Display for CpuCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A certificate's role in an AMD chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// AMD Root Key: self-signed, pinned per product.
    Ark,
    /// AMD SEV Key: signs VCEKs; pinned per product.
    Ask,
    /// AMD SEV VLEK Key: signs VLEKs; verified under the ARK.
    Asvk,
    /// The chip's endorsement key (VCEK or VLEK) that signs reports.
    Endorsement,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Ark => "ARK",
            Role::Ask => "ASK",
            Role::Asvk => "ASVK",
            Role::Endorsement => "VCEK/VLEK",
        })
    }
}

/// A TCB component named in a mismatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TcbComponent {
    /// FMC (Turin).
    Fmc,
    /// PSP bootloader.
    Bootloader,
    /// PSP OS.
    Tee,
    /// SNP firmware.
    Snp,
    /// Microcode.
    Microcode,
}

/// A refused attestation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An SEV-SNP report is not 1,184 bytes.
    ReportLength {
        /// The length given.
        len: usize,
    },
    /// An SEV-SNP report version outside 2..=5.
    ReportVersion {
        /// The version found.
        version: u32,
    },
    /// An SEV-SNP signature algorithm other than ECDSA P-384/SHA-384.
    ReportAlgorithm {
        /// The value found.
        algo: u32,
    },
    /// The report names no signing key, or a reserved one.
    ReportSigningKey {
        /// The SIGNING_KEY bits.
        value: u32,
    },
    /// The report's chip id is masked: it cannot identify a platform.
    ChipIdMasked,
    /// An SEV-SNP report came with more certificates than its chain has (VCEK or VLEK, ASK or
    /// ASVK, ARK: at most 3).
    CertCount {
        /// The number given.
        count: usize,
    },
    /// An SEV-SNP report came with no certificate and none is kept for its chip and TCB.
    EndorsementMissing,
    /// The caller's store of roots, endorsements and verified chains could not answer (out of
    /// gas, a failed database). Not a verdict on the evidence.
    Store,
    /// A certificate is not the DER X.509 AMD issues.
    CertMalformed {
        /// Which certificate.
        role: Role,
        /// What is wrong.
        what: &'static str,
    },
    /// A certificate's intermediate and root match no pinned AMD product.
    UnknownProduct,
    /// The endorsement certificate names a product other than the chain's.
    ProductMismatch,
    /// A certificate is not signed by its issuer (RSASSA-PSS SHA-384).
    CertSignature {
        /// The certificate whose signature failed.
        role: Role,
    },
    /// A certificate's issuer name is not its issuer's subject.
    IssuerMismatch {
        /// The certificate whose issuer differs.
        role: Role,
    },
    /// A certificate is not valid at the verification time.
    CertTime {
        /// Which certificate.
        role: Role,
        /// Its notBefore.
        not_before: UnixTime,
        /// Its notAfter.
        not_after: UnixTime,
    },
    /// The endorsement certificate is a VCEK where the report says VLEK, or the reverse.
    EndorsementKind,
    /// The report's ECDSA P-384 signature does not verify under the endorsement key.
    ReportSignature,
    /// A TCB component of the report differs from the endorsement certificate's.
    TcbMismatch {
        /// The component.
        component: TcbComponent,
    },
    /// The VCEK's hardware id is not the report's chip id.
    HardwareIdMismatch,
    /// The guest policy allows debugging, which the configuration refuses.
    DebugGuest,
    /// The report was requested from a VMPL above the configured maximum.
    Vmpl {
        /// The report's VMPL.
        vmpl: u32,
    },
    /// Intel DCAP support is not built in (feature `intel`).
    IntelUnsupported,
    /// dcap-qvl refused an Intel quote; `check` classifies its message.
    Dcap {
        /// The check that failed.
        check: CpuCheck,
        /// dcap-qvl's message.
        message: String,
    },
    /// The collateral is not valid yet at the verification time.
    CollateralNotYetValid {
        /// When it becomes valid.
        issued: UnixTime,
    },
    /// The report's TCB is below the floor policy sets for its product.
    TcbBelowFloor,
    /// The platform's TCB is revoked.
    TcbRevoked,
    /// An advisory the policy bans applies to the platform.
    AdvisoryBanned {
        /// The advisory id.
        id: String,
    },
    /// An out-of-date TCB's grace period is over.
    OutOfDateGraceOver {
        /// When the grace ended.
        ended: UnixTime,
    },
    /// The collateral expired and its grace period is over.
    StaleCollateralGraceOver {
        /// When the grace ended.
        ended: UnixTime,
    },
    /// The policy refuses this TCB status outright.
    TcbStatusRefused,
}

impl Error {
    /// The check this refusal belongs to.
    pub fn check(&self) -> CpuCheck {
        match self {
            Error::ReportLength { .. }
            | Error::ReportVersion { .. }
            | Error::ReportAlgorithm { .. }
            | Error::ReportSigningKey { .. }
            | Error::ChipIdMasked
            | Error::CertCount { .. }
            | Error::IntelUnsupported => CpuCheck::Format,
            // The collateral of a report: its endorsement, and the store that keeps it.
            Error::EndorsementMissing | Error::Store => CpuCheck::Collateral,
            Error::CertMalformed { .. }
            | Error::UnknownProduct
            | Error::ProductMismatch
            | Error::CertSignature { .. }
            | Error::IssuerMismatch { .. }
            | Error::CertTime { .. }
            | Error::EndorsementKind => CpuCheck::Chain,
            Error::ReportSignature => CpuCheck::Signature,
            Error::TcbMismatch { .. } | Error::HardwareIdMismatch => CpuCheck::Tcb,
            Error::DebugGuest | Error::Vmpl { .. } => CpuCheck::GuestPolicy,
            Error::Dcap { check, .. } => *check,
            Error::CollateralNotYetValid { .. } => CpuCheck::Collateral,
            Error::TcbBelowFloor
            | Error::TcbRevoked
            | Error::AdvisoryBanned { .. }
            | Error::OutOfDateGraceOver { .. }
            | Error::StaleCollateralGraceOver { .. }
            | Error::TcbStatusRefused => CpuCheck::TcbPolicy,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ReportLength { len } => {
                write!(f, "an SEV-SNP report is 1184 bytes, not {len}")
            }
            Error::ReportVersion { version } => {
                write!(
                    f,
                    "SEV-SNP report version {version} is not supported (2 to 5)"
                )
            }
            Error::ReportAlgorithm { algo } => {
                write!(
                    f,
                    "SEV-SNP signature algorithm {algo} is not ECDSA P-384/SHA-384 (1)"
                )
            }
            Error::ReportSigningKey { value } => {
                write!(
                    f,
                    "the report's signing key field ({value}) names no VCEK or VLEK"
                )
            }
            Error::ChipIdMasked => f.write_str("the report's chip id is masked"),
            Error::CertCount { count } => write!(
                f,
                "an SEV-SNP report comes with at most 3 certificates (VCEK or VLEK, ASK or \
                 ASVK, ARK), not {count}"
            ),
            Error::EndorsementMissing => f.write_str(
                "the report carries no VCEK or VLEK and none is kept for its chip and TCB",
            ),
            Error::Store => {
                f.write_str("the store of roots, endorsements and verified chains could not answer")
            }
            Error::CertMalformed { role, what } => write!(f, "the {role} certificate: {what}"),
            Error::UnknownProduct => {
                f.write_str("the certificate chain matches no pinned AMD product (ARK/ASK)")
            }
            Error::ProductMismatch => {
                f.write_str("the endorsement certificate names another product than its chain")
            }
            Error::CertSignature { role } => {
                write!(f, "the {role} certificate is not signed by its issuer")
            }
            Error::IssuerMismatch { role } => {
                write!(
                    f,
                    "the {role} certificate's issuer is not its issuer's subject"
                )
            }
            Error::CertTime {
                role,
                not_before,
                not_after,
            } => write!(
                f,
                "the {role} certificate is valid from {} to {}, not at the verification time",
                not_before.as_secs(),
                not_after.as_secs(),
            ),
            Error::EndorsementKind => {
                f.write_str("the endorsement certificate is not the kind the report names")
            }
            Error::ReportSignature => {
                f.write_str("the report's signature does not verify under the endorsement key")
            }
            Error::TcbMismatch { component } => write!(
                f,
                "the report's {component:?} TCB differs from the endorsement certificate's"
            ),
            Error::HardwareIdMismatch => {
                f.write_str("the VCEK's hardware id is not the report's chip id")
            }
            Error::DebugGuest => f.write_str("the guest policy allows debugging"),
            Error::Vmpl { vmpl } => write!(f, "the report was requested at VMPL {vmpl}"),
            Error::IntelUnsupported => f.write_str("Intel DCAP support is not built in"),
            Error::Dcap { check, message } => write!(f, "Intel DCAP ({check}): {message}"),
            Error::CollateralNotYetValid { issued } => {
                write!(f, "the collateral is only valid from {}", issued.as_secs())
            }
            Error::TcbBelowFloor => {
                f.write_str("the report's TCB is below the floor set for its product")
            }
            Error::TcbRevoked => f.write_str("the platform's TCB is revoked"),
            Error::AdvisoryBanned { id } => write!(f, "advisory {id} is banned by policy"),
            Error::OutOfDateGraceOver { ended } => {
                write!(
                    f,
                    "the out-of-date TCB's grace period ended at {}",
                    ended.as_secs()
                )
            }
            Error::StaleCollateralGraceOver { ended } => {
                write!(
                    f,
                    "the expired collateral's grace period ended at {}",
                    ended.as_secs()
                )
            }
            Error::TcbStatusRefused => f.write_str("the policy refuses this TCB status"),
        }
    }
}

impl core::error::Error for Error {}
