//! Time as verifiers on chain have it: seconds since the Unix epoch, from the block. Never a clock.

use ::der::Decode;
use ::der::asn1::{GeneralizedTime, UtcTime};

use crate::CertError;
use crate::der::Tlv;

/// Seconds since 1970-01-01T00:00:00Z, e.g. a block timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub u64);

impl UnixTime {
    /// The time `seconds` after the epoch.
    pub const fn from_secs(seconds: u64) -> UnixTime {
        UnixTime(seconds)
    }

    /// Seconds since the epoch.
    pub const fn as_secs(self) -> u64 {
        self.0
    }
}

/// An X.509 `Time` (UTCTime or GeneralizedTime, DER-strict) as Unix seconds.
pub(crate) fn from_asn1(tlv: &Tlv<'_>) -> Result<UnixTime, CertError> {
    let duration = match tlv.tag {
        ::der::Tag::UtcTime => UtcTime::from_der(tlv.raw)
            .map_err(|_| CertError::Malformed { field: "validity" })?
            .to_unix_duration(),
        ::der::Tag::GeneralizedTime => GeneralizedTime::from_der(tlv.raw)
            .map_err(|_| CertError::Malformed { field: "validity" })?
            .to_unix_duration(),
        _ => return Err(CertError::Malformed { field: "validity" }),
    };
    Ok(UnixTime(duration.as_secs()))
}
