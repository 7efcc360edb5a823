//! Running the `aimine` binary from its integration tests: [`aimine!`](crate::aimine) names the
//! binary cargo built for the calling test, and [`stdout`] reads what it printed.

use std::process::{Command, Output};

/// Runs `aimine` with the given arguments in the calling crate's folder (so `@demo/…` paths
/// resolve), returning its output. Usable only from aimine-cli's integration tests, where cargo
/// sets `CARGO_BIN_EXE_aimine`.
#[macro_export]
macro_rules! aimine {
    ($args:expr) => {
        $crate::cli::run(
            env!("CARGO_BIN_EXE_aimine"),
            env!("CARGO_MANIFEST_DIR"),
            $args,
        )
    };
}

/// Runs the binary `bin` with `args` in `dir`.
///
/// # Panics
/// When the binary cannot be started.
pub fn run(bin: &str, dir: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run aimine")
}

/// What it printed.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A path in the vectors (relative to their folder) as a command-line argument, or `None`
/// (skip) when they are absent.
pub fn arg(rel: &str) -> Option<String> {
    crate::path(rel).map(|p| p.display().to_string())
}

/// A path in the NVIDIA vectors (relative to `nvidia/`) as a command-line argument.
pub fn nvidia_arg(rel: &str) -> Option<String> {
    arg(&format!("nvidia/{rel}"))
}
