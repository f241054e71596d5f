//! A user's unit tests build the crate's types without a server: `Token`, `Account` (and
//! `CredentialAccount`), `Instance`, `AppCredentials`.

use mastolite::instance::ContactAccount;
use mastolite::{
    AccessToken, Account, AppCredentials, ClientSecret, CredentialAccount, Instance, RefreshToken,
    Scopes, Token,
};

/// Code a user might test: what to show for a token.
fn describe(token: &Token, received: i64, now: i64) -> String {
    let state = if token.is_expired_at(received, now) {
        "expired"
    } else {
        "valid"
    };
    format!("{state} ({})", token.scopes())
}

#[test]
fn a_token_is_built_with_what_is_known() {
    let token = Token::new(AccessToken::new("t0ken"))
        .with_scopes("read write".parse().unwrap())
        .with_created_at(1_700_000_000)
        .with_expires_in(60)
        .with_refresh_token(RefreshToken::new("r3fresh"));
    assert_eq!(token.access_token.secret(), "t0ken");
    assert_eq!(token.token_type.as_deref(), Some("Bearer"));
    assert_eq!(token.scope, Some("write read".parse::<Scopes>().unwrap()));
    assert_eq!(token.created_at, Some(1_700_000_000));
    assert_eq!(describe(&token, 100, 159), "valid (read write)");
    assert_eq!(describe(&token, 100, 160), "expired (read write)");
    let bare = Token::new(AccessToken::new("t"));
    assert_eq!(bare.scope, None);
    assert_eq!(bare.expires_at(0), None);
    assert!(!format!("{token:?}").contains("t0ken"));
    assert!(!format!("{token:?}").contains("r3fresh"));
}

#[test]
fn an_account_is_built_and_filled_in() {
    let mut a = Account::new("109302", "alice", "alice@social.example");
    a.display_name = "Alice".to_owned();
    a.followers_count = 12;
    a.bot = Some(true);
    assert_eq!(a.id.as_str(), "109302");
    assert_eq!(a.username, "alice");
    assert_eq!(a.acct, "alice@social.example");
    assert_eq!((a.statuses_count, a.following_count), (0, 0));
    assert_eq!(
        (a.source.clone(), a.role.clone(), a.moved.clone()),
        (None, None, None)
    );

    // The signed-in user's own account is an Account with `source` and `role`: code that
    // takes an Account takes it as it is.
    let me: CredentialAccount = Account::new("1", "bob", "bob");
    let takes_account = |a: Account| a.acct;
    assert_eq!(takes_account(me), "bob");
}

#[test]
fn an_instance_is_built_with_its_limits() {
    let server = Instance::new()
        .with_domain("social.example")
        .with_title("Social")
        .with_version("4.5.0")
        .with_source_url("https://github.com/mastodon/mastodon")
        .with_contact_email("admin@social.example")
        .with_contact_account(ContactAccount::new("admin"))
        .with_streaming_url("wss://social.example")
        .with_vapid_public_key("BCk")
        .with_max_characters(500)
        .with_max_featured_tags(10)
        .with_max_pinned_statuses(5)
        .with_max_profile_fields(4);
    assert_eq!(server.api_version(), 2);
    assert_eq!(server.domain(), Some("social.example"));
    assert_eq!(server.title(), Some("Social"));
    assert_eq!(server.version(), Some("4.5.0"));
    assert_eq!(
        server.source_url(),
        Some("https://github.com/mastodon/mastodon")
    );
    assert_eq!(server.contact_email(), Some("admin@social.example"));
    assert_eq!(
        server.contact_account().and_then(|a| a.acct.as_deref()),
        Some("admin")
    );
    assert_eq!(server.streaming_url(), Some("wss://social.example"));
    assert_eq!(server.vapid_public_key(), Some("BCk"));
    assert_eq!(server.max_characters(), Some(500));
    assert_eq!(server.max_featured_tags(), Some(10));
    assert_eq!(server.max_pinned_statuses(), Some(5));
    assert_eq!(server.max_profile_fields(), Some(4));
    assert_eq!(Instance::default(), Instance::new());
    assert_eq!(Instance::new().with_api_version(1).api_version(), 1);
    assert_eq!(Instance::new().max_characters(), None);
}

#[test]
fn app_credentials_keep_their_constructor() {
    let creds = AppCredentials::new("cid", ClientSecret::new("s3cret"))
        .with_redirect_uri("http://127.0.0.1/callback");
    assert_eq!(creds.client_id, "cid");
    assert_eq!(creds.redirect_uri, "http://127.0.0.1/callback");
    assert!(!format!("{creds:?}").contains("s3cret"));
}
