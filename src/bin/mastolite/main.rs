//! `mastolite`: register an app, get and check tokens, and read followers, from scripts and
//! cron jobs. See `mastolite --help`, and the README's command reference.
//!
//! Exit status: 0 success; 1 the server rejected the credentials; 2 a transient failure;
//! 3 a usage or local error; 4 the server refused the request for another reason. On failure,
//! stderr holds one line.

#![forbid(unsafe_code)]

mod args;
mod check;
mod commands;
mod views;

use std::path::PathBuf;
use std::process::ExitCode;

use mastolite::store::{self, Store, StoreErrorKind, StoredToken};
use mastolite::{AccessToken, Client, Error};

use args::{Global, Parsed, UsageError, Which};

/// Exit statuses: the contract scripts rely on.
pub const OK: u8 = 0;
pub const REJECTED: u8 = 1;
pub const TRANSIENT: u8 = 2;
pub const LOCAL: u8 = 3;
pub const REFUSED: u8 = 4;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// An error of the library; [`exit_code`] gives its status.
    Lib(Error),
    /// A failure found here, with its status and its message.
    Msg(u8, String),
    /// A bad command line (status 3).
    Usage(UsageError),
    /// Already reported; only the status is left.
    Quiet(u8),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Lib(e)
    }
}

/// The one place where errors become exit statuses.
pub fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Api(api) if api.is_unauthorized() => REJECTED,
        Error::Authorization(_) | Error::StateMismatch => REJECTED,
        e if e.is_transient() => TRANSIENT,
        Error::Api(_) | Error::Redirect(_) | Error::ForeignUrl(_) => REFUSED,
        // A body that does not decode or is over the size cap: the server is not answering
        // properly right now.
        Error::Decode(_) | Error::Transport(_) => TRANSIENT,
        Error::InvalidInput(_) | Error::Store(_) | Error::TlsUnavailable => LOCAL,
        _ => LOCAL,
    }
}

impl Failure {
    /// The exit status and the message (without the `mastolite: ` prefix).
    fn parts(&self) -> (u8, Option<String>) {
        match self {
            Failure::Lib(e) => (exit_code(e), Some(e.to_string())),
            Failure::Msg(code, m) => (*code, Some(m.clone())),
            Failure::Usage(u) => (LOCAL, Some(u.line())),
            Failure::Quiet(code) => (*code, None),
        }
    }
}

/// Prints the failure as one line on stderr and returns its status.
fn report(f: &Failure) -> u8 {
    let (code, msg) = f.parts();
    if let Some(m) = msg {
        eprintln!("mastolite: {}", one_line(&m));
    }
    code
}

/// A message on one line, whatever it holds.
pub fn one_line(m: &str) -> String {
    m.split(['\n', '\r']).collect::<Vec<_>>().join(" ")
}

fn main() -> ExitCode {
    let code = match args::parse(std::env::args_os().skip(1)) {
        Ok(Parsed::Help(text)) => {
            print!("{text}");
            OK
        }
        Ok(Parsed::Version) => {
            views::line(&format!("mastolite {}", env!("CARGO_PKG_VERSION")));
            OK
        }
        Ok(Parsed::Run(global, command)) => match commands::run(&Ctx { global }, command) {
            Ok(()) => OK,
            Err(f) => report(&f),
        },
        Err(usage) => report(&Failure::Usage(usage)),
    };
    ExitCode::from(code)
}

/// The global options and the environment, and what commands build from them.
pub struct Ctx {
    pub global: Global,
}

/// A token picked for a command.
pub struct Picked {
    pub token: AccessToken,
    /// The endpoint to check it with: `App` or `User` (never `Default`).
    pub which: Which,
    /// `MASTOLITE_TOKEN`, `the app token` or `the user token`.
    pub label: &'static str,
    pub acct: Option<String>,
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl Ctx {
    /// `--store`, else the default location.
    pub fn store_path(&self) -> Result<PathBuf, Failure> {
        match &self.global.store {
            Some(p) => Ok(p.clone()),
            None => Ok(store::default_path()?),
        }
    }

    /// Loads the credentials file, which must exist.
    pub fn load(&self) -> Result<(PathBuf, Store), Failure> {
        let path = self.store_path()?;
        match Store::load(&path) {
            Ok(s) => Ok((path, s)),
            Err(Error::Store(e)) if e.kind() == StoreErrorKind::NotFound => Err(Failure::Msg(
                LOCAL,
                format!("{e}; run `mastolite --server URL register` first, or give --store PATH"),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Loads the credentials file when there is one. A file given with `--store` must exist;
    /// one that exists must be readable, private and intact.
    pub fn load_optional(&self) -> Result<Option<(PathBuf, Store)>, Failure> {
        if self.global.store.is_some() {
            return self.load().map(Some);
        }
        match store::default_path() {
            Ok(path) => load_if_exists(path),
            Err(_) => Ok(None),
        }
    }

    /// The path of the credentials file, and its contents when it exists (for `register`).
    pub fn load_if_exists(&self) -> Result<(PathBuf, Option<Store>), Failure> {
        let path = self.store_path()?;
        let store = load_if_exists(path.clone())?.map(|(_, s)| s);
        Ok((path, store))
    }

    /// The server: `--server`, else `MASTOLITE_SERVER`, else the credentials file's.
    pub fn server(&self, store: Option<&Store>) -> Result<String, Failure> {
        self.global
            .server
            .clone()
            .or_else(|| env_nonempty("MASTOLITE_SERVER"))
            .or_else(|| store.map(|s| s.server.clone()))
            .ok_or_else(|| {
                Failure::Msg(
                    LOCAL,
                    "no server: give --server URL, set MASTOLITE_SERVER, or use a credentials file"
                        .into(),
                )
            })
    }

    /// A client for `server` with the `--timeout` per request.
    pub fn client(&self, server: &str) -> Result<Client, Failure> {
        Ok(Client::builder(server)
            .timeout(self.global.timeout)
            .build()?)
    }

    /// `MASTOLITE_TOKEN`, when set and not empty.
    pub fn env_token(&self) -> Option<AccessToken> {
        env_nonempty("MASTOLITE_TOKEN").map(AccessToken::new)
    }

    /// The token for `which`: `MASTOLITE_TOKEN` when set, else the stored one. An expired
    /// stored token is a rejection (status 1), reported without asking the server.
    pub fn pick(&self, which: Which, store: Option<&Store>) -> Result<Picked, Failure> {
        if let Some(token) = self.env_token() {
            return Ok(Picked {
                token,
                which: if which == Which::User {
                    Which::User
                } else {
                    Which::App
                },
                label: "MASTOLITE_TOKEN",
                acct: None,
            });
        }
        let Some(store) = store else {
            return Err(Failure::Msg(
                LOCAL,
                "no token: set MASTOLITE_TOKEN or use a credentials file".into(),
            ));
        };
        let (stored, which, label) = match which {
            Which::User => (store.user_token.as_ref(), Which::User, "the user token"),
            Which::App => (store.app_token.as_ref(), Which::App, "the app token"),
            Which::Default => match &store.user_token {
                Some(t) => (Some(t), Which::User, "the user token"),
                None => (store.app_token.as_ref(), Which::App, "the app token"),
            },
        };
        let Some(stored) = stored else {
            let hint = match which {
                Which::User => "the credentials file holds no user token; run `mastolite login`",
                _ if store.user_token.is_none() => {
                    "the credentials file holds no token; run `mastolite token` or `mastolite login`, or set MASTOLITE_TOKEN"
                }
                _ => "the credentials file holds no app token; run `mastolite token`",
            };
            return Err(Failure::Msg(LOCAL, hint.into()));
        };
        check_expiry(stored, label)?;
        Ok(Picked {
            token: stored.access_token.clone(),
            which,
            label,
            acct: stored.acct.clone(),
        })
    }
}

/// Loads `path`; `None` when there is no file there.
fn load_if_exists(path: PathBuf) -> Result<Option<(PathBuf, Store)>, Failure> {
    match Store::load(&path) {
        Ok(s) => Ok(Some((path, s))),
        Err(Error::Store(e)) if e.kind() == StoreErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A stored token past its `expires_at` is reported as rejected.
fn check_expiry(stored: &StoredToken, label: &str) -> Result<(), Failure> {
    match stored.expires_at {
        Some(at) if stored.is_expired_at(now()) => Err(Failure::Msg(
            REJECTED,
            format!("{label} expired at {}", views::utc(at)),
        )),
        _ => Ok(()),
    }
}
