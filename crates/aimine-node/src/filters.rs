//! Installed filters (`eth_newFilter`, `eth_newBlockFilter`), polled with
//! `eth_getFilterChanges`: each remembers the last block it has reported.

use std::collections::BTreeMap;

use alloy_rpc_types_eth::Filter;

/// The most filters installed at once.
pub const MAX_FILTERS: usize = 1_024;

/// What a filter watches.
#[derive(Clone, Debug)]
pub enum Watch {
    /// Logs matching a filter.
    Logs(Box<Filter>),
    /// New block hashes.
    Blocks,
}

/// One installed filter.
#[derive(Clone, Debug)]
pub struct Installed {
    /// What it watches.
    pub watch: Watch,
    /// The last block whose changes it has reported (or the head when it was installed).
    pub last: u64,
}

/// The installed filters, by id.
#[derive(Debug, Default)]
pub struct Filters {
    next: u64,
    map: BTreeMap<u64, Installed>,
}

impl Filters {
    /// Installs a filter watching from after block `head`; its id.
    ///
    /// # Errors
    /// [`MAX_FILTERS`] are installed.
    pub fn install(&mut self, watch: Watch, head: u64) -> Result<u64, String> {
        if self.map.len() >= MAX_FILTERS {
            return Err(format!(
                "too many filters installed ({MAX_FILTERS}); uninstall some"
            ));
        }
        self.next = self.next.saturating_add(1);
        self.map.insert(self.next, Installed { watch, last: head });
        Ok(self.next)
    }

    /// A filter by id.
    pub fn get(&self, id: u64) -> Option<&Installed> {
        self.map.get(&id)
    }

    /// Marks a filter's changes reported up to block `head` (a head below it, after
    /// `evm_revert`, resets it there); the blocks to report, `last + 1 ..= head`.
    pub fn advance(
        &mut self,
        id: u64,
        head: u64,
    ) -> Option<(Installed, std::ops::RangeInclusive<u64>)> {
        let f = self.map.get_mut(&id)?;
        let from = f.last.min(head).saturating_add(1);
        let before = f.clone();
        f.last = head;
        Some((before, from..=head))
    }

    /// Removes a filter; whether it was installed.
    pub fn remove(&mut self, id: u64) -> bool {
        self.map.remove(&id).is_some()
    }
}
