//! `cargo xtask bench`: run the criterion benches, then print one table from criterion's medians.

use std::path::Path;

use aimine_benches::{ECRECOVER, GROUP, P256VERIFY, Row};

use crate::{Result, cargo, root, run};

/// Runs the benches (all, or those matching `filter`) and prints the summary table.
pub fn report(filter: Option<&str>) -> Result {
    let mut cmd = cargo();
    cmd.args([
        "bench",
        "--package",
        "aimine-benches",
        "--bench",
        "operations",
        "--",
    ]);
    if let Some(f) = filter {
        cmd.arg(f);
    }
    // The ruler must be measured in the same run as what is compared with it.
    run(cmd, "criterion benches")?;
    print_table(&target_dir().join("criterion"))
}

/// Where cargo puts build output, so criterion its reports: `CARGO_TARGET_DIR` when set, else the
/// workspace's `target/`.
fn target_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .map(|dir| {
            if dir.is_relative() {
                root().join(dir)
            } else {
                dir
            }
        })
        .unwrap_or_else(|| root().join("target"))
}

/// Reads criterion's median for `id`, in nanoseconds.
fn median_ns(dir: &Path, id: &str) -> Result<f64> {
    let path = dir.join(GROUP).join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("no measurement for {id} ({}): {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    json["median"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| format!("{}: no median", path.display()))
}

fn print_table(dir: &Path) -> Result {
    let ruler = median_ns(dir, ECRECOVER.id)? / ECRECOVER.gas as f64;
    // The second ruler: EIP-7951's P256VERIFY, a signature check Ethereum prices at 6,900 gas.
    let second = median_ns(dir, P256VERIFY.id)
        .ok()
        .map(|ns| ns / P256VERIFY.gas as f64);
    println!();
    println!(
        "| operation | median ns/call | gas | ns/gas | ratio to ecrecover | ratio to P256VERIFY | note |"
    );
    println!("|---|---:|---:|---:|---:|---:|---|");
    let mut over = Vec::new();
    let rows: Vec<Row> = aimine_benches::rows();
    for op in &rows {
        let Ok(ns) = median_ns(dir, &op.id) else {
            println!("| {} | (not run) | {} | | | | {} |", op.id, op.gas, op.note);
            continue;
        };
        let per_gas = ns / op.gas as f64;
        let ratio = per_gas / ruler;
        // Reference and comparison rows (fips204, p384's own verify, a table built at run
        // time) are not priced; the second ruler is what is compared with (revm verifies
        // P256VERIFY with the pure-Rust p256, well above ecrecover's time per gas).
        if ratio > 1.0 && op.is_priced() {
            over.push(op.id.clone());
        }
        let to_second = second.map_or_else(
            || String::from("(not run)"),
            |s| format!("{:.2}", per_gas / s),
        );
        println!(
            "| {} | {:.0} | {} | {:.2} | {:.2} | {} | {} |",
            op.id, ns, op.gas, per_gas, ratio, to_second, op.note
        );
    }
    println!();
    if let Some(s) = second {
        println!(
            "P256VERIFY: {s:.2} ns/gas ({:.2} of ecrecover's)",
            s / ruler
        );
    }
    if over.is_empty() {
        println!(
            "every price is at or below ecrecover's time per gas ({ruler:.2} ns/gas; reference \
             rows *{} are not priced)",
            aimine_benches::REFERENCE_SUFFIX
        );
    } else {
        println!(
            "UNDERPRICED (slower per gas than ecrecover): {}",
            over.join(", ")
        );
    }
    // Each reference row beside the shipped row it is the reference of.
    for reference in rows.iter().filter(|r| r.is_reference()) {
        let shipped = reference
            .id
            .trim_end_matches(aimine_benches::REFERENCE_SUFFIX);
        if let (Ok(r), Ok(s)) = (median_ns(dir, &reference.id), median_ns(dir, shipped)) {
            println!(
                "{shipped}: {s:.0} ns shipped, {r:.0} ns reference ({}), {:.2}x faster; at \
                 ecrecover's {ruler:.2} ns/gas it would support {:.0} gas",
                reference.id,
                r / s,
                s / ruler
            );
        }
    }
    Ok(())
}
