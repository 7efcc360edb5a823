//! The enveloped XML signature of a RIM: exactly the profile NVIDIA signs with.
//!
//! `Signature` is the last child of the root. Its `SignedInfo` names C14N 1.1 and
//! ECDSA-P384-SHA384, and holds one `Reference` with `URI=""` whose transforms are the enveloped
//! signature and C14N 1.1 and whose digest is SHA-384. The verifier:
//! 1. canonicalises the document without the `Signature` element and compares its SHA-384 with
//!    `DigestValue`;
//! 2. canonicalises `SignedInfo` (with its in-scope namespaces) and checks `SignatureValue`
//!    (r ‖ s, 96 bytes) under the leaf certificate's key;
//! 3. verifies the `KeyInfo` certificates (leaf first) to the pinned root at the caller's time,
//!    with aimine-nvtrust's chain rules.

use aimine_nvtrust::NoCache;
use base64::Engine;
use p384::ecdsa::signature::Verifier;
use p384::ecdsa::{Signature, VerifyingKey};
use roxmltree::Node;
use sha2::{Digest, Sha384};

use crate::Error;
use crate::c14n::canonicalize;

/// The XML-DSig namespace.
pub(crate) const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// Canonical XML 1.1 (without comments).
pub(crate) const C14N11: &str = "http://www.w3.org/2006/12/xml-c14n11";
/// The enveloped-signature transform.
pub(crate) const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// ECDSA over P-384 with SHA-384.
pub(crate) const ECDSA_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
/// SHA-384 digests (both URIs in use).
pub(crate) const SHA384: [&str; 2] = [
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha384",
];
/// Most certificates KeyInfo may carry.
pub(crate) const MAX_CERTS: usize = 8;

/// A signature that verified, with its certificates (DER, leaf first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedBy {
    /// The KeyInfo certificates.
    pub chain: Vec<Vec<u8>>,
    /// When the first of them expires: the RIM stops verifying then.
    pub valid_until: aimine_nvtrust::UnixTime,
}

/// The XML-DSig children of `node` named `name`.
fn ds_all<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| {
        c.is_element() && c.tag_name().namespace() == Some(DSIG_NS) && c.tag_name().name() == name
    })
}

/// The first XML-DSig child of `node` named `name`.
fn ds<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> Result<Node<'a, 'i>, Error> {
    ds_all(node, name).next().ok_or(Error::Structure(name))
}

fn algorithm<'a>(node: Node<'a, '_>) -> Result<&'a str, Error> {
    node.attribute("Algorithm")
        .ok_or(Error::Structure("Algorithm"))
}

fn expect(node: Node<'_, '_>, uris: &[&str]) -> Result<(), Error> {
    let uri = algorithm(node)?;
    if uris.contains(&uri) {
        Ok(())
    } else {
        Err(Error::Algorithm(uri.to_string()))
    }
}

/// Base64 text of an element, whitespace ignored.
fn base64_text(node: Node<'_, '_>, what: &'static str) -> Result<Vec<u8>, Error> {
    let text: String = node
        .text()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| Error::Encoding(what))
}

/// The `Signature` element of a RIM.
///
/// # Errors
/// [`Error::Structure`] when there is none, or more than one.
pub(crate) fn signature_element<'a, 'i>(root: Node<'a, 'i>) -> Result<Node<'a, 'i>, Error> {
    let mut found = ds_all(root, "Signature");
    let sig = found.next().ok_or(Error::Structure("Signature"))?;
    if found.next().is_some() {
        return Err(Error::Structure("more than one Signature"));
    }
    Ok(sig)
}

/// Verifies the signature of the parsed RIM whose root is `root`, against `anchor` (the RIM
/// root certificate's key) at `time`.
///
/// # Errors
/// The first failed step, in the order above.
pub(crate) fn verify(
    root: Node<'_, '_>,
    anchor: &aimine_nvtrust::TrustAnchor<'_>,
    time: aimine_nvtrust::UnixTime,
) -> Result<SignedBy, Error> {
    let signature = signature_element(root)?;
    let signed_info = ds(signature, "SignedInfo")?;
    expect(ds(signed_info, "CanonicalizationMethod")?, &[C14N11])?;
    expect(ds(signed_info, "SignatureMethod")?, &[ECDSA_SHA384])?;
    let mut references = ds_all(signed_info, "Reference");
    let reference = references.next().ok_or(Error::Structure("Reference"))?;
    if references.next().is_some() {
        return Err(Error::Unsupported("more than one Reference"));
    }
    if reference.attribute("URI") != Some("") {
        return Err(Error::Unsupported("a Reference other than URI=\"\""));
    }
    let transforms: Vec<Node<'_, '_>> = ds(reference, "Transforms")?
        .children()
        .filter(Node::is_element)
        .collect();
    match transforms.as_slice() {
        [enveloped, c14n] => {
            expect(*enveloped, &[ENVELOPED])?;
            expect(*c14n, &[C14N11])?;
        }
        [enveloped] => expect(*enveloped, &[ENVELOPED])?,
        _ => {
            return Err(Error::Unsupported(
                "transforms other than enveloped-signature, C14N 1.1",
            ));
        }
    }
    expect(ds(reference, "DigestMethod")?, &SHA384)?;
    let digest_value = base64_text(ds(reference, "DigestValue")?, "DigestValue")?;
    if digest_value.len() != 48 {
        return Err(Error::Encoding("DigestValue is not 48 bytes"));
    }

    // 1. The document, without the signature.
    let document = canonicalize(root, Some(signature.id()))?;
    if Sha384::digest(&document).as_slice() != digest_value.as_slice() {
        return Err(Error::DigestMismatch);
    }

    // 2. SignedInfo under the leaf's key.
    let certs: Vec<Vec<u8>> = ds_all(
        ds(ds(signature, "KeyInfo")?, "X509Data")?,
        "X509Certificate",
    )
    .map(|c| base64_text(c, "X509Certificate"))
    .collect::<Result<_, _>>()?;
    if certs.is_empty() || certs.len() > MAX_CERTS {
        return Err(Error::Structure("X509Certificate count"));
    }
    let leaf =
        aimine_nvtrust::Certificate::from_der(certs.first().map(Vec::as_slice).unwrap_or_default())
            .map_err(|error| {
                Error::Chain(aimine_nvtrust::Error::Certificate { index: 0, error })
            })?;
    let key = VerifyingKey::from_sec1_bytes(leaf.public_key()).map_err(|_| Error::BadSignature)?;
    let value = base64_text(ds(signature, "SignatureValue")?, "SignatureValue")?;
    let sig = Signature::from_slice(&value)
        .map_err(|_| Error::Encoding("SignatureValue is not r ‖ s of 96 bytes"))?;
    let signed = canonicalize(signed_info, None)?;
    key.verify(&signed, &sig).map_err(|_| Error::BadSignature)?;

    // 3. The chain to the pinned root.
    let refs: Vec<&[u8]> = certs.iter().map(Vec::as_slice).collect();
    let anchors = core::slice::from_ref(anchor);
    let valid_until = aimine_nvtrust::verify_chain(&refs, anchors, time, &mut NoCache)
        .map_err(Error::Chain)?
        .certificates()
        .iter()
        .map(|c| c.not_after())
        .min()
        .unwrap_or_default();
    drop(refs);
    Ok(SignedBy {
        chain: certs,
        valid_until,
    })
}
