//! What registry calls tell the outside world: events for logs, and payments.

use aimine_time::UnixTime;

use crate::env::Address;
use crate::store::Word;

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum EndReason {
    /// Its owner ended it.
    Ended = 0,
    /// Its attestation expired; a fresh quote starts a new one.
    Expired = 1,
    /// Its GPU was revoked.
    Revoked = 2,
    /// Its Public-tier stake fell below the minimum or is being withdrawn.
    Unstaked = 3,
}

/// A state change, with the fields an indexer needs. The EVM adapter turns each into a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A session started.
    SessionStarted {
        /// Its id.
        session_id: Word,
        /// The GPU.
        gpu_id: Word,
        /// Who may heartbeat and end it.
        owner: Address,
        /// Who is paid.
        miner: Address,
        /// Trust tier, 1 to 4.
        tier: u8,
        /// Compute units.
        compute_units: u64,
        /// SHA-256 of the session key, or zero.
        key_hash: Word,
        /// When the attestation expires.
        attestation_expiry: UnixTime,
    },
    /// A newer quote for the same GPU and miner refreshed a session.
    SessionRefreshed {
        /// Its id (unchanged).
        session_id: Word,
        /// Who may heartbeat and end it now.
        owner: Address,
        /// SHA-256 of the session key now, or zero.
        key_hash: Word,
        /// The new attestation expiry.
        attestation_expiry: UnixTime,
    },
    /// A heartbeat paid a reward.
    Heartbeat {
        /// The session.
        session_id: Word,
        /// Who was credited.
        miner: Address,
        /// The amount credited.
        reward: u128,
        /// Seconds paid for.
        elapsed: u64,
        /// Heartbeats so far, this one included.
        count: u64,
    },
    /// A session ended.
    SessionEnded {
        /// The session.
        session_id: Word,
        /// The GPU, now free.
        gpu_id: Word,
        /// Why.
        reason: EndReason,
    },
    /// A miner's balance was paid out.
    Claimed {
        /// Whose balance.
        miner: Address,
        /// Paid to.
        to: Address,
        /// How much.
        amount: u128,
    },
    /// A governance parameter changed.
    ParamChanged {
        /// Its number ([`crate::Param`]).
        param: u8,
        /// The new value.
        value: Word,
    },
    /// The admin proposed a successor, who must accept.
    AdminProposed {
        /// The admin proposing.
        admin: Address,
        /// The proposed successor.
        proposed: Address,
    },
    /// The admin changed.
    AdminChanged {
        /// Before.
        previous: Address,
        /// After.
        admin: Address,
    },
    /// A trust anchor was added (SHA-256 of its public key).
    AnchorAdded {
        /// SHA-256 of the anchor's SEC1 public key.
        key_hash: Word,
    },
    /// Newer Intel collateral was submitted and verified; quotes of its FMSPC use it from now on.
    CollateralSubmitted {
        /// The FMSPC, left-aligned in a word.
        fmspc: Word,
        /// Whether it is TDX's collateral (else SGX's).
        tdx: bool,
        /// Intel's TCB evaluation data number.
        tcb_evaluation: u64,
    },
    /// An AMD VCEK was submitted and verified, stored for its chip and TCB.
    VcekSubmitted {
        /// SHA-256 of the hardware id (padded to 64 bytes) and the TCB components.
        chip_key: Word,
    },
    /// Governance banned (or unbanned) an Intel advisory id.
    AdvisoryBanned {
        /// SHA-256 of the upper-case advisory id (`cpu::advisory_hash`).
        hash: Word,
        /// Whether it is banned now.
        banned: bool,
    },
    /// A trust anchor was removed.
    AnchorRemoved {
        /// SHA-256 of the anchor's SEC1 public key.
        key_hash: Word,
    },
    /// A model was registered. The name and metadata are not in state: the adapter logs them
    /// from the call's arguments beside these fields.
    ModelRegistered {
        /// Its id.
        model_id: Word,
        /// Its owner.
        owner: Address,
        /// The model weights' hash.
        model_hash: Word,
        /// keccak256 of the metadata.
        metadata_hash: Word,
    },
    /// A model's owner, minimum tier or active flag changed.
    ModelUpdated {
        /// The model.
        model_id: Word,
        /// Its owner now.
        owner: Address,
        /// Its minimum tier now.
        min_tier: u8,
        /// Whether it is active now.
        active: bool,
    },
    /// A verified execution was recorded.
    ExecutionRecorded {
        /// The receipt's id.
        receipt_id: Word,
        /// The model.
        model_id: Word,
        /// The attested session that ran it.
        session_id: Word,
        /// Input hash.
        input_hash: Word,
        /// Output hash.
        output_hash: Word,
    },
    /// A Lux work id was marked spent.
    WorkSpent {
        /// The work id.
        work_id: Word,
        /// Who marked it.
        by: Address,
    },
    /// A caller was allowed, or no longer allowed, to mark work spent.
    SpenderSet {
        /// The caller.
        spender: Address,
        /// Allowed or not.
        allowed: bool,
    },
    /// A Public-tier stake changed.
    StakeChanged {
        /// The staker.
        staker: Address,
        /// The stake now.
        amount: u128,
        /// When it can be withdrawn (`None`: not being withdrawn).
        unlock_at: Option<UnixTime>,
    },
    /// A golden measurement set was set (entries > 0) or removed (0).
    GoldenSetChanged {
        /// keccak256 of "driver|vbios".
        set_key: Word,
        /// How many (index, digest) entries it has now.
        entries: u64,
    },
    /// A per-SKU compute-unit override was set (0: removed).
    ComputeUnitsChanged {
        /// keccak256 of "chip_sku|project_sku".
        sku_key: Word,
        /// The compute units.
        compute_units: u64,
    },
    /// A GPU was revoked or reinstated.
    GpuRevocation {
        /// The GPU.
        gpu_id: Word,
        /// True when revoked, false when reinstated.
        revoked: bool,
    },
}

/// Where events go (an EVM log journal, a Cosmos event manager, a test's list).
pub trait EventSink {
    /// Records one event.
    fn emit(&mut self, event: Event);
}

/// Drops every event (for read-only calls and simulations that do not log).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&mut self, _: Event) {}
}

/// Keeps every event in order (feature `memory`).
#[cfg(feature = "memory")]
impl EventSink for alloc::vec::Vec<Event> {
    fn emit(&mut self, event: Event) {
        self.push(event);
    }
}

/// Where claimed rewards are paid (an EVM adapter transfers from the reward pool; other chains
/// mint).
pub trait RewardSink {
    /// Pays `amount` to `to`.
    ///
    /// # Errors
    /// [`crate::Error::PaymentFailed`] (or another error) when it cannot.
    fn pay(&mut self, to: &Address, amount: u128) -> Result<(), crate::Error>;
}
