//! The `iamcheck` command: a thin layer over the library.

mod args;
mod batch;
mod diff_cmd;
mod input;
mod limits;
mod run;
mod smtlib_cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let code = match run::run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            run::Exit::Error
        }
    };
    ExitCode::from(code as u8)
}
