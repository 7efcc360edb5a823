//! Time as verifiers on chain have it: aimine-time's [`UnixTime`], from the block, never a
//! clock; and X.509 validity times read into it.

use ::der::Decode;
use ::der::asn1::{GeneralizedTime, UtcTime};

use crate::CertError;
use crate::der::Tlv;

pub use aimine_time::UnixTime;

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
