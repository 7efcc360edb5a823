//! Verifying an SEV-SNP report: the endorsement chain to a pinned product, the report's
//! signature, the TCB and hardware id the endorsement binds, and the guest policy.

use alloc::vec::Vec;

use p384::ecdsa::Signature;
use p384::ecdsa::signature::Verifier;
use sha2::{Digest, Sha256};

use crate::attestation::{AmdProduct, Attestation, Kind, Measurements, Product, Tcb, TcbStatus};
use crate::error::{Error, Role, TcbComponent};
use crate::sev::cert::AmdCert;
use crate::sev::report::{Report, SigningKey, TcbParts};
use crate::sev::roots::{AmdRoots, ProductRoots};

/// What the verifier accepts of a guest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SevOptions {
    /// Accept guests whose policy allows debugging (their memory is readable by the host).
    /// Default false.
    pub allow_debug: bool,
    /// The highest VMPL a report may come from. Default 0: only the guest's most privileged
    /// level, which a paravisor or SVSM cannot impersonate.
    pub max_vmpl: u32,
}

/// The certificates that endorse a report: the VCEK (or VLEK), and optionally the intermediate
/// (ASK, or the ASVK a VLEK needs) and the ARK as AMD's KDS serves them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Endorsement<'a> {
    /// The VCEK or VLEK, DER.
    pub leaf: &'a [u8],
    /// The ASK (for a VCEK; optional, the pinned one is used) or ASVK (for a VLEK; required).
    pub intermediate: Option<&'a [u8]>,
    /// The ARK (optional; it must be a pinned one).
    pub ark: Option<&'a [u8]>,
}

/// The product a CPUID family and model belong to (report version 3 and later).
pub fn product_of_cpuid(family: u8, model: u8) -> Option<AmdProduct> {
    match (family, model) {
        (0x19, 0x00..=0x0F) => Some(AmdProduct::Milan),
        (0x19, 0x10..=0x1F | 0xA0..=0xAF) => Some(AmdProduct::Genoa),
        (0x1A, 0x00..=0x11) => Some(AmdProduct::Turin),
        _ => None,
    }
}

/// The product a VCEK's productName extension names (`Milan-B0` → Milan).
pub fn product_of_name(name: &[u8]) -> Option<AmdProduct> {
    AmdProduct::ALL
        .into_iter()
        .find(|p| name.starts_with(p.name().as_bytes()))
}

/// A verified endorsement key, with what its certificate binds. Cache it per chip and TCB: a
/// warm verification then costs only the report's ECDSA check ([`verify_with_key`]).
#[derive(Clone, Debug)]
pub struct EndorsedKey {
    /// The product whose roots endorsed it.
    pub product: AmdProduct,
    /// VCEK or VLEK.
    pub kind: SigningKey,
    /// The ECDSA P-384 key.
    pub key: p384::ecdsa::VerifyingKey,
    /// The TCB the certificate was issued for.
    pub tcb: TcbParts,
    /// The hardware id (VCEK only).
    pub hwid: Option<Vec<u8>>,
    /// The end of the chain's validity (Unix seconds).
    pub valid_until: u64,
    /// SHA-256 of what the leaf was checked under: the product's ARK key, then the issuer — the
    /// pinned ASK's key, or the whole certificate of an ASK or ASVK the endorsement carries. Two
    /// chains ending in different roots never share it, even where the roots' names are equal
    /// (a test kit's roots mimic AMD's), nor do two certificates of one intermediate key.
    pub chain: [u8; 32],
}

impl EndorsedKey {
    /// The key under which a chain caches this endorsement as verified: SHA-256 of the leaf's
    /// DER and [`EndorsedKey::chain`]. A cached entry then speaks for one leaf under one root
    /// only: once that root is no longer trusted, the leaf is checked (and refused) again.
    pub fn cache_key(&self, leaf_der: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(leaf_der);
        h.update(self.chain);
        h.finalize().into()
    }
}

/// Verifies an endorsement chain at `time` and returns the key it endorses, for a report signed
/// by `kind`. `hint` names the product when the chain does not (a report's CPUID).
///
/// # Errors
/// A [`Check::Chain`](crate::Check::Chain) error.
pub fn verify_endorsement(
    endorsement: &Endorsement<'_>,
    kind: SigningKey,
    hint: Option<AmdProduct>,
    roots: &AmdRoots,
    time: u64,
) -> Result<EndorsedKey, Error> {
    endorse(endorsement, kind, hint, roots, time, true)
}

/// [`verify_endorsement`] for a leaf whose chain the caller verified before (a chain caches the
/// SHA-256 of verified VCEK DER): every check but the RSA signatures, which are what a cache
/// saves — names, product, validity at `time`, extensions and key are still read and checked.
///
/// # Errors
/// As [`verify_endorsement`], less the signature failures.
pub fn verify_known_endorsement(
    endorsement: &Endorsement<'_>,
    kind: SigningKey,
    hint: Option<AmdProduct>,
    roots: &AmdRoots,
    time: u64,
) -> Result<EndorsedKey, Error> {
    endorse(endorsement, kind, hint, roots, time, false)
}

fn endorse(
    endorsement: &Endorsement<'_>,
    kind: SigningKey,
    hint: Option<AmdProduct>,
    roots: &AmdRoots,
    time: u64,
    check_signatures: bool,
) -> Result<EndorsedKey, Error> {
    let leaf = AmdCert::from_der(endorsement.leaf, Role::Endorsement)?;
    let expected_cn: &[u8] = match kind {
        SigningKey::Vcek => b"SEV-VCEK",
        SigningKey::Vlek => b"SEV-VLEK",
    };
    if leaf.common_name() != expected_cn {
        return Err(Error::EndorsementKind);
    }
    let named = leaf.product_name().and_then(product_of_name);
    // The product: by the ARK or intermediate given (compared by key), else by name or CPUID.
    let given_ark = endorsement
        .ark
        .map(|der| AmdCert::from_der(der, Role::Ark))
        .transpose()?;
    let mut product: Option<&ProductRoots> = match &given_ark {
        Some(ark) => Some(roots.by_ark_key(ark.spki()).ok_or(Error::UnknownProduct)?),
        None => None,
    };
    let intermediate_role = match kind {
        SigningKey::Vcek => Role::Ask,
        SigningKey::Vlek => Role::Asvk,
    };
    let intermediate = endorsement
        .intermediate
        .map(|der| AmdCert::from_der(der, intermediate_role))
        .transpose()?;
    if let (None, Some(ask), SigningKey::Vcek) = (product, &intermediate, kind) {
        product = roots.by_ask_key(ask.spki());
    }
    let product = match product {
        Some(p) => p,
        None => named
            .or(hint)
            .and_then(|p| roots.get(p))
            .ok_or(Error::UnknownProduct)?,
    };
    let mut valid_until = leaf.validity().1;
    let mut chain = Sha256::new();
    chain.update(product.ark().spki());
    let issuer = match (kind, intermediate) {
        (SigningKey::Vcek, Some(ask)) if ask.spki() != product.ask().spki() => {
            // An ASK other than the pinned one (AMD re-issued it): it must chain to the ARK.
            if check_signatures {
                ask.check_signed_by(product.ark_issuer())?;
            }
            ask.check_time(time)?;
            valid_until = valid_until.min(ask.validity().1);
            // The certificate itself, not only its key: a cached entry then vouches for this
            // ASK's validity too, not for another certificate of the same key.
            chain.update(endorsement.intermediate.unwrap_or_default());
            ask.as_issuer()?
        }
        (SigningKey::Vcek, _) => {
            product.ask().check_time(time)?;
            valid_until = valid_until.min(product.ask().validity().1);
            chain.update(product.ask().spki());
            product.ask_issuer().clone()
        }
        (SigningKey::Vlek, Some(asvk)) => {
            if check_signatures {
                asvk.check_signed_by(product.ark_issuer())?;
            }
            asvk.check_time(time)?;
            valid_until = valid_until.min(asvk.validity().1);
            chain.update(endorsement.intermediate.unwrap_or_default());
            asvk.as_issuer()?
        }
        (SigningKey::Vlek, None) => {
            return Err(Error::CertMalformed {
                role: Role::Asvk,
                what: "a VLEK needs its ASVK",
            });
        }
    };
    if check_signatures {
        leaf.check_signed_by(&issuer)?;
    } else if leaf.issuer() != issuer.subject() {
        return Err(Error::IssuerMismatch {
            role: Role::Endorsement,
        });
    }
    leaf.check_time(time)?;
    if named.is_some_and(|n| n != product.product) {
        return Err(Error::ProductMismatch);
    }
    let tcb = leaf.tcb().ok_or(Error::CertMalformed {
        role: Role::Endorsement,
        what: "TCB extensions missing",
    })?;
    if product.product.turin_layout() != tcb.fmc.is_some() {
        return Err(Error::CertMalformed {
            role: Role::Endorsement,
            what: "FMC extension present on a product without it, or missing on Turin",
        });
    }
    let hwid = match kind {
        SigningKey::Vcek => Some(
            leaf.hwid()
                .ok_or(Error::CertMalformed {
                    role: Role::Endorsement,
                    what: "hwID extension missing",
                })?
                .to_vec(),
        ),
        SigningKey::Vlek => None,
    };
    Ok(EndorsedKey {
        product: product.product,
        kind,
        key: leaf.p384_key()?,
        tcb,
        hwid,
        valid_until,
        chain: chain.finalize().into(),
    })
}

/// Verifies an SEV-SNP report with its endorsement at `time` (Unix seconds, from the block).
///
/// # Errors
/// The first failed check: format, chain, signature, TCB, guest policy.
pub fn verify_report(
    report: &[u8],
    endorsement: &Endorsement<'_>,
    roots: &AmdRoots,
    time: u64,
    options: &SevOptions,
) -> Result<Attestation, Error> {
    let parsed = Report::parse(report)?;
    let kind = parsed.signing_key()?;
    let hint = parsed.cpuid().and_then(|(f, m, _)| product_of_cpuid(f, m));
    let key = verify_endorsement(endorsement, kind, hint, roots, time)?;
    verify_with_key(report, &key, options)
}

/// Verifies an SEV-SNP report under an already verified endorsement key (a cached VCEK). The
/// key's validity was checked when it was endorsed; callers caching keys must re-endorse after
/// [`EndorsedKey::valid_until`].
///
/// # Errors
/// The first failed check: format, product, signature, TCB, guest policy.
pub fn verify_with_key(
    report: &[u8],
    key: &EndorsedKey,
    options: &SevOptions,
) -> Result<Attestation, Error> {
    let parsed = Report::parse(report)?;
    if parsed.signing_key()? != key.kind {
        return Err(Error::EndorsementKind);
    }
    let cpuid_product = parsed.cpuid().and_then(|(f, m, _)| product_of_cpuid(f, m));
    if cpuid_product.is_some_and(|p| p != key.product) {
        return Err(Error::ProductMismatch);
    }
    let (Some(r), Some(s)) = (parsed.signature_r(), parsed.signature_s()) else {
        return Err(Error::ReportSignature);
    };
    let signature = Signature::from_scalars(r, s).map_err(|_| Error::ReportSignature)?;
    key.key
        .verify(parsed.signed_bytes(), &signature)
        .map_err(|_| Error::ReportSignature)?;

    let reported = parsed.reported_tcb().parts(key.product.turin_layout());
    let pairs = [
        (
            TcbComponent::Bootloader,
            reported.bootloader,
            key.tcb.bootloader,
        ),
        (TcbComponent::Tee, reported.tee, key.tcb.tee),
        (TcbComponent::Snp, reported.snp, key.tcb.snp),
        (
            TcbComponent::Microcode,
            reported.microcode,
            key.tcb.microcode,
        ),
    ];
    for (component, in_report, in_cert) in pairs {
        if in_report != in_cert {
            return Err(Error::TcbMismatch { component });
        }
    }
    if reported.fmc != key.tcb.fmc {
        return Err(Error::TcbMismatch {
            component: TcbComponent::Fmc,
        });
    }
    let chip_id = parsed.chip_id();
    if parsed.chip_key_masked() || chip_id.iter().all(|&b| b == 0) {
        return Err(Error::ChipIdMasked);
    }
    if let Some(hwid) = &key.hwid {
        // Milan and Genoa: 64 bytes; Turin: the first 8, the rest of CHIP_ID zero.
        let (head, tail) = chip_id.split_at(hwid.len().min(chip_id.len()));
        if head != hwid.as_slice() || tail.iter().any(|&b| b != 0) {
            return Err(Error::HardwareIdMismatch);
        }
    }
    if parsed.debug_allowed() && !options.allow_debug {
        return Err(Error::DebugGuest);
    }
    if parsed.vmpl() > options.max_vmpl {
        return Err(Error::Vmpl {
            vmpl: parsed.vmpl(),
        });
    }
    Ok(Attestation {
        kind: Kind::SevSnp,
        version: u16::try_from(parsed.version()).unwrap_or(u16::MAX),
        platform_id: Sha256::digest(chip_id).into(),
        product: Product::Amd(key.product),
        measurements: Measurements::SevSnp {
            measurement: parsed.measurement(),
            host_data: parsed.host_data(),
            policy: parsed.policy(),
            vmpl: parsed.vmpl(),
            guest_svn: parsed.guest_svn(),
            family_id: parsed.family_id(),
            image_id: parsed.image_id(),
            id_key_digest: parsed.id_key_digest(),
        },
        report_data: parsed.report_data(),
        tcb: Tcb {
            status: TcbStatus::UpToDate,
            advisory_ids: Vec::new(),
            tcb_date: None,
            valid_until: key.valid_until,
            stale_since: None,
        },
    })
}
