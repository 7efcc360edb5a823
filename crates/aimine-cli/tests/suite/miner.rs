//! `aimine miner run` against the real `aimine node` (both as child processes): the agent mines
//! a dev H100 while the test moves chain time through six hours, half an hour per heartbeat it
//! sees. It starts a session, heartbeats, refreshes its attestation once (a five-hour TTL,
//! refreshed an hour before), claims, and survives a SIGKILLed node restarted on its data dir;
//! stopped with SIGINT and started again on its state file it resumes the same session; a
//! governance revocation of its GPU makes it stop with that reason. The balance matches the
//! tier arithmetic exactly: 1 gwei × 1,000 units × 1.0 × every second of the session.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use revm::primitives::{B256, U256};

use super::processes::{Proc, cast, lines, spawn_node, uint};

/// Dev account 1 mines; dev account 0 governs.
const MINER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const MINER: &str = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const ADMIN_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const AI_MINING: &str = "0x0000000000000000000000000000000000000300";

fn node(port: u16, dir: &std::path::Path, genesis: &std::path::Path) -> (Proc, Receiver<String>) {
    let (port, dir, genesis) = (
        port.to_string(),
        dir.display().to_string(),
        genesis.display().to_string(),
    );
    let (p, _, out) = spawn_node(&[
        "--dev-root",
        "--port",
        &port,
        "--data-dir",
        &dir,
        "--genesis",
        &genesis,
    ]);
    (p, out)
}

/// `aimine miner run --rpc url args…`, its stdout lines as they come.
fn miner_run(url: &str, args: &[&str]) -> (Proc, Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aimine"))
        .args(["miner", "run", "--rpc", url])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = lines(&mut child);
    (Proc(child), out)
}

/// `aimine miner run --rpc url args…` to its end.
fn miner_output(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_aimine"))
        .args(["miner", "run", "--rpc", url])
        .args(args)
        .output()
        .unwrap()
}

/// Waits (up to 30 s) until `who` has a transaction waiting in the node's pool.
fn wait_for_pending(cast_bin: &std::path::Path, url: &str, who: &str, seen: &[String]) {
    let pending = (0..300).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        cast(cast_bin, url, &["nonce", "--block", "pending", who])
            != cast(cast_bin, url, &["nonce", "--block", "latest", who])
    });
    assert!(
        pending,
        "no transaction came to the pool:\n{}",
        seen.join("\n")
    );
}

fn agent(url: &str, state: &std::path::Path) -> (Proc, Receiver<String>) {
    let state = state.display().to_string();
    miner_run(
        url,
        &[
            "--private-key",
            MINER_KEY,
            "--dev-gpu",
            "h100",
            "--heartbeat",
            "1",
            "--refresh-before",
            "3600",
            "--claim-above",
            "5000000000000000",
            "--state",
            &state,
        ],
    )
}

/// Waits for a line containing `what`; every line seen on the way is kept in `seen`.
fn expect(out: &Receiver<String>, what: &str, seen: &mut Vec<String>) -> String {
    loop {
        let line = out
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no line with {what:?} after:\n{}", seen.join("\n")));
        seen.push(line.clone());
        assert!(
            line.contains("[dev GPU: forged evidence, dev chains only]"),
            "a dev line that does not say so: {line}"
        );
        if line.contains(what) {
            return line;
        }
    }
}

fn sigint(p: &mut Proc) -> std::process::ExitStatus {
    let pid = p.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    p.0.wait().unwrap()
}

#[test]
fn the_agent_mines_for_six_hours_through_a_node_restart_until_its_gpu_is_revoked() {
    let Some(cast_bin) = aimine_vectors::foundry::cast() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("aimine-miner-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let genesis = dir.join("genesis.json");
    std::fs::write(&genesis, r#"{"params": {"attestationTtl": 18000}}"#).unwrap();
    let state = dir.join("miner.json");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let data = dir.join("chain");
    let (mut chain, _chain_out) = node(port, &data, &genesis);
    let (mut miner, out) = agent(&url, &state);
    let mut seen = Vec::new();
    let started = expect(&out, "started: gpu", &mut seen);
    assert!(started.contains("tier 3 units 1000"), "{started}");
    // Six hours, half an hour after each heartbeat; the node killed and restarted after three.
    for step in 0..12 {
        expect(&out, "heartbeat #", &mut seen);
        cast(&cast_bin, &url, &["rpc", "evm_increaseTime", "1800"]);
        if step == 5 {
            chain.0.kill().unwrap(); // SIGKILL
            chain.0.wait().unwrap();
            expect(&out, "rpc unavailable", &mut seen);
            chain = node(port, &data, &genesis).0;
        }
    }
    expect(&out, "heartbeat #", &mut seen);
    let text = seen.join("\n");
    assert_eq!(
        text.matches("refreshed: attested until").count(),
        1,
        "{text}"
    );
    assert!(text.contains("claimed "), "{text}");
    assert_eq!(
        text.matches("started: gpu").count(),
        1,
        "one session: {text}"
    );
    // SIGINT: a summary, exit 0; started again on its state file, it resumes the session.
    let status = sigint(&mut miner);
    assert_eq!(status.code(), Some(0), "{status}");
    let summary = expect(&out, "summary:", &mut seen);
    let session = summary.rsplit(' ').next().unwrap().to_owned();
    let (mut miner, out) = agent(&url, &state);
    let mut seen2 = Vec::new();
    let resumed = expect(&out, "resuming session", &mut seen2);
    assert!(resumed.contains(&session), "{resumed} / {summary}");
    expect(&out, "heartbeat #", &mut seen2);

    // The balance is the tier arithmetic over the session's whole life, claims included.
    let id: B256 = session.parse().unwrap();
    let s = cast(
        &cast_bin,
        &url,
        &[
            "call",
            AI_MINING,
            "getSession(bytes32)((address,address,bytes32,uint8,uint64,bytes32,uint64,uint64,uint64,uint64,bool))",
            &format!("{id}"),
        ],
    );
    let fields: Vec<&str> = s
        .trim_matches(|c| c == '(' || c == ')')
        .split(", ")
        .collect();
    let start: u64 = fields[6]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let last: u64 = fields[7]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let gpu = fields[2].to_owned();
    let balance = uint(&cast(
        &cast_bin,
        &url,
        &["call", AI_MINING, "miningBalance(address)(uint256)", MINER],
    ));
    let logs = cast(
        &cast_bin,
        &url,
        &[
            "logs",
            "--from-block",
            "0",
            "--address",
            AI_MINING,
            "Claimed(address indexed miner, address indexed to, uint256 amount)",
            "--json",
        ],
    );
    let logs: serde_json::Value = serde_json::from_str(&logs).unwrap();
    let claimed: U256 = logs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            U256::from_str_radix(l["data"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
        })
        .fold(U256::ZERO, |a, b| a + b);
    assert!(claimed > U256::ZERO);
    // Twelve half hours, less the one moved just before the SIGKILL (no block carried it).
    assert!(last >= start + 11 * 1_800, "{start} {last}");
    assert_eq!(
        balance + claimed,
        U256::from(1_000_000_000u64) * U256::from(1_000u64) * U256::from(last - start),
        "{s}"
    );

    // Governance revokes the GPU: the agent stops, saying why, with exit 1.
    cast(
        &cast_bin,
        &url,
        &[
            "send",
            "--private-key",
            ADMIN_KEY,
            AI_MINING,
            "setRevoked(bytes32,bool)",
            &gpu,
            "true",
        ],
    );
    let stopped = expect(&out, "stopped:", &mut seen2);
    assert!(stopped.contains("revoked"), "{stopped}");
    assert_eq!(miner.0.wait().unwrap().code(), Some(1));
    drop(chain);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_evidence_command_is_run_with_the_nonce_and_a_refused_quote_stops_the_agent_by_name() {
    let Some(json) = aimine_vectors::cli::nvidia_arg("evidence-json/hopper_evidence.json") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("aimine-miner-cmd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let genesis = dir.join("genesis.json");
    std::fs::write(&genesis, "{}").unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let (_chain, _out) = node(port, &dir.join("chain"), &genesis);
    // The command records the nonce it was given, then prints genuine H100 evidence, which
    // answers another nonce: AI_MINING refuses it (NonceNotBound), and the agent stops naming it.
    let seen_nonce = dir.join("nonce");
    let cmd = format!("echo {{nonce}} > {} && cat {json}", seen_nonce.display());
    let out = miner_output(&url, &["--private-key", MINER_KEY, "--evidence-cmd", &cmd]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("stopped: startSession reverted: NonceNotBound"),
        "{stdout}"
    );
    assert!(!stdout.contains("[dev GPU"), "{stdout}");
    let nonce = std::fs::read_to_string(&seen_nonce).unwrap();
    assert_eq!(nonce.trim().len(), 64, "{nonce}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_keyed_composite_session_signs_its_heartbeats_and_the_one_shots_claim_and_end_it() {
    let Some(cast_bin) = aimine_vectors::foundry::cast() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("aimine-miner-keyed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Keyed sessions must sign every heartbeat on this chain.
    let genesis = dir.join("genesis.json");
    std::fs::write(
        &genesis,
        r#"{"params": {"requireHeartbeatSignature": true}}"#,
    )
    .unwrap();
    let (_chain, url, _out) =
        spawn_node(&["--dev-root", "--genesis", &genesis.display().to_string()]);
    let state = dir.join("miner.json");
    let state_arg = state.display().to_string();
    let run = miner_output(
        &url,
        &[
            "--private-key",
            MINER_KEY,
            "--dev-gpu",
            "composite-sev",
            "--dev-gpus",
            "2",
            "--session-key-seed",
            &"11".repeat(32),
            "--heartbeat",
            "1",
            "--max-heartbeats",
            "2",
            "--state",
            &state_arg,
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("tier 3 units 2000"),
        "two H100s behind the SEV-SNP chip: {stdout}"
    );
    assert_eq!(stdout.matches("] heartbeat #").count(), 2, "{stdout}");
    // The session is keyed: the agent's heartbeats were signed, as a plain one is refused.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let id = s["session_id"].as_str().unwrap().to_owned();
    let plain = Command::new(&cast_bin)
        .args([
            "send",
            "-r",
            &url,
            "--private-key",
            MINER_KEY,
            AI_MINING,
            "heartbeat(bytes32)",
            &id,
        ])
        .output()
        .unwrap();
    assert!(!plain.status.success());
    // cast names the error when it can look the selector up, else shows its selector.
    let said = String::from_utf8_lossy(&plain.stderr);
    let selector = hex::encode(
        <aimine_evm::abi::IAIMining::SignatureRequired as alloy_sol_types::SolError>::SELECTOR,
    );
    assert!(
        said.contains("SignatureRequired") || said.contains(&selector),
        "{said}"
    );
    let one = |args: &[&str]| {
        let mut all = vec!["miner"];
        all.extend_from_slice(&args[..1]);
        all.extend_from_slice(&[
            "--rpc",
            &url,
            "--private-key",
            MINER_KEY,
            "--state",
            &state_arg,
        ]);
        all.extend_from_slice(&args[1..]);
        let out = aimine_vectors::aimine!(&all);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        aimine_vectors::cli::stdout(&out)
    };
    let status = one(&["status"]);
    assert!(
        status.contains(&format!("session {id}: active")),
        "{status}"
    );
    let claimed = one(&["claim"]);
    assert!(
        claimed.starts_with("claimed ") && !claimed.starts_with("claimed 0 "),
        "{claimed}"
    );
    assert_eq!(
        uint(&cast(
            &cast_bin,
            &url,
            &["call", AI_MINING, "miningBalance(address)(uint256)", MINER]
        )),
        U256::ZERO
    );
    let ended = one(&["end"]);
    assert!(ended.contains("ended"), "{ended}");
    assert!(one(&["status"]).contains(&format!("session {id}: ended")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_session_ended_under_the_agent_is_replaced_and_on_exit_end_ends_the_new_one() {
    let dir = std::env::temp_dir().join(format!("aimine-miner-replaced-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (_chain, url, _out) = spawn_node(&["--dev-root"]);
    let state = dir.join("miner.json").display().to_string();
    let (mut agent, out) = miner_run(
        &url,
        &[
            "--private-key",
            MINER_KEY,
            "--dev-gpu",
            "b200",
            "--heartbeat",
            "1",
            "--state",
            &state,
            "--on-exit",
            "end",
        ],
    );
    let mut seen = Vec::new();
    let first = expect(&out, "started: gpu", &mut seen);
    assert!(first.contains("tier 4 units 2500"), "{first}");
    expect(&out, "heartbeat #", &mut seen);
    // Its owner ends the session behind the agent's back (a one-shot on the same state).
    let end = aimine_vectors::aimine!(&[
        "miner",
        "end",
        "--rpc",
        &url,
        "--private-key",
        MINER_KEY,
        "--state",
        &state
    ]);
    assert_eq!(end.status.code(), Some(0), "{end:?}");
    expect(&out, "no longer active: starting a new one", &mut seen);
    let second = expect(&out, "started: gpu", &mut seen);
    let id = |line: &str| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = words.iter().position(|w| *w == "session").unwrap();
        words[at + 1].to_owned()
    };
    assert_ne!(id(&first), id(&second), "{second}");
    expect(&out, "heartbeat #", &mut seen);
    // SIGINT with --on-exit end: the new session ends too, then the summary.
    assert_eq!(sigint(&mut agent).code(), Some(0));
    expect(&out, "ended (block", &mut seen);
    expect(&out, "summary:", &mut seen);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_keystore_signs_for_the_one_shots() {
    let Some(cast_bin) = aimine_vectors::foundry::cast() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("aimine-miner-keystore-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A keystore made by Foundry's cast, password "aimine".
    let made = Command::new(&cast_bin)
        .args(["wallet", "new"])
        .arg(&dir)
        .args(["--unsafe-password", "aimine"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&made.stdout);
    let address = said
        .lines()
        .find_map(|l| l.strip_prefix("Address:"))
        .unwrap()
        .trim()
        .to_owned();
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let (_chain, url, _out) = spawn_node(&[]);
    let status = |password: &str| {
        Command::new(env!("CARGO_BIN_EXE_aimine"))
            .args(["miner", "status", "--rpc", &url, "--keystore"])
            .arg(&file)
            .env("AIMINE_KEYSTORE_PASSWORD", password)
            .output()
            .unwrap()
    };
    let ok = status("aimine");
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");
    assert!(
        text.contains(&format!("miner {address} balance 0 wei")),
        "{text}"
    );
    let wrong = status("not it");
    assert_eq!(wrong.status.code(), Some(2), "{wrong:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Dev account 2: submits for the miner (dev account 1) without being it.
const SUBMITTER_KEY: &str = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

/// The attack of CI's flake, made deterministic: the miner's own claim lands in the same block
/// as the agent's heartbeat, ahead of it (a higher tip), after the heartbeat was estimated. The
/// claim empties the balance, so the heartbeat writes a fresh balance slot (20,000 gas more than
/// estimated): sent with the bare estimate it ran out of gas and stopped the agent.
#[test]
fn a_claim_between_a_heartbeats_estimate_and_its_block_does_not_run_it_out_of_gas() {
    let Some(cast_bin) = aimine_vectors::foundry::cast() else {
        return;
    };
    let (_chain, url, _out) = spawn_node(&["--dev-root"]);
    let (mut miner, out) = miner_run(
        &url,
        &[
            "--private-key",
            SUBMITTER_KEY,
            "--miner",
            MINER,
            "--dev-gpu",
            "h100",
            "--heartbeat",
            "1",
            "--max-heartbeats",
            "3",
        ],
    );
    let mut seen = Vec::new();
    expect(&out, "heartbeat #1 ", &mut seen);
    cast(&cast_bin, &url, &["rpc", "evm_setAutomine", "false"]);
    // Wait for the next heartbeat to wait in the pool: estimated, signed and sent.
    let submitter = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    wait_for_pending(&cast_bin, &url, submitter, &seen);
    cast(
        &cast_bin,
        &url,
        &[
            "send",
            "--async",
            "--gas-price",
            "200gwei",
            "--priority-gas-price",
            "100gwei",
            "--private-key",
            MINER_KEY,
            AI_MINING,
            "claim(address)",
            MINER,
        ],
    );
    cast(&cast_bin, &url, &["rpc", "evm_increaseTime", "60"]);
    cast(&cast_bin, &url, &["rpc", "evm_mine"]);
    let block: serde_json::Value =
        serde_json::from_str(&cast(&cast_bin, &url, &["block", "latest", "--json"])).unwrap();
    let txs = block["transactions"].as_array().unwrap();
    assert_eq!(txs.len(), 2, "{block}");
    let claim: serde_json::Value = serde_json::from_str(&cast(
        &cast_bin,
        &url,
        &["tx", txs[0].as_str().unwrap(), "--json"],
    ))
    .unwrap();
    assert_eq!(
        claim["from"].as_str().unwrap().to_lowercase(),
        MINER,
        "the claim runs first: {claim}"
    );
    let beat = expect(&out, "heartbeat #2 ", &mut seen);
    let field = |line: &str, after: &str| -> u64 {
        line.split(after)
            .nth(1)
            .and_then(|g| g.split([' ', 's']).next())
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        field(&beat, " for ") >= 60,
        "paid for the time moved: {beat}"
    );
    cast(&cast_bin, &url, &["rpc", "evm_setAutomine", "true"]);
    let next = expect(&out, "heartbeat #3 ", &mut seen);
    // #3 met the balance #2 left (a warm rewrite): #2 paid a fresh slot, 17,100 gas more, which
    // its estimate (made before the claim) did not include.
    assert!(
        field(&beat, " gas ") >= field(&next, " gas ") + 15_000,
        "the heartbeat wrote a fresh balance: {beat} / {next}"
    );
    assert_eq!(miner.0.wait().unwrap().code(), Some(0));
    let text = seen.join("\n");
    assert!(
        !text.contains("out of gas") && !text.contains("stopped"),
        "{text}"
    );
}

/// A node that refuses the agent's transactions (an account with nothing to pay gas with) is
/// not retried forever: a few tries, then the agent stops with the node's reason and exit 1.
#[test]
fn a_refused_transaction_stops_the_agent_after_a_few_tries() {
    let (_chain, url, _out) = spawn_node(&["--dev-root"]);
    let unfunded = format!("0x{}", "42".repeat(32));
    let run = miner_output(&url, &["--private-key", &unfunded, "--dev-gpu", "h100"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert_eq!(stdout.matches("(try ").count(), 3, "{stdout}");
    let stopped = stdout.lines().last().unwrap();
    assert!(
        stopped.contains("stopped: startSession refused: ") && stopped.contains("fund"),
        "{stdout}"
    );
}

/// An evidence command that hangs is killed at `--evidence-timeout`, and the agent stops
/// saying so (it does not hang with it).
#[test]
fn a_hung_evidence_command_is_killed_at_its_timeout() {
    let (_chain, url, _out) = spawn_node(&["--dev-root"]);
    let started = std::time::Instant::now();
    let run = miner_output(
        &url,
        &[
            "--private-key",
            MINER_KEY,
            "--evidence-cmd",
            "sleep 600",
            "--evidence-timeout",
            "1",
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("stopped: evidence: --evidence-cmd did not finish in 1s"),
        "{stdout}"
    );
    // Not a timing assertion on our code: only that the 600 s child did not run its course.
    assert!(started.elapsed() < Duration::from_secs(300));
}

/// SIGINT while a heartbeat waits for its block (the worst moment: no signal future is being
/// polled then) is not lost: once the block comes, the agent stops with its summary and exit 0.
#[test]
fn sigint_while_a_heartbeat_waits_for_its_block_stops_the_agent() {
    let Some(cast_bin) = aimine_vectors::foundry::cast() else {
        return;
    };
    let (_chain, url, _out) = spawn_node(&["--dev-root"]);
    let (mut agent, out) = miner_run(
        &url,
        &[
            "--private-key",
            MINER_KEY,
            "--dev-gpu",
            "h100",
            "--heartbeat",
            "1",
        ],
    );
    let mut seen = Vec::new();
    expect(&out, "heartbeat #1 ", &mut seen);
    cast(&cast_bin, &url, &["rpc", "evm_setAutomine", "false"]);
    wait_for_pending(&cast_bin, &url, MINER, &seen);
    let pid = agent.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(500));
    cast(&cast_bin, &url, &["rpc", "evm_setAutomine", "true"]);
    cast(&cast_bin, &url, &["rpc", "evm_mine"]);
    expect(&out, "heartbeat #2 ", &mut seen);
    let summary = expect(&out, "summary: 2 heartbeats", &mut seen);
    assert!(summary.contains("session 0x"), "{summary}");
    assert_eq!(agent.0.wait().unwrap().code(), Some(0));
}

/// A refresh counts a heartbeat: an agent that signs its heartbeats signs the count after it
/// (it signed the count it read before, every signature after a refresh was refused, and the
/// agent stopped). A short attestation lifetime makes it refresh within the run; resumed on its
/// state with another session key, the agent refreshes the session with its own key rather
/// than sending heartbeats that must all be refused.
#[test]
fn a_keyed_agent_heartbeats_on_through_refreshes_and_a_new_key() {
    let dir = std::env::temp_dir().join(format!("aimine-miner-refresh-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let genesis = dir.join("genesis.json");
    std::fs::write(
        &genesis,
        r#"{"params": {"attestationTtl": 6, "requireHeartbeatSignature": true}}"#,
    )
    .unwrap();
    let (_chain, url, _out) =
        spawn_node(&["--dev-root", "--genesis", &genesis.display().to_string()]);
    let state = dir.join("miner.json").display().to_string();
    let run = |seed: &str| {
        miner_output(
            &url,
            &[
                "--private-key",
                MINER_KEY,
                "--dev-gpu",
                "h100",
                "--session-key-seed",
                seed,
                "--heartbeat",
                "1",
                "--refresh-before",
                "4",
                "--max-heartbeats",
                "5",
                "--state",
                &state,
            ],
        )
    };
    let first = run(&"11".repeat(32));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(first.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("refreshed: attested until"), "{stdout}");
    assert_eq!(stdout.matches("] heartbeat #").count(), 5, "{stdout}");
    assert_eq!(stdout.matches("started: gpu").count(), 1, "{stdout}");
    let second = run(&"22".repeat(32));
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert_eq!(second.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("has another session key than this agent's: refreshing it"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("] heartbeat #").count(), 5, "{stdout}");
    assert!(
        !stdout.contains("started: gpu"),
        "the same session: {stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An `--rpc` that is no URL is a usage error at once, not an endpoint waited for forever.
#[test]
fn an_rpc_that_is_no_url_is_a_usage_error() {
    let out = aimine_vectors::aimine!(&[
        "miner",
        "run",
        "--rpc",
        "not a url",
        "--private-key",
        MINER_KEY,
        "--dev-gpu",
        "h100"
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--rpc not a url"),
        "{out:?}"
    );
}
