//! `mastolite`: register an app, get and check tokens, and read followers, from scripts and
//! cron jobs. See `mastolite --help`, and the command reference in docs/cli.md.
//!
//! Exit status: 0 success; 1 the server rejected the credentials; 2 a transient failure;
//! 3 a usage or local error; 4 the server refused the request for another reason. On failure,
//! stderr holds one line.

#![forbid(unsafe_code)]

mod args;
mod check;
mod commands;
mod views;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mastolite::check::{Checker, Outcome};
use mastolite::cli_support::unix_now;
use mastolite::store::{
    self, ServerEntry, Store, StoreError, StoreErrorKind, StoredApp, StoredToken,
};
use mastolite::terminal::one_line;
use mastolite::{AccessToken, Client, Error, Scopes, oauth};

use args::{Global, Parsed, UsageError, Which};

/// Exit statuses that the CLI gives itself: the library's errors get theirs from
/// [`Outcome::exit_status`], which holds the contract scripts rely on.
pub const OK: u8 = 0;
pub const REJECTED: u8 = 1;
pub const LOCAL: u8 = 3;

/// The environment variable of a token given to a command, and the label messages give it.
pub const ENV_TOKEN: &str = "MASTOLITE_TOKEN";

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// An error of the library, the credentials file's included; [`Outcome::of`] gives its
    /// status.
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

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Lib(Error::from(e))
    }
}

impl Failure {
    /// The exit status and the message (without the `mastolite: ` prefix).
    fn parts(&self) -> (u8, Option<String>) {
        match self {
            Failure::Lib(e) => (Outcome::of(e).exit_status(), Some(e.to_string())),
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
        eprintln!("mastolite: {}", one_line(&m, usize::MAX));
    }
    code
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // A monitoring plugin shows stdout: a bad command line is UNKNOWN there too.
    let nagios = args
        .windows(2)
        .any(|w| w[0] == "--format" && w[1] == "nagios")
        || args.iter().any(|a| a == "--format=nagios");
    let code = match args::parse(args) {
        Ok(Parsed::Help(text)) => {
            // Not print!: `mastolite --help | head` must not panic on the closed pipe.
            views::line(text.trim_end_matches('\n'));
            OK
        }
        Ok(Parsed::Version) => {
            views::line(&format!("mastolite {}", env!("CARGO_PKG_VERSION")));
            OK
        }
        Ok(Parsed::Run(global, command)) => match commands::run(&Ctx::new(global), command) {
            Ok(()) => OK,
            Err(f) => report(&f),
        },
        Err(usage) => {
            if nagios {
                views::line(&format!(
                    "MASTOLITE UNKNOWN - {}",
                    one_line(&usage.line(), 300)
                ));
            }
            report(&Failure::Usage(usage))
        }
    };
    ExitCode::from(code)
}

/// The global options and the environment, and what commands build from them.
pub struct Ctx {
    pub global: Global,
    /// The PEM of `--ca-file` or `SSL_CERT_FILE`, read when the first client is made.
    roots: std::sync::OnceLock<Result<Option<Vec<u8>>, String>>,
}

/// Where `MASTOLITE_TOKEN` goes.
pub enum EnvToken {
    /// To the server of this client.
    Send(Client, AccessToken),
    /// Nowhere: `--server` names `server`, and the token is bound to `home`.
    Withheld { home: String, server: String },
}

/// A token picked for a command, with the client of the server it goes to.
pub struct Picked {
    pub client: Client,
    pub token: AccessToken,
    /// The endpoint to check it with: `App` or `User` (never `Default`).
    pub which: Which,
    /// `MASTOLITE_TOKEN`, `the app token of …` or `the user token of …`.
    pub label: String,
    /// The stored account name of a user token (`None` for app tokens, unnamed tokens and
    /// `MASTOLITE_TOKEN`).
    pub account: Option<String>,
    /// True for a stored user token that has no account name yet.
    pub unnamed: bool,
    /// When a stored token expires (Unix seconds), where known.
    pub expires_at: Option<i64>,
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn local(msg: impl Into<String>) -> Failure {
    Failure::Msg(LOCAL, msg.into())
}

/// The stored servers, for messages.
pub fn origins(store: &Store) -> String {
    let all: Vec<&str> = store.servers().map(ServerEntry::origin).collect();
    if all.is_empty() {
        "none".to_owned()
    } else {
        all.join(", ")
    }
}

impl Ctx {
    /// The context of a run with these options.
    pub fn new(global: Global) -> Ctx {
        Ctx {
            global,
            roots: std::sync::OnceLock::new(),
        }
    }

    /// `--store`, else the default location.
    pub fn store_path(&self) -> Result<PathBuf, Failure> {
        match &self.global.store {
            Some(p) => Ok(p.clone()),
            None => Ok(store::default_path()?),
        }
    }

    /// Loads the credentials file, which must exist (for commands that need stored
    /// credentials).
    pub fn load(&self) -> Result<(PathBuf, Store), Failure> {
        let path = self.store_path()?;
        match Store::load(&path) {
            Ok(s) => Ok((path, s)),
            Err(e) if e.kind() == StoreErrorKind::NotFound => Err(local(format!(
                "{e}; run `mastolite --server URL register` first, or give --store PATH"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// The credentials file for commands that need a token: optional when `MASTOLITE_TOKEN` is
    /// set.
    pub fn store_for_token(&self) -> Result<Option<Store>, Failure> {
        if self.env_token().is_some() {
            self.load_optional()
        } else {
            self.load().map(|(_, s)| Some(s))
        }
    }

    /// Loads the credentials file when there is one (for commands that work without it). One
    /// that exists must be readable, private and intact.
    pub fn load_optional(&self) -> Result<Option<Store>, Failure> {
        let path = match self.store_path() {
            Ok(p) => p,
            Err(_) if self.global.store.is_none() => return Ok(None),
            Err(f) => return Err(f),
        };
        match Store::load(&path) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == StoreErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// `--server`, else `MASTOLITE_SERVER`.
    pub fn explicit_server(&self) -> Option<String> {
        self.global
            .server
            .clone()
            .or_else(|| env_nonempty("MASTOLITE_SERVER"))
    }

    /// `--account`, else `MASTOLITE_ACCOUNT`, in lower case.
    pub fn account(&self) -> Option<String> {
        self.global
            .account
            .clone()
            .or_else(|| env_nonempty("MASTOLITE_ACCOUNT"))
            .map(|a| a.trim().trim_start_matches('@').to_ascii_lowercase())
    }

    /// The server a command talks to: `--server`/`MASTOLITE_SERVER`, else the server of
    /// `--account`, else the credentials file's only server. Checked before any request.
    pub fn server(&self, store: Option<&Store>) -> Result<String, Failure> {
        let explicit = match self.explicit_server() {
            Some(s) => Some(self.client_for(&s, false)?.origin().to_owned()),
            None => None,
        };
        if let (Some(account), Some(store)) = (self.account(), store) {
            match (store.server_of(&account), &explicit) {
                (Some(entry), Some(server)) if entry.origin() != server => {
                    return Err(local(format!(
                        "the account {} is stored for {}, not for {server}",
                        one_line(&account, 100),
                        entry.origin()
                    )));
                }
                (Some(entry), None) => return Ok(entry.origin().to_owned()),
                (None, None) => {
                    return Err(local(format!(
                        "no account {} is stored (servers: {})",
                        one_line(&account, 100),
                        origins(store)
                    )));
                }
                _ => {}
            }
        }
        if let Some(server) = explicit {
            return Ok(server);
        }
        let Some(store) = store else {
            return Err(local(
                "no server: give --server URL, set MASTOLITE_SERVER, or use a credentials file",
            ));
        };
        let mut servers = store.servers();
        match (servers.next(), servers.next()) {
            (Some(one), None) => Ok(one.origin().to_owned()),
            (None, _) => Err(local(
                "the credentials file holds no server: give --server URL, or run `mastolite --server URL register`",
            )),
            (Some(_), Some(_)) => Err(local(format!(
                "the credentials file holds several servers ({}): choose one with --server URL or --account NAME",
                origins(store)
            ))),
        }
    }

    /// The PEM of `--ca-file`, else of `SSL_CERT_FILE`, read once, with the credentials
    /// file's care.
    fn roots(&self) -> Result<Option<&[u8]>, Failure> {
        let roots = self.roots.get_or_init(|| {
            match self.global.ca_file.clone().or_else(|| {
                std::env::var_os("SSL_CERT_FILE")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            }) {
                Some(path) => mastolite::cli_support::read_ca_file(&path).map(Some),
                None => Ok(None),
            }
        });
        match roots {
            Ok(pem) => Ok(pem.as_deref()),
            Err(m) => Err(local(m.clone())),
        }
    }

    /// A token checker with `--timeout` for each check, fallback included, `--allow-http`,
    /// and the roots of [`roots`](Self::roots).
    pub fn checker(&self) -> Result<Checker, Failure> {
        let limit = self.global.timeout;
        let checker = Checker::new()
            .timeout(limit)
            .budget(limit)
            .allow_plain_http(self.global.allow_http);
        Ok(match self.roots()? {
            Some(pem) => checker.root_certificates_pem(pem),
            None => checker,
        })
    }

    /// A client for `server` with the `--timeout` per request, `--allow-http`, and the roots
    /// of [`roots`](Self::roots).
    pub fn client(&self, server: &str) -> Result<Client, Failure> {
        self.client_for(server, true)
    }

    /// [`client`](Self::client), or with `sends` false a client that only names its origin
    /// and the file's entry: it has no roots, so a command that asks no server (`--local`)
    /// never reads the CA file.
    pub fn client_for(&self, server: &str, sends: bool) -> Result<Client, Failure> {
        self.client_within(server, sends, self.global.timeout)
    }

    /// [`client_for`](Self::client_for) with `timeout` for each request instead of `--timeout`.
    pub fn client_within(
        &self,
        server: &str,
        sends: bool,
        timeout: Duration,
    ) -> Result<Client, Failure> {
        let roots = if sends { self.roots()? } else { None };
        let mut builder = Client::builder(server)
            .timeout(timeout)
            .allow_plain_http(self.global.allow_http);
        if let Some(pem) = roots {
            builder = builder.root_certificates_pem(pem);
        }
        let built = builder.build();
        match built {
            Err(e) if !self.global.allow_http && e.to_string().contains("plain http") => {
                Err(local(format!("{e} with --allow-http")))
            }
            other => Ok(other?),
        }
    }

    /// The stored entry of `client`'s server; the error names the servers that are stored.
    pub fn entry<'s>(&self, store: &'s Store, client: &Client) -> Result<&'s ServerEntry, Failure> {
        store.server_for(client).map_err(|e| {
            local(format!(
                "{e} (the credentials file holds: {})",
                origins(store)
            ))
        })
    }

    /// `MASTOLITE_TOKEN`, when set and not empty.
    pub fn env_token(&self) -> Option<AccessToken> {
        env_nonempty("MASTOLITE_TOKEN").map(AccessToken::new)
    }

    /// The server `MASTOLITE_TOKEN` is bound to: `MASTOLITE_SERVER`, else the credentials
    /// file's only server; `None` when there is neither (then `--server` names it).
    fn env_token_home(&self, store: Option<&Store>) -> Result<Option<String>, Failure> {
        if let Some(s) = env_nonempty("MASTOLITE_SERVER") {
            return Ok(Some(self.client_for(&s, false)?.origin().to_owned()));
        }
        let mut servers = store.into_iter().flat_map(Store::servers);
        Ok(match (servers.next(), servers.next()) {
            (Some(one), None) => Some(one.origin().to_owned()),
            _ => None,
        })
    }

    /// Where `MASTOLITE_TOKEN` goes, when it is set: its own server (see
    /// [`env_token_home`](Self::env_token_home)), which `--server` may name too; `--server`
    /// naming another server withholds it.
    pub fn env_token_target(&self, store: Option<&Store>) -> Result<Option<EnvToken>, Failure> {
        let Some(token) = self.env_token() else {
            return Ok(None);
        };
        let named = match &self.global.server {
            Some(s) => Some(self.client(s)?),
            None => None,
        };
        Ok(Some(match (named, self.env_token_home(store)?) {
            (Some(client), Some(home)) if client.origin() != home => EnvToken::Withheld {
                home,
                server: client.origin().to_owned(),
            },
            (Some(client), _) => EnvToken::Send(client, token),
            (None, Some(home)) => EnvToken::Send(self.client(&home)?, token),
            (None, None) => {
                return Err(local(
                    "MASTOLITE_TOKEN goes only to the server named with it: give --server URL or set MASTOLITE_SERVER",
                ));
            }
        }))
    }

    /// For public reads: the client and `MASTOLITE_TOKEN` when it is set and may go to the
    /// server; the client alone, with a note on stderr, when `--server` names another server
    /// than the token's; `None` when the variable is not set.
    pub fn env_token_for_read(
        &self,
        store: Option<&Store>,
    ) -> Result<Option<(Client, Option<AccessToken>)>, Failure> {
        Ok(match self.env_token_target(store)? {
            None => None,
            Some(EnvToken::Send(client, token)) => Some((client, Some(token))),
            Some(EnvToken::Withheld { home, server }) => {
                eprintln!(
                    "mastolite: note: MASTOLITE_TOKEN is for {home}, not {server}: reading without a token"
                );
                Some((self.client(&server)?, None))
            }
        })
    }

    /// The token for `which` and the client of its server: `MASTOLITE_TOKEN` when set, else
    /// the stored one, handed out by the store only for its own server. An expired stored
    /// token is a rejection (status 1), reported without asking the server.
    pub fn pick(&self, which: Which, store: Option<&Store>) -> Result<Picked, Failure> {
        let picked = self.pick_unchecked(which, store)?;
        match picked.expires_at {
            Some(at) if at <= unix_now() => Err(Failure::Msg(
                REJECTED,
                format!("{} expired at {}", picked.label, views::utc(at)),
            )),
            _ => Ok(picked),
        }
    }

    /// [`pick`](Self::pick), without the expiry check.
    pub fn pick_unchecked(&self, which: Which, store: Option<&Store>) -> Result<Picked, Failure> {
        if let Some(target) = self.env_token_target(store)? {
            let (client, token) = match target {
                EnvToken::Send(client, token) => (client, token),
                EnvToken::Withheld { home, server } => {
                    return Err(local(format!(
                        "MASTOLITE_TOKEN is for {home}, not {server}, and is not sent there; set MASTOLITE_SERVER={server} to send it, or unset MASTOLITE_TOKEN to use a stored token"
                    )));
                }
            };
            return Ok(Picked {
                client,
                token,
                // A token of unknown kind: checked as an app token unless `--user` says.
                which: which.resolve(false),
                label: ENV_TOKEN.into(),
                account: None,
                unnamed: false,
                expires_at: None,
            });
        }
        let Some(store) = store else {
            return Err(local(
                "no token: set MASTOLITE_TOKEN or use a credentials file",
            ));
        };
        let client = self.client(&self.server(Some(store))?)?;
        let entry = self.entry(store, &client)?;
        let account = self.account();
        let which = which.resolve(account.is_some() || entry.user_count() > 0);
        let (name, stored): (Option<&str>, &StoredToken) = if which == Which::User {
            store.user_entry_for(&client, account.as_deref())?
        } else {
            let Some(t) = entry.app_token() else {
                let hint = if entry.user_count() == 0 {
                    "run `mastolite token` or `mastolite login`, or set MASTOLITE_TOKEN"
                } else {
                    "run `mastolite token`"
                };
                return Err(local(format!(
                    "no app token is stored for {}; {hint}",
                    entry.origin()
                )));
            };
            (None, t)
        };
        let label = match (which, name) {
            (Which::User, Some(n)) => format!("the user token of {n}"),
            (Which::User, None) => "the user token".to_owned(),
            _ => "the app token".to_owned(),
        };
        let token = stored.access_token_for(&client)?.clone();
        Ok(Picked {
            client,
            token,
            which,
            label,
            account: name.map(str::to_owned),
            unnamed: which == Which::User && name.is_none(),
            expires_at: stored.expires_at,
        })
    }
}

/// `--scopes`: at least one valid scope.
pub fn parse_scopes(text: &str) -> Result<Scopes, Failure> {
    let scopes: Scopes = text.parse()?;
    if scopes.is_empty() {
        return Err(local("--scopes needs at least one scope"));
    }
    Ok(scopes)
}

/// [`Store::update_waiting`] (read-modify-write under the file's lock) with its error type
/// fixed to [`Failure`]: a change may fail with the CLI's own message or with a store error, and
/// a change that ends in a bare `Ok(())` would otherwise leave the type for the caller to name.
/// A writer may hold the lock around one request (`register`), so waiters wait `--timeout`
/// plus 5 s.
pub fn update<T>(
    ctx: &Ctx,
    path: &Path,
    change: impl FnOnce(&mut Store) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let wait = ctx.global.timeout + std::time::Duration::from_secs(5);
    Store::update_waiting(path, wait, change)
}

/// A new app token from the client-credentials grant (with `scopes`, else the app's
/// registered ones), stored as the server's app token: for `token`, and `check --all --renew`,
/// which gives its run's `deadline` (the lock is then waited for until it, not longer).
pub fn renew_app_token(
    ctx: &Ctx,
    path: &Path,
    app: &StoredApp,
    client: &Client,
    scopes: Option<&str>,
    deadline: Option<Instant>,
) -> Result<mastolite::Token, Failure> {
    let scopes = match scopes {
        Some(s) => parse_scopes(s)?,
        None => app.registered_scopes(),
    };
    let token = oauth::client_credentials(client, &app.credentials_for(client)?, &scopes)?;
    let stored = StoredToken::from_token(client, &token, unix_now());
    let change = |s: &mut Store| -> Result<(), Failure> {
        s.set_app_token(stored);
        Ok(())
    };
    match deadline {
        Some(d) => Store::update_waiting(path, d.saturating_duration_since(Instant::now()), change),
        None => update(ctx, path, change),
    }?;
    Ok(token)
}
