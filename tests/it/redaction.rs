//! `Debug` of every public type that holds a secret shows the rest of the value but never the
//! secret, in plain and in pretty form.

use crate::common;

use common::decode;
use mastolite::{
    AccessToken, AppCredentials, AuthorizationCode, ClientSecret, CredentialApplication, CsrfState,
    PkceVerifier, Token,
};

const ACCESS: &str = "access-SECRET-0a1b";
const REFRESH: &str = "refresh-SECRET-2c3d";
const CLIENT_SECRET: &str = "client-SECRET-4e5f";
const CODE: &str = "code-SECRET-6a7b";
const VERIFIER: &str = "verifier-SECRET-8c9d-dBjftJeZ4CVP-mB92K27uhbUJU1p1r";
const STATE: &str = "state-SECRET-0e1f";

const SECRETS: [&str; 6] = [ACCESS, REFRESH, CLIENT_SECRET, CODE, VERIFIER, STATE];

/// Both Debug forms of `value` keep every secret out and say `[redacted]`, and show `visible`.
fn assert_redacted(what: &str, value: &dyn std::fmt::Debug, visible: &[&str]) {
    for shown in [format!("{value:?}"), format!("{value:#?}")] {
        for secret in SECRETS {
            assert!(!shown.contains(secret), "{what} shows {secret}: {shown}");
        }
        // The distinctive middle of each secret, in case a prefix or a suffix is cut off.
        assert!(!shown.contains("SECRET"), "{what}: {shown}");
        assert!(shown.contains("[redacted]"), "{what}: {shown}");
        for v in visible {
            assert!(shown.contains(v), "{what} hides {v}: {shown}");
        }
    }
}

#[test]
fn secret_types_are_redacted() {
    assert_redacted("AccessToken", &AccessToken::new(ACCESS), &["AccessToken"]);
    assert_redacted(
        "ClientSecret",
        &ClientSecret::new(CLIENT_SECRET),
        &["ClientSecret"],
    );
    assert_redacted(
        "AuthorizationCode",
        &AuthorizationCode::new(CODE),
        &["AuthorizationCode"],
    );
    assert_redacted(
        "PkceVerifier",
        &PkceVerifier::new(VERIFIER),
        &["PkceVerifier"],
    );
    assert_redacted("CsrfState", &CsrfState::new(STATE), &["CsrfState"]);
    // The values are still there for whoever asks for them by name.
    assert_eq!(AccessToken::new(ACCESS).secret(), ACCESS);
    assert_eq!(CsrfState::new(STATE).into_secret(), STATE);
}

#[test]
fn entities_holding_secrets_are_redacted() {
    let token: Token = decode(
        "token",
        &format!(
            r#"{{"access_token":"{ACCESS}","token_type":"Bearer","scope":"read write","created_at":1700000000,"expires_in":3600,"refresh_token":"{REFRESH}"}}"#
        ),
    );
    assert_eq!(token.access_token.secret(), ACCESS);
    assert_redacted(
        "Token",
        &token,
        &["Bearer", "read write", "1700000000", "3600"],
    );
    assert_redacted(
        "Token from a stored value",
        &Token::new(AccessToken::new(ACCESS)),
        &["Token"],
    );

    let app: CredentialApplication = decode(
        "app",
        &format!(
            r#"{{"id":"563419","name":"Test Application","website":null,"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","client_id":"visible-client-id","client_secret":"{CLIENT_SECRET}"}}"#
        ),
    );
    assert_eq!(app.client_secret.secret(), CLIENT_SECRET);
    assert_redacted(
        "CredentialApplication",
        &app,
        &["563419", "Test Application", "visible-client-id"],
    );

    let creds = app.credentials();
    assert_redacted(
        "AppCredentials",
        &creds,
        &["visible-client-id", "urn:ietf:wg:oauth:2.0:oob"],
    );
    assert_redacted(
        "AppCredentials::new",
        &AppCredentials::new("id-2", ClientSecret::new(CLIENT_SECRET)),
        &["id-2"],
    );
    // Inside the usual containers too.
    assert_redacted(
        "Vec<Option<Token>>",
        &vec![Some(token.clone()), None],
        &["Bearer"],
    );
    assert_redacted(
        "Result<Token, _>",
        &Ok::<_, mastolite::Error>(token),
        &["Ok"],
    );
}
