//! What every precompile call goes through: the floor (charged before the input is read), scheme,
//! selector, argument decoding, value and static checks, the rest of the base price, the
//! registry, then payments and logs.

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
///
/// `min_price` is the smallest base price any of the precompile's functions has under
/// `schedule` (before its input words). Before a byte of the input is read, the call pays the
/// floor: `min_price` plus [`GasSchedule::input_word`] per word of input (out of gas when the
/// limit cannot pay it). Every refusal (delegated call, unknown selector, malformed or
/// non-canonical call data, value sent to a function that takes none, a write under STATICCALL)
/// reverts having used exactly the floor; a decoded call then pays the rest of its price,
/// `rules.price` less the floor, so its total is its price as before.
pub(crate) fn run<I: SolInterface>(
    host: &mut dyn Host,
    address: Address,
    call: &Call<'_>,
    schedule: &GasSchedule,
    min_price: u64,
    rules: impl FnOnce(&I, &Call<'_>, &GasSchedule) -> Rules,
    body: impl FnOnce(&mut Ctx<'_, '_>, I) -> Returned,
) -> Result<Outcome, Fatal> {
    let read_only = call.scheme == Scheme::StaticCall;
    let mut exec = Exec::new(host, call.gas_limit, *schedule, read_only);
    // Only the input's length is known here: the floor is paid before its bytes are touched.
    let floor = schedule.floor(min_price, call.input.len());
    if exec.meter.charge(Charge::Base, floor).is_err() {
        return Ok(Outcome::out_of_gas(call.gas_limit));
    }
    let refused = |error: Vec<u8>| Ok(Outcome::revert(floor, error));
    if call.scheme == Scheme::Delegated {
        return refused(errors::delegated());
    }
    let Some(selector) = call.input.first_chunk::<4>() else {
        return refused(errors::malformed());
    };
    if !I::valid_selector(*selector) {
        return refused(errors::unknown_selector(*selector));
    }
    // Only the canonical encoding (what Solidity produces) is accepted: decoding must succeed
    // and encoding the result must give back exactly the call data (no short padding, no
    // trailing bytes, no unusual offsets).
    let decoded = match I::abi_decode_validate(call.input) {
        Ok(decoded) if decoded.abi_encode() == call.input => decoded,
        _ => return refused(errors::malformed()),
    };
    let rules = rules(&decoded, call, schedule);
    if call.value != U256::ZERO && !rules.payable {
        return refused(errors::value_not_accepted());
    }
    if read_only && rules.writes {
        return refused(errors::static_write());
    }
    // Every price includes the floor (a test holds every function to it), so the total is
    // exactly the function's price.
    if exec
        .meter
        .charge(Charge::Base, rules.price.saturating_sub(floor))
        .is_err()
    {
        return Ok(Outcome::out_of_gas(call.gas_limit));
    }
    let mut ctx = Ctx {
        exec,
        events: Vec::new(),
        call,
        address,
        payout: Payout::default(),
        registration: None,
    };
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

/// Holds every function of a precompile to its floor: the cheapest instance of each (every
/// dynamic argument empty) must be priced at or above the floor of its own call data, under the
/// default schedule and under schedules that order the base prices differently.
#[cfg(test)]
pub(crate) fn assert_prices_cover_the_floor<I: SolInterface>(
    rules: fn(&I, &Call<'_>, &GasSchedule) -> Rules,
    min_price: fn(&GasSchedule) -> u64,
) {
    let mut schedules = alloc::vec![GasSchedule::DEFAULT];
    // Each base price the cheapest in turn, per-word prices on and off.
    for (i, word) in [(0u64, 0u64), (1, 7), (2, 0), (3, 1), (4, 3), (5, 0), (6, 2)] {
        let mut g = GasSchedule::DEFAULT;
        let bases = [
            &mut g.start_session,
            &mut g.start_public_session,
            &mut g.heartbeat,
            &mut g.verify_quote,
            &mut g.model_call,
            &mut g.write_call,
            &mut g.view_call,
        ];
        for (j, base) in bases.into_iter().enumerate() {
            *base = if j as u64 == i {
                10
            } else {
                1_000u64.saturating_add(j as u64)
            };
        }
        g.input_word = word;
        g.quote_word = word;
        g.hash_word = word;
        schedules.push(g);
    }
    // All zeros decode (without validation) as every argument zero or empty.
    let mut input = alloc::vec![0u8; 4 + 4_096];
    let mut checked = 0usize;
    for i in 0..I::COUNT {
        let selector = I::selector_at(i).unwrap_or_default();
        input
            .get_mut(..4)
            .unwrap_or_default()
            .copy_from_slice(&selector);
        let decoded = I::abi_decode_raw(selector, input.get(4..).unwrap_or_default());
        assert!(decoded.is_ok(), "{} {selector:02x?}", I::NAME);
        let Ok(decoded) = decoded else { continue };
        let call = Call {
            caller: Address::ZERO,
            value: U256::ZERO,
            scheme: Scheme::Call,
            input: &input,
            gas_limit: u64::MAX,
            block: aimine_registry::BlockEnv {
                chain_id: 1,
                number: 1,
                timestamp: aimine_registry::UnixTime(1),
            },
        };
        for g in &schedules {
            let price = rules(&decoded, &call, g).price;
            let floor = g.floor(min_price(g), input.len());
            assert!(
                price >= floor,
                "{} {selector:02x?}: price {price} under the floor {floor} ({g:?})",
                I::NAME
            );
        }
        checked = checked.saturating_add(1);
    }
    assert_eq!(checked, I::COUNT);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::MemoryHost;

    /// A build without Intel support on a chain that accepts Intel quotes must not give a
    /// verdict (a revert would disagree with the nodes that accept the quote): it stops.
    #[test]
    fn an_intel_quote_this_build_cannot_verify_is_fatal_not_a_revert() {
        let mut host = MemoryHost::default();
        let call = Call {
            caller: Address::ZERO,
            value: U256::ZERO,
            scheme: Scheme::Call,
            input: &[],
            gas_limit: 1_000_000,
            block: aimine_registry::BlockEnv {
                chain_id: 1,
                number: 1,
                timestamp: aimine_registry::UnixTime(1),
            },
        };
        let finish_with = |host: &mut MemoryHost, e: Error| {
            let ctx = Ctx {
                exec: Exec::new(host, call.gas_limit, GasSchedule::DEFAULT, false),
                events: Vec::new(),
                call: &call,
                address: Address::ZERO,
                payout: Payout::default(),
                registration: None,
            };
            finish(ctx, Err(Reverted::Registry(e)))
        };
        assert!(matches!(
            finish_with(&mut host, Error::IntelUnavailable),
            Err(Fatal(m)) if m.contains("without Intel support")
        ));
        // Every other registry error is an ordinary revert.
        let reverted = finish_with(&mut host, Error::CpuQuote(aimine_tee::CpuCheck::Format));
        assert!(matches!(reverted, Ok(o) if o.status == crate::host::Status::Revert));
    }
}
