//! All argument parsing, in one place.

use clap::{Args, Parser, Subcommand};

/// aimine: verify AI compute (GPU attestation, post-quantum signatures) for EVM chains.
///
/// Byte arguments are hex (an optional 0x prefix is allowed) or `@path` to a file holding hex or
/// raw bytes.
#[derive(Debug, Parser)]
#[command(name = "aimine", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// ML-DSA (FIPS 204) signatures: verify, make session keys, sign.
    #[command(subcommand)]
    Mldsa(MldsaCommand),
    /// NVIDIA GPU attestation quotes: inspect, verify, build envelopes.
    #[command(subcommand)]
    Quote(QuoteCommand),
    /// Mining sessions: the nonce a GPU must sign to start one.
    #[command(subcommand)]
    Session(SessionCommand),
    /// NVIDIA reference integrity manifests: verify them, derive golden measurement sets.
    #[command(subcommand)]
    Rim(RimCommand),
    /// CPU TEE attestation (Intel TDX/SGX quotes, AMD SEV-SNP reports): inspect, verify.
    #[command(subcommand)]
    Tee(TeeCommand),
    /// Print the hardware trust tiers and their reward multipliers.
    Tiers,
    /// Run the mission's scenario on an embedded revm chain with the aimine precompiles: dev
    /// GPUs (forged under a dev root, and said so) attest, mine and earn per tier; a model is
    /// registered and an execution receipt verified from a contract.
    Demo,
    /// Run a JSON-RPC development chain with the aimine precompiles (alloy-evm execution; one
    /// block per transaction or on a clock; the ten standard dev accounts funded; a genesis
    /// file; state in memory or in a data dir).
    Node(NodeArgs),
    /// Tools for a dev chain: dev quotes for `aimine node --dev-root`.
    #[command(subcommand)]
    Dev(DevCommand),
    /// Mine over JSON-RPC: the agent that keeps a GPU earning, and its one-shot commands.
    #[command(subcommand)]
    Miner(MinerCommand),
    /// Governance over JSON-RPC, signed by the admin key: each call prints its transaction,
    /// gas and events (or, with --dry-run, its call data and eth_call result). Exit 1 when the
    /// chain refuses it (the custom error named).
    #[command(subcommand)]
    Gov(GovCommand),
}

/// The endpoint, the admin key and --dry-run.
#[derive(Debug, Args)]
pub struct GovArgs {
    /// The endpoint and the admin's key.
    #[command(flatten)]
    pub conn: Connection,
    /// Print the call data and the eth_call result; send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `aimine gov …`
#[derive(Debug, Subcommand)]
pub enum GovCommand {
    /// Register the golden measurement set of a driver RIM and a VBIOS RIM (each verified
    /// first, as `aimine rim golden` does).
    GoldenSet(GovGoldenArgs),
    /// Set a parameter (by name, e.g. epoch-seconds, or number).
    Param(GovParamArgs),
    /// Revoke a GPU (or, with --undo, restore it): its sessions stop earning.
    Revoke(GovRevokeArgs),
    /// Add or remove a GPU trust anchor (the key of a PEM certificate).
    Anchor(GovAnchorArgs),
    /// Set the compute units of a chip and project SKU.
    ComputeUnits(GovUnitsArgs),
    /// Hand governance over: propose a new admin, or accept as the proposed one.
    Admin(GovAdminArgs),
    /// Submit Intel DCAP collateral (dcap-qvl QuoteCollateralV3 JSON): `collateral submit FILE`.
    Collateral(GovFileArgs),
    /// Submit an AMD VCEK (DER or PEM): `vcek submit FILE`.
    Vcek(GovFileArgs),
}

/// Arguments of `aimine gov golden-set`.
#[derive(Debug, Args)]
pub struct GovGoldenArgs {
    /// Endpoint, key, dry run.
    #[command(flatten)]
    pub gov: GovArgs,
    /// The driver RIM.
    pub driver: std::path::PathBuf,
    /// The VBIOS RIM.
    pub vbios: std::path::PathBuf,
    /// Verify the RIMs at this time (RFC 3339; default now).
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// A PEM root to verify the RIMs to instead of NVIDIA's pinned RIM root.
    #[arg(long, value_name = "PEM")]
    pub root: Option<std::path::PathBuf>,
}

/// Arguments of `aimine gov param`.
#[derive(Debug, Args)]
pub struct GovParamArgs {
    /// Endpoint, key, dry run.
    #[command(flatten)]
    pub gov: GovArgs,
    /// The parameter's name or number.
    pub name: String,
    /// Its new value.
    pub value: alloy::primitives::U256,
}

/// Arguments of `aimine gov revoke`.
#[derive(Debug, Args)]
pub struct GovRevokeArgs {
    /// Endpoint, key, dry run.
    #[command(flatten)]
    pub gov: GovArgs,
    /// The GPU id (32 bytes hex).
    pub gpu_id: String,
    /// Restore the GPU instead.
    #[arg(long)]
    pub undo: bool,
}

/// `add` or `remove`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AnchorAction {
    /// Trust it.
    Add,
    /// Stop trusting it.
    Remove,
}

/// Arguments of `aimine gov anchor`.
#[derive(Debug, Args)]
pub struct GovAnchorArgs {
    /// Endpoint, key, dry run.
    #[command(flatten)]
    pub gov: GovArgs,
    /// add or remove.
    #[arg(value_enum)]
    pub action: AnchorAction,
    /// A PEM certificate whose (P-384) key is the anchor.
    pub pem: std::path::PathBuf,
}

/// Arguments of `aimine gov compute-units`.
#[derive(Debug, Args)]
pub struct GovUnitsArgs {
    /// Endpoint, key, dry run.
    #[command(flatten)]
    pub gov: GovArgs,
    /// The chip SKU (opaque field 15, e.g. "G520").
    pub chip_sku: String,
    /// The project SKU (opaque field 18).
    pub project_sku: String,
    /// Its compute units.
    pub units: u64,
}

/// `propose` or `accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AdminAction {
    /// Propose ADDR as the next admin (the current admin).
    Propose,
    /// Accept (the proposed admin).
    Accept,
}

/// Arguments of `aimine gov admin`.
#[derive(Debug, Args)]
pub struct GovAdminArgs {
    /// Endpoint, key, dry run.
    #[command(flatten)]
    pub gov: GovArgs,
    /// propose or accept.
    #[arg(value_enum)]
    pub action: AdminAction,
    /// The proposed admin (propose).
    pub address: Option<alloy::primitives::Address>,
}

/// The one verb of `collateral` and `vcek`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Submit {
    /// Submit it.
    Submit,
}

/// Arguments of `aimine gov collateral|vcek submit FILE`.
#[derive(Debug, Args)]
pub struct GovFileArgs {
    /// Endpoint, key, dry run.
    #[command(flatten)]
    pub gov: GovArgs,
    /// submit.
    #[arg(value_enum)]
    pub action: Submit,
    /// The file.
    pub file: std::path::PathBuf,
}

/// `aimine miner …`
#[derive(Debug, Subcommand)]
pub enum MinerCommand {
    /// Start a session from the GPU's evidence and keep it earning: heartbeats, refreshes before
    /// the attestation expires, claims; one status line per action, a summary on exit
    /// (SIGINT). Exit 0 when stopped by SIGINT or --max-heartbeats, 1 when stopped by a reason
    /// no new session cures (printed), 2 on a usage error.
    Run(MinerRunArgs),
    /// Print the session, the miner's balance and the reward pool.
    Status(MinerArgs),
    /// Claim the signer's mining balance (to itself, or --to).
    Claim(MinerClaimArgs),
    /// End the session (its owner only).
    End(MinerArgs),
}

/// The endpoint and the signing key.
#[derive(Debug, Args)]
pub struct Connection {
    /// The JSON-RPC endpoint (http or https).
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8545")]
    pub rpc: String,
    /// The signing key (hex).
    #[arg(long, value_name = "HEX", conflicts_with = "keystore")]
    pub private_key: Option<String>,
    /// A JSON keystore holding the signing key (password in AIMINE_KEYSTORE_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub keystore: Option<std::path::PathBuf>,
}

/// The dev evidence `aimine miner run --dev-gpu` forges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DevGpuKind {
    /// A dev H100 (Confidential).
    H100,
    /// A dev B200 (Sovereign).
    B200,
    /// The AMD test kit's SEV-SNP chip with --dev-gpus dev H100s.
    CompositeSev,
}

/// What `aimine miner run` does with its session on SIGINT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OnExit {
    /// Leave it running: a restart (with --state) resumes it.
    Leave,
    /// End it.
    End,
}

/// Arguments of `aimine miner run`.
#[derive(Debug, Args)]
pub struct MinerRunArgs {
    /// The endpoint and key.
    #[command(flatten)]
    pub conn: Connection,
    /// The miner credited (the signer by default).
    #[arg(long, value_name = "ADDR")]
    pub miner: Option<alloy::primitives::Address>,
    /// The command that produces the GPU's evidence for a nonce: `{nonce}` is replaced by the
    /// nonce in hex; its stdout is NVIDIA attestation-SDK evidence JSON or an AIMQ envelope.
    #[arg(
        long,
        value_name = "CMD",
        required_unless_present = "dev_gpu",
        conflicts_with = "dev_gpu"
    )]
    pub evidence_cmd: Option<String>,
    /// Seconds `--evidence-cmd` may run before it is killed and the start counts as failed.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub evidence_timeout: u64,
    /// Forge dev evidence instead (for `aimine node --dev-root`; every line says so).
    #[arg(long, value_enum)]
    pub dev_gpu: Option<DevGpuKind>,
    /// The dev device (its gpu id derives from it).
    #[arg(long, default_value_t = 1)]
    pub device: u32,
    /// The GPUs of a dev composite.
    #[arg(long, default_value_t = 1)]
    pub dev_gpus: u32,
    /// A 32-byte seed of an ML-DSA-65 session key that signs every heartbeat.
    #[arg(long, value_name = "HEX")]
    pub session_key_seed: Option<String>,
    /// Seconds between heartbeats (at least 1).
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub heartbeat: u64,
    /// Refresh the attestation this many seconds (chain time) before it expires.
    #[arg(long, value_name = "SECS", default_value_t = 3_600)]
    pub refresh_before: u64,
    /// Claim whenever the balance exceeds this many wei (the signer must be the miner).
    #[arg(long, value_name = "WEI")]
    pub claim_above: Option<alloy::primitives::U256>,
    /// Keep the session here, so that a restart resumes it.
    #[arg(long, value_name = "FILE")]
    pub state: Option<std::path::PathBuf>,
    /// What to do with the session on SIGINT.
    #[arg(long, value_enum, default_value = "leave")]
    pub on_exit: OnExit,
    /// Stop after this many heartbeats (a bounded run).
    #[arg(long, value_name = "N")]
    pub max_heartbeats: Option<u64>,
}

/// Arguments of `aimine miner status|end`.
#[derive(Debug, Args)]
pub struct MinerArgs {
    /// The endpoint and key.
    #[command(flatten)]
    pub conn: Connection,
    /// The miner (the signer by default).
    #[arg(long, value_name = "ADDR")]
    pub miner: Option<alloy::primitives::Address>,
    /// The session (hex).
    #[arg(long, value_name = "HEX")]
    pub session: Option<String>,
    /// Or the state file of `aimine miner run` that names it.
    #[arg(long, value_name = "FILE")]
    pub state: Option<std::path::PathBuf>,
}

/// Arguments of `aimine miner claim`.
#[derive(Debug, Args)]
pub struct MinerClaimArgs {
    /// The endpoint, key and session.
    #[command(flatten)]
    pub miner: MinerArgs,
    /// Where to pay (the signer by default).
    #[arg(long, value_name = "ADDR")]
    pub to: Option<alloy::primitives::Address>,
}

/// `aimine dev …`
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Forge dev evidence bound to a nonce under the roots `aimine node --dev-root` trusts: an
    /// AIMQ envelope (hex on stdout, or binary with -o) to pass as `teeQuote`. Never valid on a
    /// real chain.
    Quote(DevQuoteArgs),
}

/// The dev GPUs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DevGpu {
    /// An H100 (Hopper): Confidential tier, 1.0x.
    H100,
    /// A B200 (Blackwell): Sovereign tier, 1.5x.
    B200,
}

/// Arguments of `aimine dev quote`.
#[derive(Debug, Args)]
pub struct DevQuoteArgs {
    /// The GPU.
    #[arg(
        long,
        value_enum,
        required_unless_present = "composite_sev",
        conflicts_with = "composite_sev"
    )]
    pub gpu: Option<DevGpu>,
    /// Which dev device (its keys, hence its gpu id, derive from it); a composite's GPUs are
    /// DEVICE, DEVICE+1, …
    #[arg(long, default_value_t = 1)]
    pub device: u32,
    /// The nonce the evidence answers (32 bytes): the chain's `sessionNonce` /
    /// `sessionNonceFor`, or `aimine session nonce`.
    #[arg(long, value_name = "HEX")]
    pub nonce: String,
    /// A composite quote instead: an SEV-SNP report of the AMD test kit's Milan chip naming
    /// --gpus dev H100s.
    #[arg(long)]
    pub composite_sev: bool,
    /// How many GPUs the composite quote holds.
    #[arg(long, default_value_t = 1, requires = "composite_sev")]
    pub gpus: u32,
    /// Write the envelope (binary) here instead of printing hex.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<std::path::PathBuf>,
}

/// `aimine node`.
#[derive(clap::Args, Debug)]
pub struct NodeArgs {
    /// The address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 8545)]
    pub port: u16,
    /// The chain id (the genesis file's, or 96369).
    #[arg(long)]
    pub chain_id: Option<u64>,
    /// A genesis file (JSON: chainId, admin, timestamp, anchors, rewardPool, devAccounts,
    /// devBalance, alloc, spenders, params, gas; see aimine-node's `GenesisFile`).
    #[arg(long, value_name = "FILE")]
    pub genesis: Option<std::path::PathBuf>,
    /// Mine a block every SECS seconds from a transaction pool, instead of one block per
    /// transaction at once.
    #[arg(long, value_name = "SECS")]
    pub block_time: Option<u64>,
    /// Also trust the testkit's dev GPU root (`Sha256("aimine node dev root")` seed), so that
    /// quotes forged by aimine-nvtrust's testkit verify. Never on a real chain.
    #[arg(long)]
    pub dev_root: bool,
    /// Persist the chain in DIR (an embedded redb database, one durable commit per block) and
    /// resume from it on start; in memory when absent.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<std::path::PathBuf>,
}

/// `aimine tee …`: FILE is an Intel DCAP quote, a 1184-byte SEV-SNP report, or an `AIMQ`
/// envelope holding one (with its collateral or certificates), raw or hex.
#[derive(Debug, Subcommand)]
pub enum TeeCommand {
    /// Print what a quote or report says, without verifying it: kind, version, FMSPC, measurements,
    /// report data, guest policy, TCB.
    Inspect(TeeInspectArgs),
    /// Verify a quote (with --collateral) or report (with --vcek): print "accepted" or the first
    /// failed check by name, the TCB status and the tier. Exit 0 only when accepted.
    Verify(TeeVerifyArgs),
}

/// Arguments of `aimine tee inspect`.
#[derive(Debug, Args)]
pub struct TeeInspectArgs {
    /// The quote or report (raw bytes or hex).
    #[arg(value_name = "FILE")]
    pub file: std::path::PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `aimine tee verify`.
#[derive(Debug, Args)]
pub struct TeeVerifyArgs {
    /// The quote or report (raw bytes or hex).
    #[arg(value_name = "FILE")]
    pub file: std::path::PathBuf,
    /// Intel: the collateral, as dcap-qvl's QuoteCollateralV3 JSON.
    #[arg(long, value_name = "JSON")]
    pub collateral: Option<std::path::PathBuf>,
    /// AMD: the VCEK (or VLEK) certificate, DER or PEM. A PEM file may also hold the ASK/ASVK
    /// and ARK after it.
    #[arg(long, value_name = "CERT")]
    pub vcek: Option<std::path::PathBuf>,
    /// The verification time: Unix seconds or RFC 3339. Default: now.
    #[arg(long, value_name = "UNIX|RFC3339")]
    pub at: Option<String>,
    /// Accept debug guests and enclaves.
    #[arg(long)]
    pub allow_debug: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `aimine rim …`: RIM files are NVIDIA's SWID XML (`.xml`, `.swidtag`).
#[derive(Debug, Subcommand)]
pub enum RimCommand {
    /// Verify each RIM's XML signature and certificate chain to the pinned "NVIDIA CoRIM signing
    /// Root CA"; print its version and active measurements. Exit 0 only if all verify.
    Verify(RimVerifyArgs),
    /// Verify a driver RIM and a VBIOS RIM and write their golden measurement set: the JSON
    /// governance registers on chain (with the `setGoldenSet` call data for 0x0300).
    Golden(RimGoldenArgs),
}

/// Arguments of `aimine rim verify`.
#[derive(Debug, Args)]
pub struct RimVerifyArgs {
    /// RIM files.
    #[arg(required = true, value_name = "RIM")]
    pub files: Vec<std::path::PathBuf>,
    /// The time to check certificate validity at, RFC 3339. Default: now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// A PEM certificate to trust instead of the pinned NVIDIA CoRIM signing Root CA.
    #[arg(long, value_name = "PEM")]
    pub root: Option<std::path::PathBuf>,
    /// Print one JSON object per RIM.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `aimine rim golden`.
#[derive(Debug, Args)]
pub struct RimGoldenArgs {
    /// The driver RIM (e.g. NV_GPU_DRIVER_GH100_550.90.07.xml).
    #[arg(value_name = "DRIVER_RIM")]
    pub driver: std::path::PathBuf,
    /// The VBIOS RIM (e.g. NV_GPU_VBIOS_1010_0200_882_96009F0001.xml).
    #[arg(value_name = "VBIOS_RIM")]
    pub vbios: std::path::PathBuf,
    /// Write the JSON here instead of printing it.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// The time to check certificate validity at, RFC 3339. Default: now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// A PEM certificate to trust instead of the pinned NVIDIA CoRIM signing Root CA.
    #[arg(long, value_name = "PEM")]
    pub root: Option<std::path::PathBuf>,
}

/// `aimine session …`
#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Print the nonce to request GPU evidence with, binding the quote to a chain, the account
    /// that submits it, a miner, an epoch and an optional session key: SHA-256("aimine/session/v2"
    /// ‖ chain_id ‖ submitter ‖ miner ‖ epoch ‖ key_hash).
    Nonce(NonceArgs),
}

/// Arguments of `aimine session nonce`.
#[derive(Debug, Args)]
pub struct NonceArgs {
    /// The chain id (EIP-155).
    #[arg(long)]
    pub chain_id: u64,
    /// The miner (reward recipient) address, 20 bytes hex.
    #[arg(long, value_name = "HEX")]
    pub miner: String,
    /// The account that will send the quote to AI_MINING (`msg.sender` there: the contract the
    /// miner mines through, e.g. ComputeProvider), 20 bytes hex. Default: the miner.
    #[arg(long, value_name = "HEX")]
    pub submitter: Option<String>,
    /// When the quote will be submitted (RFC 3339); its epoch is used. Default: now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// The chain's epoch length in seconds (its EpochSeconds parameter).
    #[arg(long, default_value_t = 3_600)]
    pub epoch_seconds: u64,
    /// The ML-DSA session public key (hex or @file), if the session will have one.
    #[arg(long, value_name = "HEX|@FILE")]
    pub key: Option<String>,
}

/// `aimine quote …`
///
/// FILE… is any mix of: NVIDIA attestation-SDK evidence JSON (a list of {arch, nonce, evidence,
/// certificate}); a report hex file followed by its PEM certificate chain file; an aimine quote
/// envelope (binary or hex).
#[derive(Debug, Subcommand)]
pub enum QuoteCommand {
    /// Print every parsed field of each device's evidence and certificates.
    Inspect(InspectArgs),
    /// Verify each device: prints `valid` or the first failed check; exit 0 only if all are valid.
    Verify(QuoteVerifyArgs),
    /// Write each device's quote envelope (the `bytes teeQuote` of the precompiles).
    Build(BuildArgs),
}

/// Arguments of `aimine quote inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Evidence JSON, report hex + PEM chain, or envelope files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<std::path::PathBuf>,
    /// Print one JSON object per device instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `aimine quote verify`.
#[derive(Debug, Args)]
pub struct QuoteVerifyArgs {
    /// Evidence JSON, report hex + PEM chain, or envelope files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<std::path::PathBuf>,
    /// The nonce the evidence must answer (32 bytes hex). Default: the nonce in an evidence JSON;
    /// for other inputs the nonce is then not checked, and the output says so.
    #[arg(long, value_name = "HEX")]
    pub nonce: Option<String>,
    /// The time to check certificate validity at, RFC 3339 (e.g. 2025-06-11T00:30:58Z). Default: now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// A PEM certificate to trust as the root instead of the pinned NVIDIA Device Identity CA.
    #[arg(long, value_name = "PEM")]
    pub root: Option<std::path::PathBuf>,
    /// RIMs to appraise the measurements against (NVIDIA's `measres`): a driver RIM and a VBIOS
    /// RIM, in that order, for a GPU; a BIOS RIM alone for an NVSwitch. Their signatures are
    /// verified first (at --at, to the pinned RIM root).
    #[arg(long = "rim", value_name = "RIM")]
    pub rims: Vec<std::path::PathBuf>,
    /// Print one JSON object per device instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `aimine quote build`.
///
/// GPU files alone give one kind-1 envelope per device. With a CPU quote (`--tdx`, `--sgx` or
/// `--sev`) and no GPU file, a CPU envelope (kinds 2–4); with GPU files too, one composite
/// envelope (kind 5): the CPU and its VM's GPUs, in the order given.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// GPU evidence: evidence JSON, or report hex + PEM chain files.
    #[arg(value_name = "FILE", required_unless_present_any = ["tdx", "sgx", "sev"])]
    pub files: Vec<std::path::PathBuf>,
    /// An Intel TDX quote (raw or hex).
    #[arg(long, value_name = "QUOTE", conflicts_with_all = ["sgx", "sev"])]
    pub tdx: Option<std::path::PathBuf>,
    /// An Intel SGX quote (raw or hex).
    #[arg(long, value_name = "QUOTE", conflicts_with = "sev")]
    pub sgx: Option<std::path::PathBuf>,
    /// The quote's collateral (dcap-qvl QuoteCollateralV3 JSON), carried inline; without it the
    /// chain's stored collateral for the quote's FMSPC is used.
    #[arg(long, value_name = "JSON")]
    pub collateral: Option<std::path::PathBuf>,
    /// An AMD SEV-SNP report (1,184 bytes, raw or hex).
    #[arg(long, value_name = "REPORT")]
    pub sev: Option<std::path::PathBuf>,
    /// The report's VCEK (DER or PEM, optionally followed by ASK and ARK); without it the chain's
    /// stored VCEK for the chip and TCB is used.
    #[arg(long, value_name = "CERT")]
    pub vcek: Option<std::path::PathBuf>,
    /// Write the envelope (binary) here instead of printing hex; with several devices, OUT.0, OUT.1, …
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<std::path::PathBuf>,
}

/// `aimine mldsa …`
#[derive(Debug, Subcommand)]
pub enum MldsaCommand {
    /// Verify a pure ML-DSA signature: prints `valid` (exit 0) or `invalid: <reason>` (exit 1).
    Verify(VerifyArgs),
    /// Derive a key pair from a 32-byte seed (the seed is the private key): prints the public key in hex.
    Keygen(KeygenArgs),
    /// Sign a message with the key pair of a seed: prints the signature in hex (deterministic unless --rnd is given).
    Sign(SignArgs),
}

/// Arguments of `aimine mldsa verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Parameter set: 44, 65 or 87.
    #[arg(long, value_parser = parse_level)]
    pub level: aimine_mldsa::Level,
    /// Public key (hex or @file).
    #[arg(long, value_name = "HEX|@FILE")]
    pub pk: String,
    /// Message (hex or @file).
    #[arg(long, value_name = "HEX|@FILE")]
    pub msg: String,
    /// Signature (hex or @file).
    #[arg(long, value_name = "HEX|@FILE")]
    pub sig: String,
    /// Context string, at most 255 bytes (hex or @file); empty when absent.
    #[arg(long, value_name = "HEX|@FILE")]
    pub ctx: Option<String>,
}

/// Arguments of `aimine mldsa keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Parameter set: 44, 65 or 87.
    #[arg(long, value_parser = parse_level)]
    pub level: aimine_mldsa::Level,
    /// The 32-byte key-generation seed ξ (hex or @file). Keep it secret: it is the private key.
    #[arg(long, value_name = "HEX|@FILE")]
    pub seed: String,
}

/// Arguments of `aimine mldsa sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Parameter set: 44, 65 or 87.
    #[arg(long, value_parser = parse_level)]
    pub level: aimine_mldsa::Level,
    /// The 32-byte key-generation seed ξ the key pair was derived from (hex or @file).
    #[arg(long, value_name = "HEX|@FILE")]
    pub seed: String,
    /// Message (hex or @file).
    #[arg(long, value_name = "HEX|@FILE")]
    pub msg: String,
    /// Context string, at most 255 bytes (hex or @file); empty when absent.
    #[arg(long, value_name = "HEX|@FILE")]
    pub ctx: Option<String>,
    /// 32 bytes of signing randomness (hex or @file); all zeros (deterministic signing) when absent.
    #[arg(long, value_name = "HEX|@FILE")]
    pub rnd: Option<String>,
}

/// Parses `44`, `65` or `87` (also `ML-DSA-44` and the like) into a level.
fn parse_level(text: &str) -> Result<aimine_mldsa::Level, String> {
    let digits = text
        .trim()
        .trim_start_matches("ML-DSA-")
        .trim_start_matches("ml-dsa-");
    digits
        .parse::<u8>()
        .ok()
        .and_then(aimine_mldsa::Level::from_name_number)
        .ok_or_else(|| format!("{text:?} is not an ML-DSA level: use 44, 65 or 87"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aimine_mldsa::Level;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn levels_parse_by_number_or_name() {
        assert_eq!(parse_level("44"), Ok(Level::MlDsa44));
        assert_eq!(parse_level("ML-DSA-65"), Ok(Level::MlDsa65));
        assert_eq!(parse_level("ml-dsa-87"), Ok(Level::MlDsa87));
        assert!(parse_level("2").is_err());
        assert!(parse_level("").is_err());
        assert!(parse_level("999").is_err());
    }
}
