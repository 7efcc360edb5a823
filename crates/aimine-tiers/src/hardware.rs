//! Hardware classes and the tier each earns.

use core::fmt;

use crate::TrustTier;

/// A class of compute hardware, as attestation evidence identifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hardware {
    /// NVIDIA Blackwell (B100/B200/GB200) in confidential-computing mode.
    Blackwell,
    /// NVIDIA Hopper (H100/H200/GH200) in confidential-computing mode.
    Hopper,
    /// A workstation Blackwell die (GB202 and the other GB2xx: RTX PRO 6000 Blackwell) in
    /// confidential-computing mode: the Confidential tier, not the data-centre parts' Sovereign.
    BlackwellWorkstation,
    /// An Intel TDX trust domain (confidential VM).
    IntelTdx,
    /// An AMD SEV-SNP confidential VM.
    AmdSevSnp,
    /// An Intel SGX enclave.
    IntelSgx,
    /// An NVIDIA A100 (Ampere): trusted boot, no full confidential computing.
    A100,
    /// A consumer GPU: nothing to attest; stake-based.
    ConsumerGpu,
}

impl Hardware {
    /// Every hardware class, most trusted first.
    pub const ALL: [Hardware; 8] = [
        Hardware::Blackwell,
        Hardware::Hopper,
        Hardware::BlackwellWorkstation,
        Hardware::IntelTdx,
        Hardware::AmdSevSnp,
        Hardware::IntelSgx,
        Hardware::A100,
        Hardware::ConsumerGpu,
    ];

    /// The trust tier this hardware earns (the mission's tier table).
    pub const fn tier(self) -> TrustTier {
        match self {
            Hardware::Blackwell => TrustTier::Sovereign,
            Hardware::Hopper
            | Hardware::BlackwellWorkstation
            | Hardware::IntelTdx
            | Hardware::AmdSevSnp => TrustTier::Confidential,
            Hardware::IntelSgx | Hardware::A100 => TrustTier::Private,
            Hardware::ConsumerGpu => TrustTier::Public,
        }
    }

    /// Whether this hardware proves itself with a signed hardware quote (everything but consumer
    /// GPUs, which stake instead).
    pub const fn has_hardware_quote(self) -> bool {
        !matches!(self, Hardware::ConsumerGpu)
    }

    /// A short human-readable name.
    pub const fn name(self) -> &'static str {
        match self {
            Hardware::Blackwell => "NVIDIA Blackwell",
            Hardware::Hopper => "NVIDIA Hopper",
            Hardware::BlackwellWorkstation => "NVIDIA Blackwell workstation (GB2xx)",
            Hardware::IntelTdx => "Intel TDX",
            Hardware::AmdSevSnp => "AMD SEV-SNP",
            Hardware::IntelSgx => "Intel SGX",
            Hardware::A100 => "NVIDIA A100",
            Hardware::ConsumerGpu => "consumer GPU",
        }
    }
}

impl fmt::Display for Hardware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_mission_table() {
        use Hardware::*;
        use TrustTier::*;
        let table = [
            (Blackwell, Sovereign),
            (Hopper, Confidential),
            (BlackwellWorkstation, Confidential),
            (IntelTdx, Confidential),
            (AmdSevSnp, Confidential),
            (IntelSgx, Private),
            (A100, Private),
            (ConsumerGpu, Public),
        ];
        for (hw, tier) in table {
            assert_eq!(hw.tier(), tier, "{hw}");
        }
        assert_eq!(Hardware::ALL.len(), table.len());
    }

    #[test]
    fn only_consumer_gpus_lack_a_quote() {
        for hw in Hardware::ALL {
            assert_eq!(hw.has_hardware_quote(), hw != Hardware::ConsumerGpu, "{hw}");
        }
    }
}
