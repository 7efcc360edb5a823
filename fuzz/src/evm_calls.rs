//! Fuzz target `evm_calls`: any call data, caller, value and call scheme into the three
//! precompiles, in sequence over one chain state. Never panics; gas used never exceeds the
//! limit; a static call never changes state; a failed call is undone (as the node does) and a
//! successful one leaves state the next call builds on.

use aimine_evm::MemoryHost;
use aimine_evm::abi::{IAIMining, IModelRegistry, INVTrust};
use aimine_evm::address::ALL;
use aimine_evm::gas::GasSchedule;
use aimine_evm::{Call, ChainConfig, Scheme, Status};
use aimine_registry::{BlockEnv, UnixTime};
use arbitrary::Arbitrary;
use revm_primitives::{Address, U256};

/// One call.
#[derive(Arbitrary, Debug, Clone)]
pub struct FuzzCall {
    /// Which precompile (mod 3).
    pub precompile: u8,
    /// Which of a few callers (0 is the admin).
    pub caller: u8,
    /// 0 call, 1 static call, 2 delegate call (mod 3).
    pub scheme: u8,
    /// Value in wei.
    pub value: u8,
    /// When set, the call data's first four bytes become the selector at this index of the
    /// precompile's functions, so every function's decoding is reached.
    pub selector: Option<u8>,
    /// Call data.
    pub input: Vec<u8>,
    /// Gas given.
    pub gas: u32,
    /// Seconds since the previous call.
    pub wait: u16,
}

/// A sequence of calls.
#[derive(Arbitrary, Debug, Clone)]
pub struct Input {
    /// The calls, in order.
    pub calls: Vec<FuzzCall>,
}

impl FuzzCall {
    /// The precompile this call goes to and its call data: the input, its first four bytes
    /// replaced by one of that precompile's selectors when `selector` is set.
    pub fn target(&self) -> (Address, Vec<u8>) {
        let address = ALL[usize::from(self.precompile % 3)];
        let selectors: &[[u8; 4]] = match self.precompile % 3 {
            0 => IAIMining::IAIMiningCalls::SELECTORS,
            1 => INVTrust::INVTrustCalls::SELECTORS,
            _ => IModelRegistry::IModelRegistryCalls::SELECTORS,
        };
        let mut data = self.input.clone();
        if let Some(i) = self.selector {
            let selector = selectors[usize::from(i) % selectors.len()];
            if data.len() < 4 {
                data.resize(4, 0);
            }
            data[..4].copy_from_slice(&selector);
        }
        (address, data)
    }
}

/// Runs one input.
pub fn run(input: Input) {
    let admin = [0xAD; 20];
    let config = ChainConfig::new(96_369, admin);
    let mut host = MemoryHost::new(config.storage().expect("genesis"));
    host.balances.insert(ALL[0], U256::from(1_000_000u64));
    let mut time = 1_749_945_600u64;
    for c in input.calls.iter().take(32) {
        time = time.saturating_add(u64::from(c.wait));
        let (address, data) = c.target();
        let scheme = match c.scheme % 3 {
            0 => Scheme::Call,
            1 => Scheme::StaticCall,
            _ => Scheme::Delegated,
        };
        let caller = if c.caller == 0 { admin } else { [c.caller; 20] };
        let call = Call {
            caller: Address::from(caller),
            value: U256::from(c.value),
            scheme,
            input: &data,
            gas_limit: u64::from(c.gas),
            block: BlockEnv {
                chain_id: 96_369,
                number: time / 12,
                timestamp: UnixTime(time),
            },
        };
        let before = host.clone();
        host.warm.clear();
        let outcome = aimine_evm::run(&mut host, address, &call, &GasSchedule::DEFAULT)
            .expect("the memory host never fails")
            .expect("an aimine address");
        assert!(outcome.gas_used <= call.gas_limit, "{outcome:?}");
        if scheme != Scheme::Call {
            assert_eq!(host.storage, before.storage, "a {scheme:?} changed state");
        }
        if outcome.status != Status::Success {
            host = before;
        }
    }
}
