//! `aimine tiers`: the tier table, from aimine-tiers itself so it can never drift from the code.

use aimine_tiers::{Hardware, TrustTier};

use crate::{CliError, Outcome};

/// Prints one line per tier: level, name, multiplier, and the hardware classes in it.
pub fn print() -> Result<Outcome, CliError> {
    println!(
        "{:<6} {:<13} {:<11} hardware",
        "level", "tier", "multiplier"
    );
    for tier in TrustTier::ALL.into_iter().rev() {
        let hardware: Vec<&str> = Hardware::ALL
            .into_iter()
            .filter(|h| h.tier() == tier)
            .map(Hardware::name)
            .collect();
        println!(
            "{:<6} {:<13} {:<11} {}",
            tier.as_u8(),
            tier.name(),
            tier.multiplier().to_string(),
            hardware.join(", ")
        );
    }
    Ok(Outcome::Valid)
}
