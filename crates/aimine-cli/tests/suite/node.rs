//! `aimine node`: the real binary, killed with SIGKILL after a block and restarted from its
//! `--data-dir`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// Starts `aimine node` on a free port persisting in `dir`; the child and its host:port.
fn spawn(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aimine"))
        .args(["node", "--port", "0", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the node stopped before printing its URL")
            .unwrap();
        if let Some(url) = line.strip_prefix("RPC URL") {
            break url.trim().trim_start_matches("http://").to_owned();
        }
    };
    // Keep draining its output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

fn rpc(addr: &str, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (_, body) = out.split_once("\r\n\r\n").unwrap();
    let v: Value = serde_json::from_str(body).unwrap();
    assert!(v.get("error").is_none(), "{method}: {v}");
    v["result"].clone()
}

#[test]
fn a_sigkilled_node_resumes_from_its_data_dir() {
    let dir = std::env::temp_dir().join(format!("aimine-cli-node-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut child, addr) = spawn(&dir);
    let from = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let hash = rpc(
        &addr,
        "eth_sendTransaction",
        json!([{"from": from, "to": to, "value": "0x2a"}]),
    );
    let block = rpc(&addr, "eth_getBlockByNumber", json!(["latest", false]));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let (mut child, addr) = spawn(&dir);
    assert_eq!(rpc(&addr, "eth_blockNumber", json!([])), json!("0x1"));
    assert_eq!(
        rpc(&addr, "eth_getBlockByNumber", json!(["latest", false])),
        block
    );
    let receipt = rpc(&addr, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], json!("0x1"));
    assert_eq!(
        rpc(&addr, "eth_getTransactionCount", json!([from, "latest"])),
        json!("0x1")
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
