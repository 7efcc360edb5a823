//! # aimine-vectors
//!
//! Test support shared by every aimine crate: locates the real test vectors that live outside
//! the repository (`../shared/vectors` beside the checkout, or wherever `AIMINE_VECTORS` points)
//! and reads them. Vectors are never copied into the repo.
//!
//! The policy, in one place:
//! - `AIMINE_VECTORS` set: that folder is used; if it does not exist the test fails (an explicit
//!   path that is wrong is a mistake, not a reason to skip).
//! - otherwise `<workspace>/../shared/vectors` is used when it exists;
//! - when no folder is found, [`dir`] prints a notice to stderr and returns `None`, so the test
//!   can skip; except under `CI=true`, where it panics so that CI goes red instead of green-but-empty.
//!
//! The raw vectors are read by [`nvidia`] (the NVIDIA report sets and SDK evidence JSON, as
//! devices) and [`cputee`] (Intel quotes with collateral, AMD's Milan report): one loader per
//! vector, which returns `None` only when the vectors are absent and panics on a vector that is
//! present but malformed, so a test never skips on bad data. On top of them, the helpers that
//! several crates' tests share, each behind the feature of its module's name, so a crate's tests
//! build only the layers below it:
//! - `quotes`: real and forged quotes as AIMQ envelopes (GPU, Intel, SEV-SNP, composite);
//! - `registry`: an initialised registry on the in-memory store, and its SEV-SNP world;
//! - `evm`: a devnet with the precompiles, the compiled contracts, and receipt helpers;
//! - [`cli`] (no feature): running the `aimine` binary from its tests.
//!
//! This crate is for tests only (`publish = false`); it is std and may panic.
//!
//! ## Lints
//! The workspace denies the hostile-input lints (`unwrap`, `expect`, `panic`, indexing,
//! unchecked arithmetic) in library code. Test code may assert freely: the `allow` below covers
//! this crate (test code by definition: a panic here is a failed test), each crate's one
//! integration-test binary (`tests/suite/main.rs`) states the same relaxation once, and
//! `.clippy.toml` covers `#[test]` functions and `#[cfg(test)]` modules in `src/`. A helper only
//! one test file needs stays in that file; one that several need belongs here.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use std::path::{Path, PathBuf};

pub mod cli;
#[cfg(feature = "evm")]
pub mod evm;
#[cfg(feature = "quotes")]
pub mod quotes;
#[cfg(feature = "registry")]
pub mod registry;

/// The environment variable that overrides where the vectors are.
pub const ENV_VAR: &str = "AIMINE_VECTORS";

/// The vectors folder, or `None` (after printing why) when a test should skip.
///
/// # Panics
/// When `AIMINE_VECTORS` names a missing folder, or when no folder is found under `CI=true`.
pub fn dir() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os(ENV_VAR) {
        let path = PathBuf::from(explicit);
        assert!(
            path.is_dir(),
            "{ENV_VAR}={} is not a folder; unset it to use the default ../shared/vectors",
            path.display()
        );
        return Some(path);
    }
    let default = default_dir();
    if default.is_dir() {
        return Some(default);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !in_ci,
        "CI=true but the test vectors are missing: expected {} (or set {ENV_VAR})",
        default.display()
    );
    eprintln!(
        "NOTICE: test vectors not found at {} and {ENV_VAR} is unset: skipping the tests that need them",
        default.display()
    );
    None
}

/// `<workspace root>/../shared/vectors`, where CI and developers keep the vectors.
pub fn default_dir() -> PathBuf {
    // This crate sits at <workspace>/crates/aimine-vectors; the vectors beside the workspace.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    match manifest.ancestors().nth(3) {
        Some(beside_workspace) => beside_workspace.join("shared/vectors"),
        None => manifest.join("../../../shared/vectors"),
    }
}

/// The path of `relative` inside the vectors folder, or `None` when the vectors are absent
/// (see [`dir`]).
///
/// # Panics
/// As [`dir`], and when the folder exists but lacks `relative` (a broken vector set must fail).
pub fn path(relative: &str) -> Option<PathBuf> {
    let path = dir()?.join(relative);
    assert!(
        path.exists(),
        "vector {} is missing from the vectors folder",
        path.display()
    );
    Some(path)
}

/// The bytes of the vector file `relative`, or `None` when the vectors are absent.
///
/// # Panics
/// As [`path`], and when the file cannot be read.
pub fn read(relative: &str) -> Option<Vec<u8>> {
    let path = path(relative)?;
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display())))
}

/// The vector file `relative` parsed as JSON, or `None` when the vectors are absent.
///
/// # Panics
/// As [`read`], and when the file is not JSON.
pub fn read_json(relative: &str) -> Option<serde_json::Value> {
    let bytes = read(relative)?;
    Some(
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{relative} is not valid JSON: {e}")),
    )
}

/// The bytes of a hex file (surrounding white space ignored), or `None` when the vectors are absent.
///
/// # Panics
/// As [`read`], and when the file is not hex.
pub fn read_hex(relative: &str) -> Option<Vec<u8>> {
    let text = read(relative)?;
    let text = std::str::from_utf8(&text).expect("hex vector is not UTF-8");
    Some(hex::decode(text.trim()).unwrap_or_else(|e| panic!("{relative} is not hex: {e}")))
}

/// Decodes a hex string from a JSON vector.
///
/// # Panics
/// When `text` is not hex.
pub fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap_or_else(|e| panic!("not hex ({e}): {text:.40}"))
}

/// A 32-byte nonce from hex.
///
/// # Panics
/// When `text` is not 64 hex digits.
pub fn nonce(text: &str) -> [u8; 32] {
    unhex(text)
        .try_into()
        .unwrap_or_else(|_| panic!("not a 32-byte nonce: {text}"))
}

/// The certificates of a PEM text, DER, in order (anything outside the `CERTIFICATE` blocks is
/// ignored).
///
/// # Panics
/// On a block that is not base64.
pub fn pem_chain(text: &str) -> Vec<Vec<u8>> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = Vec::new();
    let mut body: Option<String> = None;
    for line in text.lines().map(str::trim) {
        match (line, body.as_mut()) {
            ("-----BEGIN CERTIFICATE-----", None) => body = Some(String::new()),
            ("-----END CERTIFICATE-----", Some(b)) => {
                out.push(b64.decode(b.as_bytes()).expect("PEM body is base64"));
                body = None;
            }
            (l, Some(b)) => b.push_str(l),
            _ => {}
        }
    }
    out
}

/// The NVIDIA evidence sets of `nvidia/` (see its MANIFEST.md): report, chain, and the nonce the
/// report answers. One list for every crate's tests, fuzz seeds and benches.
pub mod nvidia {
    /// One report with its certificate chain.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Set {
        /// The report hex file, relative to `nvidia/`.
        pub report: &'static str,
        /// The PEM chain file, relative to `nvidia/`.
        pub chain: &'static str,
        /// The request nonce in the report, hex.
        pub nonce: &'static str,
        /// Whether the MANIFEST says the report verifies.
        pub valid: bool,
    }

    /// The request nonce most report sets answer (and the SDK's LS10 evidence JSON).
    pub const NONCE_931D: &str = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
    /// The request nonce of the SDK's Hopper evidence JSON (driver 590.12, PPCIE mode).
    pub const NONCE_E97B: &str = "e97b23a1718095a0e9e35edca810768c70a6a5a389b705e753b197912bc11576";
    const N931D: &str = NONCE_931D;

    /// H100, driver 550.90.07, with FWID.
    pub const HOPPER_550: Set = Set {
        report: "hopper-550.90.07/hopperAttestationReport.txt",
        chain: "hopper-550.90.07/hopperCertChain.txt",
        nonce: N931D,
        valid: true,
    };
    /// H100, driver 580.159.03, opaque-data version 1, SPT.
    pub const HOPPER_580: Set = Set {
        report: "hopper-580.159.03/hopperAttestationReport.txt",
        chain: "hopper-580.159.03/hopperCertChain.txt",
        nonce: "5bb22e377702d4e1e8215a903ba094826b9ac7f731dee1fe8102958bf2840aca",
        valid: true,
    };
    /// H100, driver 535.86.09, no FWID.
    pub const HOPPER_535: Set = Set {
        report: "hopper-535.86.09/hopperAttestationReport.txt",
        chain: "hopper-535.86.09/hopperCertChain.txt",
        nonce: "27a328247bf7935c993341cf587be6f05986ccce4fe7ba2c54100bd616a58f66",
        valid: true,
    };
    /// H100, driver 570.124.03.
    pub const HOPPER_570: Set = Set {
        report: "hopper-570.124.03/hopperAttestationReportExpired.txt",
        chain: "hopper-570.124.03/hopperCertChainExpired.txt",
        nonce: N931D,
        valid: true,
    };
    /// H100 HGX with an invalid signature.
    pub const HOPPER_INVALID_SIGNATURE: Set = Set {
        report: "hopper-invalid-signature/hopperAttestationReportInvalidSignature.txt",
        chain: "hopper-invalid-signature/hopperCertChainExpired.txt",
        nonce: N931D,
        valid: false,
    };
    /// B200, driver 575.32.
    pub const BLACKWELL_575: Set = Set {
        report: "blackwell-575.32/blackwellAttestationReport.txt",
        chain: "blackwell-575.32/blackwellCertChain.txt",
        nonce: N931D,
        valid: true,
    };
    /// NVSwitch LS10.
    pub const LS10: Set = Set {
        report: "ls10-switch/switchAttestationReport.txt",
        chain: "ls10-switch/switchCertChain.txt",
        nonce: N931D,
        valid: true,
    };
    /// NVSwitch LS10 with an invalid signature (its own nonce, ea038ed5…).
    pub const LS10_INVALID_SIGNATURE: Set = Set {
        report: "ls10-switch-invalid-signature/switchAttestationReportInvalidSignature.txt",
        chain: "ls10-switch-invalid-signature/switchCertChain.txt",
        nonce: "",
        valid: false,
    };

    /// Every set.
    pub const ALL: [Set; 8] = [
        HOPPER_550,
        HOPPER_580,
        HOPPER_535,
        HOPPER_570,
        HOPPER_INVALID_SIGNATURE,
        BLACKWELL_575,
        LS10,
        LS10_INVALID_SIGNATURE,
    ];

    /// The evidence bytes and the PEM chain text of `set`, or `None` when the vectors are absent.
    ///
    /// # Panics
    /// As [`crate::read`].
    pub fn load(set: &Set) -> Option<(Vec<u8>, String)> {
        let evidence = crate::read_hex(&format!("nvidia/{}", set.report))?;
        let pem = crate::read(&format!("nvidia/{}", set.chain))?;
        Some((evidence, String::from_utf8(pem).expect("PEM is text")))
    }

    /// A block timestamp at which every valid set's chain is valid (2025-06-11T00:30:58Z, when
    /// the sets were captured).
    pub const CAPTURED_AT: aimine_time::UnixTime = aimine_time::UnixTime(1_749_601_858);

    /// One device's evidence, its chain (DER, leaf first) and its request nonce.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Device {
        /// Where it came from (the report file, or the JSON file and index).
        pub name: String,
        /// The raw SPDM evidence.
        pub evidence: Vec<u8>,
        /// The certificates, leaf first.
        pub chain: Vec<Vec<u8>>,
        /// The nonce of its GET_MEASUREMENTS request.
        pub nonce: [u8; 32],
    }

    impl Device {
        /// The chain as slices, as verifiers take it.
        pub fn chain_refs(&self) -> Vec<&[u8]> {
            self.chain.iter().map(Vec::as_slice).collect()
        }
    }

    /// The nonce of an SPDM GET_MEASUREMENTS request: the 32 bytes after its 4-byte header.
    ///
    /// # Panics
    /// When the evidence is shorter than a request.
    pub fn request_nonce(evidence: &[u8]) -> [u8; 32] {
        evidence
            .get(4..36)
            .and_then(|n| n.try_into().ok())
            .expect("evidence starts with a GET_MEASUREMENTS request")
    }

    /// `set` loaded, or `None` when the vectors are absent. A set without a listed nonce gets the
    /// one in its report.
    ///
    /// # Panics
    /// As [`crate::read`], and for a malformed chain file.
    pub fn device(set: &Set) -> Option<Device> {
        let (evidence, pem) = load(set)?;
        let nonce = if set.nonce.is_empty() {
            request_nonce(&evidence)
        } else {
            crate::nonce(set.nonce)
        };
        Some(Device {
            name: set.report.to_string(),
            chain: crate::pem_chain(&pem),
            evidence,
            nonce,
        })
    }

    /// Several sets loaded (none when the vectors are absent).
    pub fn devices(sets: &[Set]) -> Vec<Device> {
        sets.iter().filter_map(device).collect()
    }

    /// Every device of an attestation-SDK evidence JSON file (relative to `nvidia/`), with its
    /// architecture name, or `None` when the vectors are absent.
    ///
    /// # Panics
    /// As [`crate::read`], and for a file that is not SDK evidence JSON.
    pub fn sdk_json(file: &str) -> Option<Vec<(String, Device)>> {
        use base64::Engine;
        let doc = crate::read_json(&format!("nvidia/{file}"))?;
        let b64 = base64::engine::general_purpose::STANDARD;
        let text = |item: &serde_json::Value, key: &str| -> String {
            item[key]
                .as_str()
                .unwrap_or_else(|| panic!("{file}: no {key}"))
                .to_string()
        };
        let devices = doc
            .as_array()
            .unwrap_or_else(|| panic!("{file}: not an array"));
        Some(
            devices
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let evidence = b64.decode(text(item, "evidence")).expect("base64 evidence");
                    let pem = b64.decode(text(item, "certificate")).expect("base64 chain");
                    let pem = String::from_utf8(pem).expect("PEM is text");
                    let device = Device {
                        name: format!("{file}[{i}]"),
                        evidence,
                        chain: crate::pem_chain(&pem),
                        nonce: crate::nonce(&text(item, "nonce")),
                    };
                    (text(item, "arch"), device)
                })
                .collect(),
        )
    }

    /// NVIDIA's device-identity root as DER, from the vectors.
    ///
    /// # Panics
    /// As [`crate::read`], and for a root file that is not one PEM certificate.
    pub fn root_der() -> Option<Vec<u8>> {
        let pem = crate::read("nvidia/roots/verifier_device_root.pem")?;
        let mut chain = crate::pem_chain(std::str::from_utf8(&pem).expect("PEM is text"));
        assert_eq!(chain.len(), 1, "one root certificate");
        chain.pop()
    }
}

/// The CPU TEE vectors of `cputee/` (see its MANIFEST.md), raw: Intel DCAP quotes with their
/// collateral, and AMD's Milan report with its VCEK.
pub mod cputee {
    use aimine_time::UnixTime;

    /// A time inside every valid Intel quote's collateral window (2025-07-02T23:33:20Z).
    pub const INTEL_AT: UnixTime = UnixTime(1_751_500_000);

    /// A time inside the Milan VCEK's and AMD chain's validity (2025-01-01T00:00:00Z).
    pub const MILAN_AT: UnixTime = UnixTime(1_735_689_600);

    /// The Intel quote `cputee/intel-dcap/{name}` (`tdx_quote`, `sgx_quote`,
    /// `tdx_quote_outdated`) and its collateral JSON text, or `None` when the vectors are absent.
    ///
    /// # Panics
    /// As [`crate::read`], and for collateral that is not text.
    pub fn intel(name: &str) -> Option<(Vec<u8>, String)> {
        let quote = crate::read(&format!("cputee/intel-dcap/{name}"))?;
        let json = crate::read(&format!("cputee/intel-dcap/{name}_collateral.json"))?;
        Some((
            quote,
            String::from_utf8(json).expect("collateral JSON is text"),
        ))
    }

    /// The genuine Milan SEV-SNP report and the DER VCEK that signed it, or `None` when the
    /// vectors are absent.
    ///
    /// # Panics
    /// As [`crate::read`].
    pub fn milan() -> Option<(Vec<u8>, Vec<u8>)> {
        let report = crate::read_hex("cputee/amd-sev-snp/report_milan.hex")?;
        let vcek = crate::read("cputee/amd-sev-snp/vcek_milan.der")?;
        Some((report, vcek))
    }
}

/// The mission folder (`ComputeProvider.sol`): `AIMINE_MISSION` if set, else `mission/` beside
/// the vectors folder. `None` (after a notice) where a test should skip, as for [`dir`].
///
/// # Panics
/// As [`dir`], and when `AIMINE_MISSION` names a missing folder.
pub fn mission_dir() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("AIMINE_MISSION") {
        let path = PathBuf::from(explicit);
        assert!(
            path.is_dir(),
            "AIMINE_MISSION={} is not a folder",
            path.display()
        );
        return Some(path);
    }
    let vectors = dir()?;
    let mission = vectors
        .parent()
        .map_or_else(|| vectors.join("../mission"), |p| p.join("mission"));
    assert!(
        mission.join("ComputeProvider.sol").is_file(),
        "the mission's ComputeProvider.sol is missing from {} (set AIMINE_MISSION)",
        mission.display()
    );
    Some(mission)
}

/// The pinned Solidity compiler (npm `solc`, `tools/solc/`), driven by `cargo xtask sol` and by
/// the test that keeps the committed artifacts fresh.
pub mod solc {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The workspace root.
    pub fn root() -> PathBuf {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest
            .ancestors()
            .nth(2)
            .map_or_else(|| manifest.join("../.."), Path::to_path_buf)
    }

    /// Whether `node` and `npm` run here.
    pub fn node_available() -> bool {
        let runs = |tool: &str| {
            Command::new(tool)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        runs("node") && runs("npm")
    }

    /// Installs the pinned compiler (`npm ci` in `tools/solc`) unless it is there.
    ///
    /// # Errors
    /// When npm fails.
    pub fn install() -> Result<(), String> {
        let tools = root().join("tools/solc");
        if tools.join("node_modules/solc/package.json").is_file() {
            return Ok(());
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&tools)
            .status()
            .map_err(|e| format!("cannot run npm: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("npm ci in {} failed ({status})", tools.display()))
        }
    }

    /// Compiles ComputeProvider (from `mission`) and the test contracts into
    /// `crates/aimine-evm/artifacts/`; with `check`, compares instead of writing.
    ///
    /// # Errors
    /// A compile error, or (with `check`) a stale artifact; the compiler's output says which.
    pub fn compile(mission: &Path, check: bool) -> Result<(), String> {
        install()?;
        let root = root();
        let mut cmd = Command::new("node");
        cmd.arg(root.join("tools/solc/compile.js"))
            .arg(&root)
            .arg(mission);
        if check {
            cmd.arg("--check");
        }
        let status = cmd.status().map_err(|e| format!("cannot run node: {e}"))?;
        if status.success() {
            Ok(())
        } else if check {
            Err("compiled artifacts differ from the committed ones: run `cargo xtask sol`".into())
        } else {
            Err(format!("solc failed ({status})"))
        }
    }
}

/// Foundry's `cast` and `anvil` (npm `@foundry-rs/cast` and `@foundry-rs/anvil`, pinned in
/// `tools/foundry/package-lock.json`), for the tests that drive a node with a real client and
/// the differential test against anvil.
pub mod foundry {
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::Mutex;

    /// Serialises the installs: the tests of one binary run in parallel, and two `npm ci` in
    /// the same folder would race.
    static INSTALL: Mutex<()> = Mutex::new(());

    /// The `cast` binary, installed on first use (`npm ci` in `tools/foundry`) where node and
    /// npm run; `None` (after a notice) where they do not, so the test can skip.
    ///
    /// # Panics
    /// Under `CI=true` when cast cannot be installed, and when npm fails.
    pub fn cast() -> Option<PathBuf> {
        tool("cast")
    }

    /// The `anvil` binary, installed on first use as [`cast`] is; `None` (after a notice)
    /// where node or npm is missing.
    ///
    /// # Panics
    /// Under `CI=true` when anvil cannot be installed, and when npm fails.
    pub fn anvil() -> Option<PathBuf> {
        tool("anvil")
    }

    /// Foundry's `name` (`cast`, `anvil`) from `tools/foundry`, installing the pinned packages
    /// when it is missing. The npm package's wrapper exits 0 even on errors, so the platform
    /// binary is returned.
    fn tool(name: &str) -> Option<PathBuf> {
        let tools = crate::solc::root().join("tools/foundry");
        let bin = tools.join(format!(
            "node_modules/@foundry-rs/{name}-linux-amd64/bin/{name}"
        ));
        let _guard = INSTALL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if bin.is_file() {
            return Some(bin);
        }
        if !crate::solc::node_available() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but node/npm are missing: cannot install {name}"
            );
            eprintln!("NOTICE: node/npm not found: skipping the test that runs {name}");
            return None;
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&tools)
            .status()
            .expect("run npm");
        assert!(status.success(), "npm ci in {} failed", tools.display());
        assert!(
            bin.is_file(),
            "npm installed no {name} at {}",
            bin.display()
        );
        Some(bin)
    }
}

/// The client libraries of aimine-node's client tests, each pinned in its own project under
/// `tools/clients/` with a script that drives a node: viem (npm, `tools/clients/viem`, locked by
/// its package-lock.json) and web3.py (PyPI, `tools/clients/web3py`, every package pinned in
/// requirements.txt, installed into a virtual environment there).
///
/// Each is installed on first use and again whenever its lock file changes (the installed copy
/// of the lock file is kept beside the packages as a stamp). Where the runtime (node and npm,
/// or python3 with venv) is missing, the function prints a notice and returns `None` so the test
/// can skip; under `CI=true` it panics instead, as does a failed installation anywhere.
pub mod clients {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The file, beside the installed packages, that holds the lock file they were installed from.
    const STAMP: &str = ".aimine-installed";

    /// A client script and the interpreter that runs it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Client {
        /// The interpreter (`node`, or the virtual environment's python).
        pub program: PathBuf,
        /// The script, run as the interpreter's first argument.
        pub script: PathBuf,
    }

    impl Client {
        /// The command that runs the script; the caller adds its arguments.
        pub fn command(&self) -> Command {
            let mut cmd = Command::new(&self.program);
            cmd.arg(&self.script);
            cmd
        }
    }

    /// The folder of client `name` under `tools/clients/`.
    fn folder(name: &str) -> PathBuf {
        crate::solc::root().join("tools/clients").join(name)
    }

    /// `None` after a notice where `runtime` is missing, or a panic under `CI=true`.
    fn absent(runtime: &str, client: &str) -> Option<Client> {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {runtime} is missing: cannot install {client}"
        );
        eprintln!("NOTICE: {runtime} not found: skipping the test that runs {client}");
        None
    }

    /// Whether the packages stamped in `stamp` were installed from `lock` as it is now.
    fn installed_from(stamp: &Path, lock: &Path) -> bool {
        let current = std::fs::read(lock).unwrap_or_else(|e| panic!("{}: {e}", lock.display()));
        std::fs::read(stamp).is_ok_and(|installed| installed == current)
    }

    /// Copies `lock` to `stamp` after an installation.
    fn stamp(stamp: &Path, lock: &Path) {
        std::fs::copy(lock, stamp).unwrap_or_else(|e| panic!("{}: {e}", stamp.display()));
    }

    /// Runs `cmd` in `dir`, panicking with `what` on failure.
    fn run(mut cmd: Command, dir: &Path, what: &str) {
        let status = cmd
            .current_dir(dir)
            .status()
            .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
        assert!(
            status.success(),
            "{what} in {} failed ({status})",
            dir.display()
        );
    }

    /// viem (`tools/clients/viem/script.mjs` under node), installed with `npm ci` on first use.
    ///
    /// # Panics
    /// Under `CI=true` when node or npm is missing, and when `npm ci` fails.
    pub fn viem() -> Option<Client> {
        let dir = folder("viem");
        let lock = dir.join("package-lock.json");
        let marker = dir.join("node_modules").join(STAMP);
        if !crate::solc::node_available() {
            return absent("node/npm", "viem");
        }
        if !installed_from(&marker, &lock) {
            let mut npm = Command::new("npm");
            npm.args(["ci", "--no-audit", "--no-fund", "--silent"]);
            run(npm, &dir, "npm ci");
            stamp(&marker, &lock);
        }
        let installed = dir.join("node_modules/viem/package.json");
        assert!(
            installed.is_file(),
            "npm installed no viem at {}",
            installed.display()
        );
        Some(Client {
            program: PathBuf::from("node"),
            script: dir.join("script.mjs"),
        })
    }

    /// Whether `python3` runs here and has the `venv` module.
    fn python_available() -> bool {
        Command::new("python3")
            .args(["-m", "venv", "--help"])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// web3.py (`tools/clients/web3py/script.py` under the virtual environment's python),
    /// installed on first use into `tools/clients/web3py/.venv` from requirements.txt.
    ///
    /// # Panics
    /// Under `CI=true` when python3 or its venv module is missing, and when the virtual
    /// environment or pip fails.
    pub fn web3py() -> Option<Client> {
        let dir = folder("web3py");
        let lock = dir.join("requirements.txt");
        let venv = dir.join(".venv");
        let python = if cfg!(windows) {
            venv.join("Scripts/python.exe")
        } else {
            venv.join("bin/python")
        };
        let marker = venv.join(STAMP);
        if !python.is_file() || !installed_from(&marker, &lock) {
            if !python_available() {
                return absent("python3 (with venv)", "web3.py");
            }
            if !python.is_file() {
                let mut mk = Command::new("python3");
                mk.args(["-m", "venv", ".venv"]);
                run(mk, &dir, "python3 -m venv");
            }
            let mut pip = Command::new(&python);
            pip.args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-virtualenv",
                "-r",
                "requirements.txt",
            ]);
            run(pip, &dir, "pip install -r requirements.txt");
            stamp(&marker, &lock);
        }
        Some(Client {
            program: python,
            script: dir.join("script.py"),
        })
    }
}
