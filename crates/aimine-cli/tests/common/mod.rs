//! Running the `aimine` binary from the tests.
#![allow(dead_code, clippy::expect_used)]

use std::process::{Command, Output};

/// Runs `aimine` with `args` in the crate folder (so `@demo/…` paths resolve).
pub fn aimine(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aimine"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run aimine")
}

/// What it printed.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A path in the NVIDIA vectors, or `None` (skip) when they are absent.
pub fn v(rel: &str) -> Option<String> {
    aimine_vectors::path(&format!("nvidia/{rel}")).map(|p| p.display().to_string())
}
