//! The gas schedule: what each call costs before the storage it touches and the logs it writes.
//!
//! Every call is charged, in order: the precompile's floor ([`GasSchedule::floor`]: its cheapest
//! function's base price plus [`GasSchedule::input_word`] per word of call data) before a byte of
//! the call data is read, which is all a refused call (delegated, unknown selector, malformed or
//! non-canonical call data, value to a function that takes none, a write under STATICCALL)
//! pays; then, once the call is decoded, the rest of its base price (which includes every word of
//! its call data and a per-word price for the bytes it hashes or parses), one [`GasSchedule::certificate_signature`] for every certificate
//! link that must be verified because no earlier session verified it, and one ML-DSA price for
//! every session-key signature it checks (both charged just before the check). Storage is
//! charged on top at the EVM's own SLOAD/SSTORE prices (cold/warm, EIP-2200/2929 with refunds),
//! and events at LOG prices. `GAS.md` gives the measurement behind each number.

/// The prices of one chain. [`GasSchedule::DEFAULT`] is the schedule in `GAS.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GasSchedule {
    /// `startSession`, `startSessionWithKey`: decode, parse and verify the evidence signature
    /// (the mission's AI_MINING price).
    pub start_session: u64,
    /// `startPublicSession`.
    pub start_public_session: u64,
    /// `heartbeat`, `heartbeatSigned` (plus `hash_word` per word of the session key it carries
    /// and the ML-DSA price), `endSession`.
    pub heartbeat: u64,
    /// `verifyQuote`, `parseQuote` and their nonce variants (the mission's NV_TRUST price).
    pub verify_quote: u64,
    /// Every byte of a quote, per 32-byte word (envelope decoding, evidence parsing, SHA-384).
    pub quote_word: u64,
    /// One certificate link's ECDSA P-384 check, when state does not record it as verified,
    /// under a key seen for the first time (a device's identity key, a test root).
    pub certificate_signature: u64,
    /// One certificate link's ECDSA P-384 check, when state does not record it as verified,
    /// under one of NVIDIA's built-in provisioning CAs (a device certificate): the key's
    /// precomputed table makes it about 2.5 times faster than the generic check.
    pub built_in_certificate_signature: u64,
    /// `register` (the mission's MODEL_REGISTRY price), `verifyExecution`, `recordExecution`
    /// (plus `hash_word` per word of the session key in the proof and the ML-DSA price).
    pub model_call: u64,
    /// Per 32-byte word hashed with keccak-256, SHA-256 or SHAKE (model metadata, session keys,
    /// ML-DSA messages).
    pub hash_word: u64,
    /// ML-DSA-44 verification (1,312-byte key).
    pub mldsa44: u64,
    /// ML-DSA-65 verification (1,952-byte key).
    pub mldsa65: u64,
    /// ML-DSA-87 verification (2,592-byte key).
    pub mldsa87: u64,
    /// Governance and stake calls, claims, model updates.
    pub write_call: u64,
    /// Views and pure helpers (`getSession`, `miningBalance`, `computeWorkId`, …).
    pub view_call: u64,
    /// Every word of call data (reading, decoding and comparing it), on every call: refused
    /// calls pay it too, in the floor ([`GasSchedule::floor`]), before the call data is read.
    pub input_word: u64,
    /// A native-token payment out of the precompile (claim, withdrawStake): the EVM's value
    /// transfer price.
    pub payment: u64,
    /// One Intel DCAP quote verification (dcap-qvl: collateral signatures and CRLs, PCK chain,
    /// QE report, quote signature, TCB matching), charged before it runs.
    pub intel_quote: u64,
    /// One AMD VCEK/VLEK chain check not cached before (RSASSA-PSS SHA-384, 4096-bit), and the
    /// decoding of AMD root certificates (twice for `setAmdRoot`).
    pub amd_endorsement: u64,
    /// One SEV-SNP report's ECDSA P-384 signature and its parse.
    pub sev_report: u64,
    /// The decoding of one AMD product's root pair (two RSA-4096 certificates), charged before
    /// each pair is decoded.
    pub amd_root_pair: u64,
    /// Each GPU of a composite quote beyond the first: its evidence parse, SHA-384 and ECDSA P-384
    /// signature, as a GPU quote's base price pays for its own.
    pub gpu_evidence: u64,
    /// One Intel collateral verification on submission (three chains, two CRLs, two signatures).
    pub intel_collateral: u64,
}

impl GasSchedule {
    /// The schedule measured in `GAS.md`.
    pub const DEFAULT: GasSchedule = GasSchedule {
        start_session: 28_000,
        start_public_session: 10_000,
        heartbeat: 5_000,
        verify_quote: 28_000,
        quote_word: 6,
        certificate_signature: 24_000,
        built_in_certificate_signature: 8_000,
        model_call: 5_000,
        hash_word: 12,
        mldsa44: 5_000,
        mldsa65: 7_100,
        mldsa87: 11_700,
        write_call: 5_000,
        view_call: 1_000,
        input_word: 3,
        payment: 9_000,
        intel_quote: 300_000,
        amd_endorsement: 30_000,
        sev_report: 24_000,
        amd_root_pair: 8_000,
        gpu_evidence: 28_000,
        intel_collateral: 250_000,
    };

    /// What a call into a precompile whose cheapest function's base price is `min_price` pays
    /// before its `input_len` bytes of call data are read: `min_price` plus
    /// [`GasSchedule::input_word`] per word. A refused call pays exactly this; every function's
    /// price is at least this, so a call that runs pays its price and no more.
    pub const fn floor(&self, min_price: u64, input_len: usize) -> u64 {
        min_price.saturating_add(words(input_len).saturating_mul(self.input_word))
    }

    /// The price of one ML-DSA verification with a key of `key_len` bytes (the largest level's
    /// for any other length, which fails anyway).
    pub const fn mldsa(&self, key_len: usize) -> u64 {
        match key_len {
            1_312 => self.mldsa44,
            1_952 => self.mldsa65,
            _ => self.mldsa87,
        }
    }
}

impl Default for GasSchedule {
    fn default() -> GasSchedule {
        GasSchedule::DEFAULT
    }
}

/// 32-byte words covering `len` bytes.
pub const fn words(len: usize) -> u64 {
    (len as u64).div_ceil(32)
}

/// What a call's gas went to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// The function's price before storage, with its per-word charges.
    pub base: u64,
    /// Metered work: certificate links verified and ML-DSA checks of session keys.
    pub work: u64,
    /// SLOADs and SSTOREs at the EVM's prices.
    pub storage: u64,
    /// Logs at LOG prices.
    pub logs: u64,
    /// Native-token payments.
    pub payment: u64,
}

/// What a charge pays for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charge {
    /// [`Breakdown::base`].
    Base,
    /// [`Breakdown::work`].
    Work,
    /// [`Breakdown::storage`].
    Storage,
    /// [`Breakdown::logs`].
    Logs,
    /// [`Breakdown::payment`].
    Payment,
}

/// Gas left and spent in one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meter {
    limit: u64,
    used: u64,
    refunded: i64,
    breakdown: Breakdown,
}

/// The call ran out of gas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfGas;

impl Meter {
    /// A meter with `limit` gas.
    pub const fn new(limit: u64) -> Meter {
        Meter {
            limit,
            used: 0,
            refunded: 0,
            breakdown: Breakdown {
                base: 0,
                work: 0,
                storage: 0,
                logs: 0,
                payment: 0,
            },
        }
    }

    /// Spends `amount` for `what`, or spends nothing and fails when less is left.
    ///
    /// # Errors
    /// [`OutOfGas`].
    pub fn charge(&mut self, what: Charge, amount: u64) -> Result<(), OutOfGas> {
        match self.used.checked_add(amount) {
            Some(used) if used <= self.limit => {
                self.used = used;
                let b = &mut self.breakdown;
                let part = match what {
                    Charge::Base => &mut b.base,
                    Charge::Work => &mut b.work,
                    Charge::Storage => &mut b.storage,
                    Charge::Logs => &mut b.logs,
                    Charge::Payment => &mut b.payment,
                };
                *part = part.saturating_add(amount);
                Ok(())
            }
            _ => Err(OutOfGas),
        }
    }

    /// What the gas spent so far went to.
    pub const fn breakdown(&self) -> Breakdown {
        self.breakdown
    }

    /// Records a refund (negative to undo one), as SSTORE does.
    pub fn refund(&mut self, amount: i64) {
        self.refunded = self.refunded.saturating_add(amount);
    }

    /// Gas spent so far.
    pub const fn used(&self) -> u64 {
        self.used
    }

    /// Refund recorded so far.
    pub const fn refunded(&self) -> i64 {
        self.refunded
    }

    /// The limit.
    pub const fn limit(&self) -> u64 {
        self.limit
    }
}
