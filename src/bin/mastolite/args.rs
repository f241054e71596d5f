//! The command line: a small hand-written parser and the help texts.
//!
//! Hand-written rather than `lexopt`: the parser is a table of command specs and one loop, and
//! what the tool promises on top of option splitting (global options on either side of the
//! command, both `--name=value` and `--name value`, one usage line per mistake, exit status 3)
//! would be this same code around `lexopt`'s iterator, with one more crate in the tree of a
//! binary that has about 20 KB left under its 2 MB budget.
//!
//! Global options may stand before or after the command. `--name=value` and `--name value` are
//! both accepted. No option takes a secret: tokens come from the credentials file or from
//! `MASTOLITE_TOKEN`, since every user of the machine can read a process's arguments.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// The default `--timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest `--timeout` accepted (a day).
const MAX_TIMEOUT_SECS: u64 = 86_400;

/// Options that apply to every command.
#[derive(Debug, Clone, PartialEq)]
pub struct Global {
    pub server: Option<String>,
    /// `--account NAME`: a stored user token, and the server it belongs to.
    pub account: Option<String>,
    pub store: Option<PathBuf>,
    pub format: Format,
    pub timeout: Duration,
    /// `--allow-http`: plain http to hosts other than loopback addresses.
    pub allow_http: bool,
    /// `--ca-file PEM`: the only roots to trust.
    pub ca_file: Option<PathBuf>,
}

impl Global {
    /// True for the JSON formats.
    pub fn json(&self) -> bool {
        matches!(self.format, Format::Json | Format::Jsonl)
    }
}

/// `--format`: lists stream in every format; other commands print one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    /// One JSON document; a list is one array.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// The Prometheus text format (`check` only).
    Prometheus,
    /// A monitoring plugin's status line and exit codes (`check` only).
    Nagios,
}

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Prometheus => "prometheus",
            Format::Nagios => "nagios",
        }
    }
}

/// The default `--jobs` of `check --all`.
pub const DEFAULT_JOBS: usize = 8;

/// Which stored token a command uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    App,
    User,
    /// The user token when the store holds one, else the app token.
    Default,
}

impl Which {
    /// Resolves `Default`: the user token when an account is named or the server has users,
    /// else the app token.
    pub fn resolve(self, user: bool) -> Which {
        match self {
            Which::Default if user => Which::User,
            Which::Default => Which::App,
            w => w,
        }
    }
}

/// `followers` and `following`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    pub account: String,
    pub limit: Option<u32>,
    pub all: bool,
    pub max_items: Option<usize>,
}

/// `register`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub scopes: Option<String>,
    pub website: Option<String>,
    /// Replace the server's stored app, revoking its tokens first.
    pub force: bool,
}

/// `token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub scopes: Option<String>,
    /// Only when the stored app token is missing or expired.
    pub if_expired: bool,
    /// Every stored server's app token.
    pub all: bool,
}

/// `login`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub scopes: Option<String>,
    pub force_login: bool,
    pub lang: Option<String>,
    /// Send no PKCE challenge or verifier (`Pkce::Never`).
    pub no_pkce: bool,
    /// Import a token made elsewhere, read from stdin, instead of logging in.
    pub with_token: bool,
    /// With `with_token`: replace a stored token of the same account (or the app token).
    pub force: bool,
}

/// `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub all: bool,
    pub jobs: usize,
    pub output: Option<PathBuf>,
    /// With `all`: first renew the app tokens that are expired or about to expire.
    pub renew: bool,
}

/// `logout`, and its alias `revoke`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logout {
    pub which: Which,
    /// Only forget the token, without asking the server to revoke it.
    pub local: bool,
}

/// A command and its own arguments, built by its [`Spec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Register(Register),
    Token(Token),
    Login(Login),
    Verify(Which),
    Check(Check),
    Logout(Logout),
    /// `forget [--local]`: the server's whole entry; `true` asks the server nothing.
    Forget(bool),
    Accounts,
    Followers(List),
    Following(List),
    Metadata,
    /// `account ACCOUNT`.
    Account(String),
    Instance,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Run(Global, Command),
    /// Help text for stdout.
    Help(String),
    Version,
}

/// A bad command line: the message, and the command whose usage line to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    pub message: String,
    pub command: Option<&'static str>,
}

impl UsageError {
    /// One line: the problem and the usage.
    pub fn line(&self) -> String {
        let usage = match self.command.and_then(spec) {
            Some(s) => format!("mastolite [OPTIONS] {} {}", s.name, s.args)
                .trim_end()
                .to_owned(),
            None => "mastolite [OPTIONS] COMMAND [ARGS]".to_owned(),
        };
        let help = match self.command {
            Some(c) => format!("mastolite {c} --help"),
            None => "mastolite --help".to_owned(),
        };
        // After a question ("did you mean …?"), no semicolon.
        let sep = if self.message.ends_with('?') { "" } else { ";" };
        format!("{}{sep} usage: {usage} (see {help})", self.message)
    }
}

/// An option: its name, the name of its value (`None` for a switch), and what it does.
type Opt = (&'static str, Option<&'static str>, &'static str);

/// A command, declared once: its name, argument synopsis, description and options (for the
/// parser and the help), how many positional arguments it takes (each an account id or
/// handle), and how it builds its [`Command`] from what the command line gave it.
pub struct Spec {
    pub name: &'static str,
    pub args: &'static str,
    pub about: &'static str,
    pub options: &'static [Opt],
    positional: usize,
    build: fn(Given) -> Result<Command, String>,
}

const GLOBAL_OPTIONS: &[Opt] = &[
    (
        "--server",
        Some("URL"),
        "the server (default: $MASTOLITE_SERVER, else the account's, else the credentials file's only one)",
    ),
    (
        "--account",
        Some("NAME"),
        "a stored account, user@host (default: $MASTOLITE_ACCOUNT, else the server's only one)",
    ),
    (
        "--store",
        Some("PATH"),
        "the credentials file (default: $MASTOLITE_STORE, else $XDG_CONFIG_HOME/mastolite/credentials.json, else ~/.config/mastolite/credentials.json)",
    ),
    (
        "--format",
        Some("FORMAT"),
        "text, json or jsonl (check also prometheus or nagios); lists are written as they arrive, and a failure leaves them cut short, with its line on stderr",
    ),
    (
        "--json",
        None,
        "short for --format json: one JSON document on stdout, a list as one array",
    ),
    (
        "--jsonl",
        None,
        "short for --format jsonl: one JSON object per line",
    ),
    (
        "--timeout",
        Some("SECONDS"),
        "the limit for each request (default 30)",
    ),
    (
        "--allow-http",
        None,
        "allow plain http to servers other than localhost and loopback addresses",
    ),
    (
        "--ca-file",
        Some("PEM"),
        "trust only the certificate authorities in this PEM file, which replace the bundled roots (default: $SSL_CERT_FILE)",
    ),
];

const LIST_OPTIONS: &[Opt] = &[
    (
        "--limit",
        Some("N"),
        "accounts per page (Mastodon: 1 to 80)",
    ),
    ("--all", None, "follow the pages to the end"),
    (
        "--max-items",
        Some("N"),
        "stop after N accounts (implies --all)",
    ),
];

const WHICH_OPTIONS: &[Opt] = &[
    ("--app", None, "the app token"),
    (
        "--user",
        None,
        "a user token (the --account one, or the server's only one)",
    ),
];

const LOGOUT_OPTIONS: &[Opt] = &[
    ("--app", None, "the app token"),
    (
        "--user",
        None,
        "a user token (the --account one, or the server's only one)",
    ),
    LOCAL_OPTION,
];

const LOCAL_OPTION: Opt = (
    "--local",
    None,
    "only remove it from the file, without asking the server (for a server that is gone)",
);

const LOGOUT_ARGS: &str = "[--account NAME | --app | --user] [--server URL] [--local]";
const LOGOUT_ABOUT: &str = "Revokes a stored token at its server (POST /oauth/revoke with the app's credentials and the token as bearer) and removes it from the credentials file; if the server refuses, the file is unchanged. Default: the --account user token, else the server's only user token, else its app token. To forget a whole server, see forget.";

pub const SPECS: &[Spec] = &[
    Spec {
        name: "register",
        args: "[--name NAME] [--redirect-uri URI]... [--scopes SCOPES] [--website URL] [--force]",
        about: "Registers an app on the server (POST /api/v1/apps) and adds it to the credentials file (created when missing). Prints `name (client_id …)`. A server that already has an app is refused unless --force.",
        options: &[
            (
                "--name",
                Some("NAME"),
                "the app's name (default: mastolite)",
            ),
            (
                "--redirect-uri",
                Some("URI"),
                "a redirect URI; repeat for several (default: urn:ietf:wg:oauth:2.0:oob, which `login` needs)",
            ),
            (
                "--scopes",
                Some("SCOPES"),
                "the scopes, space-separated (default: read)",
            ),
            ("--website", Some("URL"), "the app's website"),
            (
                "--force",
                None,
                "replace the server's stored app: revoke its tokens where the server answers, forget them, then register",
            ),
        ],
        positional: 0,
        build: |g| {
            Ok(Command::Register(Register {
                name: g.value("--name").unwrap_or_else(|| "mastolite".to_owned()),
                redirect_uris: g.values("--redirect-uri"),
                scopes: g.value("--scopes"),
                website: g.value("--website"),
                force: g.flag("--force"),
            }))
        },
    },
    Spec {
        name: "token",
        args: "[--scopes SCOPES] [--if-expired] [--all]",
        about: "Gets an app token (client credentials) for the server and stores it. With --all, for every server with an app, one line each, starting with the server (--json: one array; --jsonl: one object per line; each object names its server); a server that fails is reported on stderr and the others go on.",
        options: &[
            (
                "--scopes",
                Some("SCOPES"),
                "the scopes (default: all the app registered)",
            ),
            (
                "--if-expired",
                None,
                "do nothing while the stored app token is unexpired (decided from the file, no request)",
            ),
            ("--all", None, "every stored server that has an app"),
        ],
        positional: 0,
        build: |g| {
            Ok(Command::Token(Token {
                scopes: g.value("--scopes"),
                if_expired: g.flag("--if-expired"),
                all: g.flag("--all"),
            }))
        },
    },
    Spec {
        name: "login",
        args: "[--scopes SCOPES] [--force-login] [--lang L] [--no-pkce] | --with-token [--force]",
        about: "Logs a user in (authorization code, with PKCE unless the server's metadata rules it out): prints the authorize URL alone on stdout (on stderr with --json), reads the code the server shows as one line from stdin, and stores the user token under the account that signed in, replacing that account's. Prompts go to stderr. --no-pkce is for servers on Doorkeeper before 5.5 (Mastodon 3.3 and older), which refuse PKCE with invalid_grant. With --with-token, needs no app: reads a token (such as one from Development → Your applications) as a line from stdin, checks it as `check` checks MASTOLITE_TOKEN, and stores it under its account (--account NAME if it cannot read it); it replaces a stored one only with --force and is never revoked with the stored app's credentials.",
        options: &[
            (
                "--scopes",
                Some("SCOPES"),
                "the scopes (default: all the app registered)",
            ),
            (
                "--force-login",
                None,
                "show the consent screen even if the app is authorized (to switch accounts)",
            ),
            (
                "--lang",
                Some("L"),
                "the language of the login pages (en, de, pt-BR, …)",
            ),
            (
                "--no-pkce",
                None,
                "send no PKCE challenge or verifier (for servers that refuse PKCE)",
            ),
            (
                "--with-token",
                None,
                "store a token read from stdin (never from the command line) instead of logging in",
            ),
            (
                "--force",
                None,
                "with --with-token: replace the stored token of the same account",
            ),
        ],
        positional: 0,
        build: |g| {
            let login = Login {
                scopes: g.value("--scopes"),
                force_login: g.flag("--force-login"),
                lang: g.value("--lang"),
                no_pkce: g.flag("--no-pkce"),
                with_token: g.flag("--with-token"),
                force: g.flag("--force"),
            };
            if login.force && !login.with_token {
                return Err("--force goes with --with-token".into());
            }
            if login.with_token
                && (login.scopes.is_some()
                    || login.force_login
                    || login.lang.is_some()
                    || login.no_pkce)
            {
                return Err(
                    "--with-token takes none of --scopes, --force-login, --lang and --no-pkce"
                        .into(),
                );
            }
            Ok(Command::Login(login))
        },
    },
    Spec {
        name: "verify",
        args: "[--app | --user]",
        about: "Checks a token and prints its app (--app: GET /api/v1/apps/verify_credentials) or account (--user: GET /api/v1/accounts/verify_credentials). Default: --user when the server has a user token (or --account is given), else --app.",
        options: WHICH_OPTIONS,
        positional: 0,
        build: |g| Ok(Command::Verify(g.which()?)),
    },
    Spec {
        name: "check",
        args: "[--all [--jobs N] [--renew]] [--output FILE]",
        about: "For cron: checks the token (the selected user token, else the app token, or $MASTOLITE_TOKEN) and reports by exit status. Prints `ok`, or one line with the reason on stderr. A user token is asked about at GET /api/v1/accounts/verify_credentials (which sees its account), an app token at GET /api/v1/apps/verify_credentials; a 404 or a 403 for scope asks the other. Bounded by --timeout plus one second. With --all, checks every stored token, several at once, and prints one line each: server, kind, account, result (ok, rejected, disabled, expired, unavailable, refused, error), latency, and a detail word where the answer says more; exit status 1 if any is rejected, disabled or expired, else 3 if any could not be checked, else 4 if any was refused, else 2 if any server was unavailable. --format json, jsonl or prometheus (node_exporter textfile collector) for machines; --format nagios for monitoring plugins: a status line with perfdata, and exit 0 OK, 1 WARNING (refused), 2 CRITICAL (rejected, disabled, expired), 3 UNKNOWN (unavailable, error, a failure here), the whole run bounded by --timeout.",
        options: &[
            ("--all", None, "check every stored token"),
            (
                "--jobs",
                Some("N"),
                "with --all: how many tokens are checked at once (default 8)",
            ),
            (
                "--renew",
                None,
                "with --all: first renew each app token that has expired or expires within 15 minutes, as `token` does (one that could not be: renewal_failed)",
            ),
            (
                "--output",
                Some("FILE"),
                "write the results to FILE (atomically, mode 0644) instead of stdout",
            ),
        ],
        positional: 0,
        build: |g| {
            let all = g.flag("--all");
            for only_all in ["--jobs", "--renew"] {
                if !all && g.flag(only_all) {
                    return Err(format!("{only_all} goes with --all"));
                }
            }
            Ok(Command::Check(Check {
                all,
                jobs: g.positive("--jobs")?.unwrap_or(DEFAULT_JOBS),
                output: g.value("--output").map(PathBuf::from),
                renew: g.flag("--renew"),
            }))
        },
    },
    Spec {
        name: "logout",
        args: LOGOUT_ARGS,
        about: LOGOUT_ABOUT,
        options: LOGOUT_OPTIONS,
        positional: 0,
        build: logout,
    },
    Spec {
        name: "revoke",
        args: LOGOUT_ARGS,
        about: "The same as logout.",
        options: LOGOUT_OPTIONS,
        positional: 0,
        build: logout,
    },
    Spec {
        name: "forget",
        args: "[--local]",
        about: "Forgets a server (--server URL, or the file's only one): revokes each token it holds, the app token then the user tokens, one request each with the app's credentials (as logout does), then removes the server's whole entry, app included. If a revocation fails, the tokens revoked before it are removed, the rest and the app are kept, and the exit status says why.",
        options: &[LOCAL_OPTION],
        positional: 0,
        build: |g| Ok(Command::Forget(g.flag("--local"))),
    },
    Spec {
        name: "accounts",
        args: "",
        about: "Lists every stored token, one line each: server, kind (app or user), account, scopes, when obtained, and expiry when known; an app without an app token as `SERVER app - (no token)` (--json: \"token\":false). Never prints a secret. Nothing stored (no file, or an empty one): exit status 3.",
        options: &[],
        positional: 0,
        build: |_| Ok(Command::Accounts),
    },
    Spec {
        name: "followers",
        args: "ACCOUNT [--limit N] [--all] [--max-items N]",
        about: "Lists the accounts that follow ACCOUNT, one @acct per line (--json: one array; --jsonl: one object per line), printed as the pages arrive. ACCOUNT is an id, or a handle (@alice or @alice@other.example) that is looked up first.",
        options: LIST_OPTIONS,
        positional: 1,
        build: |g| Ok(Command::Followers(g.list()?)),
    },
    Spec {
        name: "following",
        args: "ACCOUNT [--limit N] [--all] [--max-items N]",
        about: "Lists the accounts that ACCOUNT follows, one @acct per line (--json: one array; --jsonl: one object per line), printed as the pages arrive. ACCOUNT is an id, or a handle (@alice or @alice@other.example) that is looked up first.",
        options: LIST_OPTIONS,
        positional: 1,
        build: |g| Ok(Command::Following(g.list()?)),
    },
    Spec {
        name: "metadata",
        args: "",
        about: "Prints the server's OAuth metadata (GET /.well-known/oauth-authorization-server), or the classic endpoints for servers before Mastodon 4.3.",
        options: &[],
        positional: 0,
        build: |_| Ok(Command::Metadata),
    },
    Spec {
        name: "account",
        args: "ACCOUNT",
        about: "Prints an account, given by id or by handle (@alice or @alice@other.example).",
        options: &[],
        positional: 1,
        build: |g| Ok(Command::Account(g.account())),
    },
    Spec {
        name: "instance",
        args: "",
        about: "Prints the server's name and software version (GET /api/v2/instance, or /api/v1/instance on older servers).",
        options: &[],
        positional: 0,
        build: |_| Ok(Command::Instance),
    },
];

/// The spec of a command.
pub fn spec(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

/// The width the help is wrapped to.
const WIDTH: usize = 80;

/// Appends `text` to `out`'s last line, wrapped at [`WIDTH`] columns with the lines after the
/// first indented by `indent`, and ends the line. Text in `[...]` is kept on one line.
fn wrap(out: &mut String, text: &str, indent: usize) {
    let mut col = out[out.rfind('\n').map_or(0, |i| i + 1)..].chars().count();
    let (mut depth, mut start) = (0, 0);
    // A space at the end ends the last word.
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ' ' if depth == 0 => {
                let word = &text[start..i];
                start = i + 1;
                let n = word.chars().count();
                if n == 0 {
                    continue;
                }
                if col > indent && col + 1 + n > WIDTH {
                    out.push('\n');
                    out.extend(std::iter::repeat_n(' ', indent));
                    col = indent;
                } else if !out.ends_with([' ', '\n']) {
                    out.push(' ');
                    col += 1;
                }
                out.push_str(word);
                col += n;
            }
            _ => {}
        }
    }
    out.truncate(out.trim_end_matches(' ').len());
    out.push('\n');
}

/// A row of a two-column list: `left` padded to `width`, then `text` wrapped beside it.
fn row(out: &mut String, left: &str, width: usize, text: &str) {
    out.push_str(&format!("  {left:<width$} "));
    wrap(out, text, width + 3);
}

fn options_text(out: &mut String, options: &[Opt]) {
    for (name, value, about) in options {
        let flag = match value {
            Some(v) => format!("{name} {v}"),
            None => (*name).to_owned(),
        };
        row(out, &flag, 22, about);
    }
}

/// `mastolite --help`.
pub fn main_help() -> String {
    let mut out = String::from(
        "mastolite: Mastodon client-app access for scripts and cron jobs\n\nusage: mastolite",
    );
    wrap(
        &mut out,
        "[--server URL] [--account NAME] [--store PATH] [--json] [--format FORMAT] [--timeout SECONDS] [--allow-http] COMMAND [ARGS]",
        17,
    );
    out.push_str("\ncommands:\n");
    for s in SPECS {
        row(&mut out, s.name, 9, s.args);
    }
    out.push_str("\noptions (before or after the command):\n");
    options_text(&mut out, GLOBAL_OPTIONS);
    options_text(&mut out, MORE_OPTIONS);
    out.push_str("\nenvironment:\n");
    options_text(&mut out, ENVIRONMENT);
    out.push_str("\nexit status:\n");
    for (code, text) in EXIT_STATUSES {
        row(&mut out, code, 2, text);
    }
    out
}

/// The options that only `mastolite --help` lists.
const MORE_OPTIONS: &[Opt] = &[
    (
        "--help",
        None,
        "this text; `mastolite COMMAND --help` for a command",
    ),
    ("--version", None, "the version"),
];

/// The environment section of `mastolite --help`.
const ENVIRONMENT: &[Opt] = &[
    (
        "MASTOLITE_SERVER",
        None,
        "the server, when --server is not given",
    ),
    (
        "MASTOLITE_ACCOUNT",
        None,
        "the account, when --account is not given",
    ),
    (
        "MASTOLITE_STORE",
        None,
        "the credentials file, when --store is not given",
    ),
    (
        "MASTOLITE_TOKEN",
        None,
        "a token to use instead of the stored ones, sent only to its own server: $MASTOLITE_SERVER, else the credentials file's only one, else the one --server names; --server naming another server gets no token (public reads go without it, other commands exit 3); never pass a token as an argument",
    ),
    (
        "SSL_CERT_FILE",
        None,
        "the PEM file of --ca-file, when that is not given: its authorities replace the bundled roots",
    ),
    (
        "HTTPS_PROXY",
        None,
        "the proxy for https (else https_proxy, ALL_PROXY, all_proxy: the first one set); the tunnel carries TLS end to end. HTTP_PROXY is never read. Never used for plain http or loopback addresses, nor under CGI (REQUEST_METHOD set)",
    ),
    (
        "NO_PROXY",
        None,
        "(or no_proxy) host names that go without the proxy, comma-separated, each with its subdomains; * for every host",
    ),
];

/// The exit status section of `mastolite --help`.
const EXIT_STATUSES: &[(&str, &str)] = &[
    ("0", "success"),
    (
        "1",
        "the server rejected the credentials (401, 403, revoked or expired token, unknown client)",
    ),
    (
        "2",
        "a transient failure (cannot connect, DNS, TLS, timeout, 429, 5xx, an unreadable answer)",
    ),
    (
        "3",
        "a usage or local error (bad arguments, no or unreadable or too-open credentials file, no token, no credentials for the server, several servers or accounts and none chosen)",
    ),
    (
        "4",
        "the server refused the request for another reason (400, 404, 422, other 4xx)",
    ),
];

/// `mastolite COMMAND --help`.
pub fn command_help(s: &Spec) -> String {
    let mut out = format!("usage: mastolite [OPTIONS] {}", s.name);
    wrap(&mut out, s.args, 7);
    out.push('\n');
    wrap(&mut out, s.about, 0);
    if !s.options.is_empty() {
        out.push_str("\noptions:\n");
        options_text(&mut out, s.options);
    }
    out.push_str("\nglobal options:\n");
    options_text(&mut out, GLOBAL_OPTIONS);
    out
}

/// The name in `names` closest to `typed` (at most 2 edits, and at most a third of its
/// length), for a "did you mean" hint.
fn closest<'a>(typed: &str, names: &[&'a str]) -> Option<&'a str> {
    let a: Vec<char> = typed.trim_start_matches('-').chars().collect();
    let limit = 2.min(a.len() / 3);
    names
        .iter()
        .map(|&name| (name.trim_start_matches('-'), name))
        // A length that differs by more than the limit is too far (and not worth measuring).
        .filter(|(bare, _)| bare.len().abs_diff(a.len()) <= limit)
        .map(|(bare, name)| (edits(&a, bare), name))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, name)| name)
}

/// The optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbours.
fn edits(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![(0..=b.len()).collect::<Vec<_>>(); a.len() + 1];
    for i in 1..=a.len() {
        rows[i][0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

/// `; did you mean X?`, or nothing.
fn hint(typed: &str, names: &[&str], quote: bool) -> String {
    match closest(typed, names) {
        Some(n) if quote => format!("; did you mean \"{n}\"?"),
        Some(n) => format!("; did you mean {n}?"),
        None => String::new(),
    }
}

/// Text a user typed, safe to echo.
fn shown(s: &str) -> String {
    mastolite::terminal::one_line(s, 60)
}

/// An option seen after the command, with its value when it takes one.
struct Seen {
    name: &'static str,
    value: Option<String>,
}

/// Parses the arguments after the program name.
///
/// # Errors
/// A [`UsageError`] for an unknown command or option, a missing or extra argument, or a bad
/// value.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, UsageError> {
    let mut args = args.into_iter();
    let mut global = Global {
        server: None,
        account: None,
        store: None,
        format: Format::Text,
        timeout: DEFAULT_TIMEOUT,
        allow_http: false,
        ca_file: None,
    };
    let mut command: Option<&'static Spec> = None;
    let mut seen: Vec<Seen> = Vec::new();
    let mut positional: Vec<String> = Vec::new();
    let mut help = false;
    let mut only_positional = false;
    let err = |command: Option<&'static Spec>, message: String| UsageError {
        message,
        command: command.map(|s| s.name),
    };

    while let Some(raw) = args.next() {
        let arg = if only_positional || raw.to_str().is_some_and(|a| !a.starts_with('-')) {
            None
        } else {
            raw.to_str()
        };
        let Some(arg) = arg else {
            // A positional argument: the command, then its own arguments.
            let Some(text) = raw.to_str() else {
                return Err(err(command, "an argument is not valid UTF-8".into()));
            };
            match command {
                None if text == "help" && !only_positional => help = true,
                None => match spec(text) {
                    Some(s) => command = Some(s),
                    None => {
                        let what = if help { "no" } else { "unknown" };
                        let names: Vec<&str> =
                            SPECS.iter().map(|s| s.name).chain(["help"]).collect();
                        let hint = hint(text, &names, true);
                        return Err(err(None, format!("{what} command {:?}{hint}", shown(text))));
                    }
                },
                Some(_) => positional.push(text.to_owned()),
            }
            continue;
        };
        if arg == "--" {
            only_positional = true;
            continue;
        }
        if arg == "--help" || arg == "-h" {
            help = true;
            continue;
        }
        if arg == "--version" || arg == "-V" {
            if command.is_none() {
                return Ok(Parsed::Version);
            }
            return Err(err(command, "--version takes no command".into()));
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (arg, None),
        };
        // Global options.
        let global_opt = GLOBAL_OPTIONS.iter().find(|o| o.0 == name);
        let opt =
            global_opt.or_else(|| command.and_then(|s| s.options.iter().find(|o| o.0 == name)));
        let Some(&(name, value_name, _)) = opt else {
            let valid = command.map_or(&[][..], |s| s.options);
            let names: Vec<&str> = GLOBAL_OPTIONS
                .iter()
                .chain(valid)
                .chain(MORE_OPTIONS)
                .map(|o| o.0)
                .collect();
            let hint = hint(name, &names, false);
            let message = match command {
                Some(s) => format!("unknown option {} for {}{hint}", shown(name), s.name),
                None => format!("unknown option {}{hint}", shown(name)),
            };
            return Err(err(command, message));
        };
        let value = match (value_name, inline) {
            (None, None) => None,
            (None, Some(_)) => return Err(err(command, format!("{name} takes no value"))),
            (Some(_), Some(v)) => Some(v),
            (Some(v), None) => match args.next().map(|a| a.into_string()) {
                Some(Ok(a)) if !a.starts_with("--") => Some(a),
                Some(Err(os)) if name == "--store" || name == "--ca-file" => {
                    let path = Some(PathBuf::from(os));
                    match name {
                        "--store" => global.store = path,
                        _ => global.ca_file = path,
                    }
                    continue;
                }
                Some(Err(_)) => {
                    return Err(err(
                        command,
                        format!("the value of {name} is not valid UTF-8"),
                    ));
                }
                _ => return Err(err(command, format!("{name} needs a value ({v})"))),
            },
        };
        if global_opt.is_some() {
            set_global(&mut global, name, value).map_err(|m| err(command, m))?;
        } else {
            if name != "--redirect-uri" && seen.iter().any(|s| s.name == name) {
                return Err(err(command, format!("{name} is given twice")));
            }
            seen.push(Seen { name, value });
        }
    }

    if help {
        return Ok(Parsed::Help(match command {
            Some(s) => command_help(s),
            None => main_help(),
        }));
    }
    let Some(spec) = command else {
        return Err(err(None, "no command given".into()));
    };
    match global.format {
        Format::Prometheus | Format::Nagios if spec.name != "check" => {
            return Err(err(
                command,
                format!("--format {} is only for check", global.format.name()),
            ));
        }
        _ => {}
    }
    match spec.command(Given { seen, positional }) {
        Ok(Command::Check(c)) if c.output.is_some() && global.format == Format::Nagios => Err(err(
            Some(spec),
            "--output does not go with --format nagios, which prints a plugin's status line".into(),
        )),
        Ok(Command::Forget(_)) if global.account.is_some() => Err(err(
            Some(spec),
            "forget takes a whole server, not --account; name it with --server URL".into(),
        )),
        Ok(c) => Ok(Parsed::Run(global, c)),
        Err(m) => Err(err(Some(spec), m)),
    }
}

fn set_global(global: &mut Global, name: &str, value: Option<String>) -> Result<(), String> {
    match (name, value) {
        ("--json", _) => global.format = Format::Json,
        ("--jsonl", _) => global.format = Format::Jsonl,
        ("--allow-http", _) => global.allow_http = true,
        ("--format", Some(v)) => {
            global.format = match v.as_str() {
                "text" => Format::Text,
                "json" => Format::Json,
                "jsonl" => Format::Jsonl,
                "prometheus" => Format::Prometheus,
                "nagios" => Format::Nagios,
                _ => {
                    return Err(format!(
                        "--format takes text, json, jsonl, prometheus or nagios, not {:?}",
                        shown(&v)
                    ));
                }
            }
        }
        ("--server", Some(v)) if !v.trim().is_empty() => global.server = Some(v),
        ("--account", Some(v)) if !v.trim().is_empty() => global.account = Some(v),
        ("--store", Some(v)) if !v.is_empty() => global.store = Some(PathBuf::from(v)),
        ("--ca-file", Some(v)) if !v.is_empty() => global.ca_file = Some(PathBuf::from(v)),
        ("--timeout", Some(v)) => global.timeout = parse_timeout(&v)?,
        (name, _) => return Err(format!("{name} needs a non-empty value")),
    }
    Ok(())
}

fn parse_timeout(v: &str) -> Result<Duration, String> {
    let bad = || {
        format!(
            "--timeout takes a number of seconds above 0 and at most {MAX_TIMEOUT_SECS}, not {:?}",
            shown(v)
        )
    };
    // Seconds with up to three decimals (`2.5`, `.25`, `30`), in fixed point: src/small.rs.
    let (whole, frac) = v.trim().split_once('.').unwrap_or((v.trim(), ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) || frac.len() > 3 {
        return Err(bad());
    }
    let secs: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let millis: u64 = format!("{frac:0<3}").parse().map_err(|_| bad())?;
    let total = Duration::from_secs(secs) + Duration::from_millis(millis);
    if total.is_zero() || total > Duration::from_secs(MAX_TIMEOUT_SECS) {
        return Err(bad());
    }
    Ok(total)
}

impl Spec {
    /// The command, once the positional arguments are counted.
    fn command(&self, given: Given) -> Result<Command, String> {
        if given.positional.len() < self.positional {
            return Err(format!("{} needs an account id or handle", self.name));
        }
        if given.positional.len() > self.positional {
            // Not echoed: a stray argument may be a secret pasted by mistake.
            return Err(format!(
                "{} takes {} argument(s), and more were given",
                self.name, self.positional
            ));
        }
        (self.build)(given)
    }
}

/// What the command line gave a command: its options, and its positional arguments (as many
/// as its [`Spec`] says).
struct Given {
    seen: Vec<Seen>,
    positional: Vec<String>,
}

impl Given {
    /// The values of an option, in order (only `--redirect-uri` may be given twice).
    fn values(&self, name: &str) -> Vec<String> {
        self.seen
            .iter()
            .filter(|s| s.name == name)
            .filter_map(|s| s.value.clone())
            .collect()
    }

    /// The value of an option given at most once (the parser refuses a second).
    fn value(&self, name: &str) -> Option<String> {
        let seen = self.seen.iter().find(|s| s.name == name)?;
        seen.value.clone()
    }

    fn flag(&self, name: &str) -> bool {
        self.seen.iter().any(|s| s.name == name)
    }

    /// A whole number of at least 1, when the option is given.
    fn positive<T>(&self, name: &str) -> Result<Option<T>, String>
    where
        T: std::str::FromStr + PartialEq + Default,
    {
        let Some(v) = self.value(name) else {
            return Ok(None);
        };
        match v.parse::<T>() {
            Ok(n) if n != T::default() => Ok(Some(n)),
            _ => Err(format!(
                "{name} takes a whole number of at least 1, not {:?}",
                shown(&v)
            )),
        }
    }

    /// `--app` or `--user`, else [`Which::Default`].
    fn which(&self) -> Result<Which, String> {
        match (self.flag("--app"), self.flag("--user")) {
            (true, true) => Err("--app and --user exclude each other".to_owned()),
            (true, false) => Ok(Which::App),
            (false, true) => Ok(Which::User),
            (false, false) => Ok(Which::Default),
        }
    }

    /// The first positional argument: the account of a command that takes one.
    fn account(self) -> String {
        self.positional.into_iter().next().unwrap_or_default()
    }

    /// `followers` and `following`.
    fn list(self) -> Result<List, String> {
        Ok(List {
            limit: self.positive("--limit")?,
            all: self.flag("--all"),
            max_items: self.positive("--max-items")?,
            account: self.account(),
        })
    }
}

/// `logout` and `revoke`.
fn logout(g: Given) -> Result<Command, String> {
    Ok(Command::Logout(Logout {
        which: g.which()?,
        local: g.flag("--local"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Parsed, UsageError> {
        parse(args.iter().map(OsString::from))
    }

    fn command(args: &[&str]) -> (Global, Command) {
        match run(args) {
            Ok(Parsed::Run(g, c)) => (g, c),
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        let (g, c) = command(&[
            "--server",
            "https://m.example",
            "check",
            "--json",
            "--timeout=2.5",
            "--store",
            "/tmp/c.json",
        ]);
        assert_eq!(
            c,
            Command::Check(Check {
                all: false,
                jobs: DEFAULT_JOBS,
                output: None,
                renew: false,
            })
        );
        assert_eq!(g.server.as_deref(), Some("https://m.example"));
        assert_eq!(g.format, Format::Json);
        assert_eq!(g.timeout, Duration::from_millis(2500));
        for (text, ms) in [
            ("30", 30_000),
            (".25", 250),
            ("0.001", 1),
            ("86400", 86_400_000),
            ("7.", 7_000),
        ] {
            let (g, _) = command(&["--timeout", text, "check"]);
            assert_eq!(g.timeout, Duration::from_millis(ms), "{text}");
        }
        assert_eq!(g.store, Some(PathBuf::from("/tmp/c.json")));
        let (g, _) = command(&["check"]);
        assert_eq!(g.timeout, DEFAULT_TIMEOUT);
        assert_eq!(g.format, Format::Text);
        assert!(!g.allow_http);
        assert_eq!(g.account, None);
        let (g, c) = command(&[
            "--account=Bob@B.example",
            "check",
            "--all",
            "--jobs",
            "3",
            "--output",
            "/tmp/m.prom",
            "--format",
            "prometheus",
            "--allow-http",
            "--renew",
        ]);
        assert_eq!(
            c,
            Command::Check(Check {
                all: true,
                jobs: 3,
                output: Some(PathBuf::from("/tmp/m.prom")),
                renew: true,
            })
        );
        assert_eq!(g.account.as_deref(), Some("Bob@B.example"));
        assert_eq!(g.format, Format::Prometheus);
        assert!(g.allow_http);
        assert_eq!(command(&["accounts", "--jsonl"]).0.format, Format::Jsonl);
        assert_eq!(
            command(&["accounts", "--format=json"]).0.format,
            Format::Json
        );
        assert!(!g.json());
    }

    #[test]
    fn output_formats_and_their_short_forms() {
        for (args, format) in [
            (&["followers", "1", "--jsonl"][..], Format::Jsonl),
            (&["--format", "jsonl", "followers", "1"], Format::Jsonl),
            (&["--format=json", "account", "1"], Format::Json),
            (
                &["--json", "account", "1", "--format", "text"],
                Format::Text,
            ),
            (&["check", "--format", "prometheus"], Format::Prometheus),
        ] {
            assert_eq!(command(args).0.format, format, "{args:?}");
        }
        assert!(command(&["--jsonl", "check"]).0.json());
        assert!(!command(&["--format", "prometheus", "check"]).0.json());
    }

    #[test]
    fn command_options_and_arguments() {
        let (_, c) = command(&[
            "register",
            "--name",
            "bot",
            "--redirect-uri",
            "urn:ietf:wg:oauth:2.0:oob",
            "--redirect-uri=https://a.example/cb",
            "--scopes",
            "read write",
        ]);
        assert_eq!(
            c,
            Command::Register(Register {
                name: "bot".into(),
                redirect_uris: vec![
                    "urn:ietf:wg:oauth:2.0:oob".into(),
                    "https://a.example/cb".into()
                ],
                scopes: Some("read write".into()),
                website: None,
                force: false,
            })
        );
        assert_eq!(
            command(&["token", "--if-expired", "--all"]).1,
            Command::Token(Token {
                scopes: None,
                if_expired: true,
                all: true
            })
        );
        let (_, c) = command(&["followers", "@alice@b.example", "--limit", "80", "--all"]);
        assert_eq!(
            c,
            Command::Followers(List {
                account: "@alice@b.example".into(),
                limit: Some(80),
                all: true,
                max_items: None,
            })
        );
        assert_eq!(command(&["verify", "--app"]).1, Command::Verify(Which::App));
        let logout = |which, local| Command::Logout(Logout { which, local });
        assert_eq!(command(&["revoke"]).1, logout(Which::Default, false));
        assert_eq!(command(&["logout", "--app"]).1, logout(Which::App, false));
        assert_eq!(
            command(&["revoke", "--local", "--user"]).1,
            logout(Which::User, true)
        );
        let (g, c) = command(&["forget", "--server", "https://a.example"]);
        assert_eq!(
            (g.server.as_deref(), c),
            (Some("https://a.example"), Command::Forget(false))
        );
        assert_eq!(command(&["forget", "--local"]).1, Command::Forget(true));
        assert_eq!(command(&["accounts"]).1, Command::Accounts);
        assert_eq!(command(&["metadata"]).1, Command::Metadata);
        assert_eq!(command(&["instance"]).1, Command::Instance);
        assert_eq!(
            command(&["account", "@bob"]).1,
            Command::Account("@bob".into())
        );
        assert_eq!(
            command(&["following", "7", "--max-items", "5"]).1,
            Command::Following(List {
                account: "7".into(),
                limit: None,
                all: false,
                max_items: Some(5),
            })
        );
        let (_, c) = command(&["login", "--force-login", "--lang", "de"]);
        assert_eq!(
            c,
            Command::Login(Login {
                scopes: None,
                force_login: true,
                lang: Some("de".into()),
                no_pkce: false,
                with_token: false,
                force: false,
            })
        );
        let (_, c) = command(&["login", "--no-pkce"]);
        assert!(matches!(
            c,
            Command::Login(Login {
                no_pkce: true,
                with_token: false,
                ..
            })
        ));
    }

    #[test]
    fn help_for_the_command_and_each_subcommand() {
        for args in [&["--help"][..], &["help"], &["-h"]] {
            match run(args) {
                Ok(Parsed::Help(text)) => assert!(text.contains("exit status:"), "{text}"),
                other => panic!("{other:?}"),
            }
        }
        for s in SPECS {
            for args in [[s.name, "--help"], ["help", s.name]] {
                match run(&args) {
                    Ok(Parsed::Help(text)) => {
                        assert!(
                            text.starts_with(&format!("usage: mastolite [OPTIONS] {}", s.name))
                        );
                        // Wrapped, word for word.
                        let words: Vec<&str> = text.split_whitespace().collect();
                        assert!(words.join(" ").contains(s.about), "{text}");
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
        assert_eq!(run(&["--version"]), Ok(Parsed::Version));
    }

    #[test]
    fn guesses_are_close_names_only() {
        let names = [
            "register", "revoke", "--scopes", "--json", "--jsonl", "--app",
        ];
        for (typed, guess) in [
            ("regsiter", Some("register")),
            ("registe", Some("register")),
            ("rgeistre", Some("register")),
            ("regxxxer", None),
            ("revok", Some("revoke")),
            ("--scope", Some("--scopes")),
            ("--jsno", Some("--json")),
            ("--jsonn", Some("--json")),
            ("--ap", None),
            ("--all", None),
            ("x", None),
            ("", None),
            ("--", None),
        ] {
            assert_eq!(closest(typed, &names), guess, "{typed}");
        }
        let a: Vec<char> = "ca".chars().collect();
        assert_eq!(edits(&a, "abc"), 3);
        assert_eq!(edits(&a, "ac"), 1);
        assert_eq!(edits(&[], "abc"), 3);
        // A long argument is not measured against short names.
        assert_eq!(closest(&"r".repeat(1 << 20), &names), None);
    }

    #[test]
    fn help_is_wrapped_under_its_column() {
        let mut out = String::from("  --x                    ");
        wrap(&mut out, &"word ".repeat(30), 25);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            format!("  --x                    {}", ["word"; 11].join(" "))
        );
        assert_eq!(lines[1], format!("{:25}{}", "", ["word"; 11].join(" ")));
        assert_eq!(lines[2], format!("{:25}{}", "", ["word"; 8].join(" ")));
        let mut out = String::from("usage: x");
        wrap(
            &mut out,
            "[--all [--jobs N] [--renew]] [--output FILE] [--a-rather-long-option VALUE]",
            7,
        );
        assert_eq!(
            out,
            "usage: x [--all [--jobs N] [--renew]] [--output FILE]\n       [--a-rather-long-option VALUE]\n"
        );
        let mut out = String::from("  accounts  ");
        wrap(&mut out, "", 12);
        assert_eq!(out, "  accounts\n");
    }

    #[test]
    #[rustfmt::skip]
    fn usage_errors() {
        let cases: &[(&[&str], &str, Option<&str>)] = &[
            (&[], "no command given", None),
            (&["frobnicate"], "unknown command \"frobnicate\"", None),
            (&["regsiter"], "unknown command \"regsiter\"; did you mean \"register\"?", None),
            (&["help", "revok"], "no command \"revok\"; did you mean \"revoke\"?", None),
            (&["token", "--scope", "read"], "unknown option --scope for token; did you mean --scopes?", Some("token")),
            (&["--scope", "read", "token"], "unknown option --scope", None),
            (&["check", "--frob"], "unknown option --frob for check", Some("check")),
            (&["--frob"], "unknown option --frob", None),
            (&["token", "--scopes"], "--scopes needs a value (SCOPES)", Some("token")),
            (&["token", "--scopes", "--json"], "--scopes needs a value", Some("token")),
            (&["check", "--json=yes"], "--json takes no value", Some("check")),
            (&["check", "--timeout", "0"], "--timeout takes a number", Some("check")),
            (&["check", "--timeout", "nan"], "--timeout takes a number", Some("check")),
            (&["check", "--timeout", "-1"], "--timeout takes a number", Some("check")),
            (&["check", "--timeout", "1e3"], "--timeout takes a number", Some("check")),
            (&["check", "--timeout", "2.5000"], "--timeout takes a number", Some("check")),
            (&["check", "--timeout", "86400.001"], "--timeout takes a number", Some("check")),
            (&["check", "--timeout", "."], "--timeout takes a number", Some("check")),
            (&["check", "--timeout", "1.2.3"], "--timeout takes a number", Some("check")),
            (&["check", "--timeout", " "], "--timeout takes a number", Some("check")),
            (&["check", "--timeout"], "--timeout needs a value (SECONDS)", Some("check")),
            (&["followers"], "followers needs an account id or handle", Some("followers")),
            (&["followers", "1", "2"], "takes 1 argument(s)", Some("followers")),
            (&["followers", "1", "--limit", "0"], "--limit takes a whole number", Some("followers")),
            (&["following", "1", "--max-items", "x"], "--max-items takes a whole number", Some("following")),
            (&["token", "SECRET-TOKEN"], "token takes 0 argument(s)", Some("token")),
            (&["verify", "--app", "--user"], "exclude each other", Some("verify")),
            (&["token", "--scopes", "a", "--scopes", "b"], "--scopes is given twice", Some("token")),
            (&["--server", ""], "--server needs a non-empty value", None),
            (&["--account", " "], "--account needs a non-empty value", None),
            (&["accounts", "--format", "xml"], "--format takes text, json, jsonl, prometheus or nagios", Some("accounts")),
            (&["check", "--all", "--jobs", "0"], "--jobs takes a whole number", Some("check")),
            (&["logout", "--app", "--user"], "exclude each other", Some("logout")),
            (&["logout", "--all"], "unknown option --all for logout", Some("logout")),
            (&["forget", "--app"], "unknown option --app for forget", Some("forget")),
            (&["forget", "--user", "--local"], "unknown option --user for forget", Some("forget")),
            (&["--account", "bob@a.example", "forget"], "forget takes a whole server, not --account; name it with --server URL", Some("forget")),
            (&["forget", "--account=bob@a.example", "--server", "https://a.example"], "not --account", Some("forget")),
            (&["forget", "--local", "--local"], "--local is given twice", Some("forget")),
            (&["forget", "a.example"], "forget takes 0 argument(s), and more were given", Some("forget")),
            (&["check", "--format", "yaml"], "--format takes text, json, jsonl, prometheus or nagios, not \"yaml\"", Some("check")),
            (&["followers", "1", "--format", "prometheus"], "--format prometheus is only for check", Some("followers")),
            (&["help", "nope"], "no command \"nope\"", None),
            (&["check", "--jobs", "2"], "--jobs goes with --all", Some("check")),
            (&["check", "--renew"], "--renew goes with --all", Some("check")),
            (&["login", "--with-token", "--lang", "de"], "--with-token takes none of", Some("login")),
            (&["login", "--with-token", "--no-pkce"], "--with-token takes none of --scopes, --force-login, --lang and --no-pkce", Some("login")),
            (&["login", "--no-pkce=yes"], "--no-pkce takes no value", Some("login")),
        ];
        for (args, words, command) in cases {
            let e = run(args).expect_err(&format!("{args:?}"));
            assert!(e.message.contains(words), "{args:?}: {}", e.message);
            assert_eq!(e.command, *command, "{args:?}");
            let line = e.line();
            assert!(!line.contains('\n'));
            assert!(line.contains("usage: mastolite [OPTIONS] "), "{line}");
            assert!(!line.contains("SECRET"), "{line}");
            assert_eq!(line.contains("did you mean"), e.message.contains("did you mean"));
        }
        // Only a close option of the command is guessed, and no guess follows a plain error.
        assert_eq!(run(&["--scope", "read", "token"]).unwrap_err().message, "unknown option --scope");
        assert_eq!(
            run(&["regsiter"]).unwrap_err().line(),
            "unknown command \"regsiter\"; did you mean \"register\"? usage: mastolite [OPTIONS] COMMAND [ARGS] (see mastolite --help)"
        );
        assert_eq!(
            run(&["check", "--frob"]).unwrap_err().line(),
            "unknown option --frob for check; usage: mastolite [OPTIONS] check [--all [--jobs N] [--renew]] [--output FILE] (see mastolite check --help)"
        );
    }
}
