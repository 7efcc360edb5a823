//! AI_MINING (0x0300): sessions, heartbeats, rewards, stakes, governance and the Lux-compatible
//! helpers, each a thin call into aimine-registry.

use alloc::vec::Vec;

use aimine_registry::word;
use aimine_registry::{Error, Param, UnixTime, lux};
use alloy_sol_types::SolCall;
use revm_primitives::{Address, B256, Bytes, U256};

use crate::abi::IAIMining::{self as M, IAIMiningCalls as C};
use crate::address::AI_MINING;
use crate::call::{self, Ctx, Returned, Reverted, Rules};
use crate::errors;
use crate::gas::{GasSchedule, words};
use crate::host::{Call, Fatal, Host, Outcome};

/// Runs one call into AI_MINING.
///
/// # Errors
/// [`Fatal`] only when the node's database fails.
pub fn run(host: &mut dyn Host, call: &Call<'_>, schedule: &GasSchedule) -> Result<Outcome, Fatal> {
    call::run::<C>(
        host,
        AI_MINING,
        call,
        schedule,
        min_price(schedule),
        rules,
        body,
    )
}

/// The smallest base price any AI_MINING function has under `g` (before its input words): what
/// its floor ([`GasSchedule::floor`]) starts from.
pub fn min_price(g: &GasSchedule) -> u64 {
    [
        g.start_session,
        g.start_public_session,
        g.heartbeat,
        g.write_call,
        g.view_call,
    ]
    .into_iter()
    .min()
    .unwrap_or(g.view_call)
}

/// What each function may do and its price before storage.
fn rules(c: &C, call: &Call<'_>, g: &GasSchedule) -> Rules {
    let input = words(call.input.len()).saturating_mul(g.input_word);
    let write = |price: u64| Rules {
        writes: true,
        payable: false,
        price: price.saturating_add(input),
    };
    let view = |price: u64| Rules {
        writes: false,
        payable: false,
        price: price.saturating_add(input),
    };
    let quote = |q: &Bytes| {
        g.start_session
            .saturating_add(words(q.len()).saturating_mul(g.quote_word))
    };
    match c {
        C::startSession(x) => write(quote(&x.teeQuote)),
        C::startSessionWithKey(x) => write(
            quote(&x.teeQuote)
                .saturating_add(words(x.sessionKey.len()).saturating_mul(g.hash_word)),
        ),
        C::startPublicSession(x) => write(
            g.start_public_session
                .saturating_add(words(x.sessionKey.len()).saturating_mul(g.hash_word)),
        ),
        C::heartbeat(_) | C::endSession(_) => write(g.heartbeat),
        // The session key is hashed to check it against the session's key hash.
        C::heartbeatSigned(x) => write(
            g.heartbeat
                .saturating_add(words(x.sessionKey.len()).saturating_mul(g.hash_word)),
        ),
        C::stake(_) => Rules {
            writes: true,
            payable: true,
            price: g.write_call.saturating_add(input),
        },
        C::claim(_)
        | C::requestUnstake(_)
        | C::withdrawStake(_)
        | C::setParam(_)
        | C::proposeAdmin(_)
        | C::acceptAdmin(_)
        | C::addAnchor(_)
        | C::removeAnchor(_)
        | C::setRevoked(_)
        | C::setGoldenSet(_)
        | C::setComputeUnits(_)
        | C::setSpender(_)
        | C::setAdvisoryBanned(_)
        | C::setIntelRoot(_)
        | C::submitIntelCollateral(_)
        | C::submitVcek(_)
        | C::markSpent(_) => write(g.write_call),
        // Decodes two RSA-4096 certificates and checks the ASK under the ARK.
        C::setAmdRoot(_) => write(
            g.write_call
                .saturating_add(g.amd_endorsement.saturating_mul(2)),
        ),
        C::verifyMLDSA(x) => view(
            g.view_call
                .saturating_add(g.mldsa(x.publicKey.len()))
                .saturating_add(words(x.message.len()).saturating_mul(g.hash_word)),
        ),
        C::sessionNonce(x) => view(
            g.view_call
                .saturating_add(words(x.sessionKey.len()).saturating_mul(g.hash_word)),
        ),
        C::sessionNonceFor(x) => view(
            g.view_call
                .saturating_add(words(x.sessionKey.len()).saturating_mul(g.hash_word)),
        ),
        C::getSession(_)
        | C::activeSession(_)
        | C::miningBalance(_)
        | C::rewardPool(_)
        | C::stakeOf(_)
        | C::admin(_)
        | C::pendingAdmin(_)
        | C::param(_)
        | C::anchors(_)
        | C::isRevoked(_)
        | C::sessionGpus(_)
        | C::intelCollateral(_)
        | C::getSecurityLevel(_)
        | C::calculateReward(_)
        | C::computeWorkId(_)
        | C::isSpent(_) => view(g.view_call),
    }
}

fn key(k: &Bytes) -> Option<&[u8]> {
    (!k.is_empty()).then_some(k.as_ref())
}

fn u256(v: u128) -> U256 {
    U256::from(v)
}

/// The pool claims are paid from: the account's balance less the stakes it holds.
fn reward_pool(ctx: &mut Ctx<'_, '_>) -> Result<u128, Error> {
    let balance = ctx.balance(AI_MINING)?;
    let staked = ctx.registry().total_staked()?;
    Ok(balance.saturating_sub(staked))
}

fn body(ctx: &mut Ctx<'_, '_>, c: C) -> Returned {
    let caller = ctx.caller();
    let value = ctx.call.value;
    Ok(match c {
        C::startSession(x) => {
            let id =
                ctx.registry()
                    .start_session(&caller, &x.miner.into_array(), &x.teeQuote, None)?;
            M::startSessionCall::abi_encode_returns(&B256::from(id))
        }
        C::startSessionWithKey(x) => {
            let id = ctx.registry().start_session(
                &caller,
                &x.miner.into_array(),
                &x.teeQuote,
                Some(&x.sessionKey),
            )?;
            M::startSessionWithKeyCall::abi_encode_returns(&B256::from(id))
        }
        C::startPublicSession(x) => {
            let id = ctx.registry().start_public_session(
                &caller,
                &x.miner.into_array(),
                key(&x.sessionKey),
            )?;
            M::startPublicSessionCall::abi_encode_returns(&B256::from(id))
        }
        C::heartbeat(x) => {
            let reward = ctx.registry().heartbeat(&caller, &x.sessionId.0, None)?;
            M::heartbeatCall::abi_encode_returns(&u256(reward))
        }
        C::heartbeatSigned(x) => {
            let reward = ctx.registry().heartbeat(
                &caller,
                &x.sessionId.0,
                Some((&x.sessionKey, &x.signature)),
            )?;
            M::heartbeatSignedCall::abi_encode_returns(&u256(reward))
        }
        C::endSession(x) => {
            ctx.registry().end_session(&caller, &x.sessionId.0)?;
            Vec::new()
        }
        C::getSession(x) => {
            let s = ctx
                .registry()
                .session(&x.sessionId.0)?
                .ok_or(Error::UnknownSession)?;
            M::getSessionCall::abi_encode_returns(&M::Session {
                owner: Address::from(s.owner),
                miner: Address::from(s.miner),
                gpuId: B256::from(s.gpu_id),
                tier: s.tier.as_u8(),
                computeUnits: s.compute_units,
                keyHash: B256::from(s.key_hash),
                start: s.start.as_secs(),
                lastHeartbeat: s.last_heartbeat.as_secs(),
                attestationExpiry: s.attestation_expiry.as_secs(),
                heartbeats: s.heartbeats,
                active: s.active,
            })
        }
        C::activeSession(x) => {
            let id = ctx
                .registry()
                .active_session(&x.gpuId.0)?
                .map_or([0; 32], |s| s.id);
            M::activeSessionCall::abi_encode_returns(&B256::from(id))
        }
        C::sessionNonce(x) => {
            let (nonce, epoch) = nonce_for(ctx, &caller, &x.miner, &x.sessionKey)?;
            M::sessionNonceCall::abi_encode_returns(&M::sessionNonceReturn { nonce, epoch })
        }
        C::sessionNonceFor(x) => {
            let (nonce, epoch) =
                nonce_for(ctx, &x.submitter.into_array(), &x.miner, &x.sessionKey)?;
            M::sessionNonceForCall::abi_encode_returns(&M::sessionNonceForReturn { nonce, epoch })
        }
        C::miningBalance(x) => {
            let balance = ctx.registry().mining_balance(&x.miner.into_array())?;
            M::miningBalanceCall::abi_encode_returns(&u256(balance))
        }
        C::claim(x) => {
            let pool = reward_pool(ctx)?;
            let (mut registry, payout) = ctx.paying(pool);
            let claimed = registry.claim(&caller, &x.to.into_array(), payout)?;
            M::claimCall::abi_encode_returns(&u256(claimed))
        }
        C::rewardPool(_) => M::rewardPoolCall::abi_encode_returns(&u256(reward_pool(ctx)?)),
        C::stake(_) => {
            let amount = u128::try_from(value).map_err(|_| Error::Overflow)?;
            let total = ctx.registry().deposit_stake(&caller, amount)?;
            M::stakeCall::abi_encode_returns(&u256(total))
        }
        C::requestUnstake(_) => {
            let unlock = ctx.registry().request_unstake(&caller)?;
            M::requestUnstakeCall::abi_encode_returns(&unlock.as_secs())
        }
        C::withdrawStake(x) => {
            let balance = ctx.balance(AI_MINING)?;
            let (mut registry, payout) = ctx.paying(balance);
            let paid = registry.withdraw_stake(&caller, &x.to.into_array(), payout)?;
            M::withdrawStakeCall::abi_encode_returns(&u256(paid))
        }
        C::stakeOf(x) => {
            let (amount, unlock) = ctx.registry().stake_of(&x.staker.into_array())?;
            M::stakeOfCall::abi_encode_returns(&M::stakeOfReturn {
                amount: u256(amount),
                // 0: not being withdrawn, as the registry stores it.
                unlockAt: unlock.map_or(0, UnixTime::as_secs),
            })
        }
        C::admin(_) => {
            let admin = word::to_address(&ctx.registry().param(Param::Admin)?);
            M::adminCall::abi_encode_returns(&Address::from(admin))
        }
        C::param(x) => {
            let p = Param::settable(x.param).ok_or(Error::BadParam)?;
            let v = ctx.registry().param(p)?;
            M::paramCall::abi_encode_returns(&U256::from_be_bytes(v))
        }
        C::setParam(x) => {
            let p = Param::settable(x.param).ok_or(Error::BadParam)?;
            ctx.registry()
                .set_param(&caller, p, x.value.to_be_bytes::<32>())?;
            Vec::new()
        }
        C::proposeAdmin(x) => {
            ctx.registry()
                .propose_admin(&caller, &x.newAdmin.into_array())?;
            Vec::new()
        }
        C::acceptAdmin(_) => {
            ctx.registry().accept_admin(&caller)?;
            Vec::new()
        }
        C::pendingAdmin(_) => {
            let pending = word::to_address(&ctx.registry().param(Param::PendingAdmin)?);
            M::pendingAdminCall::abi_encode_returns(&Address::from(pending))
        }
        C::addAnchor(x) => {
            ctx.registry().add_anchor(&caller, &x.publicKey)?;
            Vec::new()
        }
        C::removeAnchor(x) => {
            ctx.registry().remove_anchor(&caller, &x.publicKey)?;
            Vec::new()
        }
        C::anchors(_) => {
            let anchors = ctx.registry().anchors()?;
            let list: Vec<Bytes> = anchors.iter().map(|a| Bytes::copy_from_slice(a)).collect();
            M::anchorsCall::abi_encode_returns(&list)
        }
        C::setRevoked(x) => {
            ctx.registry().set_revoked(&caller, &x.gpuId.0, x.revoked)?;
            Vec::new()
        }
        C::isRevoked(x) => {
            let revoked = ctx.registry().is_revoked(&x.gpuId.0)?;
            M::isRevokedCall::abi_encode_returns(&revoked)
        }
        C::setGoldenSet(x) => {
            if x.indices.len() > aimine_registry::MAX_ENTRIES
                || Some(x.digests.len()) != x.indices.len().checked_mul(48)
            {
                return Err(Reverted::Registry(Error::BadParam));
            }
            let entries: Vec<(u8, [u8; 48])> = x
                .indices
                .iter()
                .zip(x.digests.chunks_exact(48))
                .filter_map(|(i, d)| Some((*i, <[u8; 48]>::try_from(d).ok()?)))
                .collect();
            ctx.registry()
                .set_golden_set(&caller, &x.driverVersion, &x.vbiosVersion, &entries)?;
            Vec::new()
        }
        C::setComputeUnits(x) => {
            ctx.registry()
                .set_compute_units(&caller, &x.chipSku, &x.projectSku, x.units)?;
            Vec::new()
        }
        C::setSpender(x) => {
            ctx.registry()
                .set_spender(&caller, &x.spender.into_array(), x.allowed)?;
            Vec::new()
        }
        C::setAmdRoot(x) => {
            let product = usize::from(x.product);
            let product = aimine_tee::AmdProduct::ALL
                .get(product)
                .copied()
                .ok_or(Reverted::Registry(Error::BadParam))?;
            let index = u64::try_from(x.index).map_err(|_| Reverted::Registry(Error::BadParam))?;
            ctx.registry()
                .set_amd_root(&caller, index, product, &x.ark, &x.ask)?;
            Vec::new()
        }
        C::setIntelRoot(x) => {
            ctx.registry().set_intel_root(&caller, &x.root)?;
            Vec::new()
        }
        C::setAdvisoryBanned(x) => {
            ctx.registry()
                .set_advisory_banned(&caller, &x.advisoryId, x.banned)?;
            Vec::new()
        }
        C::submitIntelCollateral(x) => {
            let (fmspc, tdx, evaluation) = ctx.registry().submit_intel_collateral(&x.collateral)?;
            M::submitIntelCollateralCall::abi_encode_returns(&M::submitIntelCollateralReturn {
                fmspc: fmspc.into(),
                tdx,
                tcbEvaluation: evaluation,
            })
        }
        C::intelCollateral(x) => {
            let (evaluation, bytes) = ctx.registry().intel_collateral(&x.fmspc.0, x.tdx)?;
            M::intelCollateralCall::abi_encode_returns(&M::intelCollateralReturn {
                tcbEvaluation: U256::from(evaluation),
                collateral: bytes.into(),
            })
        }
        C::submitVcek(x) => {
            let key = ctx.registry().submit_vcek(&x.vcek)?;
            M::submitVcekCall::abi_encode_returns(&B256::from(key))
        }
        C::sessionGpus(x) => {
            let gpus: Vec<B256> = ctx
                .registry()
                .session_gpus(&x.sessionId.0)?
                .into_iter()
                .map(B256::from)
                .collect();
            M::sessionGpusCall::abi_encode_returns(&gpus)
        }
        C::verifyMLDSA(x) => {
            let ok = lux::verify_mldsa(&x.publicKey, &x.message, &x.signature);
            M::verifyMLDSACall::abi_encode_returns(&ok)
        }
        C::getSecurityLevel(x) => {
            let level = lux::security_level(&x.publicKey).ok_or_else(|| {
                Reverted::Custom(errors::bad_public_key_length(x.publicKey.len()))
            })?;
            M::getSecurityLevelCall::abi_encode_returns(&level)
        }
        C::calculateReward(x) => {
            let reward = lux::calculate_reward(&x.workProof, x.chainId)?;
            M::calculateRewardCall::abi_encode_returns(&u256(reward))
        }
        C::computeWorkId(x) => {
            let id = lux::compute_work_id(&x.deviceId.0, &x.nonce.0, x.chainId);
            M::computeWorkIdCall::abi_encode_returns(&B256::from(id))
        }
        C::isSpent(x) => {
            let spent = ctx.registry().is_spent(&x.workId.0)?;
            M::isSpentCall::abi_encode_returns(&spent)
        }
        C::markSpent(x) => {
            ctx.registry().mark_spent(&caller, &x.workId.0)?;
            Vec::new()
        }
    })
}

/// The session nonce of a quote `submitter` sends for `miner` with `key`, in the block's epoch.
fn nonce_for(
    ctx: &mut Ctx<'_, '_>,
    submitter: &[u8; 20],
    miner: &Address,
    key_bytes: &Bytes,
) -> Result<(B256, u64), Error> {
    let block = ctx.call.block;
    let epoch_seconds = word::to_u64(&ctx.registry().param(Param::EpochSeconds)?)
        .filter(|s| *s > 0)
        .ok_or(Error::BadParam)?;
    let epoch = block
        .timestamp
        .as_secs()
        .checked_div(epoch_seconds)
        .unwrap_or(0);
    let nonce = aimine_registry::session_nonce(
        block.chain_id,
        submitter,
        &miner.into_array(),
        epoch,
        &aimine_registry::key_hash(key(key_bytes)),
    );
    Ok((B256::from(nonce), epoch))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_price_covers_the_floor() {
        crate::call::assert_prices_cover_the_floor::<super::C>(super::rules, super::min_price);
    }
}
