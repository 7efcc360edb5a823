//! Governance: the admin (handed over in two steps), the parameters within their bounds, the
//! trust anchors of GPU evidence (`anchors`), the roots and bans of CPU evidence (`cpu_roots`),
//! golden measurements and compute units (`golden`), and revocation. Every change emits an
//! event.

mod anchors;
mod cpu_roots;
mod golden;

pub(crate) use anchors::anchors_in;
pub use anchors::{ANCHOR_KEY_LEN, MAX_ANCHORS};
pub(crate) use cpu_roots::amd_root_key;
pub use cpu_roots::{MAX_AMD_ROOTS, advisory_hash};
pub use golden::{MAX_ENTRIES, golden_set_key, sku_key};

use crate::Error;
use crate::config::{self, Config, Param};
use crate::env::Address;
use crate::event::{Event, EventSink};

use crate::registry::Registry;
use crate::store::{Store, Word, word};

impl<S: Store + ?Sized, E: EventSink + ?Sized> Registry<'_, S, E> {
    /// Writes the configuration and trusts NVIDIA's Device Identity CA. Once only (genesis).
    ///
    /// # Errors
    /// [`Error::AlreadyInitialized`], or a store error.
    pub fn init(&mut self, config: &Config) -> Result<(), Error> {
        if word::to_bool(&self.store.load(&Param::Initialized.key())?) {
            return Err(Error::AlreadyInitialized);
        }
        config.store(self.store)?;
        self.push_anchor(aimine_nvtrust::NVIDIA_DEVICE_IDENTITY_CA.public_key)
    }

    pub(crate) fn require_admin(&mut self, caller: &Address) -> Result<(), Error> {
        if word::to_address(&self.store.load(&Param::Admin.key())?) == *caller
            && word::to_bool(&self.store.load(&Param::Initialized.key())?)
        {
            Ok(())
        } else {
            Err(Error::NotAdmin)
        }
    }

    /// A governance parameter's current value.
    ///
    /// # Errors
    /// A store error.
    pub fn param(&mut self, param: Param) -> Result<Word, Error> {
        config::load(self.store, param)
    }

    /// Sets a governance parameter (admin only).
    ///
    /// # Errors
    /// [`Error::NotAdmin`], [`Error::BadParam`] for a value out of range.
    pub fn set_param(&mut self, caller: &Address, param: Param, value: Word) -> Result<(), Error> {
        self.require_admin(caller)?;
        if !param.accepts(&value) {
            return Err(Error::BadParam);
        }
        config::store(self.store, param, value)?;
        self.events.emit(Event::ParamChanged {
            param: param as u8,
            value,
        });
        Ok(())
    }

    /// Proposes `admin` as the next admin (admin only): the first of two steps, so governance is
    /// never handed to an address that cannot act (a typo, a contract without the calls). The
    /// proposal replaces any earlier one; the current admin stays in charge until
    /// [`Registry::accept_admin`].
    ///
    /// # Errors
    /// [`Error::NotAdmin`], [`Error::BadParam`] for the zero address.
    pub fn propose_admin(&mut self, caller: &Address, admin: &Address) -> Result<(), Error> {
        self.require_admin(caller)?;
        if *admin == [0; 20] {
            return Err(Error::BadParam);
        }
        self.store
            .store(&Param::PendingAdmin.key(), word::from_address(admin))?;
        self.events.emit(Event::AdminProposed {
            admin: *caller,
            proposed: *admin,
        });
        Ok(())
    }

    /// Completes a hand-over: the proposed admin (and only it) takes governance.
    ///
    /// # Errors
    /// [`Error::NotAdmin`] unless the caller is the proposed admin.
    pub fn accept_admin(&mut self, caller: &Address) -> Result<(), Error> {
        let pending = word::to_address(&self.store.load(&Param::PendingAdmin.key())?);
        if pending != *caller || pending == [0; 20] {
            return Err(Error::NotAdmin);
        }
        let previous = word::to_address(&self.store.load(&Param::Admin.key())?);
        self.store
            .store(&Param::Admin.key(), word::from_address(caller))?;
        self.store.store(&Param::PendingAdmin.key(), [0; 32])?;
        self.events.emit(Event::AdminChanged {
            previous,
            admin: *caller,
        });
        Ok(())
    }

    /// Revokes (or reinstates) a device — a GPU or a CPU platform (admin only). A revoked device
    /// cannot be appraised, and any session counting it ends unpaid at its next heartbeat.
    ///
    /// # Errors
    /// [`Error::NotAdmin`].
    pub fn set_revoked(
        &mut self,
        caller: &Address,
        gpu_id: &Word,
        revoked: bool,
    ) -> Result<(), Error> {
        self.require_admin(caller)?;
        let before = crate::sessions::DeviceWord::load(self.store, gpu_id)?;
        crate::sessions::DeviceWord { revoked, ..before }.save(self.store, gpu_id, before)?;
        self.events.emit(Event::GpuRevocation {
            gpu_id: *gpu_id,
            revoked,
        });
        Ok(())
    }

    /// Whether a device (a GPU or a CPU platform) is revoked.
    ///
    /// # Errors
    /// A store error.
    pub fn is_revoked(&mut self, gpu_id: &Word) -> Result<bool, Error> {
        crate::sessions::is_revoked(self.store, gpu_id)
    }
}
