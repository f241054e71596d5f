//! What the command prints: JSON documents (encoded by the crate's JSON backend, so the same
//! text under serde and miniserde) and short lines for people.
//!
//! Entities that hold no secret (`Application`, `Account`, `CredentialAccount`,
//! `ServerMetadata`) are printed as the library decodes them. Those that do are printed through
//! the views here, which leave the secret out.

use std::io::Write;

use mastolite::Token;
use mastolite::store::StoredApp;

/// Server-supplied or user-typed text, safe for a terminal: control characters become spaces,
/// and at most `max` characters are kept.
pub fn printable(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// Writes lines to stdout. A closed pipe (`mastolite followers --all | head`) ends the output
/// quietly; `false` tells the caller to stop.
pub fn line(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).is_ok()
}

/// Prints one JSON document and a newline.
pub fn json<T: mastolite::Encode + ?Sized>(value: &T) -> bool {
    line(&mastolite::to_json(value))
}

/// A registered app, without its client secret.
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct AppView {
    pub name: String,
    pub client_id: String,
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
    pub website: Option<String>,
}

impl From<&StoredApp> for AppView {
    fn from(app: &StoredApp) -> Self {
        AppView {
            name: app.name.clone(),
            client_id: app.client_id.clone(),
            redirect_uris: app.redirect_uris.clone(),
            scopes: app.scopes.clone(),
            website: app.website.clone(),
        }
    }
}

/// A token response without the token itself (nor a refresh token).
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct TokenView {
    /// `app` or `user`.
    pub kind: String,
    pub token_type: Option<String>,
    pub scope: Option<String>,
    pub created_at: Option<i64>,
    pub expires_in: Option<i64>,
    /// The account of a user token, when it could be read.
    pub acct: Option<String>,
}

impl TokenView {
    pub fn new(kind: &str, token: &Token, acct: Option<String>) -> Self {
        TokenView {
            kind: kind.to_owned(),
            token_type: token.token_type.clone(),
            scope: token.scope.as_ref().map(ToString::to_string),
            created_at: token.created_at,
            expires_in: token.expires_in,
            acct,
        }
    }
}

/// `check --json`.
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct CheckReport {
    /// `ok`, `rejected` or `unavailable`.
    pub status: String,
    pub http_status: Option<u16>,
    pub error: Option<String>,
}

/// `revoke --json`.
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct Revoked {
    /// `app` or `user`.
    pub revoked: String,
    pub acct: Option<String>,
}

/// `instance --json`: what `mastolite::instance::Instance` exposes.
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
pub struct InstanceView {
    pub domain: Option<String>,
    pub title: Option<String>,
    pub version: Option<String>,
    /// 2 for `/api/v2/instance`, 1 for `/api/v1/instance`.
    pub api_version: u8,
    pub source_url: Option<String>,
    pub contact_email: Option<String>,
    pub contact_account: Option<String>,
    pub max_characters: Option<u64>,
}

impl From<&mastolite::instance::Instance> for InstanceView {
    fn from(i: &mastolite::instance::Instance) -> Self {
        let own = |s: Option<&str>| s.map(str::to_owned);
        InstanceView {
            domain: own(i.domain()),
            title: own(i.title()),
            version: own(i.version()),
            api_version: i.api_version(),
            source_url: own(i.source_url()),
            contact_email: own(i.contact_email()),
            contact_account: i.contact_account().and_then(|a| a.acct.clone()),
            max_characters: i.max_characters(),
        }
    }
}

/// Unix seconds as `YYYY-MM-DD hh:mm:ss UTC` (proleptic Gregorian calendar).
pub fn utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_900_000_000), "2030-03-17 17:46:40 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn printable_strips_control_characters_and_caps() {
        assert_eq!(printable("a\x1b[2Jb\nc", 10), "a [2Jb c");
        assert_eq!(printable("abcdef", 3), "abc…");
        assert_eq!(printable("abc", 3), "abc");
    }
}
