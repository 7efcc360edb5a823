//! `aimine node`: the real binary, killed with SIGKILL after a block and restarted from its
//! `--data-dir`.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};

use super::processes::{Proc, spawn_node};

/// Starts `aimine node` on a free port persisting in `dir`; the process and its host:port.
fn spawn(dir: &std::path::Path) -> (Proc, String) {
    let (p, url, _) = spawn_node(&["--data-dir", &dir.display().to_string()]);
    (p, url.trim_start_matches("http://").to_owned())
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
    child.0.kill().unwrap(); // SIGKILL
    child.0.wait().unwrap();
    let (child, addr) = spawn(&dir);
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
    drop(child);
    let _ = std::fs::remove_dir_all(&dir);
}
