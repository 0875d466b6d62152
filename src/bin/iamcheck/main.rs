//! The `iamcheck` command: a thin layer over the library.

mod args;
mod batch;
mod diff_cmd;
mod failure;
mod input;
mod limits;
mod out;
mod parsed;
mod run;
mod sarif_template;
mod smtlib_cmd;
mod template;

use args::{ExitCodes, Output};
use failure::Failure;
use run::Exit;
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if template::wants(&argv) {
        return template::main(argv);
    }
    let command = template::with_template_flags(<args::Cli as clap::CommandFactory>::command());
    let parsed = command
        .try_get_matches_from(argv)
        .and_then(|m| <args::Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let output = cli.command.output();
    let style = cli.exit_codes;
    let exit = match run::run(cli, output) {
        Ok(exit) => exit,
        Err(failure) => {
            report_failure(&failure, output);
            Exit::Error
        }
    };
    ExitCode::from(code(exit, style))
}

/// The exit code of an outcome in the chosen style.
fn code(exit: Exit, style: ExitCodes) -> u8 {
    match (style, exit) {
        (ExitCodes::Iamcheck, Exit::Pass) => 0,
        (ExitCodes::Iamcheck, Exit::Fail) => 1,
        (ExitCodes::Iamcheck, Exit::Error) => 2,
        (ExitCodes::Iamcheck, Exit::Unknown) => 3,
        // AWS's validators: 2 blocking findings, 1 error, 0 otherwise. An
        // UNKNOWN is not a pass: the check did not complete, as an error.
        (ExitCodes::AwsValidator, Exit::Pass) => 0,
        (ExitCodes::AwsValidator, Exit::Fail) => 2,
        (ExitCodes::AwsValidator, Exit::Error | Exit::Unknown) => 1,
    }
}

/// Text on standard error, and JSON on standard output in JSON mode.
fn report_failure(failure: &Failure, output: Output) {
    out::eprintln(&failure.text());
    if output == Output::Json {
        out::println(&failure.json().to_string());
    }
}

/// A command line clap rejects: clap's message (help and version are not
/// errors), as JSON too when the arguments ask for JSON output.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let style = if option_is("--exit-codes", "aws-validator") {
        ExitCodes::AwsValidator
    } else {
        ExitCodes::Iamcheck
    };
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        // Printed as clap prints them; a closed pipe ends quietly.
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if option_is("--output", "json") {
        let rendered = e.render().to_string();
        let message = rendered.lines().next().unwrap_or_default();
        let failure = Failure::new(message.trim_start_matches("error: "));
        out::println(&failure.json().to_string());
    }
    let _ = e.print();
    ExitCode::from(code(Exit::Error, style))
}

/// Whether the raw arguments (clap could not parse them) hold `FLAG VALUE`.
fn option_is(flag: &str, value: &str) -> bool {
    let args: Vec<String> = std::env::args().collect();
    let joined = format!("{flag}={value}");
    args.contains(&joined)
        || args.windows(2).any(|w| matches!(w, [f, v] if f == flag && v == value))
}
