//! PEM certificate chains, as NVIDIA's tools emit them (concatenated `CERTIFICATE` blocks).

use alloc::vec::Vec;

/// Why a PEM chain could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PemError {
    /// No `-----BEGIN CERTIFICATE-----` block.
    NoCertificates,
    /// A block is not valid PEM, not base64, or not a CERTIFICATE.
    BadBlock {
        /// Which block, 0-based.
        index: usize,
    },
}

impl core::fmt::Display for PemError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PemError::NoCertificates => f.write_str("no PEM certificate found"),
            PemError::BadBlock { index } => write!(f, "PEM certificate {index} is malformed"),
        }
    }
}

impl core::error::Error for PemError {}

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// Every CERTIFICATE block of `text`, in order, as DER. Text between blocks is ignored.
///
/// # Errors
/// [`PemError`] when there is no block or one is malformed.
pub fn decode_pem_chain(text: &str) -> Result<Vec<Vec<u8>>, PemError> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let index = out.len();
        let from_start = rest.get(start..).ok_or(PemError::BadBlock { index })?;
        let end = from_start
            .find(END)
            .and_then(|e| e.checked_add(END.len()))
            .ok_or(PemError::BadBlock { index })?;
        let block = from_start.get(..end).ok_or(PemError::BadBlock { index })?;
        let (label, der) =
            ::der::pem::decode_vec(block.as_bytes()).map_err(|_| PemError::BadBlock { index })?;
        if label != "CERTIFICATE" {
            return Err(PemError::BadBlock { index });
        }
        out.push(der);
        rest = from_start.get(end..).unwrap_or_default();
    }
    if out.is_empty() {
        return Err(PemError::NoCertificates);
    }
    Ok(out)
}
