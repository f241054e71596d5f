//! Raw ureq 3: register an app, get a client_credentials token, verify it.
//!
//! `ureq-token-check <server> [repeat]` prints the app's name; `repeat` more
//! verify_credentials calls go over the same keep-alive connection. One JSON backend
//! (`serde` or `miniserde`) and at most one TLS feature (`rustls`, `native-tls`) are chosen
//! at build time, as a user of plain ureq would.

use std::process::ExitCode;

mod common;

use common::{Error, agent, decode};

#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct App {
    client_id: String,
    client_secret: String,
}

#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct Token {
    access_token: String,
}

#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct Verified {
    name: String,
}

fn run(server: &str, repeat: u32) -> Result<String, Error> {
    let agent = agent();
    let server = server.trim_end_matches('/');
    let redirect = "urn:ietf:wg:oauth:2.0:oob";
    let app: App = decode(
        &agent
            .post(format!("{server}/api/v1/apps"))
            .send_form([
                ("client_name", "token_check"),
                ("redirect_uris", redirect),
                ("scopes", "read"),
            ])?
            .body_mut()
            .read_to_string()?,
    )?;
    let token: Token = decode(
        &agent
            .post(format!("{server}/oauth/token"))
            .send_form([
                ("grant_type", "client_credentials"),
                ("client_id", &app.client_id),
                ("client_secret", &app.client_secret),
                ("redirect_uri", redirect),
                ("scope", "read"),
            ])?
            .body_mut()
            .read_to_string()?,
    )?;
    let auth = format!("Bearer {}", token.access_token);
    let verify = || -> Result<Verified, Error> {
        decode(
            &agent
                .get(format!("{server}/api/v1/apps/verify_credentials"))
                .header("Authorization", &auth)
                .call()?
                .body_mut()
                .read_to_string()?,
        )
    };
    let mut me = verify()?;
    for _ in 0..repeat {
        me = verify()?;
    }
    Ok(me.name)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(server), repeat) = (args.next(), args.next()) else {
        eprintln!("usage: ureq-token-check <server> [repeat]");
        return ExitCode::from(2);
    };
    let Ok(repeat) = repeat.as_deref().unwrap_or("0").parse() else {
        eprintln!("repeat must be a number");
        return ExitCode::from(2);
    };
    match run(&server, repeat) {
        Ok(name) => {
            println!("ok: {name}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
