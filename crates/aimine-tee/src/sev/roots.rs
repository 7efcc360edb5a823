//! AMD's root (ARK) and SEV (ASK) certificates for each EPYC generation, pinned.
//!
//! The DER files in `roots/amd/` are AMD's own, as its Key Distribution Service publishes them
//! (`https://kdsintf.amd.com/vcek/v1/{Milan,Genoa,Turin}/cert_chain`). A test checks each ASK's
//! RSASSA-PSS signature under its ARK and each ARK's self-signature once, so verifying a report
//! costs only the VCEK's signature under the ASK. Roots are compared by public key, never by
//! name.

use alloc::vec::Vec;

use crate::attestation::AmdProduct;
use crate::error::{Error, Role};
use crate::sev::cert::{AmdCert, RsaIssuer};

/// AMD's Milan ARK (`ARK-Milan`), DER.
const MILAN_ARK: &[u8] = include_bytes!("../../roots/amd/milan_ark.der");
/// AMD's Milan ASK (`SEV-Milan`), DER.
const MILAN_ASK: &[u8] = include_bytes!("../../roots/amd/milan_ask.der");
/// AMD's Genoa ARK (`ARK-Genoa`), DER.
const GENOA_ARK: &[u8] = include_bytes!("../../roots/amd/genoa_ark.der");
/// AMD's Genoa ASK (`SEV-Genoa`), DER.
const GENOA_ASK: &[u8] = include_bytes!("../../roots/amd/genoa_ask.der");
/// AMD's Turin ARK (`ARK-Turin`), DER.
const TURIN_ARK: &[u8] = include_bytes!("../../roots/amd/turin_ark.der");
/// AMD's Turin ASK (`SEV-Turin`), DER.
const TURIN_ASK: &[u8] = include_bytes!("../../roots/amd/turin_ask.der");

/// The pinned ARK and ASK DER of a product.
pub const fn pinned_ders(product: AmdProduct) -> (&'static [u8], &'static [u8]) {
    match product {
        AmdProduct::Milan => (MILAN_ARK, MILAN_ASK),
        AmdProduct::Genoa => (GENOA_ARK, GENOA_ASK),
        AmdProduct::Turin => (TURIN_ARK, TURIN_ASK),
    }
}

/// One product's trusted keys, decoded.
#[derive(Clone, Debug)]
pub struct ProductRoots {
    /// The product.
    pub product: AmdProduct,
    ark: AmdCert,
    ask: AmdCert,
    ark_issuer: RsaIssuer,
    ask_issuer: RsaIssuer,
}

impl ProductRoots {
    /// Decodes a product's ARK and ASK. Their signatures are not checked here: pinned
    /// certificates are checked once by [`ProductRoots::check_signatures`] (in tests, or by a
    /// caller who loads other roots).
    ///
    /// # Errors
    /// [`Error::CertMalformed`] if either is not an AMD RSA certificate.
    pub fn new(product: AmdProduct, ark_der: &[u8], ask_der: &[u8]) -> Result<Self, Error> {
        let ark = AmdCert::from_der(ark_der, Role::Ark)?;
        let ask = AmdCert::from_der(ask_der, Role::Ask)?;
        Ok(ProductRoots {
            product,
            ark_issuer: ark.as_issuer()?,
            ask_issuer: ask.as_issuer()?,
            ark,
            ask,
        })
    }

    /// Checks the ARK's self-signature and the ASK's signature under the ARK.
    ///
    /// # Errors
    /// [`Error::CertSignature`] or [`Error::IssuerMismatch`].
    pub fn check_signatures(&self) -> Result<(), Error> {
        self.ark.check_signed_by(&self.ark_issuer)?;
        self.ask.check_signed_by(&self.ark_issuer)
    }

    /// The ARK.
    pub(crate) fn ark(&self) -> &AmdCert {
        &self.ark
    }
    /// The ASK.
    pub(crate) fn ask(&self) -> &AmdCert {
        &self.ask
    }
    /// The ARK as an issuer (of the ASK and ASVKs).
    pub(crate) fn ark_issuer(&self) -> &RsaIssuer {
        &self.ark_issuer
    }
    /// The ASK as an issuer (of VCEKs).
    pub(crate) fn ask_issuer(&self) -> &RsaIssuer {
        &self.ask_issuer
    }
}

/// The set of AMD products a verifier trusts.
#[derive(Clone, Debug)]
pub struct AmdRoots {
    products: Vec<ProductRoots>,
}

impl AmdRoots {
    /// AMD's pinned Milan, Genoa and Turin roots.
    ///
    /// # Errors
    /// Only if a pinned certificate failed to decode, which a test rules out.
    pub fn pinned() -> Result<AmdRoots, Error> {
        let mut products = Vec::with_capacity(AmdProduct::ALL.len());
        for product in AmdProduct::ALL {
            let (ark, ask) = pinned_ders(product);
            products.push(ProductRoots::new(product, ark, ask)?);
        }
        Ok(AmdRoots { products })
    }

    /// Other roots (a test kit's, or a chain's governance-set ones).
    pub fn from_products(products: Vec<ProductRoots>) -> AmdRoots {
        AmdRoots { products }
    }

    /// The roots of `product` only, or all of them for `None`.
    pub(crate) fn only(&self, product: Option<AmdProduct>) -> AmdRoots {
        AmdRoots {
            products: self
                .products
                .iter()
                .filter(|p| product.is_none_or(|o| o == p.product))
                .cloned()
                .collect(),
        }
    }

    /// The trusted products.
    #[cfg(test)]
    pub(crate) fn products(&self) -> &[ProductRoots] {
        &self.products
    }

    /// The roots of `product`, if trusted.
    pub(crate) fn get(&self, product: AmdProduct) -> Option<&ProductRoots> {
        self.products.iter().find(|p| p.product == product)
    }

    /// The product whose ASK has this public key.
    pub(crate) fn by_ask_key(&self, spki: &[u8]) -> Option<&ProductRoots> {
        self.products.iter().find(|p| p.ask.spki() == spki)
    }

    /// The product whose ARK has this public key.
    pub(crate) fn by_ark_key(&self, spki: &[u8]) -> Option<&ProductRoots> {
        self.products.iter().find(|p| p.ark.spki() == spki)
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn pinned_roots_are_amds_and_self_consistent() {
        let roots = AmdRoots::pinned().unwrap();
        assert_eq!(roots.products().len(), 3);
        for p in roots.products() {
            // Each ASK is signed by its ARK, each ARK by itself: checked here once, not per
            // report.
            p.check_signatures().unwrap();
            let name = p.product.name();
            assert_eq!(
                p.ark().common_name(),
                alloc::format!("ARK-{name}").as_bytes()
            );
            assert_eq!(
                p.ask().common_name(),
                alloc::format!("SEV-{name}").as_bytes()
            );
        }
        // Another product's ARK does not sign this ASK.
        let milan = roots.get(AmdProduct::Milan).unwrap();
        let turin = roots.get(AmdProduct::Turin).unwrap();
        assert_eq!(
            milan.ask().check_signed_by(turin.ark_issuer()),
            Err(Error::CertSignature { role: Role::Ask })
        );
    }

    #[test]
    fn only_keeps_the_product_asked_for() {
        let roots = AmdRoots::pinned().unwrap();
        let turin = roots.only(Some(AmdProduct::Turin));
        assert_eq!(turin.products().len(), 1);
        assert!(turin.get(AmdProduct::Turin).is_some());
        assert!(turin.get(AmdProduct::Milan).is_none());
        assert_eq!(roots.only(None).products().len(), 3);
    }
}
