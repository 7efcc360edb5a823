//! What the tests that run `aimine node`, `aimine miner` and Foundry's cast as processes share.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use revm::primitives::U256;

/// A child process, SIGKILLed and reaped when dropped (a failed test leaves none behind).
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `child`'s stdout lines, as they come. Read to the end even when no one listens any more:
/// a closed pipe would make the child's next print fail.
pub fn lines(child: &mut Child) -> Receiver<String> {
    let out = child.stdout.take().unwrap();
    let (send, receive) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    receive
}

/// `aimine node --port 0 args…` (or the `--port` in `args`): the process, its RPC URL
/// (`http://…`) and the rest of its stdout.
pub fn spawn_node(args: &[&str]) -> (Proc, String, Receiver<String>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aimine"));
    cmd.arg("node");
    if !args.contains(&"--port") {
        cmd.args(["--port", "0"]);
    }
    let mut child = cmd
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = lines(&mut child);
    let url = loop {
        let line = out
            .recv_timeout(Duration::from_secs(60))
            .expect("the node printed no RPC URL");
        if let Some(url) = line.strip_prefix("RPC URL") {
            break url.trim().to_owned();
        }
    };
    (Proc(child), url, out)
}

/// `cast subcommand -r url args…`, its trimmed stdout; panics with its stderr on failure.
pub fn cast(bin: &Path, url: &str, args: &[&str]) -> String {
    let (subcommand, rest) = args.split_first().unwrap();
    let out = Command::new(bin)
        .arg(subcommand)
        .args(["-r", url])
        .args(rest)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cast {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A uint256 as cast prints it (`123 [1.23e2]` or `123`).
pub fn uint(text: &str) -> U256 {
    text.split_whitespace().next().unwrap().parse().unwrap()
}
