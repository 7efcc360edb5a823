//! Time in X.509 and Intel's collateral as aimine-time's [`UnixTime`], read in one place.

use aimine_time::UnixTime;

/// An X.509 time (a certificate's notBefore or notAfter, a CRL's nextUpdate) as a [`UnixTime`].
pub(crate) fn from_x509(time: &x509_cert::time::Time) -> UnixTime {
    UnixTime(time.to_unix_duration().as_secs())
}
