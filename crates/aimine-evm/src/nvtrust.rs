//! NV_TRUST (0x0301): quote verification for contracts, read-only.
//!
//! `verifyQuote` answers false for any quote the registry would refuse on its own merits (bad
//! envelope, evidence, chain, signature, nonce, measurements, a revoked GPU, an NVSwitch); only
//! malformed call data reverts. `parseQuote` reverts with the reason instead. Both use the
//! chain's trust anchors, golden measurements and compute units from AI_MINING's state, and the
//! certificate links sessions have verified before (a GPU that has mined costs one signature).

use aimine_registry::{Appraisal, Error};
use alloy_sol_types::SolCall;
use revm_primitives::{B256, Bytes, U256};

use crate::abi::INVTrust::{self as N, INVTrustCalls as C};
use crate::address::NV_TRUST;
use crate::call::{self, Ctx, Returned, Rules};
use crate::gas::{GasSchedule, words};
use crate::host::{Call, Fatal, Host, Outcome};

/// Runs one call into NV_TRUST.
///
/// # Errors
/// [`Fatal`] only when the node's database fails.
pub fn run(host: &mut dyn Host, call: &Call<'_>, schedule: &GasSchedule) -> Result<Outcome, Fatal> {
    call::run::<C>(
        host,
        NV_TRUST,
        call,
        schedule,
        min_price(schedule),
        rules,
        body,
    )
}

/// The smallest base price any NV_TRUST function has under `g` (before its input words): every
/// one costs [`GasSchedule::verify_quote`] plus its quote's words. What its floor
/// ([`GasSchedule::floor`]) starts from.
pub fn min_price(g: &GasSchedule) -> u64 {
    g.verify_quote
}

fn rules(c: &C, call: &Call<'_>, g: &GasSchedule) -> Rules {
    let quote: &Bytes = match c {
        C::verifyQuote(x) => &x.teeQuote,
        C::verifyQuoteWithNonce(x) => &x.teeQuote,
        C::parseQuote(x) => &x.teeQuote,
        C::parseQuoteWithNonce(x) => &x.teeQuote,
    };
    Rules {
        writes: false,
        payable: false,
        price: g
            .verify_quote
            .saturating_add(words(quote.len()).saturating_mul(g.quote_word))
            .saturating_add(words(call.input.len()).saturating_mul(g.input_word)),
    }
}

fn appraise(ctx: &mut Ctx<'_, '_>, quote: &[u8], nonce: Option<&B256>) -> Result<Appraisal, Error> {
    ctx.registry().appraise_quote(quote, nonce.map(|n| &n.0))
}

/// A verdict for `verifyQuote`: state failures still fail the call, and so does an Intel quote
/// this build cannot verify (fatal, never `false`).
fn verdict(result: Result<Appraisal, Error>) -> Result<bool, Error> {
    match result {
        Ok(_) => Ok(true),
        Err(Error::Store) => Err(Error::Store),
        Err(Error::IntelUnavailable) => Err(Error::IntelUnavailable),
        Err(_) => Ok(false),
    }
}

fn parsed(a: &Appraisal) -> N::parseQuoteReturn {
    N::parseQuoteReturn {
        trustLevel: a.tier.as_u8(),
        gpuId: B256::from(a.gpu_id),
        computeUnits: U256::from(a.compute_units),
    }
}

fn body(ctx: &mut Ctx<'_, '_>, c: C) -> Returned {
    Ok(match c {
        C::verifyQuote(x) => {
            let ok = verdict(appraise(ctx, &x.teeQuote, None))?;
            N::verifyQuoteCall::abi_encode_returns(&ok)
        }
        C::verifyQuoteWithNonce(x) => {
            let ok = verdict(appraise(ctx, &x.teeQuote, Some(&x.expectedNonce)))?;
            N::verifyQuoteWithNonceCall::abi_encode_returns(&ok)
        }
        C::parseQuote(x) => {
            let a = appraise(ctx, &x.teeQuote, None)?;
            N::parseQuoteCall::abi_encode_returns(&parsed(&a))
        }
        C::parseQuoteWithNonce(x) => {
            let a = appraise(ctx, &x.teeQuote, Some(&x.expectedNonce))?;
            let p = parsed(&a);
            N::parseQuoteWithNonceCall::abi_encode_returns(&N::parseQuoteWithNonceReturn {
                trustLevel: p.trustLevel,
                gpuId: p.gpuId,
                computeUnits: p.computeUnits,
            })
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_quote_answers_false_only_for_verdicts() {
        use aimine_registry::Error;
        assert_eq!(super::verdict(Err(Error::NonceNotBound)), Ok(false));
        assert_eq!(super::verdict(Err(Error::Store)), Err(Error::Store));
        // An Intel quote this build cannot verify is not `false`: the call turns it fatal.
        assert_eq!(
            super::verdict(Err(Error::IntelUnavailable)),
            Err(Error::IntelUnavailable)
        );
    }

    #[test]
    fn every_price_covers_the_floor() {
        crate::call::assert_prices_cover_the_floor::<super::C>(super::rules, super::min_price);
    }
}
