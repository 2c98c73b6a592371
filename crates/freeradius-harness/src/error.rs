use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong starting or talking to the throwaway servers.
#[derive(Debug, Error)]
pub enum Error {
    /// A program or module the harness needs is not installed. Never skipped silently: the
    /// message names the Debian packages to install.
    #[error(
        "{} missing; install the Debian packages: apt-get install -y --no-install-recommends {}",
        missing.join(", "),
        packages.join(" ")
    )]
    MissingPackages {
        /// The files that were looked for and not found.
        missing: Vec<String>,
        /// The Debian packages that provide them.
        packages: Vec<&'static str>,
    },
    /// A file or directory operation failed.
    #[error("{action}: {source}")]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },
    /// The configuration to copy does not have the shape the harness edits (a template that
    /// lacks `server default`, a path FreeRADIUS cannot quote, …).
    #[error("cannot prepare the configuration {file}: {detail}")]
    Config { file: PathBuf, detail: String },
    /// A server exited before it was ready.
    #[error("{program} exited before it was ready ({status}); last lines of {log}:\n{log_tail}")]
    StartFailed {
        program: &'static str,
        status: String,
        log: PathBuf,
        log_tail: String,
    },
    /// A server did not become ready in time (it has been stopped).
    #[error("{program} was not ready within {after:?}; last lines of {log}:\n{log_tail}")]
    StartTimeout {
        program: &'static str,
        after: Duration,
        log: PathBuf,
        log_tail: String,
    },
    /// `radclient` got no answer: FreeRADIUS dropped the packet (unknown client, wrong
    /// secret, a failed accounting write) or is not running.
    #[error("no answer from FreeRADIUS to the {packet}; radclient said:\n{output}")]
    NoAnswer { packet: String, output: String },
    /// `radclient` answered with something the harness cannot read.
    #[error("cannot read radclient's output ({detail}):\n{output}")]
    UnreadableReply { detail: String, output: String },
    /// An attribute the harness was asked to send cannot be written for radclient.
    #[error("cannot send {what}: {detail}")]
    InvalidAttribute { what: String, detail: String },
    /// A helper program (`initdb`, `psql`) failed.
    #[error("{program} failed ({status}):\n{output}")]
    CommandFailed {
        program: String,
        status: String,
        output: String,
    },
}

impl Error {
    pub(crate) fn io(action: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let action = action.into();
        move |source| Error::Io { action, source }
    }
}
