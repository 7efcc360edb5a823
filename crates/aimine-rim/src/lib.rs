//! # aimine-rim
//!
//! NVIDIA publishes the firmware a GPU should be running as signed reference integrity
//! manifests (RIMs): ISO 19770-2 SWID XML listing every measurement index with its allowed
//! SHA-384 values, signed with an enveloped XML signature by a key NVIDIA certifies under its
//! "NVIDIA CoRIM signing Root CA". A chain cannot afford to canonicalise 20 KB of XML per quote,
//! so appraisal is split: off chain, this crate verifies a RIM once ([`verify()`]) and derives the
//! compact golden set ([`golden()`]) that governance registers and aimine-nvtrust compares evidence
//! with on chain; [`appraise()`] is NVIDIA's own comparison (its verifier's `measres`).
//!
//! Only what NVIDIA's RIMs use is accepted, but that exactly: C14N 1.1 ([`c14n`]), the
//! enveloped-signature transform, SHA-384, ECDSA P-384 (raw r ‖ s), and the KeyInfo chain,
//! verified with aimine-nvtrust's certificate code at a caller-given time ([`verify`]).
//!
//! This crate is std (it builds a DOM); on-chain code needs only aimine-nvtrust.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

mod appraise;
pub mod c14n;
mod dsig;
mod error;
mod root;
mod swid;

pub use appraise::{Appraisal, AppraisalError, Golden, appraise, golden};
pub use dsig::SignedBy;
pub use error::Error;
pub use root::NVIDIA_RIM_ROOT_DER;
pub use swid::{Measurement, Rim};

/// The largest RIM accepted (NVIDIA's are about 21 KB).
pub const MAX_RIM_LEN: usize = 1 << 20;

/// The most XML nodes a RIM may have (a bound for hostile input).
pub const MAX_NODES: u32 = 100_000;

/// A RIM whose signature verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedRim {
    /// What it says.
    pub rim: Rim,
    /// Who signed it.
    pub signed_by: SignedBy,
}

fn document(xml: &[u8]) -> Result<roxmltree::Document<'_>, Error> {
    if xml.len() > MAX_RIM_LEN {
        return Err(Error::TooLarge);
    }
    let text = core::str::from_utf8(xml).map_err(|_| Error::Xml("not UTF-8".into()))?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| Error::Xml(e.to_string()))
}

/// Reads a RIM without checking its signature (to inspect one).
///
/// # Errors
/// [`Error::Xml`], [`Error::TooLarge`], [`Error::Structure`].
pub fn parse(xml: &[u8]) -> Result<Rim, Error> {
    swid::parse(&document(xml)?)
}

/// Verifies a RIM's signature and certificate chain to `root` (the RIM root certificate, DER)
/// at `time`, and reads it.
///
/// # Errors
/// The first failure: XML, structure, algorithm, digest, signature, then chain (including
/// expiry: see [`Error::is_expired`]).
pub fn verify(
    xml: &[u8],
    root: &[u8],
    time: aimine_nvtrust::UnixTime,
) -> Result<VerifiedRim, Error> {
    let anchor = aimine_nvtrust::TrustAnchor::from_cert_der(root)
        .map_err(|error| Error::Chain(aimine_nvtrust::Error::Certificate { index: 0, error }))?;
    let doc = document(xml)?;
    let signed_by = dsig::verify(doc.root_element(), &anchor, time)?;
    Ok(VerifiedRim {
        rim: swid::parse(&doc)?,
        signed_by,
    })
}
