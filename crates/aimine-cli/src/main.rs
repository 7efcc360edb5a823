//! `aimine`: the operators' command-line tool.
//!
//! Exit codes, for every subcommand: 0 success (a check passed), 1 a check failed (the input was
//! read but is invalid), 2 usage or I/O error.

/// `println!` that ends the program quietly when stdout is closed (`aimine … | head`).
macro_rules! emit {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout().lock(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

mod args;
mod client;
mod demo;
mod dev;
mod devices;
mod gov;
mod input;
mod miner;
mod mldsa;
mod node;
mod quote;
mod rfc3339;
mod rim;
mod session;
mod tee;
mod tiers;

use std::process::ExitCode;

use clap::Parser;

use args::{
    Cli, Command, DevCommand, MinerCommand, MldsaCommand, QuoteCommand, RimCommand, SessionCommand,
    TeeCommand,
};

/// Exit status of a check that ran and passed.
const EXIT_OK: u8 = 0;
/// Exit status of a check that ran and failed.
const EXIT_INVALID: u8 = 1;
/// Exit status of a usage or I/O error.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Mldsa(MldsaCommand::Verify(a)) => mldsa::verify(&a),
        Command::Mldsa(MldsaCommand::Keygen(a)) => mldsa::keygen(&a),
        Command::Mldsa(MldsaCommand::Sign(a)) => mldsa::sign(&a),
        Command::Quote(QuoteCommand::Inspect(a)) => quote::inspect(&a),
        Command::Quote(QuoteCommand::Verify(a)) => quote::verify(&a),
        Command::Quote(QuoteCommand::Build(a)) => quote::build(&a),
        Command::Session(SessionCommand::Nonce(a)) => session::nonce(&a),
        Command::Rim(RimCommand::Verify(a)) => rim::verify(&a),
        Command::Rim(RimCommand::Golden(a)) => rim::golden(&a),
        Command::Tee(TeeCommand::Inspect(a)) => tee::inspect(&a),
        Command::Tee(TeeCommand::Verify(a)) => tee::verify(&a),
        Command::Tiers => tiers::print(),
        Command::Demo => demo::run(),
        Command::Node(a) => node::run(&a),
        Command::Dev(DevCommand::Quote(a)) => dev::quote(&a),
        Command::Gov(c) => gov::run(&c),
        Command::Miner(MinerCommand::Run(a)) => miner::run(&a),
        Command::Miner(MinerCommand::Status(a)) => miner::status(&a),
        Command::Miner(MinerCommand::Claim(a)) => miner::claim(&a.miner, a.to),
        Command::Miner(MinerCommand::End(a)) => miner::end(&a),
    };
    match result {
        Ok(Outcome::Valid) => ExitCode::from(EXIT_OK),
        Ok(Outcome::Invalid) => ExitCode::from(EXIT_INVALID),
        Err(message) => {
            eprintln!("aimine: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// What a subcommand concluded, when it could run at all.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The check passed, or the command did its job.
    Valid,
    /// The check ran and failed; the reason was printed.
    Invalid,
}

/// A usage or I/O problem, printed as `aimine: <message>` with exit code 2.
pub type CliError = String;
