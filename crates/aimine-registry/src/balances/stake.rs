//! The Public tier: consumer GPUs have no hardware quote, so a stake stands in for attestation.
//!
//! A staker deposits at least `min_stake` (in the chain's native unit; the adapter moves the
//! value), and may then run one Public-tier session at a time, earning at 0.25x on the
//! `public_compute_units` governance sets. Withdrawing is two steps: a request starts the
//! cooldown (and stops the staker's session from earning), and after it the stake is paid out.
//! The session's device id is `keccak256("aimine/public/v1" ‖ staker)`.

use aimine_tiers::{Kind, TrustTier};
use aimine_time::UnixTime;

use crate::appraisal::Appraisal;
use crate::sessions::check_key;

use crate::Error;
use crate::config::{self, Param};
use crate::env::Address;
use crate::event::{Event, EventSink, RewardSink};
use crate::keys;
use crate::registry::Registry;
use crate::store::{Store, Word, word};

/// Word offsets of a stake record from its base `keccak256(pad32(staker) ‖ 28)`.
pub mod field {
    /// The amount staked.
    pub const AMOUNT: u64 = 0;
    /// When a requested withdrawal unlocks (0: none requested).
    pub const UNLOCK_AT: u64 = 1;
}

/// A staker's Public-tier device id.
pub fn public_device_id(staker: &Address) -> Word {
    let mut preimage = [0u8; 16 + 20];
    let (tag, who) = preimage.split_at_mut(16);
    tag.copy_from_slice(b"aimine/public/v1");
    who.copy_from_slice(staker);
    keys::keccak256(&preimage)
}

/// A stake: (amount, unlock time or 0).
fn base(staker: &Address) -> Word {
    keys::mapping(keys::STAKES, &word::from_address(staker))
}

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// A staker's (amount, unlock time; `None` when no withdrawal is pending).
    ///
    /// # Errors
    /// A store error.
    pub fn stake_of(&mut self, staker: &Address) -> Result<(u128, Option<UnixTime>), Error> {
        let b = base(staker);
        let amount = word::to_u128(&self.state().load(&keys::offset(&b, field::AMOUNT))?)
            .ok_or(Error::Overflow)?;
        let unlock = word::to_time(&self.state().load(&keys::offset(&b, field::UNLOCK_AT))?)
            .ok_or(Error::Overflow)?;
        // Stored as 0 when none is pending.
        Ok((amount, (unlock != UnixTime::EPOCH).then_some(unlock)))
    }

    fn put_stake(
        &mut self,
        staker: &Address,
        amount: u128,
        unlock_at: Option<UnixTime>,
    ) -> Result<(), Error> {
        let b = base(staker);
        self.state()
            .store(&keys::offset(&b, field::AMOUNT), word::from_u128(amount))?;
        self.state().store(
            &keys::offset(&b, field::UNLOCK_AT),
            word::from_time(unlock_at.unwrap_or(UnixTime::EPOCH)),
        )?;
        self.emit(Event::StakeChanged {
            staker: *staker,
            amount,
            unlock_at,
        });
        Ok(())
    }

    /// Adds `amount` (already received by the adapter) to the caller's stake.
    ///
    /// # Errors
    /// [`Error::BadParam`] for zero, [`Error::Overflow`].
    pub fn deposit_stake(&mut self, caller: &Address, amount: u128) -> Result<u128, Error> {
        if amount == 0 {
            return Err(Error::BadParam);
        }
        let (staked, unlock) = self.stake_of(caller)?;
        let total = staked.checked_add(amount).ok_or(Error::Overflow)?;
        let all = self
            .total_staked()?
            .checked_add(amount)
            .ok_or(Error::Overflow)?;
        self.put_stake(caller, total, unlock)?;
        self.state()
            .store(&keys::slot(keys::TOTAL_STAKED), word::from_u128(all))?;
        Ok(total)
    }

    /// The sum of every stake held: funds a chain keeps apart from its reward pool.
    ///
    /// # Errors
    /// A store error.
    pub fn total_staked(&mut self) -> Result<u128, Error> {
        word::to_u128(&self.state().load(&keys::slot(keys::TOTAL_STAKED))?).ok_or(Error::Overflow)
    }

    /// Starts the withdrawal cooldown of the caller's whole stake; its session stops earning.
    /// Returns when the stake unlocks.
    ///
    /// # Errors
    /// [`Error::InsufficientStake`] without a stake.
    pub fn request_unstake(&mut self, caller: &Address) -> Result<UnixTime, Error> {
        let (staked, _) = self.stake_of(caller)?;
        if staked == 0 {
            return Err(Error::InsufficientStake);
        }
        let cooldown = config::load_u64(self.state(), Param::StakeCooldown)?;
        let unlock = self.env().timestamp.saturating_add(cooldown);
        self.put_stake(caller, staked, Some(unlock))?;
        Ok(unlock)
    }

    /// Pays the caller's stake to `to` once its cooldown has passed, and returns the amount.
    ///
    /// # Errors
    /// [`Error::StakeLocked`] before the unlock time or without a request, the sink's error.
    pub fn withdraw_stake(
        &mut self,
        caller: &Address,
        to: &Address,
        sink: &mut dyn RewardSink,
    ) -> Result<u128, Error> {
        let (staked, unlock) = self.stake_of(caller)?;
        let unlocked = unlock.is_some_and(|at| self.env().timestamp >= at);
        if staked == 0 || !unlocked {
            return Err(Error::StakeLocked);
        }
        let all = self
            .total_staked()?
            .checked_sub(staked)
            .ok_or(Error::Overflow)?;
        sink.pay(to, staked)?;
        self.put_stake(caller, 0, None)?;
        self.state()
            .store(&keys::slot(keys::TOTAL_STAKED), word::from_u128(all))?;
        Ok(staked)
    }

    /// Whether the staker's stake keeps a Public-tier session going.
    pub(crate) fn stake_qualifies(&mut self, staker: &Address) -> Result<bool, Error> {
        let (staked, unlock) = self.stake_of(staker)?;
        let min = config::load_u128(self.state(), Param::MinStake)?;
        Ok(unlock.is_none() && staked >= min && staked > 0)
    }

    /// Starts the caller's Public-tier session (stake-based, no quote).
    ///
    /// # Errors
    /// [`Error::InsufficientStake`], [`Error::BadSessionKey`], [`Error::GpuBusy`].
    pub fn start_public_session(
        &mut self,
        caller: &Address,
        miner: &Address,
        session_key: Option<&[u8]>,
    ) -> Result<Word, Error> {
        check_key(session_key)?;
        if !self.stake_qualifies(caller)? {
            return Err(Error::InsufficientStake);
        }
        let units = config::load_u64(self.state(), Param::PublicComputeUnits)?;
        self.open_session(
            caller,
            miner,
            &Appraisal {
                kind: Kind::Stake,
                architecture: None,
                grade_bps: 10_000,
                tier: TrustTier::Public,
                gpu_id: public_device_id(caller),
                gpus: heapless::Vec::new(),
                compute_units: units,
            },
            session_key,
        )
    }
}
