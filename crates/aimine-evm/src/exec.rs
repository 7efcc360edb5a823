//! One precompile call in progress: registry state over the host, metered, with its events.

use aimine_registry::{Error, Store, Word, Work};

use crate::gas::{Charge, GasSchedule, Meter, OutOfGas};
use crate::host::{Fatal, Host};

/// Why the state refused the registry: the registry only sees [`Error::Store`], the call needs
/// to know which.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Gas ran out while reading, writing or before expensive work.
    OutOfGas,
    /// A write inside a static call.
    StaticWrite,
    /// The node's database failed.
    Fatal(Fatal),
}

/// The registry's [`Store`] for one call: storage through the host at EVM prices, expensive
/// work at the schedule's prices.
pub(crate) struct Exec<'h> {
    host: &'h mut dyn Host,
    pub(crate) meter: Meter,
    schedule: GasSchedule,
    read_only: bool,
    pub(crate) failure: Option<Failure>,
}

impl<'h> Exec<'h> {
    pub(crate) fn new(
        host: &'h mut dyn Host,
        gas_limit: u64,
        schedule: GasSchedule,
        read_only: bool,
    ) -> Exec<'h> {
        Exec {
            host,
            meter: Meter::new(gas_limit),
            schedule,
            read_only,
            failure: None,
        }
    }

    /// The host, for balances, payments and logs.
    pub(crate) fn host(&mut self) -> &mut dyn Host {
        self.host
    }

    /// The schedule.
    pub(crate) fn schedule(&self) -> &GasSchedule {
        &self.schedule
    }

    /// Charges `amount` for `what`, remembering an out-of-gas failure.
    pub(crate) fn charge(&mut self, what: Charge, amount: u64) -> Result<(), Error> {
        self.meter.charge(what, amount).map_err(|OutOfGas| {
            self.failure = Some(Failure::OutOfGas);
            Error::Store
        })
    }

    fn fail(&mut self, failure: Failure) -> Error {
        self.failure = Some(failure);
        Error::Store
    }
}

impl Store for Exec<'_> {
    fn load(&mut self, key: &Word) -> Result<Word, Error> {
        if self.failure.is_some() {
            return Err(Error::Store);
        }
        let read = self
            .host
            .sload(key)
            .map_err(|f| self.fail(Failure::Fatal(f)));
        let read = read?;
        self.charge(Charge::Storage, read.gas)?;
        Ok(read.value)
    }

    fn store(&mut self, key: &Word, value: Word) -> Result<(), Error> {
        if self.failure.is_some() {
            return Err(Error::Store);
        }
        if self.read_only {
            return Err(self.fail(Failure::StaticWrite));
        }
        let write = self
            .host
            .sstore(key, value)
            .map_err(|f| self.fail(Failure::Fatal(f)));
        let write = write?;
        self.charge(Charge::Storage, write.gas)?;
        self.meter.refund(write.refund);
        Ok(())
    }

    fn meter(&mut self, work: Work) -> Result<(), Error> {
        if self.failure.is_some() {
            return Err(Error::Store);
        }
        let price = match work {
            Work::CertificateSignature => self.schedule.certificate_signature,
            Work::BuiltInCertificateSignature => self.schedule.built_in_certificate_signature,
            Work::MlDsaVerify { key_len } => self.schedule.mldsa(key_len),
            Work::IntelQuote => self.schedule.intel_quote,
            Work::AmdEndorsement => self.schedule.amd_endorsement,
            Work::SevReport => self.schedule.sev_report,
            Work::AmdRootPair => self.schedule.amd_root_pair,
            Work::GpuEvidence => self.schedule.gpu_evidence,
            Work::IntelCollateral => self.schedule.intel_collateral,
        };
        self.charge(Charge::Work, price)
    }
}
