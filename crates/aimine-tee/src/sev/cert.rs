//! AMD's SEV certificates (ARK, ASK, ASVK, VCEK, VLEK): X.509 v3 signed with RSASSA-PSS
//! SHA-384. What is read: the signed bytes, names, validity, key, and the VCEK's extensions
//! (product name, TCB components, hardware id).

use alloc::vec::Vec;

use der::asn1::{Ia5StringRef, ObjectIdentifier};
use der::{Decode, Encode};
use rsa::PublicKey as RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::Sha384;
use x509_cert::Certificate;

use crate::UnixTime;
use crate::error::{Error, Role};
use crate::sev::report::TcbParts;

/// The largest certificate accepted, in bytes (AMD's are under 2 KiB).
pub(crate) const MAX_CERT_LEN: usize = 4096;

/// The one signature algorithm AMD uses, as its certificates encode it: RSASSA-PSS with SHA-384,
/// MGF1-SHA-384, salt 48, trailer 1 (encoded explicitly).
const RSASSA_PSS_SHA384: [u8; 72] = [
    0x30, 0x46, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x39, 0xa0,
    0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00,
    0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
    0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0xa2, 0x03,
    0x02, 0x01, 0x30, 0xa3, 0x03, 0x02, 0x01, 0x01,
];

/// The same algorithm in strict DER, the default trailer omitted (as OpenSSL encodes it).
const RSASSA_PSS_SHA384_DER: [u8; 67] = [
    0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34, 0xa0,
    0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00,
    0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
    0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0xa2, 0x03,
    0x02, 0x01, 0x30,
];

fn is_pss_sha384(alg: &[u8]) -> bool {
    alg == RSASSA_PSS_SHA384 || alg == RSASSA_PSS_SHA384_DER
}

/// The PSS salt length AMD signs with (SHA-384's output size).
const PSS_SALT_LEN: usize = 48;

const OID_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_PRODUCT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.2");
const OID_BOOTLOADER: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.1");
const OID_TEE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.2");
const OID_SNP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.3");
const OID_MICROCODE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.8");
const OID_FMC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.9");
const OID_HWID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.4");

/// A parsed AMD certificate: the fields a chain check needs, extracted once.
#[derive(Clone, Debug)]
pub(crate) struct AmdCert {
    role: Role,
    tbs: Vec<u8>,
    signature: Vec<u8>,
    issuer: Vec<u8>,
    subject: Vec<u8>,
    common_name: Vec<u8>,
    not_before: UnixTime,
    not_after: UnixTime,
    spki: Vec<u8>,
    product_name: Option<Vec<u8>>,
    tcb: Option<TcbParts>,
    hwid: Option<Vec<u8>>,
}

fn malformed(role: Role, what: &'static str) -> Error {
    Error::CertMalformed { role, what }
}

impl AmdCert {
    /// Parses one DER certificate in the given role. The signature algorithm must be AMD's
    /// RSASSA-PSS SHA-384 (salt 48, MGF1-SHA-384), identical inside and outside the signed part.
    ///
    /// # Errors
    /// [`Error::CertMalformed`] naming what is wrong.
    pub(crate) fn from_der(der: &[u8], role: Role) -> Result<AmdCert, Error> {
        if der.len() > MAX_CERT_LEN {
            return Err(malformed(role, "longer than 4096 bytes"));
        }
        let cert = Certificate::from_der(der).map_err(|_| malformed(role, "not DER X.509"))?;
        let tbs = cert.tbs_certificate();
        let outer = cert
            .signature_algorithm()
            .to_der()
            .map_err(|_| malformed(role, "signature algorithm"))?;
        let inner = tbs
            .signature()
            .to_der()
            .map_err(|_| malformed(role, "signature algorithm"))?;
        if outer != inner || !is_pss_sha384(&outer) {
            return Err(malformed(
                role,
                "signature algorithm is not RSASSA-PSS SHA-384",
            ));
        }
        let signature = cert
            .signature()
            .as_bytes()
            .ok_or(malformed(role, "signature has unused bits"))?
            .to_vec();
        let encode = |r: der::Result<Vec<u8>>| r.map_err(|_| malformed(role, "re-encoding"));
        let validity = tbs.validity();
        let mut common_name = Vec::new();
        for rdn in tbs.subject().iter_rdn() {
            for atv in rdn.iter() {
                if atv.oid == OID_COMMON_NAME {
                    common_name = atv.value.value().to_vec();
                }
            }
        }
        let mut parsed = AmdCert {
            role,
            tbs: encode(tbs.to_der())?,
            signature,
            issuer: encode(tbs.issuer().to_der())?,
            subject: encode(tbs.subject().to_der())?,
            common_name,
            not_before: crate::time::from_x509(&validity.not_before),
            not_after: crate::time::from_x509(&validity.not_after),
            spki: encode(tbs.subject_public_key_info().to_der())?,
            product_name: None,
            tcb: None,
            hwid: None,
        };
        if role == Role::Endorsement {
            parsed.read_endorsement_extensions(&cert)?;
        }
        Ok(parsed)
    }

    fn read_endorsement_extensions(&mut self, cert: &Certificate) -> Result<(), Error> {
        let role = self.role;
        let int = |v: &[u8]| u8::from_der(v).map_err(|_| malformed(role, "TCB extension"));
        let mut tcb = TcbParts::default();
        let mut seen = [false; 4];
        for ext in cert.tbs_certificate().extensions().into_iter().flatten() {
            let value = ext.extn_value.as_bytes();
            let slot = match ext.extn_id {
                OID_BOOTLOADER => Some((0, &mut tcb.bootloader)),
                OID_TEE => Some((1, &mut tcb.tee)),
                OID_SNP => Some((2, &mut tcb.snp)),
                OID_MICROCODE => Some((3, &mut tcb.microcode)),
                _ => None,
            };
            if let Some((i, field)) = slot {
                *field = int(value)?;
                if let Some(flag) = seen.get_mut(i) {
                    *flag = true;
                }
                continue;
            }
            match ext.extn_id {
                OID_FMC => tcb.fmc = Some(int(value)?),
                OID_HWID => {
                    // AMD stores the raw id as the extension value (64 bytes; 8 on Turin).
                    if value.len() != 64 && value.len() != 8 {
                        return Err(malformed(role, "hwID extension is not 8 or 64 bytes"));
                    }
                    self.hwid = Some(value.to_vec());
                }
                OID_PRODUCT_NAME => {
                    let name = Ia5StringRef::from_der(value)
                        .map_err(|_| malformed(role, "productName extension"))?;
                    self.product_name = Some(name.as_bytes().to_vec());
                }
                _ if ext.critical => return Err(malformed(role, "unknown critical extension")),
                _ => {}
            }
        }
        // A VLEK carries the same TCB extensions; only a VCEK has a hardware id.
        if seen.iter().all(|&s| s) {
            self.tcb = Some(tcb);
        }
        Ok(())
    }

    /// The encoded issuer name.
    pub(crate) fn issuer(&self) -> &[u8] {
        &self.issuer
    }
    /// The subject's common name (`ARK-Milan`, `SEV-Milan`, `SEV-VCEK`, `SEV-VLEK`, …).
    pub(crate) fn common_name(&self) -> &[u8] {
        &self.common_name
    }
    /// notBefore and notAfter.
    pub(crate) fn validity(&self) -> (UnixTime, UnixTime) {
        (self.not_before, self.not_after)
    }
    /// The encoded SubjectPublicKeyInfo (AMD pins roots by it).
    pub(crate) fn spki(&self) -> &[u8] {
        &self.spki
    }
    /// The VCEK's productName extension (`Milan-B0`, `Turin`, …).
    pub(crate) fn product_name(&self) -> Option<&[u8]> {
        self.product_name.as_deref()
    }
    /// The VCEK's TCB extensions, when all four mandatory ones are present.
    pub(crate) fn tcb(&self) -> Option<TcbParts> {
        self.tcb
    }
    /// The VCEK's hwID extension (64 bytes; 8 on Turin).
    pub(crate) fn hwid(&self) -> Option<&[u8]> {
        self.hwid.as_deref()
    }

    /// Checks the validity period at `time`.
    ///
    /// # Errors
    /// [`Error::CertTime`].
    pub(crate) fn check_time(&self, time: UnixTime) -> Result<(), Error> {
        if time < self.not_before || time > self.not_after {
            return Err(Error::CertTime {
                role: self.role,
                not_before: self.not_before,
                not_after: self.not_after,
            });
        }
        Ok(())
    }

    /// Checks that `issuer` issued and signed this certificate.
    ///
    /// # Errors
    /// [`Error::IssuerMismatch`], or [`Error::CertSignature`] (also when the issuer's key is not
    /// RSA).
    pub(crate) fn check_signed_by(&self, issuer: &RsaIssuer) -> Result<(), Error> {
        // The signature first: a certificate from another product fails as "not signed by".
        let signature = rsa::pss::Signature::try_from(self.signature.as_slice())
            .map_err(|_| Error::CertSignature { role: self.role })?;
        issuer
            .key
            .verify(&self.tbs, &signature)
            .map_err(|_| Error::CertSignature { role: self.role })?;
        if self.issuer != issuer.subject {
            return Err(Error::IssuerMismatch { role: self.role });
        }
        Ok(())
    }

    /// This certificate as an issuer of others (its key must be RSA).
    ///
    /// # Errors
    /// [`Error::CertMalformed`] when the key is not RSA.
    pub(crate) fn as_issuer(&self) -> Result<RsaIssuer, Error> {
        let key = RsaPublicKey::from_public_key_der(&self.spki)
            .map_err(|_| malformed(self.role, "key is not RSA"))?;
        Ok(RsaIssuer {
            subject: self.subject.clone(),
            key: rsa::pss::VerifyingKey::new_with_salt_len(key, PSS_SALT_LEN),
        })
    }

    /// The P-384 key of an endorsement certificate, decoded by p384 (the SubjectPublicKeyInfo
    /// and its point checks) and handed to aimine-p384, which verifies reports about 2x faster
    /// than p384 with the same verdict (its differential tests and fuzz target).
    ///
    /// # Errors
    /// [`Error::CertMalformed`] when the key is not an EC P-384 key.
    pub(crate) fn p384_key(&self) -> Result<aimine_p384::VerifyingKey, Error> {
        use p384::elliptic_curve::sec1::ToSec1Point as _;
        use p384::pkcs8::DecodePublicKey as _;
        let bad = || malformed(self.role, "key is not EC P-384");
        let key = p384::ecdsa::VerifyingKey::from_public_key_der(&self.spki).map_err(|_| bad())?;
        let point = key.as_affine().to_sec1_point(false);
        aimine_p384::VerifyingKey::from_sec1_bytes(point.as_bytes()).ok_or_else(bad)
    }
}

/// An issuer ready to verify: its subject name and RSA-PSS key, decoded once.
#[derive(Clone, Debug)]
pub(crate) struct RsaIssuer {
    subject: Vec<u8>,
    key: rsa::pss::VerifyingKey<Sha384>,
}

impl RsaIssuer {
    /// The issuer's encoded subject name.
    pub(crate) fn subject(&self) -> &[u8] {
        &self.subject
    }
}
