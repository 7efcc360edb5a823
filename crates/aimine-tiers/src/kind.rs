//! How a device proves what it is: one kind, from the quote envelope's kind byte to the session
//! record in storage.

use core::fmt;

use crate::{Hardware, TrustTier};

/// The kind of evidence behind a device, and so behind a mining session.
///
/// Its number is the `kind` byte of an `AIMQ` quote envelope (1 to 5, aimine-envelope) and the
/// kind bits of a session record (aimine-registry); [`Kind::Stake`] (0) is the Public tier's
/// stake, which has no envelope. aimine-tee's attestations are always one of the three CPU
/// kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    /// A Public-tier stake: no hardware quote.
    Stake = 0,
    /// One NVIDIA GPU's SPDM evidence with its X.509 chain.
    Gpu = 1,
    /// An Intel TDX trust domain's DCAP quote: Confidential tier.
    Tdx = 2,
    /// An Intel SGX enclave's DCAP quote: Private tier.
    Sgx = 3,
    /// An AMD SEV-SNP confidential VM's report: Confidential tier.
    SevSnp = 4,
    /// A CPU TEE quote and the NVIDIA GPUs of its VM.
    Composite = 5,
}

impl Kind {
    /// Every kind, by number.
    pub const ALL: [Kind; 6] = [
        Kind::Stake,
        Kind::Gpu,
        Kind::Tdx,
        Kind::Sgx,
        Kind::SevSnp,
        Kind::Composite,
    ];

    /// Its number (the envelope's kind byte and the session record's kind bits).
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// The kind numbered `n`, if any.
    pub const fn from_u8(n: u8) -> Option<Kind> {
        match n {
            0 => Some(Kind::Stake),
            1 => Some(Kind::Gpu),
            2 => Some(Kind::Tdx),
            3 => Some(Kind::Sgx),
            4 => Some(Kind::SevSnp),
            5 => Some(Kind::Composite),
            _ => None,
        }
    }

    /// The Intel DCAP kind: [`Kind::Tdx`] for a TDX quote, else [`Kind::Sgx`].
    pub const fn intel(tdx: bool) -> Kind {
        if tdx { Kind::Tdx } else { Kind::Sgx }
    }

    /// Whether this kind is a CPU TEE's own evidence (TDX, SGX or SEV-SNP).
    pub const fn is_cpu(self) -> bool {
        matches!(self, Kind::Tdx | Kind::Sgx | Kind::SevSnp)
    }

    /// The hardware class of a CPU kind, which fixes its tier; `None` for the others (a GPU's
    /// class depends on its architecture, a composite's on its parts).
    pub const fn cpu_hardware(self) -> Option<Hardware> {
        match self {
            Kind::Tdx => Some(Hardware::IntelTdx),
            Kind::Sgx => Some(Hardware::IntelSgx),
            Kind::SevSnp => Some(Hardware::AmdSevSnp),
            Kind::Stake | Kind::Gpu | Kind::Composite => None,
        }
    }

    /// The tier of a CPU kind (the mission's table: TDX and SEV-SNP 3, SGX 2); `None` for the
    /// others.
    pub const fn cpu_tier(self) -> Option<TrustTier> {
        match self.cpu_hardware() {
            Some(h) => Some(h.tier()),
            None => None,
        }
    }

    /// A short name (`GPU`, `TDX`, `SGX`, `SEV-SNP`, `composite`, `stake`).
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Stake => "stake",
            Kind::Gpu => "GPU",
            Kind::Tdx => "TDX",
            Kind::Sgx => "SGX",
            Kind::SevSnp => "SEV-SNP",
            Kind::Composite => "composite",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_nothing_else_is_a_kind() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_u8(k.as_u8()), Some(k));
        }
        assert_eq!(Kind::from_u8(6), None);
        assert_eq!(Kind::from_u8(0xFF), None);
        assert_eq!(Kind::Gpu.as_u8(), 1);
        assert_eq!(Kind::Composite.as_u8(), 5);
        assert_eq!(
            (Kind::intel(true), Kind::intel(false)),
            (Kind::Tdx, Kind::Sgx)
        );
    }

    #[test]
    fn only_cpu_kinds_have_a_fixed_tier() {
        assert_eq!(Kind::Tdx.cpu_tier(), Some(TrustTier::Confidential));
        assert_eq!(Kind::SevSnp.cpu_tier(), Some(TrustTier::Confidential));
        assert_eq!(Kind::Sgx.cpu_tier(), Some(TrustTier::Private));
        for k in [Kind::Stake, Kind::Gpu, Kind::Composite] {
            assert!(!k.is_cpu());
            assert_eq!(k.cpu_tier(), None);
        }
    }
}
