//! Registry events as EVM logs, with the topics and data the Solidity interfaces declare.

use aimine_registry::EndReason;
use aimine_registry::Event;
use aimine_registry::UnixTime;
use alloy_sol_types::SolEvent;
use revm_primitives::{Address, B256, Bytes, Log, LogData, U256};

use crate::abi::{IAIMining as M, IModelRegistry as R};

/// The log an event becomes, emitted by `address`. `ModelRegistered` also carries the model's
/// name and metadata, which are not in state: `registration` gives them from the call.
pub fn to_log(event: &Event, address: Address, registration: Option<(&str, &[u8])>) -> Log {
    let data: LogData = match *event {
        Event::SessionStarted {
            session_id,
            gpu_id,
            owner,
            miner,
            tier,
            compute_units,
            key_hash,
            attestation_expiry,
        } => M::SessionStarted {
            sessionId: B256::from(session_id),
            gpuId: B256::from(gpu_id),
            miner: Address::from(miner),
            owner: Address::from(owner),
            tier,
            computeUnits: compute_units,
            keyHash: B256::from(key_hash),
            attestationExpiry: attestation_expiry.as_secs(),
        }
        .encode_log_data(),
        Event::SessionRefreshed {
            session_id,
            owner,
            key_hash,
            attestation_expiry,
        } => M::SessionRefreshed {
            sessionId: B256::from(session_id),
            owner: Address::from(owner),
            keyHash: B256::from(key_hash),
            attestationExpiry: attestation_expiry.as_secs(),
        }
        .encode_log_data(),
        Event::Heartbeat {
            session_id,
            miner,
            reward,
            elapsed,
            count,
        } => M::Heartbeat {
            sessionId: B256::from(session_id),
            miner: Address::from(miner),
            reward: U256::from(reward),
            elapsed,
            count,
        }
        .encode_log_data(),
        Event::SessionEnded {
            session_id,
            gpu_id,
            reason,
        } => M::SessionEnded {
            sessionId: B256::from(session_id),
            gpuId: B256::from(gpu_id),
            reason: end_reason(reason),
        }
        .encode_log_data(),
        Event::Claimed { miner, to, amount } => M::Claimed {
            miner: Address::from(miner),
            to: Address::from(to),
            amount: U256::from(amount),
        }
        .encode_log_data(),
        Event::ParamChanged { param, value } => M::ParamChanged {
            param,
            value: U256::from_be_bytes(value),
        }
        .encode_log_data(),
        Event::AdminProposed { admin, proposed } => M::AdminProposed {
            admin: Address::from(admin),
            proposed: Address::from(proposed),
        }
        .encode_log_data(),
        Event::AdminChanged { previous, admin } => M::AdminChanged {
            previous: Address::from(previous),
            admin: Address::from(admin),
        }
        .encode_log_data(),
        Event::AnchorAdded { key_hash } => M::AnchorAdded {
            keyHash: B256::from(key_hash),
        }
        .encode_log_data(),
        Event::CollateralSubmitted {
            fmspc,
            tdx,
            tcb_evaluation,
        } => M::CollateralSubmitted {
            fmspc: B256::from(fmspc),
            tdx,
            tcbEvaluation: U256::from(tcb_evaluation),
        }
        .encode_log_data(),
        Event::VcekSubmitted { chip_key } => M::VcekSubmitted {
            chipKey: B256::from(chip_key),
        }
        .encode_log_data(),
        Event::AdvisoryBanned { hash, banned } => M::AdvisoryBanned {
            advisoryHash: B256::from(hash),
            banned,
        }
        .encode_log_data(),
        Event::AnchorRemoved { key_hash } => M::AnchorRemoved {
            keyHash: B256::from(key_hash),
        }
        .encode_log_data(),
        Event::ModelRegistered {
            model_id,
            owner,
            model_hash,
            metadata_hash,
        } => {
            let (name, metadata) = registration.unwrap_or(("", &[]));
            R::ModelRegistered {
                modelId: B256::from(model_id),
                owner: Address::from(owner),
                modelHash: B256::from(model_hash),
                metadataHash: B256::from(metadata_hash),
                name: name.into(),
                metadata: Bytes::copy_from_slice(metadata),
            }
            .encode_log_data()
        }
        Event::ModelUpdated {
            model_id,
            owner,
            min_tier,
            active,
        } => R::ModelUpdated {
            modelId: B256::from(model_id),
            owner: Address::from(owner),
            minTier: min_tier,
            active,
        }
        .encode_log_data(),
        Event::ExecutionRecorded {
            receipt_id,
            model_id,
            session_id,
            input_hash,
            output_hash,
        } => R::ExecutionRecorded {
            receiptId: B256::from(receipt_id),
            modelId: B256::from(model_id),
            sessionId: B256::from(session_id),
            inputHash: B256::from(input_hash),
            outputHash: B256::from(output_hash),
        }
        .encode_log_data(),
        Event::WorkSpent { work_id, by } => M::WorkSpent {
            workId: B256::from(work_id),
            by: Address::from(by),
        }
        .encode_log_data(),
        Event::SpenderSet { spender, allowed } => M::SpenderSet {
            spender: Address::from(spender),
            allowed,
        }
        .encode_log_data(),
        Event::StakeChanged {
            staker,
            amount,
            unlock_at,
        } => M::StakeChanged {
            staker: Address::from(staker),
            amount: U256::from(amount),
            // 0: not being withdrawn, as the registry stores it.
            unlockAt: unlock_at.map_or(0, UnixTime::as_secs),
        }
        .encode_log_data(),
        Event::GoldenSetChanged { set_key, entries } => M::GoldenSetChanged {
            setKey: B256::from(set_key),
            entries,
        }
        .encode_log_data(),
        Event::ComputeUnitsChanged {
            sku_key,
            compute_units,
        } => M::ComputeUnitsChanged {
            skuKey: B256::from(sku_key),
            computeUnits: compute_units,
        }
        .encode_log_data(),
        Event::GpuRevocation { gpu_id, revoked } => M::GpuRevocation {
            gpuId: B256::from(gpu_id),
            revoked,
        }
        .encode_log_data(),
    };
    Log { address, data }
}

/// The `reason` number of `SessionEnded`.
pub const fn end_reason(reason: EndReason) -> u8 {
    reason as u8
}
