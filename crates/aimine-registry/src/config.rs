//! Governance parameters: where they live and what they default to.

use crate::Error;
use crate::env::Address;
use crate::keys;
use crate::store::{Store, Word, word};

/// A governance parameter; its number is its storage slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Param {
    /// The admin address (slot 0). Handed over in two steps: [`crate::Registry::propose_admin`]
    /// then [`crate::Registry::accept_admin`].
    Admin = 0,
    /// Reward per compute unit per second, in the chain's smallest unit.
    BaseRate = 1,
    /// Length of a nonce epoch in seconds (quotes of this or the previous epoch are fresh).
    EpochSeconds = 2,
    /// How long an attestation stays valid after a session starts or refreshes, seconds.
    AttestationTtl = 3,
    /// The most seconds one heartbeat pays for.
    MaxHeartbeatInterval = 4,
    /// 1: sessions started with a session key must sign every heartbeat.
    RequireHeartbeatSignature = 5,
    /// Smallest stake of a Public-tier session.
    MinStake = 6,
    /// Seconds between asking to withdraw a stake and being able to.
    StakeCooldown = 7,
    /// Compute units of a Public-tier (consumer GPU) session.
    PublicComputeUnits = 8,
    /// Compute units of a Hopper GPU unless overridden per SKU.
    HopperComputeUnits = 9,
    /// Compute units of a Blackwell GPU unless overridden per SKU.
    BlackwellComputeUnits = 10,
    /// 1: a quote whose driver and VBIOS have no golden measurement set is refused.
    RequireGoldenMeasurements = 11,
    /// The grade of an out-of-date CPU TEE TCB (and of stale Intel collateral) during its grace
    /// period, in basis points of the tier's rate (default 5,000).
    TcbOutOfDateBps = 12,
    /// The grace period of an out-of-date TCB or stale collateral, seconds (default 90 days).
    TcbGraceSeconds = 13,
    /// The grade of the ConfigurationNeeded statuses, basis points (default 10,000).
    TcbConfigurationBps = 14,
    /// Set once by [`crate::Registry::init`].
    Initialized = 15,
    /// The grade of SWHardeningNeeded, basis points (default 10,000).
    TcbSwHardeningBps = 35,
    /// 1: CPU TEE guests and enclaves that allow debugging are accepted (never on a real chain).
    AllowDebugGuests = 36,
    /// Compute units of an Intel TDX trust domain (CPU-only session).
    TdxComputeUnits = 37,
    /// Compute units of an Intel SGX enclave.
    SgxComputeUnits = 38,
    /// Compute units of an AMD SEV-SNP guest (CPU-only session).
    SevSnpComputeUnits = 39,
    /// The admin a hand-over was proposed to (zero: none). Not settable.
    PendingAdmin = 44,
    /// The lowest Intel TCB evaluation data number accepted: collateral (inline or stored) older
    /// than it is refused even when the chain holds nothing newer (default 17).
    MinTcbEvaluation = 45,
    /// The lowest reported TCB of an AMD Milan guest, packed as [`AmdTcbFloor`] (default 0: none).
    AmdMinTcbMilan = 46,
    /// The lowest reported TCB of an AMD Genoa guest (default 0: none).
    AmdMinTcbGenoa = 47,
    /// The lowest reported TCB of an AMD Turin guest (default 0: none).
    AmdMinTcbTurin = 48,
    /// 1 (default): Hopper and Blackwell evidence must report its FWID (opaque field 20), bound to
    /// the leaf certificate's; evidence from drivers that do not report one is refused.
    RequireFwid = 49,
    /// 1 (default): Intel TDX and SGX quotes are accepted. A node built without Intel support
    /// refuses such a genesis and halts on an Intel quote while this is 1, rather than disagree
    /// with nodes that have it; a chain whose nodes cannot verify Intel quotes sets 0 at genesis
    /// and every node refuses them. Turning it on later requires every node to run an Intel
    /// build first.
    IntelQuotes = 50,
    /// Compute units of a workstation Blackwell GPU (GB202 and the other GB2xx dies: RTX PRO
    /// 6000 Blackwell), which earns the Confidential tier, not Sovereign (default 1,000).
    WorkstationComputeUnits = 51,
}

/// The largest reward per compute unit per second governance may set: one whole token (10^18).
pub const MAX_BASE_RATE: u128 = 1_000_000_000_000_000_000;
/// The most compute units any device may count (a GPU, a platform, a SKU override).
pub const MAX_COMPUTE_UNITS: u64 = 1_000_000;
/// The longest interval one heartbeat may pay for: 7 days.
pub const MAX_HEARTBEAT_INTERVAL: u64 = 7 * 86_400;
/// The longest attestation lifetime: 30 days.
pub const MAX_ATTESTATION_TTL: u64 = 30 * 86_400;
/// The longest stake withdrawal cooldown: 365 days, so a stake is never locked forever.
pub const MAX_STAKE_COOLDOWN: u64 = 365 * 86_400;

// With every bound at its largest, one settlement (rate × seconds × units of 8 GPUs × 1.5x)
// stays below 2^103, so `settle` cannot overflow, and a balance can absorb more than 10^7 of
// them before it could.
#[allow(clippy::arithmetic_side_effects)] // evaluated at compile time: an overflow fails the build
const _: () = assert!(
    MAX_BASE_RATE * (MAX_HEARTBEAT_INTERVAL as u128) * (8 * MAX_COMPUTE_UNITS as u128) * 15_000
        / 10_000
        < 1 << 103
);

/// An AMD minimum reported TCB as a parameter value: bootloader in bits 0–7, TEE 8–15, SNP
/// 16–23, microcode 24–31 and FMC (Turin) 32–39. A guest is refused when any of its reported
/// components is below the floor's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AmdTcbFloor {
    /// Lowest bootloader SVN.
    pub bootloader: u8,
    /// Lowest TEE (PSP OS) SVN.
    pub tee: u8,
    /// Lowest SNP firmware SVN.
    pub snp: u8,
    /// Lowest microcode patch level.
    pub microcode: u8,
    /// Lowest FMC SVN (Turin; ignored elsewhere).
    pub fmc: u8,
}

impl AmdTcbFloor {
    /// The floor a parameter value packs.
    pub const fn from_u64(v: u64) -> AmdTcbFloor {
        let [bootloader, tee, snp, microcode, fmc, ..] = v.to_le_bytes();
        AmdTcbFloor {
            bootloader,
            tee,
            snp,
            microcode,
            fmc,
        }
    }

    /// The parameter value of this floor.
    pub const fn to_u64(self) -> u64 {
        u64::from_le_bytes([
            self.bootloader,
            self.tee,
            self.snp,
            self.microcode,
            self.fmc,
            0,
            0,
            0,
        ])
    }

    /// Whether `tcb` is at or above the floor in every component.
    pub fn admits(&self, tcb: &aimine_tee::sev::TcbParts) -> bool {
        tcb.bootloader >= self.bootloader
            && tcb.tee >= self.tee
            && tcb.snp >= self.snp
            && tcb.microcode >= self.microcode
            && tcb.fmc.is_none_or(|f| f >= self.fmc)
    }
}

impl Param {
    /// Every settable parameter (not the admin, not the initialised flag).
    pub const SETTABLE: [Param; 26] = [
        Param::BaseRate,
        Param::EpochSeconds,
        Param::AttestationTtl,
        Param::MaxHeartbeatInterval,
        Param::RequireHeartbeatSignature,
        Param::MinStake,
        Param::StakeCooldown,
        Param::PublicComputeUnits,
        Param::HopperComputeUnits,
        Param::BlackwellComputeUnits,
        Param::RequireGoldenMeasurements,
        Param::TcbOutOfDateBps,
        Param::TcbGraceSeconds,
        Param::TcbConfigurationBps,
        Param::TcbSwHardeningBps,
        Param::AllowDebugGuests,
        Param::TdxComputeUnits,
        Param::SgxComputeUnits,
        Param::SevSnpComputeUnits,
        Param::MinTcbEvaluation,
        Param::AmdMinTcbMilan,
        Param::AmdMinTcbGenoa,
        Param::AmdMinTcbTurin,
        Param::RequireFwid,
        Param::IntelQuotes,
        Param::WorkstationComputeUnits,
    ];

    /// Every parameter packed into the policy word ([`Param::packed`]), in bit order.
    pub const PACKED: [Param; 10] = [
        Param::EpochSeconds,
        Param::AttestationTtl,
        Param::MaxHeartbeatInterval,
        Param::RequireHeartbeatSignature,
        Param::RequireGoldenMeasurements,
        Param::RequireFwid,
        Param::BaseRate,
        Param::HopperComputeUnits,
        Param::BlackwellComputeUnits,
        Param::WorkstationComputeUnits,
    ];

    /// The parameter with this number, if settable.
    pub fn settable(number: u8) -> Option<Param> {
        Param::SETTABLE.into_iter().find(|p| *p as u8 == number)
    }

    /// Its storage key: its own slot, or for a parameter packed into the policy word
    /// ([`Param::packed`]), the policy word's slot ([`keys::POLICY`]).
    pub fn key(self) -> Word {
        match self.packed() {
            Some(_) => keys::slot(keys::POLICY),
            None => keys::slot(self as u64),
        }
    }

    /// Where a parameter packed into the policy word lies in it: (lowest bit, width in bits);
    /// `None` for a parameter in a slot of its own.
    ///
    /// The parameters a session's quote, refresh or heartbeat reads live in one word, so such a
    /// call reads one cold slot for them where it read up to six; the layout, from the low end:
    ///
    /// | bits | parameter |
    /// |---|---|
    /// | 0–31 | [`Param::EpochSeconds`] |
    /// | 32–63 | [`Param::AttestationTtl`] |
    /// | 64–95 | [`Param::MaxHeartbeatInterval`] |
    /// | 96–103 | [`Param::RequireHeartbeatSignature`] |
    /// | 104–111 | [`Param::RequireGoldenMeasurements`] |
    /// | 112–119 | [`Param::RequireFwid`] |
    /// | 120–127 | the trust anchors: stored count (bits 120–122), NVIDIA's root (bit 123) |
    /// | 128–187 | [`Param::BaseRate`] (at most [`MAX_BASE_RATE`] < 2^60) |
    /// | 188–207 | [`Param::HopperComputeUnits`] (at most [`MAX_COMPUTE_UNITS`] < 2^20) |
    /// | 208–227 | [`Param::BlackwellComputeUnits`] |
    /// | 228–247 | [`Param::WorkstationComputeUnits`] |
    /// | 248–255 | zero |
    ///
    /// [`Param::accepts`] keeps every value within its width.
    pub const fn packed(self) -> Option<(u32, u32)> {
        match self {
            Param::EpochSeconds => Some((0, 32)),
            Param::AttestationTtl => Some((32, 32)),
            Param::MaxHeartbeatInterval => Some((64, 32)),
            Param::RequireHeartbeatSignature => Some((96, 8)),
            Param::RequireGoldenMeasurements => Some((104, 8)),
            Param::RequireFwid => Some((112, 8)),
            Param::BaseRate => Some((128, 60)),
            Param::HopperComputeUnits => Some((188, 20)),
            Param::BlackwellComputeUnits => Some((208, 20)),
            Param::WorkstationComputeUnits => Some((228, 20)),
            _ => None,
        }
    }

    /// Whether `value` is acceptable for this parameter: within the bounds that keep rewards from
    /// overflowing ([`MAX_BASE_RATE`], [`MAX_COMPUTE_UNITS`], [`MAX_HEARTBEAT_INTERVAL`]) and
    /// stakes from being locked for ever ([`MAX_STAKE_COOLDOWN`]).
    pub fn accepts(self, value: &Word) -> bool {
        let v = word::to_u64(value);
        let within = |lo: u64, hi: u64| v.is_some_and(|v| (lo..=hi).contains(&v));
        match self {
            Param::EpochSeconds => within(1, u64::from(u32::MAX)),
            Param::AttestationTtl => within(1, MAX_ATTESTATION_TTL),
            Param::MaxHeartbeatInterval => within(1, MAX_HEARTBEAT_INTERVAL),
            Param::RequireHeartbeatSignature
            | Param::RequireGoldenMeasurements
            | Param::AllowDebugGuests
            | Param::RequireFwid
            | Param::IntelQuotes => within(0, 1),
            Param::TcbOutOfDateBps | Param::TcbConfigurationBps | Param::TcbSwHardeningBps => {
                within(0, 10_000)
            }
            Param::TcbGraceSeconds | Param::MinTcbEvaluation => within(0, u64::MAX),
            Param::AmdMinTcbMilan | Param::AmdMinTcbGenoa | Param::AmdMinTcbTurin => {
                within(0, (1 << 40) - 1)
            }
            Param::StakeCooldown => within(0, MAX_STAKE_COOLDOWN),
            Param::PublicComputeUnits
            | Param::HopperComputeUnits
            | Param::BlackwellComputeUnits
            | Param::WorkstationComputeUnits
            | Param::TdxComputeUnits
            | Param::SgxComputeUnits
            | Param::SevSnpComputeUnits => within(0, MAX_COMPUTE_UNITS),
            Param::BaseRate => word::to_u128(value).is_some_and(|v| v <= MAX_BASE_RATE),
            Param::MinStake => word::to_u128(value).is_some(),
            Param::Admin | Param::Initialized | Param::PendingAdmin => false,
        }
    }
}

/// The whole configuration, as [`crate::Registry::init`] writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Who governs.
    pub admin: Address,
    /// Reward per compute unit per second.
    pub base_rate: u128,
    /// Nonce epoch length, seconds.
    pub epoch_seconds: u64,
    /// Attestation lifetime, seconds.
    pub attestation_ttl: u64,
    /// Longest interval one heartbeat pays for, seconds.
    pub max_heartbeat_interval: u64,
    /// Whether keyed sessions must sign heartbeats.
    pub require_heartbeat_signature: bool,
    /// Smallest Public-tier stake.
    pub min_stake: u128,
    /// Stake withdrawal cooldown, seconds.
    pub stake_cooldown: u64,
    /// Compute units of Public-tier sessions.
    pub public_compute_units: u64,
    /// Compute units of Hopper GPUs.
    pub hopper_compute_units: u64,
    /// Compute units of Blackwell GPUs.
    pub blackwell_compute_units: u64,
    /// Whether quotes need a golden measurement set for their driver and VBIOS.
    pub require_golden_measurements: bool,
    /// CPU TEE TCB grading: out of date (and stale collateral) during the grace, bps.
    pub tcb_out_of_date_bps: u64,
    /// CPU TEE TCB grading: the grace period, seconds.
    pub tcb_grace_seconds: u64,
    /// CPU TEE TCB grading: ConfigurationNeeded statuses, bps.
    pub tcb_configuration_bps: u64,
    /// CPU TEE TCB grading: SWHardeningNeeded, bps.
    pub tcb_sw_hardening_bps: u64,
    /// Whether debug guests and enclaves are accepted.
    pub allow_debug_guests: bool,
    /// Compute units of a TDX trust domain.
    pub tdx_compute_units: u64,
    /// Compute units of an SGX enclave.
    pub sgx_compute_units: u64,
    /// Compute units of an SEV-SNP guest.
    pub sev_snp_compute_units: u64,
    /// The lowest Intel TCB evaluation data number accepted.
    pub min_tcb_evaluation: u64,
    /// The lowest reported TCB of AMD Milan, Genoa and Turin guests.
    pub amd_min_tcb: [AmdTcbFloor; 3],
    /// Whether Hopper and Blackwell evidence must report an FWID bound to its certificate.
    pub require_fwid: bool,
    /// Whether Intel TDX and SGX quotes are accepted.
    pub intel_quotes: bool,
    /// Compute units of a workstation Blackwell GPU (GB2xx).
    pub workstation_compute_units: u64,
}

impl Config {
    /// The defaults: 1 gwei per compute unit per second, hour epochs, 24-hour attestations,
    /// heartbeats paying up to an hour, 1 token (10^18) minimum stake with a 7-day cooldown,
    /// compute units Public 10, Hopper 1,000, Blackwell 2,500, and golden measurements checked
    /// where governance has registered them but not required; CPU TEEs graded full for hardening
    /// and configuration, 50 % out of date for 90 days, no debug guests, and compute units TDX
    /// 100, SEV-SNP 100, SGX 50; Intel collateral from TCB evaluation 17 on, no AMD TCB floor,
    /// FWID binding required, Intel quotes accepted, workstation Blackwell GPUs 1,000 units.
    pub const fn with_admin(admin: Address) -> Config {
        Config {
            admin,
            base_rate: 1_000_000_000,
            epoch_seconds: 3_600,
            attestation_ttl: 86_400,
            max_heartbeat_interval: 3_600,
            require_heartbeat_signature: false,
            min_stake: 1_000_000_000_000_000_000,
            stake_cooldown: 7 * 86_400,
            public_compute_units: 10,
            hopper_compute_units: 1_000,
            blackwell_compute_units: 2_500,
            require_golden_measurements: false,
            tcb_out_of_date_bps: 5_000,
            tcb_grace_seconds: 90 * 86_400,
            tcb_configuration_bps: 10_000,
            tcb_sw_hardening_bps: 10_000,
            allow_debug_guests: false,
            tdx_compute_units: 100,
            sgx_compute_units: 50,
            sev_snp_compute_units: 100,
            min_tcb_evaluation: 17,
            amd_min_tcb: [AmdTcbFloor {
                bootloader: 0,
                tee: 0,
                snp: 0,
                microcode: 0,
                fmc: 0,
            }; 3],
            require_fwid: true,
            intel_quotes: true,
            workstation_compute_units: 1_000,
        }
    }

    /// Every value as (parameter, word), in parameter order.
    fn values(&self) -> [(Param, Word); 27] {
        let b = |v: bool| word::from_bool(v);
        let n = word::from_u64;
        [
            (Param::Admin, word::from_address(&self.admin)),
            (Param::BaseRate, word::from_u128(self.base_rate)),
            (Param::EpochSeconds, n(self.epoch_seconds)),
            (Param::AttestationTtl, n(self.attestation_ttl)),
            (Param::MaxHeartbeatInterval, n(self.max_heartbeat_interval)),
            (
                Param::RequireHeartbeatSignature,
                b(self.require_heartbeat_signature),
            ),
            (Param::MinStake, word::from_u128(self.min_stake)),
            (Param::StakeCooldown, n(self.stake_cooldown)),
            (Param::PublicComputeUnits, n(self.public_compute_units)),
            (Param::HopperComputeUnits, n(self.hopper_compute_units)),
            (
                Param::BlackwellComputeUnits,
                n(self.blackwell_compute_units),
            ),
            (
                Param::RequireGoldenMeasurements,
                b(self.require_golden_measurements),
            ),
            (Param::TcbOutOfDateBps, n(self.tcb_out_of_date_bps)),
            (Param::TcbGraceSeconds, n(self.tcb_grace_seconds)),
            (Param::TcbConfigurationBps, n(self.tcb_configuration_bps)),
            (Param::TcbSwHardeningBps, n(self.tcb_sw_hardening_bps)),
            (Param::AllowDebugGuests, b(self.allow_debug_guests)),
            (Param::TdxComputeUnits, n(self.tdx_compute_units)),
            (Param::SgxComputeUnits, n(self.sgx_compute_units)),
            (Param::SevSnpComputeUnits, n(self.sev_snp_compute_units)),
            (Param::MinTcbEvaluation, n(self.min_tcb_evaluation)),
            (Param::AmdMinTcbMilan, n(self.amd_min_tcb[0].to_u64())),
            (Param::AmdMinTcbGenoa, n(self.amd_min_tcb[1].to_u64())),
            (Param::AmdMinTcbTurin, n(self.amd_min_tcb[2].to_u64())),
            (Param::RequireFwid, b(self.require_fwid)),
            (Param::IntelQuotes, b(self.intel_quotes)),
            (
                Param::WorkstationComputeUnits,
                n(self.workstation_compute_units),
            ),
        ]
    }

    /// Writes every value, after checking each against the bounds [`Param::accepts`] enforces
    /// on later changes (a genesis cannot start outside them).
    pub(crate) fn store(&self, s: &mut (impl Store + ?Sized)) -> Result<(), Error> {
        let values = self.values();
        for (p, v) in &values {
            if *p != Param::Admin && !p.accepts(v) {
                return Err(Error::BadParam);
            }
        }
        if self.admin == [0; 20] {
            return Err(Error::BadParam);
        }
        for (p, v) in values {
            store(s, p, v)?;
        }
        s.store(&Param::Initialized.key(), word::from_bool(true))
    }
}

/// The (high, low) 128-bit halves of a word.
fn halves(w: &Word) -> (u128, u128) {
    let (high, low) = w.split_at(16);
    let half = |b: &[u8]| b.try_into().map(u128::from_be_bytes).unwrap_or(0);
    (half(high), half(low))
}

/// The word of (high, low) halves.
fn from_halves(high: u128, low: u128) -> Word {
    let mut w = [0u8; 32];
    let (h, l) = w.split_at_mut(16);
    h.copy_from_slice(&high.to_be_bytes());
    l.copy_from_slice(&low.to_be_bytes());
    w
}

/// The half a packed field lies in (no field crosses bit 128), its shift in it and its mask.
fn field(low_bit: u32, bits: u32) -> (bool, u32, u128) {
    let high = low_bit >= 128;
    let shift = low_bit % 128;
    let mask = if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits).wrapping_sub(1)
    };
    (high, shift, mask)
}

/// The bits of the policy word the trust-anchor list uses (`crate::governance` reads and
/// writes them): NVIDIA's root and how many anchors governance stored, read by every GPU quote
/// with the parameters it needs anyway.
pub(crate) const ANCHOR_BITS: (u32, u32) = (120, 8);

/// The value of `bits` bits of the policy word from `low_bit` (no field crosses bit 128).
pub(crate) fn load_packed(
    s: &mut (impl Store + ?Sized),
    (low_bit, bits): (u32, u32),
) -> Result<u128, Error> {
    let (high, shift, mask) = field(low_bit, bits);
    let (h, l) = halves(&s.load(&keys::slot(keys::POLICY))?);
    let half = if high { h } else { l };
    Ok(half.checked_shr(shift).unwrap_or(0) & mask)
}

/// Rewrites `bits` bits of the policy word from `low_bit` to `v`, keeping the others.
///
/// # Errors
/// [`Error::BadParam`] for a value wider than the field; a store error.
pub(crate) fn store_packed(
    s: &mut (impl Store + ?Sized),
    (low_bit, bits): (u32, u32),
    v: u128,
) -> Result<(), Error> {
    let (high, shift, mask) = field(low_bit, bits);
    if v > mask {
        return Err(Error::BadParam);
    }
    let key = keys::slot(keys::POLICY);
    let (h, l) = halves(&s.load(&key)?);
    let put = |half: u128| {
        (half & !mask.checked_shl(shift).unwrap_or(0)) | v.checked_shl(shift).unwrap_or(0)
    };
    let packed = if high {
        from_halves(put(h), l)
    } else {
        from_halves(h, put(l))
    };
    s.store(&key, packed)
}

/// A parameter's value as a word, wherever it lives.
pub(crate) fn load(s: &mut (impl Store + ?Sized), p: Param) -> Result<Word, Error> {
    match p.packed() {
        Some(at) => load_packed(s, at).map(word::from_u128),
        None => s.load(&p.key()),
    }
}

/// Writes a parameter's value (already checked by [`Param::accepts`]) wherever it lives: a
/// packed parameter rewrites its bits of the policy word and keeps the others.
///
/// # Errors
/// [`Error::BadParam`] for a value wider than its packed field; a store error.
pub(crate) fn store(s: &mut (impl Store + ?Sized), p: Param, value: Word) -> Result<(), Error> {
    let Some(at) = p.packed() else {
        return s.store(&p.key(), value);
    };
    let v = word::to_u128(&value).ok_or(Error::BadParam)?;
    store_packed(s, at, v)
}

/// Reads a parameter as a `u64` (stored values always fit: [`Param::accepts`] checked them).
pub(crate) fn load_u64(s: &mut (impl Store + ?Sized), p: Param) -> Result<u64, Error> {
    word::to_u64(&load(s, p)?).ok_or(Error::BadParam)
}

/// Reads a parameter as a `u128`.
pub(crate) fn load_u128(s: &mut (impl Store + ?Sized), p: Param) -> Result<u128, Error> {
    word::to_u128(&load(s, p)?).ok_or(Error::BadParam)
}

#[cfg(test)]
mod tests {
    //! The policy word: every packed parameter round-trips at its bounds without touching its
    //! neighbours, the layout is as documented, and no value wider than its field is stored.
    use super::*;
    use crate::store::MemoryStore;
    use alloc::format;

    const PACKED: [Param; 10] = Param::PACKED;

    /// The largest value `accepts` lets a parameter take.
    fn largest(p: Param) -> u128 {
        match p {
            Param::EpochSeconds => u128::from(u32::MAX),
            Param::AttestationTtl => u128::from(MAX_ATTESTATION_TTL),
            Param::MaxHeartbeatInterval => u128::from(MAX_HEARTBEAT_INTERVAL),
            Param::BaseRate => MAX_BASE_RATE,
            Param::HopperComputeUnits
            | Param::BlackwellComputeUnits
            | Param::WorkstationComputeUnits => u128::from(MAX_COMPUTE_UNITS),
            _ => 1,
        }
    }

    #[test]
    fn packed_fields_are_disjoint_hold_their_largest_values_and_never_cross_a_half() {
        let mut used = [false; 256];
        let fields = PACKED
            .iter()
            .map(|p| (format!("{p:?}"), p.packed().unwrap(), largest(*p)))
            .chain([("anchors".into(), ANCHOR_BITS, 0b1111)]);
        for (name, (low, bits), largest) in fields {
            assert_eq!(low / 128, (low + bits - 1) / 128, "{name} crosses bit 128");
            assert!(largest < 1 << bits, "{name} does not fit");
            for b in low..low + bits {
                assert!(!used[b as usize], "{name} overlaps at bit {b}");
                used[b as usize] = true;
            }
        }
        for p in Param::SETTABLE {
            assert_eq!(p.packed().is_some(), PACKED.contains(&p), "{p:?}");
        }
    }

    #[test]
    fn every_packed_parameter_round_trips_alone() {
        let mut s = MemoryStore::new();
        Config::with_admin([1; 20]).store(&mut s).unwrap();
        let defaults: alloc::vec::Vec<(Param, Word)> = PACKED
            .iter()
            .map(|p| (*p, load(&mut s, *p).unwrap()))
            .collect();
        assert_eq!(load_u64(&mut s, Param::EpochSeconds).unwrap(), 3_600);
        assert_eq!(load_u128(&mut s, Param::BaseRate).unwrap(), 1_000_000_000);
        assert_eq!(load_u64(&mut s, Param::RequireFwid).unwrap(), 1);
        for p in PACKED {
            // Zero is not a valid epoch, TTL or heartbeat interval: skipped where refused.
            for v in [largest(p), 0, 1] {
                if v == 0 && !p.accepts(&word::from_u128(v)) {
                    continue;
                }
                assert!(p.accepts(&word::from_u128(v)), "{p:?} {v}");
                store(&mut s, p, word::from_u128(v)).unwrap();
                assert_eq!(word::to_u128(&load(&mut s, p).unwrap()), Some(v), "{p:?}");
                for (q, d) in &defaults {
                    if *q != p {
                        assert_eq!(load(&mut s, *q).unwrap(), *d, "{p:?} moved {q:?}");
                    }
                }
            }
            store(&mut s, p, defaults.iter().find(|(q, _)| *q == p).unwrap().1).unwrap();
            // Wider than the field: refused by the bounds, and by the store itself.
            let (_, bits) = p.packed().unwrap();
            assert!(!p.accepts(&word::from_u128(1 << bits)));
            assert_eq!(
                store(&mut s, p, word::from_u128(1 << bits)),
                Err(Error::BadParam)
            );
        }
        // The parameters' own slots stay empty.
        for p in PACKED {
            assert_eq!(s.load(&keys::slot(p as u64)).unwrap(), [0; 32], "{p:?}");
        }
    }
}
