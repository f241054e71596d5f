//! The smallest useful program: register an app, get an app token, verify it.
//!
//! ```sh
//! cargo run --example token_check -- https://mastodon.example
//! ```
//!
//! It prints the app's name, or the error and exits with status 1. An optional second argument
//! repeats `verify_credentials` that many more times over the same connection (the loopback
//! benchmark in `scripts/measure` uses it). It builds under every JSON and TLS feature
//! combination, and `scripts/measure` and `scripts/size-check` compare its size against the
//! same program written on raw ureq (`scripts/baselines/ureq-token-check`).

use std::process::ExitCode;

use mastolite::{Client, Error, OOB, apps, oauth};

fn run(server: &str, repeat: u32) -> Result<String, Error> {
    let client = Client::new(server)?;
    let app = apps::create(&client, &apps::NewApp::new("token_check").redirect_uri(OOB))?;
    let token = oauth::client_credentials(&client, &app.credentials(), &"read".parse()?)?;
    let mut me = apps::verify_credentials(&client, &token.access_token)?;
    for _ in 0..repeat {
        me = apps::verify_credentials(&client, &token.access_token)?;
    }
    Ok(me.name)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(server), repeat) = (args.next(), args.next()) else {
        eprintln!("usage: token_check <server> [repeat]");
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
