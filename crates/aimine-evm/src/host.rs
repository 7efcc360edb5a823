//! What the precompiles need from the node that runs them, and what they give back.
//!
//! [`Host`] is the seam between the precompiles and an EVM implementation: storage of the aimine
//! state account, balances, and logs, each priced by the host under its own fork rules. The
//! `revm` feature implements it over revm's journal; another EVM implements these few methods.

use alloc::string::String;
use alloc::vec::Vec;

use aimine_registry::{BlockEnv, Word};
use revm_primitives::{Address, Bytes, Log, U256};

/// A failure that must stop the whole transaction (the node's database failed). Never caused by
/// call data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fatal(pub String);

/// A storage read: the word and its price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Read {
    /// The word.
    pub value: Word,
    /// The EVM's price for this SLOAD (cold or warm).
    pub gas: u64,
}

/// A storage write's price under the host's fork rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Write {
    /// Gas for the SSTORE (static and dynamic part).
    pub gas: u64,
    /// Its refund (may be negative, EIP-2200).
    pub refund: i64,
}

/// The node, as one precompile call sees it.
pub trait Host {
    /// Reads a word of the aimine state account (0x0300).
    ///
    /// # Errors
    /// [`Fatal`] when the database fails.
    fn sload(&mut self, key: &Word) -> Result<Read, Fatal>;

    /// Writes a word of the aimine state account.
    ///
    /// # Errors
    /// [`Fatal`] when the database fails.
    fn sstore(&mut self, key: &Word, value: Word) -> Result<Write, Fatal>;

    /// The EVM's price of a log with `topics` topics and `len` data bytes.
    fn log_gas(&self, topics: usize, len: usize) -> u64;

    /// Appends a log to the transaction's journal.
    fn log(&mut self, log: Log);

    /// An account's native balance.
    ///
    /// # Errors
    /// [`Fatal`] when the database fails.
    fn balance(&mut self, account: Address) -> Result<U256, Fatal>;

    /// Moves `amount` from `from` to `to`; false (and nothing moved) when `from` is short.
    ///
    /// # Errors
    /// [`Fatal`] when the database fails.
    fn transfer(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Fatal>;
}

/// How the precompile was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// CALL (or a transaction).
    Call,
    /// STATICCALL, or any call inside one.
    StaticCall,
    /// DELEGATECALL or CALLCODE: refused, the precompiles keep their own state.
    Delegated,
}

/// One call into a precompile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call<'a> {
    /// `msg.sender`.
    pub caller: Address,
    /// `msg.value`.
    pub value: U256,
    /// How it was reached.
    pub scheme: Scheme,
    /// The call data.
    pub input: &'a [u8],
    /// Gas given to the call.
    pub gas_limit: u64,
    /// The block (time and chain id come from here).
    pub block: BlockEnv,
}

/// How a call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Returned; state changes and logs stand.
    Success,
    /// Reverted with a Solidity custom error in the output; unspent gas returns to the caller.
    Revert,
    /// Ran out of gas: every state change is undone and all gas is consumed.
    OutOfGas,
}

/// A call's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// Gas spent (the whole limit when out of gas).
    pub gas_used: u64,
    /// SSTORE refunds earned.
    pub gas_refunded: i64,
    /// ABI-encoded return value, or the revert's custom error.
    pub output: Bytes,
    /// What the gas went to (filled for successes; zero otherwise).
    pub breakdown: crate::gas::Breakdown,
}

impl Outcome {
    /// A success returning `output`.
    pub(crate) fn success(gas_used: u64, gas_refunded: i64, output: Vec<u8>) -> Outcome {
        Outcome {
            status: Status::Success,
            gas_used,
            gas_refunded,
            output: Bytes::from(output),
            breakdown: crate::gas::Breakdown::default(),
        }
    }

    /// A revert with `error` (an ABI-encoded custom error).
    pub(crate) fn revert(gas_used: u64, error: Vec<u8>) -> Outcome {
        Outcome {
            status: Status::Revert,
            gas_used,
            gas_refunded: 0,
            output: Bytes::from(error),
            breakdown: crate::gas::Breakdown::default(),
        }
    }

    /// Out of gas.
    pub(crate) fn out_of_gas(gas_limit: u64) -> Outcome {
        Outcome {
            status: Status::OutOfGas,
            gas_used: gas_limit,
            gas_refunded: 0,
            output: Bytes::new(),
            breakdown: crate::gas::Breakdown::default(),
        }
    }
}

/// A [`Host`] in memory, with simplified EVM prices (SLOAD 2,100 cold and 100 warm; SSTORE
/// 20,000 to set a zero slot and 2,900 otherwise, plus 2,100 when cold; no refunds): for
/// off-chain simulation, fuzzing and tests without a node. Not consensus-exact; the `revm`
/// feature's host is.
#[derive(Clone, Debug, Default)]
pub struct MemoryHost {
    /// AI_MINING's storage.
    pub storage: alloc::collections::BTreeMap<Word, Word>,
    /// Slots touched in the current call (warm).
    pub warm: alloc::collections::BTreeSet<Word>,
    /// Balances.
    pub balances: alloc::collections::BTreeMap<Address, U256>,
    /// Logs emitted.
    pub logs: Vec<Log>,
}

impl MemoryHost {
    /// A host whose storage is `genesis` (e.g. [`crate::ChainConfig::storage`]).
    pub fn new(genesis: impl IntoIterator<Item = (Word, Word)>) -> MemoryHost {
        MemoryHost {
            storage: genesis.into_iter().collect(),
            ..MemoryHost::default()
        }
    }

    fn touch(&mut self, key: &Word) -> u64 {
        if self.warm.insert(*key) { 2_100 } else { 0 }
    }
}

impl Host for MemoryHost {
    fn sload(&mut self, key: &Word) -> Result<Read, Fatal> {
        let cold = self.touch(key);
        Ok(Read {
            value: self.storage.get(key).copied().unwrap_or([0; 32]),
            gas: cold.saturating_add(100),
        })
    }

    fn sstore(&mut self, key: &Word, value: Word) -> Result<Write, Fatal> {
        let cold = self.touch(key);
        let was_zero = !self.storage.contains_key(key);
        if value == [0; 32] {
            self.storage.remove(key);
        } else {
            self.storage.insert(*key, value);
        }
        let base = if was_zero && value != [0; 32] {
            20_000
        } else {
            2_900
        };
        Ok(Write {
            gas: cold.saturating_add(base),
            refund: 0,
        })
    }

    fn log_gas(&self, topics: usize, len: usize) -> u64 {
        375u64
            .saturating_add(375u64.saturating_mul(topics as u64))
            .saturating_add(8u64.saturating_mul(len as u64))
    }

    fn log(&mut self, log: Log) {
        self.logs.push(log);
    }

    fn balance(&mut self, account: Address) -> Result<U256, Fatal> {
        Ok(self.balances.get(&account).copied().unwrap_or(U256::ZERO))
    }

    fn transfer(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Fatal> {
        let have = self.balances.get(&from).copied().unwrap_or(U256::ZERO);
        let Some(left) = have.checked_sub(amount) else {
            return Ok(false);
        };
        self.balances.insert(from, left);
        let theirs = self.balances.get(&to).copied().unwrap_or(U256::ZERO);
        self.balances.insert(to, theirs.saturating_add(amount));
        Ok(true)
    }
}
