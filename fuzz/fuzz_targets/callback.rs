//! The OAuth callback parser (`AuthorizationRequest::parse_callback`): never panics, never
//! accepts a callback without this request's `state` when the redirect URI is not out-of-band
//! (the fuzzer cannot know the random state, so any `Ok` is a forgery that got through), and
//! never returns an empty code.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mastolite::oauth::{self, AuthorizationRequest, AuthorizeOptions, Pkce};
use mastolite::{AppCredentials, Client, ClientSecret, OOB, Scopes};

fn request(redirect_uri: &str) -> AuthorizationRequest {
    let client = Client::new("https://mastodon.example").expect("a valid origin");
    let mut app = AppCredentials::new("client-id", ClientSecret::new("client-secret"));
    app.redirect_uri = redirect_uri.to_owned();
    let scopes: Scopes = "read".parse().expect("a valid scope");
    let options = AuthorizeOptions::new()
        .pkce(Pkce::Always)
        .registered(scopes.clone());
    oauth::authorization_request(&client, &app, &scopes, &options).expect("a request")
}

static LOOPBACK: OnceLock<AuthorizationRequest> = OnceLock::new();
static OUT_OF_BAND: OnceLock<AuthorizationRequest> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(callback) = std::str::from_utf8(data) else {
        return;
    };
    let loopback = LOOPBACK.get_or_init(|| request("http://127.0.0.1:7777/callback"));
    if let Ok(code) = loopback.parse_callback(callback) {
        panic!("accepted a callback without our state: {callback:?} -> {code:?}");
    }
    let oob = OUT_OF_BAND.get_or_init(|| request(OOB));
    match oob.parse_callback(callback) {
        Ok(code) => assert!(!code.secret().is_empty()),
        Err(e) => drop(e.to_string()),
    }
});
