//! Token checks, for cron jobs and monitoring: is each stored token still accepted by its server?
//!
//! A [`Target`] is one token and the server that issued it. [`Checker::check`] asks that server
//! what the token is worth and returns a [`Report`]: the [`Outcome`], a [`Detail`] where the
//! answer says more, the HTTP status, the latency, the rate limit left, and an error text with
//! every secret removed. [`Checker::check_all`] checks many targets on a bounded number of
//! plain `std::thread`s, with one client per server so that connections are reused, and
//! returns the reports in a stable order. [`exit_status`] is the one place where outcomes
//! become the CLI's exit statuses.
//!
//! # What an answer proves
//!
//! A user token is asked about at `GET /api/v1/accounts/verify_credentials`, the endpoint that
//! sees its account; an app token at `GET /api/v1/apps/verify_credentials`; a token of
//! [`Kind::Unknown`] first as a user token. One answer may send the check on to the other
//! endpoint, once, within the same budget. [`classify`] reads each answer:
//!
//! | the server answers | what it proves | outcome (detail) |
//! |---|---|---|
//! | 200 | the token works | `ok` |
//! | 401, any text but those below | an invalid, revoked or unknown token | `rejected` |
//! | 401 `Unauthorized: user not supplied or not authorized` (GoToSocial) to an app token | it authenticated and has no user | `ok` (`app_token`) |
//! | 401 `Unauthorized: application not supplied` (GoToSocial), user endpoint | a valid token whose account cannot act | `disabled` (`account_unusable`) |
//! | 401 `This method requires an authenticated user` to an app token (Mastodon in limited federation mode) | nothing about the token | `refused` (`server_requires_user`) |
//! | 401 `identity_token_required` (Takahē) to an app token | nothing about the token | `refused` (`server_requires_user`) |
//! | 400 `Invalid Bearer token` (Takahē, `text/html`) | an invalid token | `rejected` |
//! | 403 for scope: `This action is outside the authorized scopes`, GoToSocial's `token has insufficient scope permission`, or `WWW-Authenticate: … error="insufficient_scope"` | it authenticated; this endpoint wants another scope | the other endpoint; if it cannot say more, `ok` (`scope_limited`); a user token the app endpoint accepts is `ok` (`scope_limited`) too, its account unseen |
//! | 403 `Your login is currently disabled` / `…missing a confirmed e-mail address` / `…currently pending approval` / `Your account requires two-factor authentication` | a valid token whose account cannot act | `disabled` (`login_disabled`, `email_unconfirmed`, `pending_approval`, `two_factor_required`) |
//! | any other 403 | | `rejected` (`forbidden`) |
//! | 422 `This method requires an authenticated user` | a valid app token | `ok` (`app_token`) |
//! | 404 | the endpoint is missing | the other endpoint |
//! | transport failure, timeout, 429, 5xx, a body that does not decode | nothing about the token | `unavailable` |
//! | any other 4xx, a redirect | | `refused` |
//!
//! The texts are matched byte for byte as the servers' source sends them; any other text
//! falls back to the rule of its status code.
//!
//! ```no_run
//! use mastolite::check::{Checker, Kind, Target, exit_status};
//! use mastolite::AccessToken;
//!
//! let targets = vec![
//!     Target::new("https://a.example", Kind::App, AccessToken::new("…")),
//!     Target::new("https://b.example", Kind::User, AccessToken::new("…"))
//!         .account("alice@b.example"),
//! ];
//! let reports = Checker::new().jobs(4).check_all(&targets);
//! for r in &reports {
//!     println!("{} {} {}", r.server, r.kind, r.status);
//! }
//! std::process::exit(exit_status(reports.iter().map(|r| r.status)).into());
//! ```

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::client::{Client, DEFAULT_TIMEOUT, Request, RetryPolicy, decode};
use crate::clock::unix_now;
use crate::entities::{Application, CredentialAccount};
use crate::error::Error;
use crate::secret::AccessToken;
use crate::store::Store;

pub use crate::kind::Kind;

/// The number of threads [`Checker::check_all`] uses unless told otherwise.
pub const DEFAULT_JOBS: usize = 8;

/// What a check found.
///
/// ```
/// use mastolite::check::Outcome;
/// assert_eq!(Outcome::Unavailable.to_string(), "unavailable");
/// assert_eq!(Outcome::Rejected.exit_status(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The server accepted the token.
    Ok,
    /// The server rejected the token: 401, 403, or an OAuth `invalid_client`.
    Rejected,
    /// The token is valid, but its account cannot act: disabled, suspended, unconfirmed or
    /// not yet approved.
    Disabled,
    /// The token is known to have expired; no request was made.
    Expired,
    /// The server could not be asked right now: a transport failure or timeout, 429, a 5xx,
    /// or an answer that is not the expected JSON.
    Unavailable,
    /// The server refused the request for another reason: another 4xx, or a redirect.
    Refused,
    /// The check could not be tried here: https without TLS built in, or invalid input (a bad
    /// server address, a token that cannot be sent in a header).
    Error,
}

impl Outcome {
    /// Every outcome, in the order of [`as_str`](Self::as_str)'s list.
    pub const ALL: [Outcome; 7] = [
        Outcome::Ok,
        Outcome::Rejected,
        Outcome::Disabled,
        Outcome::Expired,
        Outcome::Unavailable,
        Outcome::Refused,
        Outcome::Error,
    ];

    /// `ok`, `rejected`, `disabled`, `expired`, `unavailable`, `refused` or `error`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Rejected => "rejected",
            Outcome::Disabled => "disabled",
            Outcome::Expired => "expired",
            Outcome::Unavailable => "unavailable",
            Outcome::Refused => "refused",
            Outcome::Error => "error",
        }
    }

    /// The exit status of this outcome alone: [`exit_status`] of a set that holds only it.
    ///
    /// ```
    /// use mastolite::check::Outcome;
    /// assert_eq!(Outcome::Ok.exit_status(), 0);
    /// assert_eq!(Outcome::Expired.exit_status(), 1);
    /// assert_eq!(Outcome::Disabled.exit_status(), 1);
    /// assert_eq!(Outcome::Unavailable.exit_status(), 2);
    /// assert_eq!(Outcome::Error.exit_status(), 3);
    /// assert_eq!(Outcome::Refused.exit_status(), 4);
    /// ```
    pub fn exit_status(self) -> u8 {
        exit_status([self])
    }

    /// The outcome of any failed call, by the kind of its error: the one map from errors to
    /// outcomes, and through [`exit_status`](Outcome::exit_status) to the `mastolite` CLI's
    /// exit statuses, for every command.
    ///
    /// - [`Rejected`](Outcome::Rejected): the server refused the credentials (401, 403, an
    ///   OAuth `invalid_client`, Takahē's 400 `Invalid Bearer token`), or an OAuth callback was
    ///   denied or is not ours;
    /// - [`Unavailable`](Outcome::Unavailable): worth trying later ([`Error::is_transient`]), or
    ///   a server that is not answering properly (a body that does not decode);
    /// - [`Refused`](Outcome::Refused): any other error status, a redirect, a foreign link;
    /// - [`Error`](Outcome::Error): a failure here (invalid input, no TLS, the random source,
    ///   the credentials file).
    ///
    /// ```
    /// use mastolite::{Error, check::Outcome};
    /// assert_eq!(Outcome::of(&Error::StateMismatch), Outcome::Rejected);
    /// assert_eq!(Outcome::of(&Error::TlsUnavailable).exit_status(), 3);
    /// ```
    pub fn of(e: &Error) -> Outcome {
        match e {
            Error::Api(api) if api.is_unauthorized() => Outcome::Rejected,
            Error::Authorization(_) | Error::StateMismatch => Outcome::Rejected,
            e if e.is_transient() => Outcome::Unavailable,
            Error::Api(_) | Error::Redirect(_) | Error::ForeignUrl(_) => Outcome::Refused,
            Error::Transport(_) | Error::Decode(_) => Outcome::Unavailable,
            _ => Outcome::Error,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The exit status of a set of outcomes, as the `mastolite` CLI returns it: the one place
/// where outcomes become exit statuses.
///
/// - 1 if any token is rejected, disabled or expired; else
/// - 3 if any could not be checked here ([`Outcome::Error`]), or the set is empty; else
/// - 4 if any was refused; else
/// - 2 if any server was unavailable; else
/// - 0: every token is fine.
///
/// ```
/// use mastolite::check::{Outcome::*, exit_status};
/// assert_eq!(exit_status([Ok, Ok]), 0);
/// assert_eq!(exit_status([Ok, Unavailable, Refused]), 4);
/// assert_eq!(exit_status([Refused, Error, Unavailable]), 3);
/// assert_eq!(exit_status([Error, Expired]), 1);
/// assert_eq!(exit_status([]), 3);
/// ```
pub fn exit_status(outcomes: impl IntoIterator<Item = Outcome>) -> u8 {
    let (mut any, mut rejected, mut error, mut refused, mut unavailable) =
        (false, false, false, false, false);
    for o in outcomes {
        any = true;
        match o {
            Outcome::Ok => {}
            Outcome::Rejected | Outcome::Disabled | Outcome::Expired => rejected = true,
            Outcome::Error => error = true,
            Outcome::Refused => refused = true,
            Outcome::Unavailable => unavailable = true,
        }
    }
    if rejected {
        1
    } else if error || !any {
        3
    } else if refused {
        4
    } else if unavailable {
        2
    } else {
        0
    }
}

/// What an answer proved beyond its [`Outcome`]: a documented `snake_case` word.
///
/// ```
/// use mastolite::check::Detail;
/// assert_eq!(Detail::ScopeLimited.to_string(), "scope_limited");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Detail {
    /// `ok`: the token authenticated, but its scopes kept its account from being checked
    /// (neither endpoint could say more, or only the app endpoint accepted a user token).
    ScopeLimited,
    /// `ok`: a valid app token, which has no account.
    AppToken,
    /// `refused`: the server wants a user token for its whole API, so the answer says nothing
    /// about an app token.
    ServerRequiresUser,
    /// `disabled`: the account's login is disabled, or the account is suspended.
    LoginDisabled,
    /// `disabled`: the account has not confirmed its e-mail address.
    EmailUnconfirmed,
    /// `disabled`: the account waits for a moderator's approval.
    PendingApproval,
    /// `disabled`: the account must set up two-factor authentication first.
    TwoFactorRequired,
    /// `disabled`: the server says the account cannot act, without saying why (GoToSocial).
    AccountUnusable,
    /// `rejected`: a 403 that names no reason this crate knows.
    Forbidden,
    /// The app token had expired and renewing it failed (the `mastolite` CLI's `check --all
    /// --renew`): `unavailable` when the server could not be reached, `rejected` when it
    /// refused the app's credentials, else `refused` or `error`.
    RenewalFailed,
}

impl Detail {
    /// The word: `scope_limited`, `app_token`, `server_requires_user`, `login_disabled`,
    /// `email_unconfirmed`, `pending_approval`, `two_factor_required`, `account_unusable`,
    /// `forbidden` or `renewal_failed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Detail::ScopeLimited => "scope_limited",
            Detail::AppToken => "app_token",
            Detail::ServerRequiresUser => "server_requires_user",
            Detail::LoginDisabled => "login_disabled",
            Detail::EmailUnconfirmed => "email_unconfirmed",
            Detail::PendingApproval => "pending_approval",
            Detail::TwoFactorRequired => "two_factor_required",
            Detail::AccountUnusable => "account_unusable",
            Detail::Forbidden => "forbidden",
            Detail::RenewalFailed => "renewal_failed",
        }
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The two endpoints that can say what a token is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Probe {
    /// `GET /api/v1/apps/verify_credentials`: any valid token (Mastodon 4.3 and later; before
    /// that, a token with `read`).
    App,
    /// `GET /api/v1/accounts/verify_credentials`: a user token, whose account it checks.
    Account,
}

impl Probe {
    /// The endpoint, as errors name it (`GET /api/v1/apps/verify_credentials`).
    pub const fn endpoint(self) -> &'static str {
        match self {
            Probe::App => "GET /api/v1/apps/verify_credentials",
            Probe::Account => "GET /api/v1/accounts/verify_credentials",
        }
    }

    /// The endpoint a token of `kind` is asked about first.
    pub const fn first_for(kind: Kind) -> Probe {
        match kind {
            Kind::App => Probe::App,
            _ => Probe::Account,
        }
    }

    const fn other(self) -> Probe {
        match self {
            Probe::App => Probe::Account,
            Probe::Account => Probe::App,
        }
    }
}

/// What one answer of a [`Probe`] proves: [`classify`]'s result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict {
    /// The outcome, should no other answer say more.
    pub outcome: Outcome,
    /// What the answer proved beyond the outcome, where it did.
    pub detail: Option<Detail>,
    /// The token's kind: the one asked about, or, for [`Kind::Unknown`], the one the answer
    /// proved.
    pub kind: Kind,
    /// The endpoint to ask next, when this answer leaves the question to it.
    pub next: Option<Probe>,
}

impl Verdict {
    const fn new(outcome: Outcome, detail: Option<Detail>, kind: Kind) -> Self {
        Verdict {
            outcome,
            detail,
            kind,
            next: None,
        }
    }

    const fn then(mut self, next: Probe) -> Self {
        self.next = Some(next);
        self
    }

    /// Whether the next endpoint's verdict replaces this one: always, unless this answer
    /// proved the token valid and the next one neither works, disables nor rejects it.
    fn yields_to(&self, next: &Verdict) -> bool {
        self.outcome != Outcome::Ok
            || matches!(
                next.outcome,
                Outcome::Ok | Outcome::Disabled | Outcome::Rejected
            )
    }
}

// The servers' own words, byte for byte, and where they come from.
/// GoToSocial (`internal/api/util/auth.go`): an authenticated token that has no user.
const GTS_NO_USER: &str = "Unauthorized: user not supplied or not authorized";
/// GoToSocial (`internal/middleware/tokencheck.go` stops before it sets the app when the
/// token's user is unconfirmed, unapproved, disabled or suspended).
const GTS_NO_APP: &str = "Unauthorized: application not supplied";
/// GoToSocial's scope check (`internal/api/util/auth.go`), sent through `NewErrorForbidden`,
/// which puts `Forbidden: ` before it.
const GTS_SCOPE: &str = "token has insufficient scope permission";
/// Mastodon (`app/controllers/api/base_controller.rb`): 422 to an app token where a user is
/// needed, and 401 where the server wants a user for its whole API.
const REQUIRES_USER: &str = "This method requires an authenticated user";
/// Mastodon's Doorkeeper scope check (`doorkeeper_forbidden_render_options`).
const MASTODON_SCOPE: &str = "This action is outside the authorized scopes";
/// Takahē (`api/views/base.py`): its fixed app token `__app__`, or no token.
const TAKAHE_NO_IDENTITY: &str = "identity_token_required";
/// Mastodon's `require_user!` (`app/controllers/api/base_controller.rb`), and what each
/// says about the account.
const ACCOUNT_STATES: [(&str, Detail); 4] = [
    ("Your login is currently disabled", Detail::LoginDisabled),
    (
        "Your login is missing a confirmed e-mail address",
        Detail::EmailUnconfirmed,
    ),
    (
        "Your login is currently pending approval",
        Detail::PendingApproval,
    ),
    (
        "Your account requires two-factor authentication",
        Detail::TwoFactorRequired,
    ),
];

/// What one answer of `probe` about a token of `kind` proves: the table in the [module
/// docs](self), the one place where server answers become outcomes for checks.
///
/// ```
/// use mastolite::check::{Detail, Kind, Outcome, Probe, classify};
/// use mastolite::{ApiError, Error};
/// // GoToSocial has no apps/verify_credentials: its `/api/v1/apps/:id` route answers a valid
/// // app token so.
/// let answer = Error::from(
///     ApiError::new(401).with_error("Unauthorized: user not supplied or not authorized"),
/// );
/// let v = classify(Kind::App, Probe::App, Err(&answer));
/// assert_eq!((v.outcome, v.detail), (Outcome::Ok, Some(Detail::AppToken)));
/// // A bot token without `read` on Mastodon 4.2: valid, so the other endpoint is asked.
/// let answer = Error::from(
///     ApiError::new(403).with_error("This action is outside the authorized scopes"),
/// );
/// let v = classify(Kind::App, Probe::App, Err(&answer));
/// assert_eq!(v.next, Some(Probe::Account));
/// ```
pub fn classify(kind: Kind, probe: Probe, answer: Result<(), &Error>) -> Verdict {
    let mut v = read_answer(kind, probe, answer);
    // A known kind stays as the target says: reports and metrics keep their labels.
    if kind != Kind::Unknown {
        v.kind = kind;
    }
    v
}

fn read_answer(kind: Kind, probe: Probe, answer: Result<(), &Error>) -> Verdict {
    let e = match answer {
        Ok(()) if probe == Probe::Account => return Verdict::new(Outcome::Ok, None, Kind::User),
        Ok(()) => return Verdict::new(Outcome::Ok, None, kind),
        Err(e) => e,
    };
    let by_status = Verdict::new(Outcome::of(e), None, kind);
    let Error::Api(api) = e else {
        return by_status;
    };
    let said = api.error().or(api.text()).unwrap_or("");
    // An unknown token that the user endpoint proves to be an app token, or cannot judge, is
    // asked about at the app endpoint.
    let app_if_unknown = |v: Verdict| {
        if kind == Kind::Unknown && probe == Probe::Account {
            v.then(Probe::App)
        } else {
            v
        }
    };
    let scope = said == MASTODON_SCOPE
        || said.strip_prefix("Forbidden: ").unwrap_or(said) == GTS_SCOPE
        || api
            .www_authenticate()
            .is_some_and(|c| c.contains("error=\"insufficient_scope\""));
    match api.status() {
        401 if said == GTS_NO_USER && kind != Kind::User => {
            app_if_unknown(Verdict::new(Outcome::Ok, Some(Detail::AppToken), Kind::App))
        }
        401 if said == GTS_NO_APP && probe == Probe::Account => {
            Verdict::new(Outcome::Disabled, Some(Detail::AccountUnusable), Kind::User)
        }
        401 if (said == REQUIRES_USER || said == TAKAHE_NO_IDENTITY) && kind != Kind::User => {
            app_if_unknown(Verdict::new(
                Outcome::Refused,
                Some(Detail::ServerRequiresUser),
                kind,
            ))
        }
        403 if scope => {
            Verdict::new(Outcome::Ok, Some(Detail::ScopeLimited), kind).then(probe.other())
        }
        403 => match ACCOUNT_STATES.iter().find(|(text, _)| *text == said) {
            Some(&(_, detail)) => Verdict::new(Outcome::Disabled, Some(detail), Kind::User),
            None => Verdict::new(Outcome::Rejected, Some(Detail::Forbidden), kind),
        },
        422 if said == REQUIRES_USER => {
            app_if_unknown(Verdict::new(Outcome::Ok, Some(Detail::AppToken), Kind::App))
        }
        404 => by_status.then(probe.other()),
        _ => by_status,
    }
}

/// One token to check, and the server that issued it: the token is sent to that origin only.
/// Both are fixed when the target is made, and the token cannot be read back, so a target from
/// [`targets_from_store`] cannot carry a stored token to another server.
///
/// `Debug` shows everything but the token.
///
/// ```
/// use mastolite::check::{Kind, Target};
/// let t = Target::new("https://b.example", Kind::User, mastolite::AccessToken::new("s3cret"))
///     .account("alice@b.example")
///     .expires_at(Some(1_900_000_000));
/// assert_eq!(t.origin(), "https://b.example");
/// assert_eq!(t.account.as_deref(), Some("alice@b.example"));
/// assert!(!format!("{t:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Target {
    origin: String,
    /// App or user token, or [`Kind::Unknown`]: which endpoint is asked first.
    pub kind: Kind,
    /// The account of a user token (`alice@host`), when known.
    pub account: Option<String>,
    token: AccessToken,
    /// When the token expires (Unix seconds), when known. A target at or past it is reported
    /// [`Outcome::Expired`] without a request.
    pub expires_at: Option<i64>,
}

impl Target {
    /// A token of `kind` issued by the server at `origin`, with no account and no known expiry.
    ///
    /// ```
    /// use mastolite::check::{Kind, Target};
    /// let t = Target::new("https://a.example", Kind::App, mastolite::AccessToken::new("x"));
    /// assert_eq!((t.kind, t.account, t.expires_at), (Kind::App, None, None));
    /// ```
    pub fn new(origin: impl Into<String>, kind: Kind, token: AccessToken) -> Self {
        Target {
            origin: origin.into(),
            kind,
            account: None,
            token,
            expires_at: None,
        }
    }

    /// Names the account the token belongs to.
    #[must_use]
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// Sets when the token expires (Unix seconds), or that it is not known.
    #[must_use]
    pub fn expires_at(mut self, at: Option<i64>) -> Self {
        self.expires_at = at;
        self
    }

    /// The server's origin (`https://host[:port]`), the only one the token is sent to.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    fn sort_key(&self) -> (&str, Kind, Option<&str>) {
        (&self.origin, self.kind, self.account.as_deref())
    }
}

/// Every token of a credentials file, as targets: for each server in order, its app token, then
/// its user tokens (named `username@host[:port]`, or unnamed for a token from a version-1 file
/// that did not know its account). Each target keeps the origin its token was issued for.
///
/// ```
/// use mastolite::check::{Kind, targets_from_store};
/// let store = mastolite::store::Store::from_json(
///     r#"{"version":1,"server":"https://m.example","app":null,"tokens":{
///         "app":{"access_token":"a","scope":"read","created_at":null,"expires_at":null,"acct":null},
///         "user":{"access_token":"u","scope":"read","created_at":null,"expires_at":1900000000,"acct":"Alice"}}}"#,
/// )?;
/// let targets = targets_from_store(&store);
/// assert_eq!(targets.len(), 2);
/// assert_eq!(targets[0].kind, Kind::App);
/// assert_eq!(targets[1].account.as_deref(), Some("alice@m.example"));
/// assert_eq!(targets[1].expires_at, Some(1_900_000_000));
/// # Ok::<(), mastolite::StoreError>(())
/// ```
pub fn targets_from_store(store: &Store) -> Vec<Target> {
    let mut targets = Vec::new();
    for entry in store.servers() {
        let tokens = entry
            .app_token()
            .map(|t| (Kind::App, None, t))
            .into_iter()
            .chain(entry.users().map(|(name, t)| (Kind::User, name, t)));
        for (kind, name, stored) in tokens {
            // Each target carries the origin its token was issued for, and the checker sends
            // the token only there.
            let mut t = Target::new(stored.origin(), kind, stored.bound_token().clone())
                .expires_at(stored.expires_at);
            t.account = name.map(str::to_owned);
            targets.push(t);
        }
    }
    targets
}

/// What one check found. Holds no secret.
///
/// It derives the `Serialize` of each enabled JSON backend (serde, miniserde): an object with the
/// fields below, `kind` and `status` as their names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
#[non_exhaustive]
pub struct Report {
    /// The target's origin.
    pub server: String,
    /// App or user token: the target's kind, or, for [`Kind::Unknown`], the kind the answers
    /// proved.
    pub kind: Kind,
    /// The target's account, when known.
    pub account: Option<String>,
    /// What the check found.
    pub status: Outcome,
    /// What the answers proved beyond the status, where they did.
    pub detail: Option<Detail>,
    /// The HTTP status of the last answer; `None` when no answer came (no request, or a
    /// transport failure).
    pub http_status: Option<u16>,
    /// How long the check took, in milliseconds (both requests where there were two).
    pub latency_ms: u64,
    /// `X-RateLimit-Remaining` of the last answer, when it had one.
    pub rate_limit_remaining: Option<u64>,
    /// Why the check failed, on one line, with every secret removed; `None` when it did not.
    /// For [`Outcome::Expired`], see [`expires_at`](Self::expires_at).
    pub error: Option<String>,
    /// The target's expiry (Unix seconds), when known.
    pub expires_at: Option<i64>,
    /// When the check ended (Unix seconds).
    pub checked_at: i64,
}

/// Checks tokens: the timeouts, the retry policy, and how many threads.
///
/// ```
/// use std::time::Duration;
/// use mastolite::check::Checker;
/// let checker = Checker::new()
///     .timeout(Duration::from_secs(10))
///     .jobs(4)
///     .retry(mastolite::RetryPolicy::none());
/// # let _ = checker;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Checker {
    timeout: Duration,
    budget: Option<Duration>,
    deadline: Option<Instant>,
    jobs: usize,
    retry: RetryPolicy,
    allow_plain_http: bool,
    roots: Option<Vec<u8>>,
}

impl Default for Checker {
    fn default() -> Self {
        Checker {
            timeout: DEFAULT_TIMEOUT,
            budget: None,
            deadline: None,
            jobs: DEFAULT_JOBS,
            retry: RetryPolicy::default(),
            allow_plain_http: false,
            roots: None,
        }
    }
}

/// The error of a check that a [`Checker::deadline`] kept from starting.
pub const NOT_CHECKED: &str = "not checked: the deadline had passed";

/// The last answer of a check: its status and rate limit, and the result.
struct Attempt {
    status: Option<u16>,
    remaining: Option<u64>,
    result: Result<(), Error>,
}

impl Checker {
    /// The defaults: 30 s per request, no bound on a whole check besides that and no
    /// deadline, the default [`RetryPolicy`], [`DEFAULT_JOBS`] threads, https only (plain
    /// http on loopback).
    pub fn new() -> Self {
        Self::default()
    }

    /// The timeout of each request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Bounds each token's whole check, both requests and any retries included (default:
    /// none besides the timeout of each request).
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Ends every check by `deadline`, for a monitor that is stopped after a fixed time
    /// (default: none). A check under way gets only the time left, and one not started by
    /// then is not started: its report is [`Outcome::Unavailable`] with the error
    /// [`NOT_CHECKED`], no HTTP status and no latency. A token known to have expired is still
    /// reported [`Outcome::Expired`].
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use mastolite::check::{Checker, Kind, NOT_CHECKED, Outcome, Target};
    /// let target = Target::new("https://m.example", Kind::App, mastolite::AccessToken::new("…"));
    /// let report = Checker::new().deadline(Instant::now()).check(&target);
    /// assert_eq!(report.status, Outcome::Unavailable);
    /// assert_eq!(report.error.as_deref(), Some(NOT_CHECKED));
    /// ```
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// How many tokens [`check_all`](Self::check_all) checks at once (default 8; 0 counts
    /// as 1).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// The retry policy of each request (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Allows plain `http://` to servers that are not loopback, as
    /// [`ClientBuilder::allow_plain_http`](crate::ClientBuilder::allow_plain_http).
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Trusts only the certificates in `pem`, as
    /// [`ClientBuilder::root_certificates_pem`](crate::ClientBuilder::root_certificates_pem).
    /// Defaults to the roots the TLS feature brings.
    pub fn root_certificates_pem(mut self, pem: &[u8]) -> Self {
        self.roots = Some(pem.to_vec());
        self
    }

    fn client(
        &self,
        origin: &str,
        agent: Option<&ureq::Agent>,
        timeout: Duration,
        total: Option<Duration>,
    ) -> Result<Client, Error> {
        let mut b = Client::builder(origin)
            .timeout(timeout)
            .retry(self.retry)
            .allow_plain_http(self.allow_plain_http);
        if let Some(total) = total {
            b = b.total_timeout(total);
        }
        // An agent here is a client's of this checker, made with the roots already.
        match (agent, &self.roots) {
            (Some(a), _) => b = b.agent(a.clone()),
            (None, Some(pem)) => b = b.root_certificates_pem(pem),
            (None, None) => {}
        }
        b.build()
    }

    /// Checks one token, with a client of its own.
    ///
    /// ```no_run
    /// use mastolite::check::{Checker, Kind, Outcome, Target};
    /// let target = Target::new("https://m.example", Kind::App, mastolite::AccessToken::new("…"));
    /// let report = Checker::new().check(&target);
    /// if report.status != Outcome::Ok {
    ///     eprintln!("{}: {}", report.status, report.error.unwrap_or_default());
    /// }
    /// ```
    pub fn check(&self, target: &Target) -> Report {
        let client = self.client(&target.origin, None, self.timeout, self.budget);
        self.check_on(client.as_ref(), target)
    }

    /// Checks every target, at most [`jobs`](Self::jobs) at a time on plain threads, with one
    /// client (and so one connection pool) per server. The reports come sorted by server, kind
    /// (apps first) and account, whatever order the checks finished in.
    ///
    /// ```no_run
    /// use mastolite::check::{Checker, targets_from_store};
    /// let store = mastolite::store::Store::load(&mastolite::store::default_path()?)?;
    /// let reports = Checker::new().check_all(&targets_from_store(&store));
    /// # let _ = reports;
    /// # Ok::<(), mastolite::StoreError>(())
    /// ```
    pub fn check_all(&self, targets: &[Target]) -> Vec<Report> {
        // Stable, in the given order among equals. Not `sort_by`: crate::small.
        let by_key = |a: usize, b: usize| targets[a].sort_key() < targets[b].sort_key();
        let order: Vec<&Target> = crate::small::sorted_indices(targets.len(), &by_key)
            .into_iter()
            .map(|i| &targets[i])
            .collect();
        // One client per server, built once: its agent's connections are reused.
        let mut clients: Vec<Result<Client, Error>> = Vec::new();
        let mut client_of = Vec::with_capacity(order.len());
        for (i, t) in order.iter().enumerate() {
            if i == 0 || order[i - 1].origin != t.origin {
                clients.push(self.client(&t.origin, None, self.timeout, self.budget));
            }
            client_of.push(clients.len() - 1);
        }
        let next = AtomicUsize::new(0);
        let mut empty = Vec::new();
        empty.resize_with(order.len(), || None);
        let slots: Mutex<Vec<Option<Report>>> = Mutex::new(empty);
        // Each worker takes the next target until none is left, and puts its report in its slot.
        let work = || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let (Some(t), Some(&c)) = (order.get(i), client_of.get(i)) else {
                    break;
                };
                let report = self.check_on(clients[c].as_ref(), t);
                let mut slots = slots.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Some(report);
                }
            }
        };
        std::thread::scope(|s| {
            for _ in 1..self.jobs.min(order.len()) {
                // A thread the system cannot start leaves its share to the others.
                let _ = std::thread::Builder::new().spawn_scoped(s, work);
            }
            // This thread works too, so the checks finish even if no thread could start.
            work();
        });
        let slots = slots.into_inner().unwrap_or_else(|e| e.into_inner());
        slots.into_iter().flatten().collect()
    }

    fn check_on(&self, client: Result<&Client, &Error>, target: &Target) -> Report {
        let started = Instant::now();
        let now = unix_now();
        let mut report = Report {
            server: target.origin.clone(),
            kind: target.kind,
            account: target.account.clone(),
            status: Outcome::Ok,
            detail: None,
            http_status: None,
            latency_ms: 0,
            rate_limit_remaining: None,
            error: None,
            expires_at: target.expires_at,
            checked_at: now,
        };
        if target.expires_at.is_some_and(|at| now >= at) {
            report.status = Outcome::Expired;
            return report;
        }
        let client = match client {
            Ok(c) => c,
            // No client for this server (its address is invalid), so no request was sent.
            Err(e) => {
                report.status = Outcome::of(e);
                report.error = Some(redact(&e.to_string(), target.token.secret()));
                return report;
            }
        };
        // This check's time: the budget, and no more than what is left before the deadline.
        let until_deadline = self.deadline.map(|d| d.saturating_duration_since(started));
        if until_deadline.is_some_and(|d| d.is_zero()) {
            report.status = Outcome::Unavailable;
            report.error = Some(NOT_CHECKED.to_owned());
            return report;
        }
        let bound = match (self.budget, until_deadline) {
            (Some(b), Some(d)) => Some(b.min(d)),
            (b, d) => b.or(d),
        };
        let probe = Probe::first_for(target.kind);
        // The shared client already keeps to the budget; a deadline needs a bound of its own.
        let first = self.ask(client, probe, &target.token, until_deadline.and(bound));
        let mut verdict = classify(target.kind, probe, first.result.as_ref().map(|_| ()));
        let mut last = first;
        if let Some(next) = verdict.next {
            let left = bound.map(|b| b.saturating_sub(started.elapsed()));
            let mut second = self.ask(client, next, &target.token, left);
            // A timeout here ran out of the check's time, not of what the first ask left.
            if let (Some(b), Err(Error::Transport(t))) = (bound, &mut second.result) {
                t.limit = b;
            }
            let then = classify(verdict.kind, next, second.result.as_ref().map(|_| ()));
            // The report's status code and error are those of the answer that decided.
            if verdict.yields_to(&then) {
                // The app endpoint's 200 proves a user token works, not that its account can
                // act: that stays unchecked, as the scope 403 said.
                let unseen = verdict.detail == Some(Detail::ScopeLimited)
                    && next == Probe::App
                    && then.outcome == Outcome::Ok
                    && then.detail.is_none();
                (verdict, last) = (then, second);
                if unseen {
                    verdict.detail = Some(Detail::ScopeLimited);
                }
            }
            verdict.next = None;
        }
        report.latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        report.checked_at = unix_now();
        report.http_status = last.status;
        report.rate_limit_remaining = last.remaining;
        report.kind = verdict.kind;
        report.status = verdict.outcome;
        report.detail = verdict.detail;
        if verdict.outcome != Outcome::Ok
            && let Err(e) = &last.result
        {
            report.error = Some(redact(&e.to_string(), target.token.secret()));
        }
        report
    }

    /// One request to `probe`'s endpoint; with `left`, within that time, on the same
    /// connections.
    fn ask(
        &self,
        client: &Client,
        probe: Probe,
        token: &AccessToken,
        left: Option<Duration>,
    ) -> Attempt {
        let ep = probe.endpoint();
        let path = ep.trim_start_matches("GET ").to_owned();
        let fresh;
        let client = match left {
            Some(left) => {
                match self.client(
                    client.origin(),
                    Some(client.agent()),
                    left.min(self.timeout),
                    Some(left),
                ) {
                    Ok(c) => {
                        fresh = c;
                        &fresh
                    }
                    Err(e) => {
                        return Attempt {
                            status: None,
                            remaining: None,
                            result: Err(e),
                        };
                    }
                }
            }
            _ => client,
        };
        let reply = client.send(&Request::get(ep, path, Some(token)));
        match reply {
            Ok(r) => Attempt {
                status: Some(r.status),
                remaining: r.rate_limit.and_then(|l| l.remaining),
                result: match probe {
                    Probe::App => decode::<Application>(&r, "Application", false).map(drop),
                    Probe::Account => {
                        decode::<CredentialAccount>(&r, "CredentialAccount", false).map(drop)
                    }
                },
            },
            Err(e) => Attempt {
                status: e.status(),
                remaining: e.rate_limit().and_then(|l| l.remaining),
                result: Err(e),
            },
        }
    }
}

/// Error text on one line, without the token in any encoding: the crate's one redaction rule
/// (`crate::redact`), then the terminal sanitiser.
fn redact(text: &str, secret: &str) -> String {
    let mut secrets = crate::redact::Secrets::none();
    secrets.push(secret);
    let text = secrets.redact(&text.replace(['\n', '\r'], " "));
    crate::terminal::sanitize(&text).into_owned()
}

crate::json::serialize_as_str!(Outcome, Detail);

crate::json::encodable!(Report);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_every_form_of_the_secret() {
        let s = "a/b\"c-long-enough";
        let text = format!("x {s} y a%2Fb%22c-long-enough z a/b\\\"c-long-enough\nnext");
        assert_eq!(
            redact(&text, s),
            "x [redacted] y [redacted] z [redacted] next"
        );
        // A short token is redacted only where it stands alone, so that it cannot blank out
        // pieces of the server's name.
        assert_eq!(
            redact("GET http://mastodon.example/api: token x was refused", "x"),
            "GET http://mastodon.example/api: token [redacted] was refused"
        );
    }

    #[test]
    fn outcomes_of_errors() {
        let api = |status, error: Option<&str>| {
            let mut e = crate::error::ApiError::new(status).with_endpoint("GET /x");
            if let Some(error) = error {
                e = e.with_error(error);
            }
            Error::from(e)
        };
        assert_eq!(Outcome::of(&api(401, None)), Outcome::Rejected);
        assert_eq!(Outcome::of(&api(403, None)), Outcome::Rejected);
        assert_eq!(
            Outcome::of(&api(400, Some("invalid_client"))),
            Outcome::Rejected
        );
        assert_eq!(Outcome::of(&api(429, None)), Outcome::Unavailable);
        assert_eq!(Outcome::of(&api(502, None)), Outcome::Unavailable);
        assert_eq!(Outcome::of(&api(404, None)), Outcome::Refused);
        assert_eq!(Outcome::of(&Error::TlsUnavailable), Outcome::Error);
        assert_eq!(Outcome::of(&Error::invalid("x")), Outcome::Error);
        assert_eq!(Outcome::of(&Error::StateMismatch), Outcome::Rejected);
        let store = crate::store::Store::from_json("").unwrap_err();
        assert_eq!(Outcome::of(&Error::from(store)), Outcome::Error);
    }
}
