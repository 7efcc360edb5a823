//! Persistence (`--data-dir`): an embedded redb database holding every block (its RLP header,
//! its raw transactions with their senders, its EIP-2718 receipts) and, every
//! [`CHECKPOINT_EVERY`] blocks, the whole state. Each block is one durable write transaction
//! (redb's commits are atomic and crash-safe, so a SIGKILL loses at most the block being
//! written, never the file).
//!
//! On start the blocks and receipts are read back as they were; the state is the latest
//! checkpoint's, checked against its header's state root, with the few blocks after it executed
//! again through the same EVM and checked against their stored hashes.

use std::path::Path;

use alloy_primitives::{Address, B256, Bytes, U256};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};

/// Block number → [`StoredBlock::encode`].
const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks/v2");
/// Block number → the state after it ([`encode_state`]), every [`CHECKPOINT_EVERY`] blocks.
const STATES: TableDefinition<u64, &[u8]> = TableDefinition::new("states/v2");
/// `chain_id` → the chain id the data was made with.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// The table of the first format (timestamps and raw transactions only), refused.
const BLOCKS_V1: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");

/// How often the whole state is stored (in blocks): at most this many blocks are executed
/// again on start.
pub const CHECKPOINT_EVERY: u64 = 256;

/// One stored block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBlock {
    /// Its header, RLP-encoded.
    pub header: Vec<u8>,
    /// Its transactions: sender and EIP-2718 bytes.
    pub txs: Vec<(Address, Vec<u8>)>,
    /// Its receipts, EIP-2718 encoded, one per transaction.
    pub receipts: Vec<Vec<u8>>,
}

/// One account of a stored state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAccount {
    /// Its address.
    pub address: Address,
    /// Its nonce.
    pub nonce: u64,
    /// Its balance.
    pub balance: U256,
    /// Its code (empty for none).
    pub code: Bytes,
    /// Its non-zero storage words.
    pub storage: Vec<(U256, U256)>,
}

/// A little cursor over stored bytes: every read is bounded, a short record is `None`.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn u32(&mut self) -> Option<usize> {
        let b: [u8; 4] = self.take(4)?.try_into().ok()?;
        usize::try_from(u32::from_be_bytes(b)).ok()
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    fn word(&mut self) -> Option<U256> {
        Some(U256::from_be_slice(self.take(32)?))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()?;
        self.take(n)
    }
    fn address(&mut self) -> Option<Address> {
        Some(Address::from_slice(self.take(20)?))
    }
}

fn put_len(out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    let n = u32::try_from(n).map_err(|_| String::from("data dir: record too large"))?;
    out.extend_from_slice(&n.to_be_bytes());
    Ok(())
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) -> Result<(), String> {
    put_len(out, b.len())?;
    out.extend_from_slice(b);
    Ok(())
}

impl StoredBlock {
    fn encode(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        put_bytes(&mut out, &self.header)?;
        put_len(&mut out, self.txs.len())?;
        for (from, tx) in &self.txs {
            out.extend_from_slice(from.as_slice());
            put_bytes(&mut out, tx)?;
        }
        put_len(&mut out, self.receipts.len())?;
        for r in &self.receipts {
            put_bytes(&mut out, r)?;
        }
        Ok(out)
    }

    fn decode(bytes: &[u8]) -> Option<StoredBlock> {
        let mut r = Reader(bytes);
        let header = r.bytes()?.to_vec();
        let n = r.u32()?;
        let mut txs = Vec::new();
        for _ in 0..n {
            let from = r.address()?;
            txs.push((from, r.bytes()?.to_vec()));
        }
        let n = r.u32()?;
        let mut receipts = Vec::new();
        for _ in 0..n {
            receipts.push(r.bytes()?.to_vec());
        }
        r.0.is_empty().then_some(StoredBlock {
            header,
            txs,
            receipts,
        })
    }
}

/// A state as stored: each account's address, nonce, balance, code and storage words.
///
/// # Errors
/// A record too large for its length field.
pub fn encode_state(accounts: &[StoredAccount]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    put_len(&mut out, accounts.len())?;
    for a in accounts {
        out.extend_from_slice(a.address.as_slice());
        out.extend_from_slice(&a.nonce.to_be_bytes());
        out.extend_from_slice(&a.balance.to_be_bytes::<32>());
        put_bytes(&mut out, &a.code)?;
        put_len(&mut out, a.storage.len())?;
        for (k, v) in &a.storage {
            out.extend_from_slice(&k.to_be_bytes::<32>());
            out.extend_from_slice(&v.to_be_bytes::<32>());
        }
    }
    Ok(out)
}

/// The accounts of a stored state; `None` when the record is malformed.
pub fn decode_state(bytes: &[u8]) -> Option<Vec<StoredAccount>> {
    let mut r = Reader(bytes);
    let n = r.u32()?;
    let mut accounts = Vec::new();
    for _ in 0..n {
        let address = r.address()?;
        let nonce = r.u64()?;
        let balance = r.word()?;
        let code = Bytes::copy_from_slice(r.bytes()?);
        let slots = r.u32()?;
        let mut storage = Vec::new();
        for _ in 0..slots {
            storage.push((r.word()?, r.word()?));
        }
        accounts.push(StoredAccount {
            address,
            nonce,
            balance,
            code,
            storage,
        });
    }
    r.0.is_empty().then_some(accounts)
}

/// The database of one chain.
#[derive(Debug)]
pub struct Store {
    db: Database,
}

fn err(e: impl std::fmt::Display) -> String {
    format!("data dir: {e}")
}

impl Store {
    /// Opens (or creates) `dir/chain.redb` for chain `chain_id`.
    ///
    /// # Errors
    /// The file cannot be opened, holds another chain id, or was written by the first
    /// format of aimine node (blocks without receipts or state).
    pub fn open(dir: &Path, chain_id: u64) -> Result<Store, String> {
        std::fs::create_dir_all(dir).map_err(err)?;
        let db = Database::create(dir.join("chain.redb")).map_err(err)?;
        let tx = db.begin_write().map_err(err)?;
        {
            let mut meta = tx.open_table(META).map_err(err)?;
            let stored = meta.get("chain_id").map_err(err)?.map(|v| v.value());
            match stored {
                Some(id) if id != chain_id => {
                    return Err(format!(
                        "data dir holds chain {id}, not {chain_id}; use another --data-dir"
                    ));
                }
                Some(_) => {}
                None => {
                    meta.insert("chain_id", chain_id).map_err(err)?;
                }
            }
            let old = tx.open_table(BLOCKS_V1).map_err(err)?;
            if old.len().map_err(err)? > 0 {
                return Err(String::from(
                    "data dir written by an older aimine node (no receipts or state stored); use another --data-dir",
                ));
            }
            tx.open_table(BLOCKS).map_err(err)?;
            tx.open_table(STATES).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(Store { db })
    }

    /// Every stored block, from genesis.
    ///
    /// # Errors
    /// The file cannot be read, or a record is malformed or missing.
    pub fn blocks(&self) -> Result<Vec<StoredBlock>, String> {
        let tx = self.db.begin_read().map_err(err)?;
        let table = tx.open_table(BLOCKS).map_err(err)?;
        let mut out = Vec::new();
        for (expected, row) in (0u64..).zip(table.iter().map_err(err)?) {
            let (k, v) = row.map_err(err)?;
            if k.value() != expected {
                return Err(format!("data dir: block {expected} is missing"));
            }
            out.push(
                StoredBlock::decode(v.value())
                    .ok_or_else(|| format!("data dir: block {expected} is malformed"))?,
            );
        }
        Ok(out)
    }

    /// The latest stored state at or below block `at`: its block number and accounts.
    ///
    /// # Errors
    /// The file cannot be read, or the record is malformed.
    pub fn checkpoint(&self, at: u64) -> Result<Option<(u64, Vec<StoredAccount>)>, String> {
        let tx = self.db.begin_read().map_err(err)?;
        let table = tx.open_table(STATES).map_err(err)?;
        let Some(row) = table.range(..=at).map_err(err)?.next_back() else {
            return Ok(None);
        };
        let (k, v) = row.map_err(err)?;
        let number = k.value();
        let accounts = decode_state(v.value())
            .ok_or_else(|| format!("data dir: the state of block {number} is malformed"))?;
        Ok(Some((number, accounts)))
    }

    /// Writes block `number` (and, if given, the state after it) in one durable transaction,
    /// removing any stored block or state above it.
    ///
    /// # Errors
    /// The write fails.
    pub fn put(
        &self,
        number: u64,
        block: &StoredBlock,
        state: Option<&[StoredAccount]>,
    ) -> Result<(), String> {
        let bytes = block.encode()?;
        let state = state.map(encode_state).transpose()?;
        let tx = self.db.begin_write().map_err(err)?;
        {
            let mut table = tx.open_table(BLOCKS).map_err(err)?;
            table.retain(|k, _| k < number).map_err(err)?;
            table.insert(number, bytes.as_slice()).map_err(err)?;
            let mut states = tx.open_table(STATES).map_err(err)?;
            states.retain(|k, _| k < number).map_err(err)?;
            if let Some(state) = &state {
                states.insert(number, state.as_slice()).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// Removes every block and state above `latest` (after `evm_revert`).
    ///
    /// # Errors
    /// The write fails.
    pub fn truncate(&self, latest: u64) -> Result<(), String> {
        let tx = self.db.begin_write().map_err(err)?;
        {
            let mut table = tx.open_table(BLOCKS).map_err(err)?;
            table.retain(|k, _| k <= latest).map_err(err)?;
            let mut states = tx.open_table(STATES).map_err(err)?;
            states.retain(|k, _| k <= latest).map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// A stored block's hash is its header's: a helper for the checks on start.
    pub fn header_hash(header: &[u8]) -> B256 {
        alloy_primitives::keccak256(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_truncations_are_refused() {
        let block = StoredBlock {
            header: vec![0xc0, 1, 2],
            txs: vec![(Address::repeat_byte(3), vec![2, 4, 5])],
            receipts: vec![vec![2, 9]],
        };
        let bytes = block.encode().unwrap();
        assert_eq!(StoredBlock::decode(&bytes), Some(block));
        for n in 0..bytes.len() {
            assert_eq!(StoredBlock::decode(&bytes[..n]), None, "{n}");
        }
        let state = vec![StoredAccount {
            address: Address::repeat_byte(7),
            nonce: 3,
            balance: U256::from(99u64),
            code: Bytes::from_static(&[0x60, 0x00]),
            storage: vec![(U256::from(1u64), U256::from(2u64))],
        }];
        let bytes = encode_state(&state).unwrap();
        assert_eq!(decode_state(&bytes), Some(state));
        for n in 0..bytes.len() {
            assert_eq!(decode_state(&bytes[..n]), None, "{n}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_state(&longer), None);
    }
}
