//! The `iamcheck` command: a thin layer over the library.

mod args;
mod batch;
mod input;
mod limits;
mod run;
mod smtlib_cmd;
mod template;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let result = if template::wants(&argv) {
        template::main(argv)
    } else {
        run::run(args::Cli::parse_from(argv))
    };
    let code = match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            run::Exit::Error
        }
    };
    ExitCode::from(code as u8)
}
