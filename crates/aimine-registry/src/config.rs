//! Governance parameters: where they live and what they default to.

use crate::Error;
use crate::env::Address;
use crate::keys;
use crate::store::{Store, Word, word};

/// A governance parameter; its number is its storage slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Param {
    /// The admin address (slot 0). Changed with [`crate::Registry::set_admin`].
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
}

impl Param {
    /// Every settable parameter (not the admin, not the initialised flag).
    pub const SETTABLE: [Param; 19] = [
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
    ];

    /// The parameter with this number, if settable.
    pub fn settable(number: u8) -> Option<Param> {
        Param::SETTABLE.into_iter().find(|p| *p as u8 == number)
    }

    /// Its storage key.
    pub fn key(self) -> Word {
        keys::slot(self as u64)
    }

    /// Whether `value` is acceptable for this parameter.
    pub fn accepts(self, value: &Word) -> bool {
        match self {
            Param::EpochSeconds | Param::AttestationTtl | Param::MaxHeartbeatInterval => {
                word::to_u64(value).is_some_and(|v| v > 0)
            }
            Param::RequireHeartbeatSignature
            | Param::RequireGoldenMeasurements
            | Param::AllowDebugGuests => word::to_u64(value).is_some_and(|v| v <= 1),
            Param::TcbOutOfDateBps | Param::TcbConfigurationBps | Param::TcbSwHardeningBps => {
                word::to_u64(value).is_some_and(|v| v <= 10_000)
            }
            Param::TcbGraceSeconds
            | Param::TdxComputeUnits
            | Param::SgxComputeUnits
            | Param::SevSnpComputeUnits => word::to_u64(value).is_some(),
            Param::StakeCooldown
            | Param::PublicComputeUnits
            | Param::HopperComputeUnits
            | Param::BlackwellComputeUnits => word::to_u64(value).is_some(),
            Param::BaseRate | Param::MinStake => word::to_u128(value).is_some(),
            Param::Admin | Param::Initialized => false,
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
}

impl Config {
    /// The defaults: 1 gwei per compute unit per second, hour epochs, 24-hour attestations,
    /// heartbeats paying up to an hour, 1 token (10^18) minimum stake with a 7-day cooldown,
    /// compute units Public 10, Hopper 1,000, Blackwell 2,500, and golden measurements checked
    /// where governance has registered them but not required; CPU TEEs graded full for hardening
    /// and configuration, 50 % out of date for 90 days, no debug guests, and compute units TDX
    /// 100, SEV-SNP 100, SGX 50.
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
        }
    }

    /// Writes every value.
    pub(crate) fn store(&self, s: &mut (impl Store + ?Sized)) -> Result<(), Error> {
        s.store(&Param::Admin.key(), word::from_address(&self.admin))?;
        s.store(&Param::BaseRate.key(), word::from_u128(self.base_rate))?;
        s.store(
            &Param::EpochSeconds.key(),
            word::from_u64(self.epoch_seconds),
        )?;
        s.store(
            &Param::AttestationTtl.key(),
            word::from_u64(self.attestation_ttl),
        )?;
        s.store(
            &Param::MaxHeartbeatInterval.key(),
            word::from_u64(self.max_heartbeat_interval),
        )?;
        s.store(
            &Param::RequireHeartbeatSignature.key(),
            word::from_bool(self.require_heartbeat_signature),
        )?;
        s.store(&Param::MinStake.key(), word::from_u128(self.min_stake))?;
        s.store(
            &Param::StakeCooldown.key(),
            word::from_u64(self.stake_cooldown),
        )?;
        s.store(
            &Param::PublicComputeUnits.key(),
            word::from_u64(self.public_compute_units),
        )?;
        s.store(
            &Param::HopperComputeUnits.key(),
            word::from_u64(self.hopper_compute_units),
        )?;
        s.store(
            &Param::BlackwellComputeUnits.key(),
            word::from_u64(self.blackwell_compute_units),
        )?;
        s.store(
            &Param::RequireGoldenMeasurements.key(),
            word::from_bool(self.require_golden_measurements),
        )?;
        for (p, v) in [
            (Param::TcbOutOfDateBps, self.tcb_out_of_date_bps),
            (Param::TcbGraceSeconds, self.tcb_grace_seconds),
            (Param::TcbConfigurationBps, self.tcb_configuration_bps),
            (Param::TcbSwHardeningBps, self.tcb_sw_hardening_bps),
            (Param::AllowDebugGuests, u64::from(self.allow_debug_guests)),
            (Param::TdxComputeUnits, self.tdx_compute_units),
            (Param::SgxComputeUnits, self.sgx_compute_units),
            (Param::SevSnpComputeUnits, self.sev_snp_compute_units),
        ] {
            s.store(&p.key(), word::from_u64(v))?;
        }
        s.store(&Param::Initialized.key(), word::from_bool(true))
    }
}

/// Reads a parameter as a `u64` (stored values always fit: [`Param::accepts`] checked them).
pub(crate) fn load_u64(s: &mut (impl Store + ?Sized), p: Param) -> Result<u64, Error> {
    word::to_u64(&s.load(&p.key())?).ok_or(Error::BadParam)
}

/// Reads a parameter as a `u128`.
pub(crate) fn load_u128(s: &mut (impl Store + ?Sized), p: Param) -> Result<u128, Error> {
    word::to_u128(&s.load(&p.key())?).ok_or(Error::BadParam)
}
