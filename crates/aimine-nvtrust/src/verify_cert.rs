//! Certificate chain verification, leaf first, up to a trust anchor.

use heapless::Vec;

use crate::cache::{Issuer, LinkStore, link_key};
use crate::cert::KU_DIGITAL_SIGNATURE;
use crate::{Certificate, Error, KnownCert, TrustAnchor, UnixTime, signed_data};

/// The longest chain accepted (NVIDIA's have 5 certificates, the last a copy of the root).
pub const MAX_CHAIN_LEN: usize = 8;

/// A chain that verified: its parsed certificates, leaf first.
#[derive(Clone, Debug)]
pub struct VerifiedChain<'a> {
    certs: Vec<Certificate<'a>, MAX_CHAIN_LEN>,
}

impl<'a> VerifiedChain<'a> {
    /// The certificates, leaf first.
    pub fn certificates(&self) -> &[Certificate<'a>] {
        &self.certs
    }

    /// The leaf (the key that signs evidence).
    pub fn leaf(&self) -> Option<&Certificate<'a>> {
        self.certs.first()
    }
}

/// Parses every certificate of `chain` (DER, leaf first), bounded by [`MAX_CHAIN_LEN`].
///
/// # Errors
/// [`Error::EmptyChain`], [`Error::ChainTooLong`] or [`Error::Certificate`].
pub(crate) fn parse_chain<'a>(
    chain: &[&'a [u8]],
) -> Result<Vec<Certificate<'a>, MAX_CHAIN_LEN>, Error> {
    if chain.is_empty() {
        return Err(Error::EmptyChain);
    }
    if chain.len() > MAX_CHAIN_LEN {
        return Err(Error::ChainTooLong { len: chain.len() });
    }
    let mut certs = Vec::new();
    for (index, der) in chain.iter().enumerate() {
        let cert =
            Certificate::from_der(der).map_err(|error| Error::Certificate { index, error })?;
        certs
            .push(cert)
            .map_err(|_| Error::ChainTooLong { len: chain.len() })?;
    }
    Ok(certs)
}

/// Verifies a chain (DER, leaf first) at `time` against `anchors`, skipping link signatures that
/// `cache` has seen verify (pass [`crate::NoCache`] to verify every one).
///
/// For every certificate: valid at `time`. For every link child → parent: the child's issuer is
/// the parent's subject, the parent may sign certificates (a CA, keyCertSign), its path-length
/// constraint holds, and the child's signature verifies under the parent's key. The leaf may
/// sign (digitalSignature, when keyUsage is present). The top certificate either *is* an anchor
/// (same public key: a device-supplied copy of the root, whose own signature is then not needed)
/// or is issued and signed by one.
///
/// # Errors
/// The first failed check, as an [`Error`] of [`crate::GpuCheck::Format`], `Chain` or `Root`;
/// [`Error::LinkStore`] when `cache` cannot answer.
pub fn verify_chain<'a>(
    chain: &[&'a [u8]],
    anchors: &[TrustAnchor<'_>],
    time: UnixTime,
    cache: &mut dyn LinkStore,
) -> Result<VerifiedChain<'a>, Error> {
    let certs = parse_chain(chain)?;
    verify_parsed(&certs, anchors, time, cache)?;
    Ok(VerifiedChain { certs })
}

/// [`verify_chain`] over already parsed certificates.
///
/// # Errors
/// As [`verify_chain`].
pub(crate) fn verify_parsed(
    certs: &[Certificate<'_>],
    anchors: &[TrustAnchor<'_>],
    time: UnixTime,
    cache: &mut dyn LinkStore,
) -> Result<(), Error> {
    let leaf = certs.first().ok_or(Error::EmptyChain)?;
    if leaf
        .key_usage()
        .is_some_and(|ku| ku & KU_DIGITAL_SIGNATURE == 0)
    {
        return Err(Error::LeafCannotSign);
    }
    for (index, cert) in certs.iter().enumerate() {
        if !cert.is_valid_at(time) {
            return Err(Error::Expired { index });
        }
    }
    // Which certificate is the top: the first one that is itself an anchor ends the chain.
    let anchored_at = certs
        .iter()
        .position(|c| anchors.iter().any(|a| a.public_key == c.public_key()));
    let top = match anchored_at {
        Some(i) => {
            if i.saturating_add(1) != certs.len() {
                // Certificates after the anchor would be unverified decoration: refuse them.
                return Err(Error::UntrustedRoot);
            }
            i
        }
        None => certs.len().saturating_sub(1),
    };
    for (child_index, pair) in certs.windows(2).enumerate().take(top) {
        let [child, parent] = pair else { continue };
        let parent_index = child_index.saturating_add(1);
        if child.issuer() != parent.subject() {
            return Err(Error::IssuerMismatch { index: child_index });
        }
        if !signature_holds(child, parent.public_key(), cache)? {
            return Err(Error::BadCertSignature { index: child_index });
        }
        if !parent.may_sign_certificates() {
            return Err(Error::NotCa {
                index: parent_index,
            });
        }
        // Intermediate CAs between this parent and the leaf (the leaf itself is not one).
        let intermediates_below = child_index;
        if let Some(limit) = parent.basic_constraints().and_then(|bc| bc.path_len)
            && intermediates_below > usize::from(limit)
        {
            return Err(Error::PathLenExceeded {
                index: parent_index,
            });
        }
    }
    if anchored_at.is_none() {
        // The top certificate must be issued and signed by an anchor.
        let top_cert = certs.get(top).ok_or(Error::EmptyChain)?;
        let anchor = anchors
            .iter()
            .find(|a| a.subject == top_cert.issuer())
            .ok_or(Error::UntrustedRoot)?;
        if !signature_holds(top_cert, anchor.public_key, cache)? {
            return Err(Error::UntrustedRoot);
        }
    }
    Ok(())
}

/// Whether `child`'s signature verifies under `parent_key`: known NVIDIA links and cached links
/// are taken as verified, anything else is verified now and, if good, remembered. A store that
/// cannot answer fails the verification ([`Error::LinkStore`]): it never stands for "known".
fn signature_holds(
    child: &Certificate<'_>,
    parent_key: &[u8],
    cache: &mut dyn LinkStore,
) -> Result<bool, Error> {
    if KnownCert::is_known_link(child.der(), parent_key) {
        return Ok(true);
    }
    let link = link_key(child.der(), parent_key);
    // The issuer (a byte comparison with the built-in keys) prices the check a miss announces;
    // the key itself is decoded only when the check runs.
    if cache
        .contains(&link, Issuer::of(parent_key))
        .map_err(|_| Error::LinkStore)?
    {
        return Ok(true);
    }
    let verified = signed_data::key(parent_key)
        .is_some_and(|key| signed_data::verify_der(&key, child.tbs(), child.signature()));
    if verified {
        cache.insert(link).map_err(|_| Error::LinkStore)?;
    }
    Ok(verified)
}
