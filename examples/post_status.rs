//! Posts a status with a stored user token, as a cron bot would: the credentials file, a token
//! check first, a protected call to an endpoint this crate has no typed function for, and one
//! error type for all of them.
//!
//! ```sh
//! cargo run --example post_status                                    # offline: a local demo server
//! cargo run --example post_status -- https://mastodon.example "Hello" # a token `mastolite login` stored
//! ```
//!
//! With a server, it uses the user token that the credentials file (`MASTOLITE_STORE`, or
//! `~/.config/mastolite/credentials.json`) holds for it: `mastolite login` stores one. With no
//! argument it starts the walkthrough's demo server on 127.0.0.1, stores a token for it in a
//! credentials file of its own under the temporary folder, and posts there: nothing leaves the
//! machine. It checks the token before it posts: a token the server rejects is reported with
//! the check's outcome and exit status (1 for a rejected token, 2 when the server is
//! unavailable, as `mastolite check` exits), so a cron job's alert tells a revocation from an
//! outage. The post carries an `Idempotency-Key`, so a retry after a lost answer cannot post
//! twice. It prints the new status's id and URL, or the error and exits with status 1.

use std::path::Path;
use std::process::ExitCode;

use mastolite::check::{Checker, Kind, Outcome, Target};
use mastolite::store::{self, Store, StoredToken};
use mastolite::{Client, Error, OOB, api, apps, oauth};

#[path = "demo/mod.rs"]
#[allow(dead_code)]
mod demo;

/// The fields of a status this program reads, decoded by the JSON crate the build has.
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(
    all(feature = "miniserde", not(feature = "serde")),
    derive(miniserde::Deserialize)
)]
struct Status {
    id: String,
    url: Option<String>,
}

fn decode(body: &str) -> Option<Status> {
    #[cfg(feature = "serde")]
    return serde_json::from_str(body).ok();
    #[cfg(all(feature = "miniserde", not(feature = "serde")))]
    return miniserde::json::from_str(body).ok();
}

/// Checks the user token stored for `server`, then posts `text` with it: what to print, and
/// the exit status.
fn post(server: &str, store_path: &Path, text: &str) -> Result<(String, ExitCode), Error> {
    let client = Client::new(server)?;
    let store = Store::load(store_path)?;
    let (account, token) = store.user_token_for(&client, None)?;
    let who = account.unwrap_or("the stored user");
    let report = Checker::new().check(&Target::new(client.origin(), Kind::User, token.clone()));
    if report.status != Outcome::Ok {
        let why = report.error.as_deref().unwrap_or("no reason given");
        return Ok((
            format!(
                "not posting as {who}: the token check says {} ({why})",
                report.status
            ),
            ExitCode::from(report.status.exit_status()),
        ));
    }
    // One key per text: sending the same text again within the hour posts it once.
    let key = format!("post-status-{:016x}", fnv1a(text));
    let form = [("status", text), ("visibility", "unlisted")];
    let answer = api::post_form_idempotent(&client, "/api/v1/statuses", token, &form, &key)?;
    let shown = match decode(&answer.body) {
        Some(s) => format!("{} {}", s.id, s.url.as_deref().unwrap_or("(no URL)")),
        None => format!(
            "status {} (an answer this program cannot read)",
            answer.status
        ),
    };
    let line = format!(
        "posted as {who} after a token check ({}): {shown}",
        report.status
    );
    Ok((line, ExitCode::SUCCESS))
}

/// A stable hash of the text, for its idempotency key.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A credentials file for the demo server, holding a token stored as a user's.
fn demo_store(server: &str, path: &Path) -> Result<(), Error> {
    let client = Client::new(server)?;
    let app = apps::create(
        &client,
        &apps::NewApp::new("mastolite walkthrough").redirect_uri(OOB),
    )?;
    let token = oauth::client_credentials(&client, &app.credentials(), &"read".parse()?)?;
    let mut store = Store::new();
    store.set_user_token(
        "mastodonpy_test",
        StoredToken::from_token(&client, &token, 0),
    )?;
    store.save(path)?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [] => {
            let server = match demo::DemoServer::start() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("post_status: cannot start the local demo server: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let dir =
                std::env::temp_dir().join(format!("mastolite-post-status-{}", std::process::id()));
            let path = dir.join("credentials.json");
            let result = demo_store(server.url(), &path).and_then(|()| {
                post(
                    server.url(),
                    &path,
                    "Hello from mastolite's post_status example",
                )
            });
            let _ = std::fs::remove_dir_all(&dir);
            result
        }
        [server, text] => store::default_path()
            .map_err(Error::from)
            .and_then(|path| post(server, &path, text)),
        _ => {
            eprintln!("usage: post_status [<server> <text>]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok((line, status)) => {
            println!("{line}");
            status
        }
        Err(e) => {
            eprintln!("post_status: {e}");
            ExitCode::FAILURE
        }
    }
}
