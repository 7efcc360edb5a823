//! `cargo xtask <command>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `ci`: format check, clippy with `-D warnings`, the workspace tests, the no-std check.
//! - `nostd`: proves every library crate builds without std (and that the check can fail).
//! - `bench [filter]`: runs the criterion benches and prints one summary table.
//! - `fuzz <target> [seconds]`: installs cargo-fuzz if missing and fuzzes with the nightly toolchain.
//! - `sol [--check]`: compiles the Solidity (the mission's ComputeProvider, the test contracts)
//!   with the pinned npm `solc` into `crates/aimine-evm/artifacts/`.
#![forbid(unsafe_code)]
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod bench;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// A failed step, with what to tell the user.
type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  ci                      fmt check, clippy -D warnings, workspace tests, no-std check
  nostd                   prove every library crate builds without std
  bench [FILTER]          run the criterion benches and print the summary table
  fuzz TARGET [SECONDS]   fuzz TARGET with cargo-fuzz on nightly (default 60 s)
  sol [--check]           compile the Solidity with the pinned solc into crates/aimine-evm/artifacts
                          (--check: fail if the committed artifacts are stale)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("nostd") => nostd(),
        Some("bench") => bench::report(args.get(1).map(String::as_str)),
        Some("fuzz") => fuzz(&args[1..]),
        Some("sol") => sol(args.get(1).is_some_and(|a| a == "--check")),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the folder above `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `cargo` as the running cargo (respects rustup's choice), in the workspace root.
fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Runs a command, failing with its description when it does not succeed.
fn run(mut cmd: Command, what: &str) -> Result {
    eprintln!("xtask: {what}");
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: failed ({status})"))
    }
}

fn ci() -> Result {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    run(fmt, "cargo fmt --all --check")?;
    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run(
        clippy,
        "cargo clippy --workspace --all-targets -- -D warnings",
    )?;
    let mut test = cargo();
    test.args(["test", "--workspace"]);
    run(test, "cargo test --workspace")?;
    nostd()
}

/// The library crates, which must build without std.
const LIBRARY_CRATES: &[&str] = &[
    "aimine-time",
    "aimine-p384",
    "aimine-mldsa",
    "aimine-nvtrust",
    "aimine-tee",
    "aimine-envelope",
    "aimine-tiers",
    "aimine-registry",
    "aimine-evm",
];

/// Library crates whose default features need std, checked without them: aimine-tee's `intel`
/// (dcap-qvl 0.7 declares cdylib and staticlib outputs for its library, which rustc can link only
/// with std's panic handler and allocator, so the feature turns on dcap-qvl's `std`).
const DEFAULT_NEEDS_STD: &[&str] = &["aimine-tee"];

/// Dependencies whose `std` feature the graph check lets through, each with why it does not pull
/// std in. libc (through libcrux-platform, aimine-mldsa's backend's CPU detection, which asks for
/// libc's default features): libc 0.2 is `#![no_std]` whatever its features (its lib.rs opts out of
/// no_std only for `rustc-dep-of-std`), and `std` only tells it that std links the C libraries
/// (src/unix/mod.rs), so it declares no links of its own.
const STD_FEATURE_HARMLESS: &[&str] = &["libc"];

/// Builds the no_std staticlib that links every library crate, then the same with std pulled in
/// on purpose, which must fail: a check that cannot fail proves nothing. Then reads each library's
/// dependency graph, since a dependency that is declared but never referenced is not linked and
/// so escapes the build check, yet would still break a user building for a target without std.
fn nostd() -> Result {
    let build = |canary: bool| {
        let mut cmd = cargo();
        cmd.args([
            "build",
            "--package",
            "aimine-nostd-check",
            "--profile",
            "nostd",
        ]);
        cmd.args(["--features", if canary { "std-canary" } else { "check" }]);
        cmd
    };
    run(build(false), "no-std build of every library crate")?;
    eprintln!("xtask: canary: the same build with std linked on purpose must fail");
    let output = build(true)
        .output()
        .map_err(|e| format!("canary build: cannot start: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return Err(
            "the no-std check passed with std linked in: it would not catch a regression".into(),
        );
    }
    if !stderr.contains("duplicate lang item `panic_impl`") {
        return Err(format!(
            "the canary build failed, but not because of std:\n{stderr}"
        ));
    }
    for krate in LIBRARY_CRATES {
        let output = cargo()
            .args([
                "tree",
                "--package",
                krate,
                "--edges",
                "normal,features,no-proc-macro",
            ])
            .args(["--prefix", "none"])
            .args(
                DEFAULT_NEEDS_STD
                    .contains(krate)
                    .then_some("--no-default-features"),
            )
            .output()
            .map_err(|e| format!("cargo tree: cannot start: {e}"))?;
        if !output.status.success() {
            return Err(format!("cargo tree --package {krate} failed"));
        }
        let tree = String::from_utf8_lossy(&output.stdout);
        let with_std: Vec<&str> = tree
            .lines()
            .filter(|l| l.contains("feature \"std\""))
            .filter(|l| {
                !STD_FEATURE_HARMLESS
                    .iter()
                    .any(|dep| l.starts_with(&format!("{dep} feature ")))
            })
            .collect();
        if !with_std.is_empty() {
            return Err(format!(
                "{krate} enables std in its dependencies:\n{}",
                with_std.join("\n")
            ));
        }
    }
    eprintln!(
        "xtask: no-std check ok: every library crate builds without std, none enables std in a \
         dependency, and linking std fails as it must"
    );
    Ok(())
}

fn fuzz(args: &[String]) -> Result {
    let target = args
        .first()
        .ok_or_else(|| format!("fuzz needs a target: one of {:?}", aimine_fuzz::TARGETS))?;
    if !aimine_fuzz::TARGETS.contains(&target.as_str()) {
        return Err(format!(
            "unknown fuzz target {target:?}: one of {:?}",
            aimine_fuzz::TARGETS
        ));
    }
    let seconds: u64 = match args.get(1) {
        Some(s) => s
            .parse()
            .map_err(|_| format!("seconds must be a whole number, not {s:?}"))?,
        None => 60,
    };
    let has_fuzz = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_fuzz {
        let mut install = Command::new("cargo");
        install.args(["install", "cargo-fuzz", "--locked"]);
        run(install, "installing cargo-fuzz")?;
    }
    // Seed the corpus from the real vectors (read in place; the corpus folder is git-ignored).
    let corpus = root().join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("creating {}: {e}", corpus.display()))?;
    let seeds = aimine_fuzz::seeds::for_target(target);
    for (i, seed) in seeds.iter().enumerate() {
        let path = corpus.join(format!("seed-{i}"));
        std::fs::write(&path, seed).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    if !seeds.is_empty() {
        eprintln!(
            "xtask: {} seeds from the vectors in {}",
            seeds.len(),
            corpus.display()
        );
    }
    // rustup's proxy picks nightly from `+nightly`; the CARGO variable would pin the stable cargo.
    // cargo-fuzz sets RUSTFLAGS, and cargo then ignores `build.rustflags` of
    // .cargo/config.toml: the p384 backend flag the shipped build uses must be passed here (it
    // adds ours to its own), or the fuzzer tests crypto-bigint's field arithmetic, not fiat's.
    let mut rustflags = std::env::var("RUSTFLAGS").unwrap_or_default();
    rustflags.push_str(r#" --cfg p384_backend="fiat""#);
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root())
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("RUSTFLAGS", rustflags.trim())
        .args([
            "+nightly",
            "fuzz",
            "run",
            target,
            "--features",
            "libfuzzer",
            "--",
        ])
        .arg(format!("-max_total_time={seconds}"));
    run(cmd, &format!("fuzzing {target} for {seconds} s"))
}

/// `cargo xtask sol`: node and npm install the pinned compiler on first use.
fn sol(check: bool) -> Result {
    if !aimine_vectors::solc::node_available() {
        return Err(
            "node and npm are needed (https://nodejs.org); the pinned solc comes from npm".into(),
        );
    }
    let mission = aimine_vectors::mission_dir()
        .ok_or("the mission folder (../shared/mission or AIMINE_MISSION) is needed")?;
    aimine_vectors::solc::compile(&mission, check)
}
