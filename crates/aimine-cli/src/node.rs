//! `aimine node`: the JSON-RPC development chain of aimine-node.

use std::net::SocketAddr;

use aimine_nvtrust::testkit::TestPki;
use sha2::{Digest, Sha256};

use crate::args::NodeArgs;
use crate::{CliError, Outcome};

/// The seed of the dev GPU root `--dev-root` trusts.
pub const DEV_ROOT_SEED: &[u8] = b"aimine node dev root";

/// The AMD test kit's Milan root pair `--dev-root` trusts in slot 1, so that its SEV-SNP
/// reports (and composite quotes, `aimine dev quote --composite-sev`) verify.
pub fn dev_amd_root() -> aimine_evm::AmdRoot {
    let kit = aimine_tee::testkit::SevKit::milan();
    let (ark, ask) = kit.chain();
    aimine_evm::AmdRoot {
        index: 1,
        product: aimine_tee::AmdProduct::Milan,
        ark: ark.to_vec(),
        ask: ask.to_vec(),
    }
}

/// Runs the node until SIGINT (Ctrl-C) or SIGTERM.
pub fn run(a: &NodeArgs) -> Result<Outcome, CliError> {
    let genesis = match &a.genesis {
        Some(path) => aimine_node::GenesisFile::read(path)?,
        None => aimine_node::GenesisFile::default(),
    };
    let mut config = aimine_node::NodeConfig {
        addr: SocketAddr::new(a.host, a.port),
        chain_id: a.chain_id,
        genesis,
        extra_anchors: Vec::new(),
        extra_amd_roots: Vec::new(),
        verbose: true,
        data_dir: a.data_dir.clone(),
        block_time: a.block_time,
    };
    if a.dev_root {
        let pki = TestPki::new(Sha256::digest(DEV_ROOT_SEED).into());
        let mut anchor = [0u8; 97];
        anchor.copy_from_slice(pki.anchor().public_key);
        config.extra_anchors.push(anchor);
        config.extra_amd_roots.push(dev_amd_root());
        println!(
            "dev root     trusted: the testkit's GPU root (seed \"aimine node dev root\") and its AMD Milan root (slot 1); forged quotes verify on this chain"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    runtime.block_on(async {
        let node = aimine_node::start(&config).await?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map_err(|e| format!("signal: {e}"))?,
            r = terminate() => r?,
            () = node.handle.clone().stopped() => {}
        }
        println!("stopping");
        let _ = node.handle.stop();
        Ok::<(), String>(())
    })?;
    Ok(Outcome::Valid)
}

/// Waits for SIGTERM (never, where there is no such signal).
#[cfg(unix)]
async fn terminate() -> Result<(), String> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).map_err(|e| format!("signal: {e}"))?;
    term.recv().await;
    Ok(())
}

/// Waits for SIGTERM (never, where there is no such signal).
#[cfg(not(unix))]
async fn terminate() -> Result<(), String> {
    std::future::pending().await
}
