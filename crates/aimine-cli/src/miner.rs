//! `aimine miner`: the agent that keeps a GPU earning (`run`), and its one-shot commands
//! (`status`, `claim`, `end`), over any JSON-RPC endpoint whose chain has the aimine
//! precompiles.
//!
//! `run` reads the session nonce from the chain, gets evidence answering it (the miner's
//! `--evidence-cmd`, or dev evidence with `--dev-gpu`), starts a session (with an ML-DSA-65
//! session key when `--session-key-seed` is given), then heartbeats every `--heartbeat` seconds,
//! refreshes the attestation `--refresh-before` seconds before it expires (chain time), and
//! claims when the balance passes `--claim-above`. It prints one status line per action and a
//! summary on exit; RPC failures are retried with backoff; a revert is shown by its custom
//! error's name, and one that no new session can cure (a revoked GPU, a refused quote) stops
//! it with that reason. `--state FILE` keeps the session so that a restart resumes it.

use std::path::Path;
use std::time::Duration;

use aimine_evm::abi::IAIMining;
use aimine_evm::address::AI_MINING;
use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::sol_types::SolEvent;

use crate::args::{DevGpuKind, MinerArgs, MinerRunArgs, OnExit};
use crate::client::{Client, Failure, Mined, UNEXPLAINED};
use crate::dev::DevKind;
use crate::{CliError, Outcome};

/// The longest wait between retries of a failed RPC.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How many times a refused or out-of-gas transaction is sent before the agent gives up on it.
pub const MAX_TRIES: u32 = 4;

/// What `--state` keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct State {
    /// The chain the session is on.
    pub chain_id: u64,
    /// The miner credited.
    pub miner: Address,
    /// The session.
    pub session_id: Option<B256>,
    /// The block of the last heartbeat sent.
    pub last_heartbeat_block: u64,
    /// Heartbeats this agent sent, over its runs.
    pub heartbeats: u64,
}

impl State {
    fn load(path: &Path) -> Result<Option<State>, CliError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| format!("--state {}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("--state {}: {e}", path.display())),
        }
    }

    fn save(&self, path: &Path) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        // Written aside, flushed to disk and renamed: a crash never leaves half a file.
        let mut name = path.as_os_str().to_owned();
        name.push(".tmp");
        let tmp = std::path::PathBuf::from(name);
        let write = || -> std::io::Result<()> {
            use std::io::Write as _;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()
        };
        write().map_err(|e| format!("--state {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| format!("--state {}: {e}", path.display()))
    }
}

/// Why the agent stopped.
enum Stop {
    /// SIGINT, or `--max-heartbeats` reached.
    Asked,
    /// A reason no new session cures.
    Fatal(String),
}

/// The agent's run.
struct Agent<'a> {
    a: &'a MinerRunArgs,
    client: Client,
    miner: Address,
    key: Option<([u8; 32], Vec<u8>)>,
    tag: &'static str,
    state: State,
    /// The miner's balance when the agent started.
    opening: U256,
    claimed: U256,
    beats: u64,
    /// True once SIGINT came ([`listen_for_sigint`]).
    interrupt: tokio::sync::watch::Receiver<bool>,
    /// Refresh this many seconds before the attestation lapses: `--refresh-before`, at most
    /// half the chain's attestation lifetime.
    refresh_before: u64,
    /// Heartbeats in a row that reverted on chain but not when replayed.
    unexplained: u32,
}

/// Listens for SIGINT for the whole run: the first one sets the flag. Once a process listens,
/// a SIGINT that comes while no `ctrl_c()` future is waiting (the agent mid-transaction) is
/// seen only by a listener made before it, so one listener lives as long as the agent.
fn listen_for_sigint() -> tokio::sync::watch::Receiver<bool> {
    let (set, flag) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = set.send(true);
            // A second SIGINT does not wait for the agent to wind down.
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
        // Keep the sender (and with it the flag's value) alive.
        std::future::pending::<()>().await;
    });
    flag
}

/// Resolves once SIGINT has come, at once if it already has.
async fn interrupted(mut flag: tokio::sync::watch::Receiver<bool>) {
    if flag.wait_for(|set| *set).await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    aimine_time::UnixTime(secs).to_string()
}

impl Agent<'_> {
    fn say(&self, line: &str) {
        emit!("{} {}{line}", now(), self.tag);
    }

    /// Runs `f` until it does not fail on RPC, backing off 1, 2, 4 … 30 s; `None` on SIGINT.
    /// An unreachable endpoint is waited out however long it takes; a refusal or a transaction
    /// that ran out of gas is tried [`MAX_TRIES`] times in all, then returned.
    async fn retry<T, F, Fut>(&self, what: &str, mut f: F) -> Result<Option<T>, Failure>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, Failure>>,
    {
        let mut wait = Duration::from_secs(1);
        let mut tries = 0u32;
        loop {
            let why = match f().await {
                Ok(v) => return Ok(Some(v)),
                Err(Failure::Rpc(e)) => format!("rpc unavailable ({e})"),
                Err(e @ (Failure::Refused(_) | Failure::OutOfGas(_))) => {
                    tries = tries.saturating_add(1);
                    if tries >= MAX_TRIES {
                        return Err(e);
                    }
                    format!("{e} (try {tries} of {MAX_TRIES})")
                }
                Err(reverted) => return Err(reverted),
            };
            self.say(&format!("{what}: {why}; retrying in {}s", wait.as_secs()));
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = interrupted(self.interrupt.clone()) => return Ok(None),
            }
            wait = wait.saturating_mul(2).min(MAX_BACKOFF);
        }
    }

    /// Evidence answering `nonce`: the dev testkits', or the miner's command's.
    async fn evidence(&self, nonce: [u8; 32]) -> Result<Vec<u8>, String> {
        if let Some(kind) = self.a.dev_gpu {
            let kind = match kind {
                DevGpuKind::H100 => DevKind::H100,
                DevGpuKind::B200 => DevKind::B200,
                DevGpuKind::CompositeSev => DevKind::CompositeSev(self.a.dev_gpus),
            };
            return crate::dev::forge(kind, self.a.device, nonce).map(|(q, _)| q);
        }
        let cmd = self
            .a
            .evidence_cmd
            .as_deref()
            .ok_or("give --evidence-cmd or --dev-gpu")?
            .replace("{nonce}", &hex::encode(nonce));
        // Its own process group, killed whole when it overruns: a hung attestation tool (and
        // whatever it started) must not hang the agent with it.
        let limit = Duration::from_secs(self.a.evidence_timeout);
        let child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(&cmd)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("--evidence-cmd: {e}"))?;
        let group = child.id();
        let out = match tokio::time::timeout(limit, child.wait_with_output()).await {
            Ok(out) => out.map_err(|e| format!("--evidence-cmd: {e}"))?,
            Err(_) => {
                if let Some(pid) = group {
                    let _ = std::process::Command::new("kill")
                        .args(["-KILL", "--", &format!("-{pid}")])
                        .status();
                }
                return Err(format!(
                    "--evidence-cmd did not finish in {}s (--evidence-timeout)",
                    limit.as_secs()
                ));
            }
        };
        if !out.status.success() {
            return Err(format!(
                "--evidence-cmd exited with {}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        evidence_envelope(&out.stdout)
    }

    /// The nonce, the evidence, and the session started (or refreshed) with them.
    async fn start(&mut self) -> Result<Option<B256>, Stop> {
        let key = self
            .key
            .as_ref()
            .map(|(_, pk)| Bytes::from(pk.clone()))
            .unwrap_or_default();
        let call = IAIMining::sessionNonceForCall {
            submitter: self.client.from,
            miner: self.miner,
            sessionKey: key.clone(),
        };
        let client = self.client.clone();
        let Some(nonce) = self
            .retry("sessionNonce", || client.view(AI_MINING, &call))
            .await
            .map_err(|e| Stop::Fatal(format!("sessionNonce: {e}")))?
        else {
            return Ok(None);
        };
        let quote = tokio::select! {
            q = self.evidence(nonce.nonce.0) => q.map_err(|e| Stop::Fatal(format!("evidence: {e}")))?,
            () = interrupted(self.interrupt.clone()) => return Ok(None),
        };
        let sent = if self.key.is_some() {
            let call = IAIMining::startSessionWithKeyCall {
                miner: self.miner,
                teeQuote: quote.into(),
                sessionKey: key,
            };
            self.retry("startSessionWithKey", || client.send(AI_MINING, &call))
                .await
        } else {
            let call = IAIMining::startSessionCall {
                miner: self.miner,
                teeQuote: quote.into(),
            };
            self.retry("startSession", || client.send(AI_MINING, &call))
                .await
        };
        let mined = match sent {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(None),
            Err(e) => return Err(Stop::Fatal(format!("startSession {e}"))),
        };
        if let Some(s) = event::<IAIMining::SessionStarted>(&mined) {
            self.say(&format!(
                "session {} started: gpu {} tier {} units {} attested until {} (block {}, gas {})",
                s.sessionId,
                s.gpuId,
                s.tier,
                s.computeUnits,
                aimine_time::UnixTime(s.attestationExpiry),
                mined.block,
                mined.gas_used
            ));
            return Ok(Some(s.sessionId));
        }
        if let Some(s) = event::<IAIMining::SessionRefreshed>(&mined) {
            self.say(&format!(
                "session {} refreshed: attested until {} (block {}, gas {})",
                s.sessionId,
                aimine_time::UnixTime(s.attestationExpiry),
                mined.block,
                mined.gas_used
            ));
            return Ok(Some(s.sessionId));
        }
        Err(Stop::Fatal(String::from(
            "startSession emitted no SessionStarted or SessionRefreshed",
        )))
    }

    async fn session(&self, id: B256) -> Result<Option<IAIMining::Session>, Failure> {
        let call = IAIMining::getSessionCall { sessionId: id };
        let client = self.client.clone();
        self.retry("getSession", || client.view(AI_MINING, &call))
            .await
    }

    async fn balance(&self) -> Result<Option<U256>, Failure> {
        let call = IAIMining::miningBalanceCall { miner: self.miner };
        let client = self.client.clone();
        self.retry("miningBalance", || client.view(AI_MINING, &call))
            .await
    }

    /// One heartbeat sent once, not retried (the final one of `--on-exit end`; [`Agent::heartbeat`]
    /// retries it). The chain keeps only the session key's hash: the key goes with every
    /// signature.
    async fn heartbeat_once(&self, id: B256, s: &IAIMining::Session) -> Result<Mined, Failure> {
        match &self.key {
            Some((seed, public)) => {
                let message =
                    aimine_registry::heartbeat_message(self.client.chain_id, &id.0, s.heartbeats);
                let sig = crate::mldsa::sign_65(seed, &message).map_err(Failure::Refused)?;
                let call = IAIMining::heartbeatSignedCall {
                    sessionId: id,
                    sessionKey: public.clone().into(),
                    signature: sig.into(),
                };
                self.client.send(AI_MINING, &call).await
            }
            None => {
                let call = IAIMining::heartbeatCall { sessionId: id };
                self.client.send(AI_MINING, &call).await
            }
        }
    }

    /// One heartbeat (signed when the session has a key), retried like every call.
    async fn heartbeat(&self, id: B256, s: &IAIMining::Session) -> Result<Option<Mined>, Failure> {
        let what = if self.key.is_some() {
            "heartbeatSigned"
        } else {
            "heartbeat"
        };
        self.retry(what, || self.heartbeat_once(id, s)).await
    }

    fn save(&self) -> Result<(), Stop> {
        match &self.a.state {
            Some(path) => self.state.save(path).map_err(Stop::Fatal),
            None => Ok(()),
        }
    }

    /// The main loop; returns why it stopped.
    async fn run(&mut self) -> Stop {
        let mut id = match self.resume().await {
            Ok(id) => id,
            Err(stop) => return stop,
        };
        loop {
            if *self.interrupt.borrow() {
                return Stop::Asked;
            }
            let current = match id {
                Some(current) => current,
                None => match self.start().await {
                    Ok(Some(new)) => {
                        self.state.session_id = Some(new);
                        if let Err(stop) = self.save() {
                            return stop;
                        }
                        new
                    }
                    Ok(None) => return Stop::Asked,
                    Err(stop) => return stop,
                },
            };
            id = Some(current);
            let wait = Duration::from_secs(self.a.heartbeat);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = interrupted(self.interrupt.clone()) => return Stop::Asked,
            }
            let s = match self.session(current).await {
                Ok(Some(s)) => s,
                Ok(None) => return Stop::Asked,
                Err(e) => return Stop::Fatal(format!("getSession: {e}")),
            };
            if !s.active {
                if self.revoked(s.gpuId).await {
                    return Stop::Fatal(format!("GPU {} revoked by governance: stopping", s.gpuId));
                }
                self.say(&format!(
                    "session {current} is no longer active: starting a new one"
                ));
                id = None;
                continue;
            }
            // Refresh before the attestation lapses (chain time).
            let client = self.client.clone();
            let head = match self.retry("head", || client.head()).await {
                Ok(Some(h)) => h,
                Ok(None) => return Stop::Asked,
                Err(e) => return Stop::Fatal(format!("head: {e}")),
            };
            let mut s = s;
            if s.attestationExpiry <= head.1.saturating_add(self.refresh_before) {
                match self.start().await {
                    Ok(Some(refreshed)) if refreshed == current => {
                        // The refresh paid up to now and counted a heartbeat: the next one
                        // signs the new count.
                        s = match self.session(current).await {
                            Ok(Some(s)) => s,
                            Ok(None) => return Stop::Asked,
                            Err(e) => return Stop::Fatal(format!("getSession: {e}")),
                        };
                    }
                    Ok(Some(other)) => {
                        self.say(&format!("the refresh started another session, {other}"));
                        id = Some(other);
                        self.state.session_id = id;
                        if let Err(stop) = self.save() {
                            return stop;
                        }
                        continue;
                    }
                    Ok(None) => return Stop::Asked,
                    // The session is attested a while yet: heartbeat on, and try again next
                    // time (once it lapses, starting a new session says what is wrong).
                    Err(Stop::Fatal(why)) if head.1 < s.attestationExpiry => {
                        self.say(&format!(
                            "refresh failed ({why}); attested until {}, trying again next heartbeat",
                            aimine_time::UnixTime(s.attestationExpiry)
                        ));
                    }
                    Err(stop) => return stop,
                }
            }
            match self.heartbeat(current, &s).await {
                Ok(Some(mined)) => {
                    self.unexplained = 0;
                    let beat = event::<IAIMining::Heartbeat>(&mined);
                    let reward = beat.as_ref().map(|b| b.reward).unwrap_or_default();
                    let elapsed = beat.as_ref().map(|b| b.elapsed).unwrap_or_default();
                    self.beats = self.beats.saturating_add(1);
                    self.state.heartbeats = self.state.heartbeats.saturating_add(1);
                    self.state.last_heartbeat_block = mined.block;
                    let balance = match self.balance().await {
                        Ok(Some(b)) => b,
                        Ok(None) => return Stop::Asked,
                        Err(e) => return Stop::Fatal(format!("miningBalance: {e}")),
                    };
                    self.say(&format!(
                        "heartbeat #{} block {} gas {} reward {reward} wei for {elapsed}s balance {balance} wei; next in {}s",
                        beat.as_ref().map(|b| b.count).unwrap_or_default(),
                        mined.block,
                        mined.gas_used,
                        self.a.heartbeat
                    ));
                    if let Err(stop) = self.save() {
                        return stop;
                    }
                    if let Some(stop) = self.claim(balance).await {
                        return stop;
                    }
                }
                Ok(None) => return Stop::Asked,
                Err(Failure::Unknown(e)) => {
                    self.say(&format!(
                        "heartbeat: {e}; not sent again, reading the session anew next time"
                    ));
                }
                Err(Failure::Reverted(name)) if name == UNEXPLAINED => {
                    // Something earlier in its block changed what it met (an `end`, a
                    // governance call): the next turn reads the session anew.
                    self.unexplained = self.unexplained.saturating_add(1);
                    if self.unexplained >= MAX_TRIES {
                        return Stop::Fatal(format!(
                            "heartbeat refused {MAX_TRIES} times in a row: {name}"
                        ));
                    }
                    self.say(&format!(
                        "heartbeat refused: {name}; reading the session anew"
                    ));
                }
                Err(Failure::Reverted(name)) => match name.as_str() {
                    "GpuRevoked" => {
                        return Stop::Fatal(format!(
                            "GPU {} revoked by governance (GpuRevoked): stopping",
                            s.gpuId
                        ));
                    }
                    "SessionNotActive" | "UnknownSession" => {
                        self.say(&format!(
                            "heartbeat refused ({name}): starting a new session"
                        ));
                        id = None;
                    }
                    "RewardPoolShort" => {
                        self.say("heartbeat refused (RewardPoolShort): the reward pool is short; trying again next time");
                    }
                    _ => return Stop::Fatal(format!("heartbeat refused: {name}")),
                },
                Err(e) => return Stop::Fatal(format!("heartbeat: {e}")),
            }
            if self.a.max_heartbeats.is_some_and(|n| self.beats >= n) {
                return Stop::Asked;
            }
        }
    }

    /// Reads the chain's attestation lifetime and longest paid heartbeat interval, and says
    /// where the flags do not fit them: a `--heartbeat` above the interval loses the excess
    /// reward, a `--refresh-before` at or above the lifetime would refresh at every heartbeat
    /// (it is cut to half the lifetime), a `--claim-above` with another `--miner` never claims.
    async fn check_params(&mut self) {
        let param = |p: aimine_registry::Param| IAIMining::paramCall { param: p as u8 };
        let ttl = self
            .client
            .view(AI_MINING, &param(aimine_registry::Param::AttestationTtl))
            .await;
        let max = self
            .client
            .view(
                AI_MINING,
                &param(aimine_registry::Param::MaxHeartbeatInterval),
            )
            .await;
        if let Ok(ttl) = ttl {
            let ttl = u64::try_from(ttl).unwrap_or(u64::MAX);
            if self.refresh_before >= ttl {
                self.refresh_before = ttl / 2;
                self.say(&format!(
                    "--refresh-before {} is not below the chain's attestation lifetime ({ttl}s): refreshing {}s before expiry instead",
                    self.a.refresh_before, self.refresh_before
                ));
            }
        }
        if let Ok(max) = max {
            let max = u64::try_from(max).unwrap_or(u64::MAX);
            if self.a.heartbeat > max {
                self.say(&format!(
                    "warning: --heartbeat {}s is above the chain's longest paid interval ({max}s): the time beyond it is not paid",
                    self.a.heartbeat
                ));
            }
        }
        if self.a.claim_above.is_some() && self.client.from != self.miner {
            self.say("warning: --claim-above is ignored: only the miner itself can claim, and the signer is not --miner");
        }
    }

    /// The session of `--state`, if it is still this miner's and active.
    async fn resume(&mut self) -> Result<Option<B256>, Stop> {
        let Some(id) = self.state.session_id else {
            return Ok(None);
        };
        match self.session(id).await {
            Ok(Some(s)) if s.active && s.miner == self.miner && s.owner == self.client.from => {
                let ours =
                    aimine_registry::key_hash(self.key.as_ref().map(|(_, pk)| pk.as_slice()));
                if s.keyHash.0 != ours {
                    // Another --session-key-seed (or none) than the session's: its heartbeats
                    // would all be refused. A refresh with this agent's key replaces it.
                    self.say(&format!(
                        "the state's session {id} has another session key than this agent's: refreshing it"
                    ));
                    return self.start().await;
                }
                self.say(&format!(
                    "resuming session {id} ({} heartbeats so far, attested until {})",
                    s.heartbeats,
                    aimine_time::UnixTime(s.attestationExpiry)
                ));
                Ok(Some(id))
            }
            Ok(Some(_)) => {
                self.say(&format!(
                    "the state's session {id} is not active for this miner: starting a new one"
                ));
                Ok(None)
            }
            Ok(None) => Err(Stop::Asked),
            Err(e) => {
                self.say(&format!(
                    "the state's session {id} cannot be read ({e}): starting a new one"
                ));
                Ok(None)
            }
        }
    }

    async fn revoked(&self, gpu: B256) -> bool {
        let call = IAIMining::isRevokedCall { gpuId: gpu };
        matches!(self.client.view(AI_MINING, &call).await, Ok(true))
    }

    /// Claims when the balance passes `--claim-above` (the signer must be the miner).
    async fn claim(&mut self, balance: U256) -> Option<Stop> {
        let threshold = self.a.claim_above?;
        if balance <= threshold || self.client.from != self.miner {
            return None;
        }
        let call = IAIMining::claimCall { to: self.miner };
        let client = self.client.clone();
        match self.retry("claim", || client.send(AI_MINING, &call)).await {
            Ok(Some(mined)) => {
                let amount = event::<IAIMining::Claimed>(&mined)
                    .map(|c| c.amount)
                    .unwrap_or_default();
                self.claimed = self.claimed.saturating_add(amount);
                self.say(&format!(
                    "claimed {amount} wei to {} (block {}, gas {})",
                    self.miner, mined.block, mined.gas_used
                ));
                None
            }
            Ok(None) => Some(Stop::Asked),
            Err(e) => {
                self.say(&format!("claim refused: {e}"));
                None
            }
        }
    }
}

/// The first `E` in a transaction's logs from AI_MINING.
fn event<E: SolEvent>(mined: &Mined) -> Option<E> {
    mined
        .logs
        .iter()
        .filter(|l| l.address() == AI_MINING)
        .find_map(|l| E::decode_log_data(l.data()).ok())
}

/// An evidence command's output as one envelope: an AIMQ envelope (hex or raw) as is, or any
/// evidence form `aimine quote build` reads (SDK evidence JSON) built into one.
pub fn evidence_envelope(out: &[u8]) -> Result<Vec<u8>, String> {
    let text = String::from_utf8_lossy(out);
    let hex_text = text.trim().trim_start_matches("0x");
    if let Ok(bytes) = hex::decode(hex_text)
        && bytes.starts_with(b"AIMQ")
    {
        return Ok(bytes);
    }
    if out.starts_with(b"AIMQ") {
        return Ok(out.to_vec());
    }
    let devices =
        crate::devices::parse(vec![(String::from("--evidence-cmd output"), out.to_vec())])?;
    let [device] = devices.as_slice() else {
        return Err(format!(
            "--evidence-cmd printed {} devices; one agent mines one GPU",
            devices.len()
        ));
    };
    let chain: Vec<&[u8]> = device.chain.iter().map(Vec::as_slice).collect();
    aimine_envelope::encode_gpu(&device.evidence, &chain).map_err(|e| e.to_string())
}

/// `aimine miner run`.
pub fn run(a: &MinerRunArgs) -> Result<Outcome, CliError> {
    let key = crate::client::signer(a.conn.private_key.as_deref(), a.conn.keystore.as_deref())?;
    let session_key = match &a.session_key_seed {
        Some(seed) => {
            let seed: [u8; 32] = crate::input::array("session-key-seed", seed)?;
            Some((
                seed,
                crate::mldsa::public_key(aimine_mldsa::Level::MlDsa65, &seed),
            ))
        }
        None => None,
    };
    let state = match &a.state {
        Some(path) => State::load(path)?,
        None => None,
    };
    crate::client::check_url(&a.conn.rpc)?;
    let rt = crate::client::runtime()?;
    rt.block_on(async move {
        let interrupt = listen_for_sigint();
        let tag = if a.dev_gpu.is_some() { "[dev GPU: forged evidence, dev chains only] " } else { "" };
        let client = loop {
            match Client::connect(&a.conn.rpc, key.clone()).await {
                Ok(c) => break c,
                Err(e) => {
                    emit!("{} {tag}connect {}: {e}; retrying in 2s", now(), a.conn.rpc);
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(2)) => {}
                        () = interrupted(interrupt.clone()) => return Ok(Outcome::Valid),
                    }
                }
            }
        };
        let miner = a.miner.unwrap_or(client.from);
        let state = match state {
            Some(s) if s.chain_id != client.chain_id || s.miner != miner => {
                return Err(format!(
                    "--state: made for chain {} and miner {}, not chain {} and miner {miner}",
                    s.chain_id, s.miner, client.chain_id
                ));
            }
            Some(s) => s,
            None => State {
                chain_id: client.chain_id,
                miner,
                ..State::default()
            },
        };
        let mut agent = Agent {
            a,
            client,
            miner,
            key: session_key,
            tag,
            state,
            opening: U256::ZERO,
            claimed: U256::ZERO,
            beats: 0,
            interrupt,
            refresh_before: a.refresh_before,
            unexplained: 0,
        };
        agent.opening = agent.balance().await.ok().flatten().unwrap_or_default();
        agent.check_params().await;
        agent.say(&format!(
            "mining for {miner} on chain {} as {}, heartbeat every {}s",
            agent.client.chain_id, agent.client.from, a.heartbeat
        ));
        let stop = agent.run().await;
        if a.on_exit == OnExit::End
            && matches!(stop, Stop::Asked)
            && let Some(id) = agent.state.session_id
        {
            // The time since the last heartbeat is paid only by a heartbeat: one first.
            if let Ok(s) = agent.client.view(AI_MINING, &IAIMining::getSessionCall { sessionId: id }).await
                && s.active
            {
                match agent.heartbeat_once(id, &s).await {
                    Ok(m) => agent.say(&format!("final heartbeat (block {}, gas {})", m.block, m.gas_used)),
                    Err(e) => agent.say(&format!("final heartbeat: {e}")),
                }
            }
            let call = IAIMining::endSessionCall { sessionId: id };
            match agent.client.send(AI_MINING, &call).await {
                Ok(m) => agent.say(&format!("session {id} ended (block {}, gas {})", m.block, m.gas_used)),
                Err(e) => agent.say(&format!("endSession: {e}")),
            }
        }
        // Not retried: the summary must not hang on an endpoint that is gone.
        let balance = agent
            .client
            .view(AI_MINING, &IAIMining::miningBalanceCall { miner: agent.miner })
            .await
            .ok();
        let session = agent
            .state
            .session_id
            .map_or_else(|| String::from("none"), |id| id.to_string());
        // Earned: what heartbeats and refreshes credited (the balance's growth, claims included).
        let (earned, balance) = match balance {
            Some(b) => (
                format!("{} wei", b.saturating_add(agent.claimed).saturating_sub(agent.opening)),
                format!("{b} wei"),
            ),
            None => (String::from("(unknown) wei"), String::from("(unreadable)")),
        };
        agent.say(&format!(
            "summary: {} heartbeats, {earned} earned, {} wei claimed, balance {balance}, session {session}",
            agent.beats, agent.claimed
        ));
        match stop {
            Stop::Asked => Ok(Outcome::Valid),
            Stop::Fatal(why) => {
                agent.say(&format!("stopped: {why}"));
                Ok(Outcome::Invalid)
            }
        }
    })
}

/// The session `--session`, or the one `--state` keeps.
fn session_of(a: &MinerArgs) -> Result<Option<B256>, CliError> {
    if let Some(id) = &a.session {
        return crate::input::array::<32>("session", id).map(|b| Some(B256::from(b)));
    }
    match &a.state {
        Some(path) => Ok(State::load(path)?.and_then(|s| s.session_id)),
        None => Ok(None),
    }
}

/// `aimine miner status`: the session, the balance and the pool.
pub fn status(a: &MinerArgs) -> Result<Outcome, CliError> {
    one_shot(a, |client, miner, session| async move {
        let balance = client
            .view(AI_MINING, &IAIMining::miningBalanceCall { miner })
            .await?;
        let pool = client
            .view(AI_MINING, &IAIMining::rewardPoolCall {})
            .await?;
        let (block, time) = client.head().await?;
        emit!(
            "chain {} block {block} time {}",
            client.chain_id,
            aimine_time::UnixTime(time)
        );
        emit!("miner {miner} balance {balance} wei; reward pool {pool} wei");
        if let Some(id) = session {
            let s = client
                .view(AI_MINING, &IAIMining::getSessionCall { sessionId: id })
                .await?;
            emit!(
                "session {id}: {} gpu {} tier {} units {} heartbeats {} last {} attested until {}",
                if s.active { "active" } else { "ended" },
                s.gpuId,
                s.tier,
                s.computeUnits,
                s.heartbeats,
                aimine_time::UnixTime(s.lastHeartbeat),
                aimine_time::UnixTime(s.attestationExpiry)
            );
        }
        Ok(())
    })
}

/// `aimine miner claim`: the signer's balance paid to `--to` (itself by default).
pub fn claim(a: &MinerArgs, to: Option<Address>) -> Result<Outcome, CliError> {
    one_shot(a, |client, _, _| async move {
        let to = to.unwrap_or(client.from);
        let m = client.send(AI_MINING, &IAIMining::claimCall { to }).await?;
        let amount = event::<IAIMining::Claimed>(&m)
            .map(|c| c.amount)
            .unwrap_or_default();
        emit!(
            "claimed {amount} wei to {to} (tx {}, block {}, gas {})",
            m.hash,
            m.block,
            m.gas_used
        );
        Ok(())
    })
}

/// `aimine miner end`: ends the session (its owner only).
pub fn end(a: &MinerArgs) -> Result<Outcome, CliError> {
    one_shot(a, |client, _, session| async move {
        let id = session.ok_or_else(|| Failure::Rpc(String::from("give --session or --state")))?;
        let m = client
            .send(AI_MINING, &IAIMining::endSessionCall { sessionId: id })
            .await?;
        emit!(
            "session {id} ended (tx {}, block {}, gas {})",
            m.hash,
            m.block,
            m.gas_used
        );
        Ok(())
    })
}

fn one_shot<F, Fut>(a: &MinerArgs, f: F) -> Result<Outcome, CliError>
where
    F: FnOnce(Client, Address, Option<B256>) -> Fut,
    Fut: std::future::Future<Output = Result<(), Failure>>,
{
    let key = crate::client::signer(a.conn.private_key.as_deref(), a.conn.keystore.as_deref())?;
    crate::client::check_url(&a.conn.rpc)?;
    let session = session_of(a)?;
    let rt = crate::client::runtime()?;
    rt.block_on(async move {
        let client = Client::connect(&a.conn.rpc, key)
            .await
            .map_err(|e| e.to_string())?;
        let miner = a.miner.unwrap_or(client.from);
        match f(client, miner, session).await {
            Ok(()) => Ok(Outcome::Valid),
            Err(Failure::Reverted(name)) => {
                emit!("refused: {name}");
                Ok(Outcome::Invalid)
            }
            Err(e) => Err(e.to_string()),
        }
    })
}
