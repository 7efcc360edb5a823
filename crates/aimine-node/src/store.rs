//! Persistence (`--data-dir`): every block, as its timestamp and raw transactions, in an
//! embedded redb database, one durable write transaction per block (redb's commits are atomic
//! and crash-safe, so a SIGKILL loses at most the block being written, never the file). On
//! start the chain is rebuilt by executing the stored blocks again from genesis, through the
//! same EVM, which reproduces every state, receipt and hash: each block's hash is stored with it
//! and checked on replay, so a node that would execute a block differently (another version,
//! another gas schedule) refuses the data dir rather than serve another chain.

use std::path::Path;

use alloy_primitives::B256;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

/// Block number → timestamp (8 bytes, big-endian) then each raw transaction as a 4-byte
/// big-endian length and its EIP-2718 bytes.
const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
/// Block number → the hash the block had when it was mined (32 bytes), written with the block:
/// a restart checks that executing the block again reproduces it. Absent in data dirs of
/// earlier versions (then nothing is checked).
const HASHES: TableDefinition<u64, &[u8]> = TableDefinition::new("hashes");
/// `chain_id` → the chain id the data was made with.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// `genesis` → the hash of the block 0 the data was made from (its state root covers the
/// whole genesis: accounts, anchors, parameters, gas schedule).
const GENESIS: TableDefinition<&str, &[u8]> = TableDefinition::new("genesis");

/// One stored block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBlock {
    /// Its timestamp.
    pub timestamp: u64,
    /// Its transactions, EIP-2718 encoded.
    pub txs: Vec<Vec<u8>>,
    /// Its hash when it was mined (`None` when the data dir does not record it).
    pub hash: Option<B256>,
}

impl StoredBlock {
    fn encode(&self) -> Result<Vec<u8>, String> {
        let mut out = self.timestamp.to_be_bytes().to_vec();
        for tx in &self.txs {
            let len = u32::try_from(tx.len()).map_err(|_| String::from("transaction too large"))?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(tx);
        }
        Ok(out)
    }

    fn decode(bytes: &[u8]) -> Option<StoredBlock> {
        let (ts, mut rest) = bytes.split_first_chunk::<8>()?;
        let mut txs = Vec::new();
        while !rest.is_empty() {
            let (len, tail) = rest.split_first_chunk::<4>()?;
            let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
            if tail.len() < len {
                return None;
            }
            let (tx, tail) = tail.split_at(len);
            txs.push(tx.to_vec());
            rest = tail;
        }
        Some(StoredBlock {
            timestamp: u64::from_be_bytes(*ts),
            txs,
            hash: None,
        })
    }
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
    /// The file cannot be opened, or holds another chain id.
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
            tx.open_table(BLOCKS).map_err(err)?;
            tx.open_table(HASHES).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(Store { db })
    }

    /// Checks that the data was made from the genesis block `hash` (and records it the first
    /// time).
    ///
    /// # Errors
    /// The data was made from another genesis, or the file cannot be written.
    pub fn check_genesis(&self, hash: B256) -> Result<(), String> {
        let tx = self.db.begin_write().map_err(err)?;
        {
            let mut table = tx.open_table(GENESIS).map_err(err)?;
            let stored = table
                .get("genesis")
                .map_err(err)?
                .map(|v| v.value().to_vec());
            match stored {
                Some(s) if s.as_slice() != hash.as_slice() => {
                    return Err(format!(
                        "data dir was made from another genesis (block 0 0x{}, this genesis makes {hash}); use another --data-dir",
                        s.iter().map(|b| format!("{b:02x}")).collect::<String>()
                    ));
                }
                Some(_) => {}
                None => {
                    table.insert("genesis", hash.as_slice()).map_err(err)?;
                }
            }
        }
        tx.commit().map_err(err)
    }

    /// Every stored block, from genesis (block 0: its timestamp, no transactions).
    ///
    /// # Errors
    /// The file cannot be read, or a record is malformed or missing.
    pub fn blocks(&self) -> Result<Vec<StoredBlock>, String> {
        let tx = self.db.begin_read().map_err(err)?;
        let table = tx.open_table(BLOCKS).map_err(err)?;
        let hashes = tx.open_table(HASHES).map_err(err)?;
        let mut out = Vec::new();
        for (expected, row) in (0u64..).zip(table.iter().map_err(err)?) {
            let (k, v) = row.map_err(err)?;
            if k.value() != expected {
                return Err(format!("data dir: block {expected} is missing"));
            }
            let mut block = StoredBlock::decode(v.value())
                .ok_or_else(|| format!("data dir: block {expected} is malformed"))?;
            block.hash =
                match hashes.get(expected).map_err(err)? {
                    Some(h) => Some(B256::try_from(h.value()).map_err(|_| {
                        format!("data dir: the hash of block {expected} is malformed")
                    })?),
                    None => None,
                };
            out.push(block);
        }
        Ok(out)
    }

    /// Writes block `number` (and its hash, if given) durably, removing any stored block above
    /// it.
    ///
    /// # Errors
    /// The write fails.
    pub fn put(&self, number: u64, block: &StoredBlock) -> Result<(), String> {
        let bytes = block.encode()?;
        let tx = self.db.begin_write().map_err(err)?;
        {
            let mut table = tx.open_table(BLOCKS).map_err(err)?;
            table.retain(|k, _| k < number).map_err(err)?;
            table.insert(number, bytes.as_slice()).map_err(err)?;
            let mut hashes = tx.open_table(HASHES).map_err(err)?;
            hashes.retain(|k, _| k < number).map_err(err)?;
            if let Some(hash) = &block.hash {
                hashes.insert(number, hash.as_slice()).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// Removes every block above `latest` (after `evm_revert`).
    ///
    /// # Errors
    /// The write fails.
    pub fn truncate(&self, latest: u64) -> Result<(), String> {
        let tx = self.db.begin_write().map_err(err)?;
        {
            let mut table = tx.open_table(BLOCKS).map_err(err)?;
            table.retain(|k, _| k <= latest).map_err(err)?;
            let mut hashes = tx.open_table(HASHES).map_err(err)?;
            hashes.retain(|k, _| k <= latest).map_err(err)?;
        }
        tx.commit().map_err(err)
    }
}
