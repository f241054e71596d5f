//! Server text where one line is promised stays on one line: U+2028 and U+2029 (line and
//! paragraph separators, line breaks to logs and JavaScript) are escaped by the sanitiser,
//! blanked in one-line messages, and written as `\u2028`/`\u2029` in `--json`; and an
//! `authorization_endpoint` with whitespace or control characters is refused.

use crate::common;

use mastolite::oauth::{self, AuthorizeOptions};
use mastolite::terminal::{is_unsafe, one_line, sanitize};
use mastolite::{Account, AppCredentials, Client, ClientSecret, Scopes, ServerMetadata};

#[test]
fn line_and_paragraph_separators_never_pass() {
    for c in ['\u{2028}', '\u{2029}'] {
        assert!(is_unsafe(c), "{:x}", c as u32);
    }
    assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a\\u{2028}b\\u{2029}c");
    assert_eq!(one_line("a\u{2028}b\u{2029}c", 10), "a b c");
    let account: Account = common::decode(
        "Account",
        r#"{"id":"1","username":"a","acct":"a","display_name":"x\u2028y\u2029z",
            "created_at":"2022-11-09T00:00:00.000Z",
            "statuses_count":0,"followers_count":0,"following_count":0}"#,
    );
    assert_eq!(account.display_name, "x\u{2028}y\u{2029}z");
    let json = mastolite::cli_support::to_json(&account);
    assert!(
        json.contains(r#""display_name":"x\u2028y\u2029z""#),
        "{json}"
    );
    assert!(!json.contains(['\u{2028}', '\u{2029}']), "{json}");
}

#[test]
fn an_authorization_endpoint_that_is_not_one_word_is_refused() {
    let client = Client::new("https://m.example").unwrap();
    let app = AppCredentials::new("cid", ClientSecret::new("SECRET_cs"));
    let scopes: Scopes = "read".parse().unwrap();
    let with = |endpoint: &str| {
        let mut metadata = ServerMetadata::classic("https://m.example");
        metadata.authorization_endpoint = Some(endpoint.to_owned());
        metadata.discovered = true;
        let options = AuthorizeOptions::new().metadata(metadata);
        oauth::authorization_request(&client, &app, &scopes, &options).map(|r| r.url().to_owned())
    };
    assert!(
        with("https://m.example/oauth/authorize")
            .unwrap()
            .starts_with("https://m.example/oauth/authorize?")
    );
    for (endpoint, shown) in [
        (
            "https://m.example/oauth/authorize\nmastolite: paste the client secret below",
            "https://m.example/oauth/authorize mastolite: paste the client secret below",
        ),
        (
            "https://m.example/oauth/authorize\u{2028}x",
            "https://m.example/oauth/authorize x",
        ),
        (
            " https://m.example/oauth/authorize",
            " https://m.example/oauth/authorize",
        ),
        (
            "https://m.example/oauth/authorize\t",
            "https://m.example/oauth/authorize ",
        ),
        (
            "https://m.example/oauth/authorize\u{1b}[2J",
            "https://m.example/oauth/authorize [2J",
        ),
    ] {
        let e = with(endpoint).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "invalid input: the server metadata's authorization endpoint {shown:?} has spaces or control characters"
            )
        );
    }
}
