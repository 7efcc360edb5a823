//! Balances and stakes: what miners have earned and claim, and the Public tier's stakes.

mod stake;

pub use stake::{field, public_device_id};

use crate::Error;
use crate::env::Address;
use crate::event::{Event, EventSink, RewardSink};
use crate::keys;
use crate::registry::Registry;
use crate::store::{Store, word};

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// What a miner has earned and not claimed.
    ///
    /// # Errors
    /// A store error.
    pub fn mining_balance(&mut self, miner: &Address) -> Result<u128, Error> {
        let key = keys::mapping(keys::BALANCES, &word::from_address(miner));
        word::to_u128(&self.store.load(&key)?).ok_or(Error::Overflow)
    }

    /// Pays the caller's whole balance to `to` through `sink`, and returns the amount. If the sink
    /// refuses, nothing changes.
    ///
    /// # Errors
    /// [`Error::NothingToClaim`], or the sink's error.
    pub fn claim(
        &mut self,
        caller: &Address,
        to: &Address,
        sink: &mut dyn RewardSink,
    ) -> Result<u128, Error> {
        let amount = self.mining_balance(caller)?;
        if amount == 0 {
            return Err(Error::NothingToClaim);
        }
        sink.pay(to, amount)?;
        let key = keys::mapping(keys::BALANCES, &word::from_address(caller));
        self.store.store(&key, [0; 32])?;
        self.events.emit(Event::Claimed {
            miner: *caller,
            to: *to,
            amount,
        });
        Ok(amount)
    }
}

/// Adds `amount` to `miner`'s balance.
pub(crate) fn credit(
    store: &mut (impl Store + ?Sized),
    miner: &Address,
    amount: u128,
) -> Result<(), Error> {
    let key = keys::mapping(keys::BALANCES, &word::from_address(miner));
    let balance = word::to_u128(&store.load(&key)?).ok_or(Error::Overflow)?;
    let balance = balance.checked_add(amount).ok_or(Error::Overflow)?;
    store.store(&key, word::from_u128(balance))
}
