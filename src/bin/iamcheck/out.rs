//! Writing to standard output and error. A reader that goes away (`iamcheck … | head`)
//! ends the output quietly, as in ripgrep: the command keeps its exit code and
//! prints nothing more, instead of panicking with "failed printing to stdout".

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output's reader has gone away.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output and flushes; `false` when the reader has
/// gone away (now or before), so loops can stop.
pub fn print(text: &str) -> bool {
    if CLOSED.load(Ordering::Relaxed) {
        return false;
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => true,
        Err(e) => {
            // Any other write error (a full disk) ends the output the same
            // way, reported once on standard error.
            if e.kind() != ErrorKind::BrokenPipe {
                eprint(&format!("error: cannot write to standard output: {e}\n"));
            }
            CLOSED.store(true, Ordering::Relaxed);
            false
        }
    }
}

/// `text` and a newline on standard output (see [`print`]).
pub fn println(text: &str) -> bool {
    print(&format!("{text}\n"))
}

/// Writes to standard error, ignoring a closed stream.
pub fn eprint(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `text` and a newline on standard error.
pub fn eprintln(text: &str) {
    eprint(&format!("{text}\n"));
}
