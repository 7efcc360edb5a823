//! What every precompile call goes through: scheme, selector, value and static checks, the base
//! price, argument decoding, the registry, then payments and logs.

use alloc::string::String;
use alloc::vec::Vec;

use aimine_registry::{Error, Event, Registry, RewardSink};
use alloy_sol_types::SolInterface;
use revm_primitives::{Address, U256};

use crate::errors;
use crate::events;
use crate::exec::{Exec, Failure};
use crate::gas::{Charge, GasSchedule};
use crate::host::{Call, Fatal, Host, Outcome, Scheme};

/// What a function is allowed to do, and what it costs before it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rules {
    /// Whether it changes state (refused in a static call).
    pub writes: bool,
    /// Whether it accepts value.
    pub payable: bool,
    /// Its price before storage and metered work.
    pub price: u64,
}

/// A function's result: its ABI-encoded return data, or a registry error.
pub(crate) type Returned = Result<Vec<u8>, Reverted>;

/// Why a function did not return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reverted {
    /// A registry error.
    Registry(Error),
    /// A custom error the adapter raises itself (already encoded).
    Custom(Vec<u8>),
}

impl From<Error> for Reverted {
    fn from(e: Error) -> Reverted {
        Reverted::Registry(e)
    }
}

/// One call in progress.
pub(crate) struct Ctx<'c, 'h> {
    pub(crate) exec: Exec<'h>,
    pub(crate) events: Vec<Event>,
    pub(crate) call: &'c Call<'c>,
    /// The precompile's address (the logs' emitter).
    pub(crate) address: Address,
    /// A payment the registry approved, made after it returns.
    pub(crate) payout: Payout,
    /// A registered model's name and metadata, for its log.
    pub(crate) registration: Option<(String, Vec<u8>)>,
}

impl<'h> Ctx<'_, 'h> {
    /// The registry over this call's state and events.
    pub(crate) fn registry(&mut self) -> Registry<'_, Exec<'h>, Vec<Event>> {
        Registry::new(&mut self.exec, &mut self.events, self.call.block)
    }

    /// The registry and the payout sink together, for the calls that pay (`available`: what
    /// the pool can pay).
    pub(crate) fn paying(
        &mut self,
        available: u128,
    ) -> (Registry<'_, Exec<'h>, Vec<Event>>, &mut Payout) {
        self.payout.available = available;
        (
            Registry::new(&mut self.exec, &mut self.events, self.call.block),
            &mut self.payout,
        )
    }

    /// The caller as the registry's address type.
    pub(crate) fn caller(&self) -> [u8; 20] {
        self.call.caller.into_array()
    }

    /// An account's native balance, as far as a `u128` goes.
    pub(crate) fn balance(&mut self, who: Address) -> Result<u128, Error> {
        let balance = self.exec.host().balance(who);
        match balance {
            Ok(b) => Ok(u128::try_from(b).unwrap_or(u128::MAX)),
            Err(f) => {
                self.exec.failure = Some(Failure::Fatal(f));
                Err(Error::Store)
            }
        }
    }
}

/// A [`RewardSink`] that approves a payment the pool can cover and leaves the transfer to the
/// adapter, after the registry has updated its books.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Payout {
    /// What the pool can pay.
    pub available: u128,
    /// The approved payment.
    pub pending: Option<([u8; 20], u128)>,
    /// (available, required) of a refused payment.
    pub short: (u128, u128),
}

impl RewardSink for Payout {
    fn pay(&mut self, to: &[u8; 20], amount: u128) -> Result<(), Error> {
        if amount > self.available {
            self.short = (self.available, amount);
            return Err(Error::PaymentFailed);
        }
        self.pending = Some((*to, amount));
        Ok(())
    }
}

/// Runs one call into the precompile at `address` whose functions are `I`, with `rules` saying
/// what each may do and `body` running it.
pub(crate) fn run<I: SolInterface>(
    host: &mut dyn Host,
    address: Address,
    call: &Call<'_>,
    schedule: &GasSchedule,
    rules: impl FnOnce(&I, &Call<'_>, &GasSchedule) -> Rules,
    body: impl FnOnce(&mut Ctx<'_, '_>, I) -> Returned,
) -> Result<Outcome, Fatal> {
    if call.scheme == Scheme::Delegated {
        return Ok(Outcome::revert(0, errors::delegated()));
    }
    let Some(selector) = call.input.first_chunk::<4>() else {
        return Ok(Outcome::revert(0, errors::malformed()));
    };
    if !I::valid_selector(*selector) {
        return Ok(Outcome::revert(0, errors::unknown_selector(*selector)));
    }
    // Only the canonical encoding (what Solidity produces) is accepted: decoding must succeed
    // and encoding the result must give back exactly the call data (no short padding, no
    // trailing bytes, no unusual offsets).
    let decoded = match I::abi_decode_validate(call.input) {
        Ok(decoded) if decoded.abi_encode() == call.input => decoded,
        _ => return Ok(Outcome::revert(0, errors::malformed())),
    };
    let rules = rules(&decoded, call, schedule);
    if call.value != U256::ZERO && !rules.payable {
        return Ok(Outcome::revert(0, errors::value_not_accepted()));
    }
    let read_only = call.scheme == Scheme::StaticCall;
    if read_only && rules.writes {
        return Ok(Outcome::revert(0, errors::static_write()));
    }
    let mut ctx = Ctx {
        exec: Exec::new(host, call.gas_limit, *schedule, read_only),
        events: Vec::new(),
        call,
        address,
        payout: Payout::default(),
        registration: None,
    };
    if ctx.exec.charge(Charge::Base, rules.price).is_err() {
        return Ok(Outcome::out_of_gas(call.gas_limit));
    }
    let returned = body(&mut ctx, decoded);
    finish(ctx, returned)
}

/// Turns a function's result into the call's outcome: failures of the state first, then the
/// registry's verdict, then the approved payment and the logs.
fn finish(mut ctx: Ctx<'_, '_>, returned: Returned) -> Result<Outcome, Fatal> {
    let limit = ctx.call.gas_limit;
    match ctx.exec.failure.take() {
        Some(Failure::OutOfGas) => return Ok(Outcome::out_of_gas(limit)),
        Some(Failure::Fatal(f)) => return Err(f),
        Some(Failure::StaticWrite) => {
            return Ok(Outcome::revert(
                ctx.exec.meter.used(),
                errors::static_write(),
            ));
        }
        None => {}
    }
    let output = match returned {
        Ok(output) => output,
        // Not a verdict this node may give: other builds would decide the call otherwise.
        Err(Reverted::Registry(Error::IntelUnavailable)) => {
            return Err(Fatal(String::from(
                "aimine: this node was built without Intel support (aimine-registry feature \
                 `intel`) but the chain accepts Intel quotes (parameter 50): it cannot agree with \
                 the other nodes on this block",
            )));
        }
        Err(Reverted::Registry(e)) => {
            let data = errors::revert_data(&e, ctx.payout.short);
            return Ok(Outcome::revert(ctx.exec.meter.used(), data));
        }
        Err(Reverted::Custom(data)) => return Ok(Outcome::revert(ctx.exec.meter.used(), data)),
    };
    if let Some((to, amount)) = ctx.payout.pending {
        let price = ctx.exec.schedule().payment;
        if ctx.exec.charge(Charge::Payment, price).is_err() {
            return Ok(Outcome::out_of_gas(limit));
        }
        let paid = ctx
            .exec
            .host()
            .transfer(ctx.address, Address::from(to), U256::from(amount))?;
        if !paid {
            let data = errors::revert_data(&Error::PaymentFailed, (0, amount));
            return Ok(Outcome::revert(ctx.exec.meter.used(), data));
        }
    }
    let registration = ctx.registration.take();
    let registration = registration
        .as_ref()
        .map(|(name, metadata)| (name.as_str(), metadata.as_slice()));
    for event in &ctx.events {
        let log = events::to_log(event, ctx.address, registration);
        let price = ctx
            .exec
            .host()
            .log_gas(log.data.topics().len(), log.data.data.len());
        if ctx.exec.charge(Charge::Logs, price).is_err() {
            return Ok(Outcome::out_of_gas(limit));
        }
        ctx.exec.host().log(log);
    }
    let mut outcome = Outcome::success(ctx.exec.meter.used(), ctx.exec.meter.refunded(), output);
    outcome.breakdown = ctx.exec.meter.breakdown();
    Ok(outcome)
}
