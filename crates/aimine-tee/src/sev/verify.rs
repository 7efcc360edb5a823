//! Verifying an SEV-SNP report: the endorsement chain to a pinned product, the report's
//! signature, the TCB and hardware id the endorsement binds, and the guest policy — in one call,
//! [`verify`], that asks its caller (an [`EndorsementStore`]) for what it keeps: trusted roots,
//! stored VCEKs, chains verified before, a TCB floor. [`verify_vcek`] checks a VCEK alone.

use alloc::vec::Vec;

use sha2::{Digest, Sha256, Sha384};

use crate::UnixTime;
use crate::attestation::{AmdProduct, Attestation, Kind, Measurements, Product, Tcb, TcbStatus};
use crate::error::{Error, Role, TcbComponent};
use crate::sev::cert::{AmdCert, RsaIssuer};
use crate::sev::report::{Report, SigningKey, TcbParts};
use crate::sev::roots::AmdRoots;
use crate::sev::store::EndorsementStore;

/// The most certificates a report may come with: its VCEK or VLEK, the ASK or ASVK, the ARK.
pub const MAX_CERTS: usize = 3;

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

/// The product a CPUID family and model belong to (report version 3 and later).
fn product_of_cpuid(family: u8, model: u8) -> Option<AmdProduct> {
    match (family, model) {
        (0x19, 0x00..=0x0F) => Some(AmdProduct::Milan),
        (0x19, 0x10..=0x1F | 0xA0..=0xAF) => Some(AmdProduct::Genoa),
        (0x1A, 0x00..=0x11) => Some(AmdProduct::Turin),
        _ => None,
    }
}

/// The product a VCEK's productName extension names (`Milan-B0` → Milan).
fn product_of_name(name: &[u8]) -> Option<AmdProduct> {
    AmdProduct::ALL
        .into_iter()
        .find(|p| name.starts_with(p.name().as_bytes()))
}

/// A verified endorsement key, with what its certificate binds.
#[derive(Clone, Debug)]
pub(crate) struct EndorsedKey {
    /// The product whose roots endorsed it.
    pub(crate) product: AmdProduct,
    /// VCEK or VLEK.
    pub(crate) kind: SigningKey,
    /// The ECDSA P-384 key.
    pub(crate) key: aimine_p384::VerifyingKey,
    /// The TCB the certificate was issued for.
    pub(crate) tcb: TcbParts,
    /// The hardware id (VCEK only).
    pub(crate) hwid: Option<Vec<u8>>,
    /// The end of the chain's validity.
    pub(crate) valid_until: UnixTime,
    /// SHA-256 of what the leaf was checked under: the product's ARK key, then the issuer — the
    /// pinned ASK's key, or the whole certificate of an ASK or ASVK the endorsement carries. Two
    /// chains ending in different roots never share it, even where the roots' names are equal
    /// (a test kit's roots mimic AMD's), nor do two certificates of one intermediate key.
    pub(crate) chain: [u8; 32],
}

impl EndorsedKey {
    /// The key under which a chain caches this endorsement as verified: SHA-256 of the leaf's
    /// DER and [`EndorsedKey::chain`]. A cached entry then speaks for one leaf under one root
    /// only: once that root is no longer trusted, the leaf is checked (and refused) again.
    pub(crate) fn cache_key(&self, leaf_der: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(leaf_der);
        h.update(self.chain);
        h.finalize().into()
    }
}

/// A chain whose every check but its RSA signatures passed: the key it endorses, and the
/// signatures left to check should the cache not know it.
struct Chain<'r> {
    key: EndorsedKey,
    /// An intermediate the endorsement carries other than the pinned ASK (one AMD re-issued, or
    /// a VLEK's ASVK): signed by the product's ARK.
    intermediate: Option<AmdCert>,
    /// The product's ARK, as the intermediate's issuer.
    ark_issuer: &'r RsaIssuer,
    /// The leaf's issuer: the pinned ASK, or the intermediate.
    issuer: RsaIssuer,
}

impl Chain<'_> {
    /// The RSASSA-PSS signatures: the intermediate's under the ARK, then the leaf's.
    fn check_signatures(&self, leaf: &AmdCert) -> Result<(), Error> {
        if let Some(intermediate) = &self.intermediate {
            intermediate.check_signed_by(self.ark_issuer)?;
        }
        leaf.check_signed_by(&self.issuer)
    }
}

/// Every check of the chain from `leaf` (the certificate a report signed by `kind` needs) to a
/// product of `roots` but the RSA signatures: names, product, validity at `time`, extensions and
/// key. `hint` names the product when the chain does not (a report's CPUID).
fn read_chain<'r>(
    leaf: &AmdCert,
    intermediate_der: Option<&[u8]>,
    ark_der: Option<&[u8]>,
    kind: SigningKey,
    hint: Option<AmdProduct>,
    roots: &'r AmdRoots,
    time: UnixTime,
) -> Result<Chain<'r>, Error> {
    let expected_cn: &[u8] = match kind {
        SigningKey::Vcek => b"SEV-VCEK",
        SigningKey::Vlek => b"SEV-VLEK",
    };
    if leaf.common_name() != expected_cn {
        return Err(Error::EndorsementKind);
    }
    let named = leaf.product_name().and_then(product_of_name);
    // The product: by the ARK or intermediate given (compared by key), else by name or CPUID.
    let given_ark = ark_der
        .map(|der| AmdCert::from_der(der, Role::Ark))
        .transpose()?;
    let mut product = match &given_ark {
        Some(ark) => Some(roots.by_ark_key(ark.spki()).ok_or(Error::UnknownProduct)?),
        None => None,
    };
    let intermediate_role = match kind {
        SigningKey::Vcek => Role::Ask,
        SigningKey::Vlek => Role::Asvk,
    };
    let intermediate = intermediate_der
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
    let (issuer, intermediate) = match (kind, intermediate) {
        (SigningKey::Vcek, Some(ask)) if ask.spki() != product.ask().spki() => {
            // An ASK other than the pinned one (AMD re-issued it): it must chain to the ARK.
            ask.check_time(time)?;
            valid_until = valid_until.min(ask.validity().1);
            // The certificate itself, not only its key: a cached entry then vouches for this
            // ASK's validity too, not for another certificate of the same key.
            chain.update(intermediate_der.unwrap_or_default());
            (ask.as_issuer()?, Some(ask))
        }
        (SigningKey::Vcek, _) => {
            product.ask().check_time(time)?;
            valid_until = valid_until.min(product.ask().validity().1);
            chain.update(product.ask().spki());
            (product.ask_issuer().clone(), None)
        }
        (SigningKey::Vlek, Some(asvk)) => {
            asvk.check_time(time)?;
            valid_until = valid_until.min(asvk.validity().1);
            chain.update(intermediate_der.unwrap_or_default());
            (asvk.as_issuer()?, Some(asvk))
        }
        (SigningKey::Vlek, None) => {
            return Err(Error::CertMalformed {
                role: Role::Asvk,
                what: "a VLEK needs its ASVK",
            });
        }
    };
    if leaf.issuer() != issuer.subject() {
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
    Ok(Chain {
        key: EndorsedKey {
            product: product.product,
            kind,
            key: leaf.p384_key()?,
            tcb,
            hwid,
            valid_until,
            chain: chain.finalize().into(),
        },
        intermediate,
        ark_issuer: product.ark_issuer(),
        issuer,
    })
}

/// Verifies an SEV-SNP report at `time` (from the block) with the certificates it
/// comes with — none, or its VCEK or VLEK, then optionally the ASK (a VLEK's ASVK, required
/// for a VLEK) and the ARK as AMD's KDS serves them — and returns what it attests.
///
/// In order: the report's format; the leaf (the first certificate, else the one `store` keeps
/// for the report's chip id and reported TCB); the roots `store` trusts for the product the leaf
/// names (productName), else the report's CPUID names, else every product; every check of the
/// chain but its RSA signatures; the signatures, unless `store` knows the chain's cache key
/// (then remembered); the TCB floor `store` sets for the product; the report's ECDSA P-384
/// signature under the leaf's key; the report's TCB and chip id against the leaf's; the guest
/// policy (`options`). The report and the leaf are each decoded once.
///
/// # Errors
/// The first failed check: format (also more than [`MAX_CERTS`] certificates), chain,
/// signature, TCB, guest policy; [`Error::EndorsementMissing`] when no leaf is carried nor
/// stored; [`Error::TcbBelowFloor`]; [`Error::Store`] when `store` cannot answer.
pub fn verify(
    report: &[u8],
    certs: &[&[u8]],
    time: UnixTime,
    options: &SevOptions,
    store: &mut (impl EndorsementStore + ?Sized),
) -> Result<Attestation, Error> {
    let parsed = Report::parse(report)?;
    let kind = parsed.signing_key()?;
    let hint = parsed.cpuid().and_then(|(f, m, _)| product_of_cpuid(f, m));
    if certs.len() > MAX_CERTS {
        return Err(Error::CertCount { count: certs.len() });
    }
    // No certificate carried: the one kept for this chip and TCB.
    let stored;
    let leaf_der = match certs.first() {
        Some(leaf) => *leaf,
        None => {
            let turin = hint.is_some_and(AmdProduct::turin_layout);
            let parts = parsed.reported_tcb().parts(turin);
            stored = store
                .stored_endorsement(&parsed.chip_id(), &parts)?
                .ok_or(Error::EndorsementMissing)?;
            stored.as_slice()
        }
    };
    let leaf = AmdCert::from_der(leaf_der, Role::Endorsement)?;
    let roots = store.roots(leaf.product_name().and_then(product_of_name).or(hint))?;
    let chain = read_chain(
        &leaf,
        certs.get(1).copied(),
        certs.get(2).copied(),
        kind,
        hint,
        &roots,
        time,
    )?;
    // The cache speaks for this leaf under this root only.
    let cache_key = chain.key.cache_key(leaf_der);
    if !store.contains(&cache_key)? {
        chain.check_signatures(&leaf)?;
        store.insert(cache_key)?;
    }
    let key = chain.key;
    let reported = parsed.reported_tcb().parts(key.product.turin_layout());
    if !store.admits(key.product, &reported)? {
        return Err(Error::TcbBelowFloor);
    }
    check_report(&parsed, &key, options)
}

/// A VCEK verified alone: what it binds, for a chain that keeps VCEKs so reports may carry none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedVcek {
    /// The product whose roots endorsed it.
    pub product: AmdProduct,
    /// Its hardware id as a report's CHIP_ID: 64 bytes (Turin's 8, zero-padded).
    pub chip_id: [u8; 64],
    /// The TCB it was issued for.
    pub tcb: TcbParts,
    /// The end of its chain's validity.
    pub valid_until: UnixTime,
}

/// Verifies a VCEK (DER) alone at `time`, under the pinned ASK of the product it names (the
/// roots `store` trusts for that product, or for every product when it names none), always
/// checking its RSA signature; its chain's cache key is then remembered in `store`, so a report
/// it signs later skips the check. The VCEK is decoded once.
///
/// # Errors
/// A [`CpuCheck::Chain`](crate::CpuCheck::Chain) error, or [`Error::Store`] when `store` cannot
/// answer.
pub fn verify_vcek(
    vcek: &[u8],
    time: UnixTime,
    store: &mut (impl EndorsementStore + ?Sized),
) -> Result<VerifiedVcek, Error> {
    let leaf = AmdCert::from_der(vcek, Role::Endorsement)?;
    let roots = store.roots(leaf.product_name().and_then(product_of_name))?;
    let chain = read_chain(&leaf, None, None, SigningKey::Vcek, None, &roots, time)?;
    chain.check_signatures(&leaf)?;
    store.insert(chain.key.cache_key(vcek))?;
    let key = chain.key;
    let mut chip_id = [0u8; 64];
    let hwid = key.hwid.as_deref().unwrap_or_default();
    chip_id
        .get_mut(..hwid.len())
        .ok_or(Error::CertMalformed {
            role: Role::Endorsement,
            what: "hwID extension is longer than a chip id",
        })?
        .copy_from_slice(hwid);
    Ok(VerifiedVcek {
        product: key.product,
        chip_id,
        tcb: key.tcb,
        valid_until: key.valid_until,
    })
}

/// The report's own checks under an endorsed key: its signature, then its TCB and chip id
/// against the key's certificate, then the guest policy.
fn check_report(
    parsed: &Report<'_>,
    key: &EndorsedKey,
    options: &SevOptions,
) -> Result<Attestation, Error> {
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
    // r ‖ s, big-endian; r or s outside [1, n − 1] fails the check.
    let mut signature = [0u8; 96];
    let (r_out, s_out) = signature.split_at_mut(48);
    r_out.copy_from_slice(&r);
    s_out.copy_from_slice(&s);
    let digest: [u8; 48] = Sha384::digest(parsed.signed_bytes()).into();
    if !key.key.verify_prehash(&digest, &signature) {
        return Err(Error::ReportSignature);
    }

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
