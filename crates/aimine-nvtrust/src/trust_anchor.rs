//! Trust anchors: the keys a chain must end at. Compared by public key, never by name.

use crate::Certificate;
use crate::error::CertError;

/// A trusted root: its subject (to match the issuer of the certificate it signed) and its P-384
/// public key (uncompressed SEC1, 97 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustAnchor<'a> {
    /// The anchor's subject Name, DER.
    pub subject: &'a [u8],
    /// The anchor's public key, uncompressed SEC1.
    pub public_key: &'a [u8],
}

impl<'a> TrustAnchor<'a> {
    /// The anchor a self-signed (or any) certificate stands for: its subject and key.
    ///
    /// # Errors
    /// As [`Certificate::from_der`].
    pub fn from_cert_der(der: &'a [u8]) -> Result<TrustAnchor<'a>, CertError> {
        let cert = Certificate::from_der(der)?;
        Ok(TrustAnchor {
            subject: cert.subject(),
            public_key: cert.public_key(),
        })
    }
}

/// "NVIDIA Device Identity CA" (O=NVIDIA), the root of every NVIDIA GPU and NVSwitch device
/// certificate chain (certificate SHA-256 102bf659…167b48, valid 2021-11-05 to 9999-12-31).
/// The default anchor of [`crate::verify_evidence`].
pub const NVIDIA_DEVICE_IDENTITY_CA: TrustAnchor<'static> = TrustAnchor {
    subject: &NVIDIA_DEVICE_IDENTITY_CA_SUBJECT,
    public_key: &crate::known::NVIDIA_DEVICE_IDENTITY_CA_KEY,
};

/// The DER subject of [`NVIDIA_DEVICE_IDENTITY_CA`]: CN=NVIDIA Device Identity CA, O=NVIDIA.
const NVIDIA_DEVICE_IDENTITY_CA_SUBJECT: [u8; 55] = [
    0x30, 0x35, 0x31, 0x22, 0x30, 0x20, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x19, 0x4e, 0x56, 0x49,
    0x44, 0x49, 0x41, 0x20, 0x44, 0x65, 0x76, 0x69, 0x63, 0x65, 0x20, 0x49, 0x64, 0x65, 0x6e, 0x74,
    0x69, 0x74, 0x79, 0x20, 0x43, 0x41, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c,
    0x06, 0x4e, 0x56, 0x49, 0x44, 0x49, 0x41,
];
