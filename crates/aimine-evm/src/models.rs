//! MODEL_REGISTRY (0x0302): model registration and verified executions.

use alloc::string::String;
use alloc::vec::Vec;

use aimine_registry::Error;
use aimine_tiers::TrustTier;
use alloy_sol_types::SolCall;
use revm_primitives::{Address, B256, Bytes};

use crate::abi::IModelRegistry::{self as R, IModelRegistryCalls as C};
use crate::address::MODEL_REGISTRY;
use crate::call::{self, Ctx, Returned, Rules};
use crate::gas::{GasSchedule, words};
use crate::host::{Call, Fatal, Host, Outcome};

/// Runs one call into MODEL_REGISTRY.
///
/// # Errors
/// [`Fatal`] only when the node's database fails.
pub fn run(host: &mut dyn Host, call: &Call<'_>, schedule: &GasSchedule) -> Result<Outcome, Fatal> {
    call::run::<C>(
        host,
        MODEL_REGISTRY,
        call,
        schedule,
        min_price(schedule),
        rules,
        body,
    )
}

/// The smallest base price any MODEL_REGISTRY function has under `g` (before its input words):
/// what its floor ([`GasSchedule::floor`]) starts from.
pub fn min_price(g: &GasSchedule) -> u64 {
    [g.model_call, g.write_call, g.view_call]
        .into_iter()
        .min()
        .unwrap_or(g.view_call)
}

fn rules(c: &C, call: &Call<'_>, g: &GasSchedule) -> Rules {
    let input = words(call.input.len()).saturating_mul(g.input_word);
    let rules = |writes: bool, price: u64| Rules {
        writes,
        payable: false,
        price: price.saturating_add(input),
    };
    match c {
        C::register(x) => rules(
            true,
            g.model_call.saturating_add(
                words(x.name.len())
                    .saturating_add(words(x.metadata.len()))
                    .saturating_mul(g.hash_word),
            ),
        ),
        C::recordExecution(x) => rules(true, execution(g, &x.proof)),
        C::verifyExecution(x) => rules(false, execution(g, &x.proof)),
        C::deactivate(_) | C::transferModel(_) | C::setMinTier(_) => rules(true, g.write_call),
        C::getModel(_) | C::receiptSession(_) | C::executionMessage(_) => rules(false, g.view_call),
    }
}

/// The price of checking an execution proof: `model_call`, plus `hash_word` per word of the
/// session key it carries (hashed to check it against the session's key hash; a proof that does
/// not decode hashes nothing and proves nothing).
fn execution(g: &GasSchedule, proof: &[u8]) -> u64 {
    let key_len = aimine_registry::decode_proof(proof).map_or(0, |p| p.session_key.len());
    g.model_call
        .saturating_add(words(key_len).saturating_mul(g.hash_word))
}

fn body(ctx: &mut Ctx<'_, '_>, c: C) -> Returned {
    let caller = ctx.caller();
    let chain_id = ctx.call.block.chain_id;
    Ok(match c {
        C::register(x) => {
            let id =
                ctx.registry()
                    .register_model(&caller, &x.name, &x.modelHash.0, &x.metadata)?;
            ctx.registration = Some((
                String::from(x.name.as_str()),
                Vec::from(x.metadata.as_ref()),
            ));
            R::registerCall::abi_encode_returns(&B256::from(id))
        }
        C::verifyExecution(x) => {
            let ok = ctx.registry().verify_execution(
                &x.modelId.0,
                &x.inputHash.0,
                &x.outputHash.0,
                &x.proof,
            )?;
            R::verifyExecutionCall::abi_encode_returns(&ok)
        }
        C::recordExecution(x) => {
            let receipt = ctx.registry().record_execution(
                &x.modelId.0,
                &x.inputHash.0,
                &x.outputHash.0,
                &x.proof,
            )?;
            R::recordExecutionCall::abi_encode_returns(&B256::from(receipt))
        }
        C::receiptSession(x) => {
            let session = ctx.registry().receipt_session(&x.receiptId.0)?;
            R::receiptSessionCall::abi_encode_returns(&B256::from(session))
        }
        C::getModel(x) => {
            let m = ctx
                .registry()
                .model(&x.modelId.0)?
                .ok_or(Error::UnknownModel)?;
            R::getModelCall::abi_encode_returns(&R::Model {
                owner: Address::from(m.owner),
                modelHash: B256::from(m.model_hash),
                metadataHash: B256::from(m.metadata_hash),
                registeredAt: m.registered_at.as_secs(),
                minTier: m.min_tier.as_u8(),
                active: m.active,
            })
        }
        C::deactivate(x) => {
            ctx.registry().deactivate_model(&caller, &x.modelId.0)?;
            Vec::new()
        }
        C::transferModel(x) => {
            ctx.registry()
                .transfer_model(&caller, &x.modelId.0, &x.newOwner.into_array())?;
            Vec::new()
        }
        C::setMinTier(x) => {
            let tier = TrustTier::from_u8(x.minTier).map_err(|_| Error::BadParam)?;
            ctx.registry()
                .set_model_min_tier(&caller, &x.modelId.0, tier)?;
            Vec::new()
        }
        C::executionMessage(x) => {
            let message = aimine_registry::execution_message(
                chain_id,
                &x.modelId.0,
                &x.inputHash.0,
                &x.outputHash.0,
                &x.sessionId.0,
            );
            R::executionMessageCall::abi_encode_returns(&Bytes::copy_from_slice(&message))
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_price_covers_the_floor() {
        crate::call::assert_prices_cover_the_floor::<super::C>(super::rules, super::min_price);
    }
}
