//! Kinds 2 to 4: one CPU TEE's evidence.
//!
//! ```text
//! 2, 3  quote length u32 (≤ 16 KiB) · quote · collateral tag u8:
//!         0 = use the collateral stored on chain for the quote's FMSPC
//!         1 = inline: 9 fields, each u32 length (≤ 16 KiB) · bytes, in dcap-qvl's
//!             QuoteCollateralV3 order (pck_crl_issuer_chain, root_ca_crl, pck_crl,
//!             tcb_info_issuer_chain, tcb_info, tcb_info_signature,
//!             qe_identity_issuer_chain, qe_identity, qe_identity_signature)
//! 4     report (exactly 1,184 bytes) · certificate count u8 (0..=3) · each u16 length (≤ 4 KiB)
//!       · DER: the VCEK or VLEK, then optionally the ASK/ASVK, then optionally the ARK
//!       (0 certificates: use the VCEK stored on chain for the report's chip and TCB)
//! ```

use heapless::Vec;

use crate::reader::Reader;
use crate::{Error, Kind};

/// The longest DCAP quote or collateral field accepted, in bytes.
pub const MAX_INTEL_FIELD: usize = 16 * 1024;
/// An SEV-SNP report's length.
pub const SEV_REPORT_LEN: usize = 1184;
/// The most certificates an SEV-SNP part carries.
pub const MAX_SEV_CERTS: usize = 3;
/// The longest AMD certificate, in bytes.
pub const MAX_SEV_CERT: usize = 4096;
/// Collateral tag: use the stored collateral.
pub const COLLATERAL_STORED: u8 = 0;
/// Collateral tag: the collateral follows inline.
pub const COLLATERAL_INLINE: u8 = 1;

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

    pub(crate) fn from_fields(f: [&'a [u8]; 9]) -> Self {
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
    /// An Intel DCAP quote.
    Intel {
        /// [`Kind::Tdx`] or [`Kind::Sgx`].
        kind: Kind,
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
    /// The envelope kind of this part: [`Kind::Tdx`], [`Kind::Sgx`] or [`Kind::SevSnp`].
    pub fn kind(&self) -> Kind {
        match self {
            Cpu::Intel { kind, .. } => *kind,
            Cpu::SevSnp { .. } => Kind::SevSnp,
        }
    }
}

/// Reads a CPU body (kinds 2 to 4, after the header), strictly.
pub(crate) fn body<'a>(kind: Kind, r: &mut Reader<'a>) -> Result<Cpu<'a>, Error> {
    match kind {
        Kind::Tdx | Kind::Sgx => {
            let quote = r.sized32(MAX_INTEL_FIELD, "quote")?;
            let collateral = match r.u8("collateral tag")? {
                COLLATERAL_STORED => None,
                COLLATERAL_INLINE => Some(collateral_fields(r)?),
                other => return Err(Error::BadCollateralTag(other)),
            };
            Ok(Cpu::Intel {
                kind,
                quote,
                collateral,
            })
        }
        Kind::SevSnp => {
            let report = r.take(SEV_REPORT_LEN, "report")?;
            let count = r.u8("certificate count")?;
            if usize::from(count) > MAX_SEV_CERTS {
                return Err(Error::BadSevCertificate);
            }
            let mut certs = Vec::new();
            for _ in 0..count {
                let n = r.u16("certificate length")?;
                if n == 0 || n > MAX_SEV_CERT {
                    return Err(Error::BadSevCertificate);
                }
                certs
                    .push(r.take(n, "certificate")?)
                    .map_err(|_| Error::BadSevCertificate)?;
            }
            Ok(Cpu::SevSnp { report, certs })
        }
        other => Err(Error::BadPartKind(other)),
    }
}

fn collateral_fields<'a>(r: &mut Reader<'a>) -> Result<IntelCollateral<'a>, Error> {
    let mut fields: [&[u8]; 9] = [&[]; 9];
    for f in &mut fields {
        *f = r.sized32(MAX_INTEL_FIELD, "collateral field")?;
    }
    Ok(IntelCollateral::from_fields(fields))
}

/// Decodes Intel collateral on its own: the nine length-prefixed fields of an inline
/// collateral (what `submitIntelCollateral` takes), nothing after them.
///
/// # Errors
/// [`Error::Truncated`], [`Error::TooLong`] or [`Error::TrailingBytes`].
pub fn decode_collateral(bytes: &[u8]) -> Result<IntelCollateral<'_>, Error> {
    let mut r = Reader::new(bytes);
    let c = collateral_fields(&mut r)?;
    r.finish()?;
    Ok(c)
}
