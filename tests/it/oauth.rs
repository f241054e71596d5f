//! The OAuth lifecycle against httpmock on 127.0.0.1: authorize URL, callback, code exchange
//! with and without PKCE, token errors, revoke, server metadata and userinfo.

use httpmock::prelude::*;
use mastolite::oauth::{self, AuthorizeOptions, Pkce};
use mastolite::{
    AccessToken, AppCredentials, AuthorizationCode, Client, ClientSecret, Error, OOB, PkceVerifier,
    RetryPolicy, Scopes, ServerMetadata,
};

const CLIENT_ID: &str = "cl1ent-1d";
const CLIENT_SECRET: &str = "cl1ent-s3cret";
const FORM: &str = "application/x-www-form-urlencoded";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/oauth/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A fixture with its example origin replaced by the mock server's, so that endpoints in it
/// are same-origin.
fn fixture_at(name: &str, server: &MockServer) -> String {
    fixture(name)
        .replace("https://social.example", &server.base_url())
        .replace("http://social.example", &server.base_url())
}

fn client(server: &MockServer) -> Client {
    Client::builder(&server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn app(redirect_uri: &str) -> AppCredentials {
    let mut creds = AppCredentials::new(CLIENT_ID, ClientSecret::new(CLIENT_SECRET));
    creds.redirect_uri = redirect_uri.to_owned();
    creds
}

fn scopes(s: &str) -> Scopes {
    s.parse().unwrap()
}

/// `authorization_request` for an app that registered `read` and asks for it.
fn authorize_read(
    client: &Client,
    redirect_uri: &str,
    metadata: Option<&ServerMetadata>,
    options: AuthorizeOptions,
) -> Result<oauth::AuthorizationRequest, Error> {
    let read = scopes("read");
    oauth::authorization_request(
        client,
        &app(redirect_uri),
        &read,
        &with_metadata(options.registered(read.clone()), metadata),
    )
}

/// The options with the metadata, when there is one.
fn with_metadata(options: AuthorizeOptions, metadata: Option<&ServerMetadata>) -> AuthorizeOptions {
    match metadata {
        Some(m) => options.metadata(m.clone()),
        None => options,
    }
}

/// A mock that answers every request, to show that none is made.
fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.any_request();
        then.status(500);
    })
}

fn form_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// The authorize URL split into its endpoint and its decoded query pairs, in order.
fn split_url(url: &str) -> (&str, Vec<(String, String)>) {
    let (endpoint, query) = url.split_once('?').unwrap();
    let pairs = query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (form_decode(k), form_decode(v))
        })
        .collect();
    (endpoint, pairs)
}

/// Metadata that advertises S256 and a scope list, on the mock server's origin.
fn metadata_with_pkce(server: &MockServer) -> ServerMetadata {
    let mut m = ServerMetadata::classic(&server.base_url());
    m.code_challenge_methods_supported = Some(vec!["S256".into()]);
    m.scopes_supported = Some(scopes("read profile write write:statuses push"));
    m.discovered = true;
    m
}

/// Asserts that an error's Display and Debug show none of the given secrets.
fn assert_no_secrets(e: &Error, secrets: &[&str]) {
    let shown = format!("{e} {e:?}");
    for s in secrets {
        assert!(!shown.contains(s), "{s:?} leaked in {shown}");
    }
}

// ---------------------------------------------------------------------------------------
// The authorize URL

#[test]
fn authorize_url_carries_every_parameter_exactly() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let client = client(&server);
    let redirect = "http://127.0.0.1:7777/callback";
    let req = oauth::authorization_request(
        &client,
        &app(redirect),
        &scopes("read write:statuses"),
        &AuthorizeOptions::new()
            .force_login(true)
            .lang("pt-BR")
            .registered(scopes("read write write:statuses push"))
            .metadata(metadata_with_pkce(&server)),
    )
    .unwrap();

    let state = req.state().secret().to_owned();
    let verifier = req
        .verifier()
        .expect("S256 is advertised")
        .secret()
        .to_owned();
    let challenge = req.verifier().unwrap().challenge();
    assert_eq!(state.len(), 43);
    assert!(mastolite::pkce::is_valid_verifier(&verifier));
    assert_eq!(challenge.len(), 43);

    // The raw query, byte for byte: scope's space as '+', ':' and '/' escaped.
    assert_eq!(
        req.url(),
        format!(
            "{}/oauth/authorize?response_type=code&client_id=cl1ent-1d\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A7777%2Fcallback\
             &scope=read+write%3Astatuses&state={state}&code_challenge={challenge}\
             &code_challenge_method=S256&force_login=true&lang=pt-BR",
            server.base_url()
        )
    );
    let (endpoint, pairs) = split_url(req.url());
    assert_eq!(endpoint, format!("{}/oauth/authorize", server.base_url()));
    let want = [
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", redirect),
        ("scope", "read write:statuses"),
        ("state", state.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("force_login", "true"),
        ("lang", "pt-BR"),
    ];
    assert_eq!(
        pairs,
        want.map(|(k, v)| (k.to_owned(), v.to_owned())).to_vec()
    );
    // The challenge is BASE64URL(SHA-256(verifier)), checked here without the crate's
    // encoder: decode it and compare with the digest.
    assert_eq!(
        base64url_decode(&challenge),
        hmac_sha256::Hash::hash(verifier.as_bytes()).to_vec()
    );
    // The verifier itself never goes into the URL.
    assert!(!req.url().contains(&verifier));
    assert_eq!(req.redirect_uri(), redirect);
    assert_eq!(req.scopes().to_string(), "read write:statuses");
    // Building the URL sends nothing.
    any.assert_calls(0);
}

/// A plain base64url decoder, independent of the crate's encoder.
fn base64url_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => panic!("not base64url: {c}"),
    };
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        bits = (bits << 6) | u32::from(val(c));
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

#[test]
fn every_url_has_a_fresh_state_and_verifier() {
    let server = MockServer::start();
    let client = client(&server);
    let m = metadata_with_pkce(&server);
    let make = || authorize_read(&client, OOB, Some(&m), AuthorizeOptions::new()).unwrap();
    let (a, b) = (make(), make());
    assert!(!a.state().matches(b.state().secret()));
    assert_ne!(
        a.verifier().unwrap().secret(),
        b.verifier().unwrap().secret()
    );
    assert_ne!(a.url(), b.url());
}

#[test]
fn pkce_follows_the_metadata_and_the_option() {
    let server = MockServer::start();
    let client = client(&server);
    let with_s256 = metadata_with_pkce(&server);
    let classic = ServerMetadata::classic(&server.base_url());
    let build = |m: Option<&ServerMetadata>, pkce: Pkce| {
        authorize_read(&client, OOB, m, AuthorizeOptions::new().pkce(pkce)).unwrap()
    };
    let keys = |r: &oauth::AuthorizationRequest| -> Vec<String> {
        split_url(r.url()).1.into_iter().map(|(k, _)| k).collect()
    };
    let plain = [
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
    ];
    let with = [
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    ];
    // A published document that lists other methods only, or none.
    let mut plain_only = with_s256.clone();
    plain_only.code_challenge_methods_supported = Some(vec!["plain".into()]);
    let mut none_listed = with_s256.clone();
    none_listed.code_challenge_methods_supported = None;
    for (m, pkce, want_pkce) in [
        (Some(&with_s256), Pkce::Auto, true),
        // No metadata document (Mastodon before 4.3, GoToSocial): PKCE all the same.
        (Some(&classic), Pkce::Auto, true),
        (None, Pkce::Auto, true),
        (Some(&plain_only), Pkce::Auto, false),
        (Some(&none_listed), Pkce::Auto, false),
        (None, Pkce::Always, true),
        (Some(&plain_only), Pkce::Always, true),
        (None, Pkce::Never, false),
        (Some(&classic), Pkce::Never, false),
        (Some(&with_s256), Pkce::Never, false),
    ] {
        let r = build(m, pkce);
        assert_eq!(r.verifier().is_some(), want_pkce, "{pkce:?} {m:?}");
        let (_, pairs) = split_url(r.url());
        let value = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(value("response_type").as_deref(), Some("code"));
        assert_eq!(value("client_id").as_deref(), Some(CLIENT_ID));
        assert_eq!(value("redirect_uri").as_deref(), Some(OOB));
        assert_eq!(value("scope").as_deref(), Some("read"));
        assert_eq!(value("state").as_deref(), Some(r.state().secret()));
        if want_pkce {
            assert_eq!(keys(&r), with, "{pkce:?} {m:?}");
            assert_eq!(
                value("code_challenge"),
                Some(r.verifier().unwrap().challenge())
            );
            assert_eq!(value("code_challenge_method").as_deref(), Some("S256"));
        } else {
            assert_eq!(keys(&r), plain, "{pkce:?} {m:?}");
        }
        // No options, no force_login or lang.
        assert!(!r.url().contains("force_login") && !r.url().contains("lang="));
    }
}

#[test]
fn scopes_are_checked_before_anything_is_built() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let client = client(&server);
    let registered = scopes("read write");
    let opts = AuthorizeOptions::new();
    let invalid = |requested: &str, m: Option<&ServerMetadata>| match oauth::authorization_request(
        &client,
        &app(OOB),
        &scopes(requested),
        &with_metadata(opts.clone().registered(registered.clone()), m),
    ) {
        Err(Error::InvalidInput(msg)) => msg,
        other => panic!("{requested}: {other:?}"),
    };
    // Not registered at all.
    let msg = invalid("read push", None);
    assert!(msg.contains("\"push\""), "{msg}");
    // Mastodon compares strings: `read` does not cover `read:accounts` at authorize.
    let msg = invalid("read:accounts", None);
    assert!(msg.contains("\"read:accounts\""), "{msg}");
    // Nothing asked.
    invalid("", None);
    // Registered, but the server does not list it.
    let mut m = metadata_with_pkce(&server);
    m.scopes_supported = Some(scopes("read"));
    let msg = invalid("read write", Some(&m));
    assert!(msg.contains("\"write\""), "{msg}");
    any.assert_calls(0);
}

#[test]
fn bad_options_and_credentials_are_refused() {
    let server = MockServer::start();
    let client = client(&server);
    let s = scopes("read");
    let try_with = |app: &AppCredentials, opts: &AuthorizeOptions| {
        oauth::authorization_request(&client, app, &s, &opts.clone().registered(s.clone()))
    };
    for lang in ["", "en&x=1", "de de", "é"] {
        assert!(
            matches!(
                try_with(&app(OOB), &AuthorizeOptions::new().lang(lang)),
                Err(Error::InvalidInput(_))
            ),
            "{lang:?}"
        );
    }
    assert!(matches!(
        try_with(&app(""), &AuthorizeOptions::new()),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        try_with(&app("http://a/x http://b/y"), &AuthorizeOptions::new()),
        Err(Error::InvalidInput(_))
    ));
    let no_id = AppCredentials::new("", ClientSecret::new(CLIENT_SECRET));
    assert!(matches!(
        try_with(&no_id, &AuthorizeOptions::new()),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn authorize_endpoint_comes_from_same_origin_metadata_only() {
    let server = MockServer::start();
    let client = client(&server);
    let build = |m: &ServerMetadata| authorize_read(&client, OOB, Some(m), AuthorizeOptions::new());
    let mut m = metadata_with_pkce(&server);
    m.authorization_endpoint = Some(format!("{}/custom/authorize", server.base_url()));
    let r = build(&m).unwrap();
    assert!(
        r.url().starts_with(&format!(
            "{}/custom/authorize?response_type=code&",
            server.base_url()
        )),
        "{}",
        r.url()
    );

    // The documentation's example names social.example: not this client's server.
    m.authorization_endpoint = Some("https://social.example/oauth/authorize".into());
    match build(&m) {
        Err(Error::InvalidInput(msg)) => assert!(msg.contains("social.example"), "{msg}"),
        other => panic!("{other:?}"),
    }
    m.authorization_endpoint = Some("/oauth/authorize".into());
    assert!(matches!(build(&m), Err(Error::InvalidInput(_))));
}

// ---------------------------------------------------------------------------------------
// Callback and code exchange

/// A form POST to `path` with exactly this body (and no Authorization header), answered
/// with `status` and `answer`.
fn post_mock<'a>(
    server: &'a MockServer,
    path: &str,
    body: &str,
    status: u16,
    answer: &str,
) -> httpmock::Mock<'a> {
    let (path, body, answer) = (path.to_owned(), body.to_owned(), answer.to_owned());
    server.mock(move |when, then| {
        when.method(POST)
            .path(path)
            .header("content-type", FORM)
            .header_missing("authorization")
            .body(body);
        then.status(status)
            .header("content-type", "application/json; charset=utf-8")
            .body(answer);
    })
}

fn token_mock<'a>(
    server: &'a MockServer,
    body: &str,
    status: u16,
    answer: &str,
) -> httpmock::Mock<'a> {
    post_mock(server, "/oauth/token", body, status, answer)
}

/// `POST /oauth/revoke` with exactly this form body and `Authorization: Bearer TOKEN`, the
/// token being revoked (the last field of the body), answered with `status` and `answer`.
fn revoke_mock<'a>(
    server: &'a MockServer,
    body: &str,
    status: u16,
    answer: &str,
) -> httpmock::Mock<'a> {
    let token = form_decode(body.rsplit_once("token=").unwrap().1);
    let (body, answer) = (body.to_owned(), answer.to_owned());
    server.mock(move |when, then| {
        when.method(POST)
            .path("/oauth/revoke")
            .header("content-type", FORM)
            .header("authorization", format!("Bearer {token}"))
            .body(body);
        then.status(status)
            .header("content-type", "application/json; charset=utf-8")
            .body(answer);
    })
}

#[test]
fn loopback_flow_exchanges_the_code_with_the_verifier() {
    let server = MockServer::start();
    let client = client(&server);
    let redirect = "http://127.0.0.1:7777/callback";
    let app = app(redirect);
    let req = oauth::authorization_request(
        &client,
        &app,
        &scopes("read write"),
        &AuthorizeOptions::new()
            .registered(scopes("read write"))
            .metadata(metadata_with_pkce(&server)),
    )
    .unwrap();
    let verifier = req.verifier().unwrap().secret().to_owned();
    let callback = format!(
        "{redirect}?code=Qc0de-fr0m_server&state={}",
        req.state().secret()
    );
    let code = req.parse_callback(&callback).unwrap();
    assert_eq!(code.secret(), "Qc0de-fr0m_server");

    let mock = token_mock(
        &server,
        &format!(
            "grant_type=authorization_code&code=Qc0de-fr0m_server\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A7777%2Fcallback\
             &client_id=cl1ent-1d&client_secret=cl1ent-s3cret&code_verifier={verifier}"
        ),
        200,
        &fixture("token.json"),
    );
    let token = req.exchange(&client, &app, &code).unwrap();
    mock.assert();
    assert_eq!(
        token.access_token.secret(),
        "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
    );
    assert_eq!(token.scope, Some(scopes("read write follow push")));
    assert_eq!(token.created_at, Some(1573979017));
    assert_eq!(oauth::granted_covers(&token, &scopes("read write")), Ok(()));
}

#[test]
fn oob_flow_exchanges_a_pasted_code_with_a_verifier() {
    let server = MockServer::start();
    let client = client(&server);
    let app = app(OOB);
    // No metadata document (GoToSocial, Mastodon before 4.3): PKCE all the same.
    let req = authorize_read(&client, OOB, None, AuthorizeOptions::new()).unwrap();
    let verifier = req.verifier().expect("PKCE by default").secret().to_owned();
    assert!(
        req.url()
            .contains("&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&")
    );
    // The server's native page URL, pasted whole, works too: no state comes back in OOB.
    let code = req
        .parse_callback(&format!(
            "{}/oauth/authorize/native?code=pasted%2Bcode",
            server.base_url()
        ))
        .unwrap();
    assert_eq!(code.secret(), "pasted+code");
    let mock = token_mock(
        &server,
        &format!(
            "grant_type=authorization_code&code=pasted%2Bcode\
             &redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob\
             &client_id=cl1ent-1d&client_secret=cl1ent-s3cret&code_verifier={verifier}"
        ),
        200,
        &fixture("token.json"),
    );
    // The user pastes the code shown on the server's page, with a stray newline.
    let token = req
        .exchange(&client, &app, &AuthorizationCode::new("pasted+code\n"))
        .unwrap();
    mock.assert();
    assert_eq!(token.token_type.as_deref(), Some("Bearer"));
}

#[test]
fn a_callback_with_another_state_is_refused_before_any_exchange() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let client = client(&server);
    let req = authorize_read(
        &client,
        "http://127.0.0.1:7777/callback",
        None,
        AuthorizeOptions::new().pkce(Pkce::Always),
    )
    .unwrap();
    let mut forged = req.state().secret().to_owned();
    forged.replace_range(0..1, if forged.starts_with('A') { "B" } else { "A" });
    for cb in [
        format!("http://127.0.0.1:7777/callback?code=attacker&state={forged}"),
        "http://127.0.0.1:7777/callback?code=attacker".to_owned(),
        format!("code=attacker&state={}x", req.state().secret()),
    ] {
        let e = req.parse_callback(&cb).unwrap_err();
        assert!(matches!(e, Error::StateMismatch), "{cb}: {e:?}");
        assert_no_secrets(&e, &[req.state().secret(), &forged, "attacker"]);
    }
    any.assert_calls(0);
}

#[test]
fn denied_consent_is_a_typed_error_with_its_description() {
    let server = MockServer::start();
    let client = client(&server);
    let req = authorize_read(
        &client,
        "http://127.0.0.1:7777/callback",
        None,
        AuthorizeOptions::new(),
    )
    .unwrap();
    // Doorkeeper's sentence, as it arrives in the redirect's query.
    let description = "The resource owner or authorization server denied the request.";
    assert!(fixture("error_oauth_access_denied.json").contains(description));
    let cb = format!(
        "http://127.0.0.1:7777/callback?error=access_denied&error_description={}&state={}",
        description.replace(' ', "+"),
        req.state().secret()
    );
    let e = req.parse_callback(&cb).unwrap_err();
    match &e {
        Error::Authorization(a) => {
            assert!(a.is_access_denied());
            assert_eq!(a.error(), "access_denied");
            assert_eq!(a.description(), Some(description));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.to_string(),
        format!("authorization failed: access_denied ({description})")
    );
    assert_no_secrets(&e, &[req.state().secret()]);
}

/// Asserts an OAuth error from the token endpoint: status, code, description, and no secret
/// in the message.
fn assert_oauth_error(
    e: &Error,
    status: u16,
    code: &str,
    fixture_name: Option<&str>,
    secrets: &[&str],
) {
    let api = e.api_error().unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!(api.status(), status);
    assert_eq!(api.endpoint(), "POST /oauth/token");
    assert_eq!(api.error(), Some(code));
    if let Some(name) = fixture_name {
        let body = fixture(name);
        let d = api.description().unwrap();
        assert!(body.contains(d), "{d}");
    }
    assert!(!e.is_unauthorized(), "{e}");
    assert!(!e.is_transient(), "{e}");
    assert!(e.to_string().contains(code));
    assert_no_secrets(e, secrets);
}

#[test]
fn a_reused_code_fails_with_invalid_grant() {
    let server = MockServer::start();
    let client = client(&server);
    let app = app(OOB);
    let code = AuthorizationCode::new("0nce-only-c0de");
    let body = "grant_type=authorization_code&code=0nce-only-c0de\
                &redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob\
                &client_id=cl1ent-1d&client_secret=cl1ent-s3cret";
    let mut first = token_mock(&server, body, 200, &fixture("token.json"));
    oauth::exchange_code(&client, &app, &code, OOB, None).unwrap();
    first.assert();
    first.delete();
    let second = token_mock(
        &server,
        body,
        400,
        &fixture("error_oauth_invalid_grant.json"),
    );
    let e = oauth::exchange_code(&client, &app, &code, OOB, None).unwrap_err();
    second.assert();
    assert_oauth_error(
        &e,
        400,
        "invalid_grant",
        Some("error_oauth_invalid_grant.json"),
        &["0nce-only-c0de", CLIENT_SECRET],
    );
}

/// Doorkeeper's answer to a refused grant, byte for byte: what Doorkeeper 5.0–5.4 (Mastodon
/// 3.3 and older) sends for a `code_verifier` that comes with a code issued without PKCE.
const DOORKEEPER_INVALID_GRANT: &str = r#"{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}"#;

/// The exchange's form for the code `c0de` from an OOB request, with the verifier if any.
fn oob_form(verifier: Option<&str>) -> String {
    let mut form = "grant_type=authorization_code&code=c0de\
                    &redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob\
                    &client_id=cl1ent-1d&client_secret=cl1ent-s3cret"
        .to_owned();
    if let Some(v) = verifier {
        form.push_str(&format!("&code_verifier={v}"));
    }
    form
}

/// An OOB request built with `options` (and `metadata`), exchanged for `c0de` against a server
/// that answers the expected form with Doorkeeper's `invalid_grant`; the error is returned.
fn refused_exchange(
    server: &MockServer,
    metadata: Option<&ServerMetadata>,
    options: AuthorizeOptions,
    expect_verifier: bool,
) -> Error {
    let client = client(server);
    let req = authorize_read(&client, OOB, metadata, options).unwrap();
    let verifier = req.verifier().map(|v| v.secret().to_owned());
    assert_eq!(verifier.is_some(), expect_verifier);
    let mut mock = token_mock(
        server,
        &oob_form(verifier.as_deref()),
        400,
        DOORKEEPER_INVALID_GRANT,
    );
    let e = req
        .exchange(&client, &app(OOB), &AuthorizationCode::new("c0de"))
        .unwrap_err();
    mock.assert();
    mock.delete();
    assert_eq!(e.api_error().unwrap().error(), Some("invalid_grant"));
    assert_no_secrets(&e, &[CLIENT_SECRET, "c0de"]);
    e
}

#[test]
fn invalid_grant_after_pkce_without_metadata_hints_at_an_old_server() {
    let server = MockServer::start();
    let meta = metadata_mock(&server, 404, r#"{"error":"Not Found"}"#.to_owned());
    let classic = oauth::server_metadata(&client(&server)).unwrap();
    meta.assert();
    let plain = format!(
        "POST {}/oauth/token: status 400: invalid_grant (The provided authorization grant is \
         invalid, expired, revoked, does not match the redirection URI used in the authorization \
         request, or was issued to another client.)",
        server.base_url()
    );
    assert_eq!(
        oauth::PKCE_REFUSED_HINT,
        "either the code is wrong or expired, or the server is an old one that refuses \
         PKCE (Doorkeeper before 5.5, as in Mastodon 3.3 and older); to log in without \
         PKCE, ask for a new code with `Pkce::Never`"
    );
    // The 404 fallback, or no metadata given at all: PKCE was sent on no evidence.
    for metadata in [Some(&classic), None] {
        let e = refused_exchange(&server, metadata, AuthorizeOptions::new(), true);
        let api = e.api_error().unwrap();
        assert_eq!(api.hint(), Some(oauth::PKCE_REFUSED_HINT));
        assert_eq!(
            e.to_string(),
            format!("{plain}; {}", oauth::PKCE_REFUSED_HINT)
        );
        assert!(matches!(e.api_error().map(|a| a.status()), Some(400)));
    }
    // A metadata document that lists S256: PKCE was chosen on evidence.
    let e = refused_exchange(
        &server,
        Some(&metadata_with_pkce(&server)),
        AuthorizeOptions::new(),
        true,
    );
    assert_eq!(
        (e.api_error().unwrap().hint(), e.to_string()),
        (None, plain.clone())
    );
    // No verifier sent: only the code can be wrong.
    let e = refused_exchange(
        &server,
        Some(&classic),
        AuthorizeOptions::new().pkce(Pkce::Never),
        false,
    );
    assert_eq!(
        (e.api_error().unwrap().hint(), e.to_string()),
        (None, plain)
    );
    // A resumed request cannot know whether the server had a document.
    let client = client(&server);
    let resumed = oauth::AuthorizationRequest::resume(
        mastolite::CsrfState::new("st4te"),
        Some(PkceVerifier::new("v3rifier")),
        OOB,
        scopes("read"),
    );
    let mock = token_mock(
        &server,
        &oob_form(Some("v3rifier")),
        400,
        DOORKEEPER_INVALID_GRANT,
    );
    let e = resumed
        .exchange(&client, &app(OOB), &AuthorizationCode::new("c0de"))
        .unwrap_err();
    mock.assert();
    assert_eq!(e.api_error().unwrap().hint(), None);
}

#[test]
fn other_token_errors_after_pkce_without_metadata_carry_no_pkce_hint() {
    let server = MockServer::start();
    let client = client(&server);
    let req = authorize_read(&client, OOB, None, AuthorizeOptions::new()).unwrap();
    let verifier = req.verifier().unwrap().secret().to_owned();
    let mock = token_mock(
        &server,
        &oob_form(Some(&verifier)),
        401,
        &fixture("error_oauth_invalid_client.json"),
    );
    let e = req
        .exchange(&client, &app(OOB), &AuthorizationCode::new("c0de"))
        .unwrap_err();
    mock.assert();
    let api = e.api_error().unwrap();
    assert_eq!((api.error(), api.hint()), (Some("invalid_client"), None));
    assert!(!e.to_string().contains("PKCE"), "{e}");
}

#[test]
fn invalid_code_challenge_method_is_reported_and_avoided() {
    let server = MockServer::start();
    let client = client(&server);
    let app = app("http://127.0.0.1:7777/callback");
    // A server that rejects the challenge method answers at the token endpoint with a 400.
    let req = authorize_read(
        &client,
        "http://127.0.0.1:7777/callback",
        None,
        AuthorizeOptions::new().pkce(Pkce::Always),
    )
    .unwrap();
    let verifier = req.verifier().unwrap().secret().to_owned();
    let mock = token_mock(
        &server,
        &format!(
            "grant_type=authorization_code&code=c0de\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A7777%2Fcallback\
             &client_id=cl1ent-1d&client_secret=cl1ent-s3cret&code_verifier={verifier}"
        ),
        400,
        r#"{"error":"invalid_code_challenge_method","error_description":"The code_challenge_method must be S256."}"#,
    );
    // If the authorize page redirects the same error back, it is a typed callback error.
    let cb = format!(
        "error=invalid_code_challenge_method&error_description=The+code_challenge_method+must+be+S256.&state={}",
        req.state().secret()
    );
    match req.parse_callback(&cb) {
        Err(Error::Authorization(a)) => {
            assert_eq!(a.error(), "invalid_code_challenge_method");
            assert!(!a.is_access_denied());
        }
        other => panic!("{other:?}"),
    }
    let e = req
        .exchange(&client, &app, &AuthorizationCode::new("c0de"))
        .unwrap_err();
    mock.assert();
    assert_oauth_error(
        &e,
        400,
        "invalid_code_challenge_method",
        None,
        &[&verifier, "c0de&", CLIENT_SECRET],
    );
    // And a server whose published metadata lists no challenge method gets none in Auto
    // mode, so it has nothing to reject.
    let mut m = metadata_with_pkce(&server);
    m.code_challenge_methods_supported = None;
    assert!(m.discovered);
    let r = authorize_read(
        &client,
        "http://127.0.0.1:7777/callback",
        Some(&m),
        AuthorizeOptions::new(),
    )
    .unwrap();
    assert!(r.verifier().is_none() && !r.url().contains("code_challenge"));
}

/// `invalid_scope` (a scope the app did not register) and `unsupported_grant_type` (a server
/// without the client-credentials grant) from `client_credentials`.
#[test]
fn client_credentials_errors_carry_the_oauth_code() {
    for (asked, scope_param, code, fixture_name) in [
        (
            "read admin:read",
            "read+admin%3Aread",
            "invalid_scope",
            "error_oauth_invalid_scope.json",
        ),
        (
            "read",
            "read",
            "unsupported_grant_type",
            "error_oauth_unsupported_grant_type.json",
        ),
    ] {
        let server = MockServer::start();
        let mock = token_mock(
            &server,
            &format!(
                "grant_type=client_credentials&client_id=cl1ent-1d&client_secret=cl1ent-s3cret\
                 &redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&scope={scope_param}"
            ),
            400,
            &fixture(fixture_name),
        );
        let e = oauth::client_credentials(&client(&server), &app(OOB), &scopes(asked)).unwrap_err();
        mock.assert();
        assert_oauth_error(&e, 400, code, Some(fixture_name), &[CLIENT_SECRET]);
    }
}

#[test]
fn missing_verifier_and_bad_client_are_told_apart() {
    let server = MockServer::start();
    let client = client(&server);
    let app = app(OOB);
    let code = AuthorizationCode::new("c0de");
    let body = "grant_type=authorization_code&code=c0de\
                &redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob\
                &client_id=cl1ent-1d&client_secret=cl1ent-s3cret";
    let mut m = token_mock(
        &server,
        body,
        400,
        &fixture("error_oauth_invalid_request.json"),
    );
    let e = oauth::exchange_code(&client, &app, &code, OOB, None).unwrap_err();
    assert_oauth_error(
        &e,
        400,
        "invalid_request",
        Some("error_oauth_invalid_request.json"),
        &[CLIENT_SECRET],
    );
    m.delete();
    token_mock(
        &server,
        body,
        401,
        &fixture("error_oauth_invalid_client.json"),
    );
    let e = oauth::exchange_code(&client, &app, &code, OOB, None).unwrap_err();
    assert!(e.is_unauthorized());
    assert_eq!(e.status(), Some(401));
    assert_no_secrets(&e, &[CLIENT_SECRET, "code=c0de"]);
}

#[test]
fn granted_scopes_say_what_is_missing() {
    let token: mastolite::Token = token_from_fixture();
    // "read write follow push"
    assert_eq!(
        oauth::granted_covers(&token, &scopes("read:accounts write:statuses")),
        Ok(())
    );
    let missing = oauth::granted_covers(&token, &scopes("read profile admin:read")).unwrap_err();
    assert_eq!(missing.scopes(), &scopes("admin:read profile"));
    assert_eq!(
        missing.to_string(),
        "the server did not grant the scopes \"profile admin:read\""
    );
    let bare = mastolite::Token::new(AccessToken::new("x"));
    let missing = oauth::granted_covers(&bare, &scopes("read")).unwrap_err();
    assert_eq!(missing.scopes(), &scopes("read"));
    // `?` makes it the crate's error: an OAuth `insufficient_scope`.
    match Error::from(missing) {
        Error::Authorization(a) => {
            assert_eq!(a.error(), "insufficient_scope");
            assert_eq!(
                a.description(),
                Some("the server did not grant the scopes \"read\"")
            );
        }
        other => panic!("{other:?}"),
    }
}

/// The documentation's token, decoded through the crate's own exchange.
fn token_from_fixture() -> mastolite::Token {
    let server = MockServer::start();
    let client = client(&server);
    server.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        then.status(200).body(fixture("token.json"));
    });
    oauth::exchange_code(&client, &app(OOB), &AuthorizationCode::new("c"), OOB, None).unwrap()
}

#[test]
fn debug_output_hides_every_secret() {
    let server = MockServer::start();
    let client = client(&server);
    let req = authorize_read(
        &client,
        OOB,
        None,
        AuthorizeOptions::new().pkce(Pkce::Always),
    )
    .unwrap();
    let shown = format!("{req:?} {req:#?}");
    assert!(!shown.contains(req.state().secret()), "{shown}");
    assert!(!shown.contains(req.verifier().unwrap().secret()), "{shown}");
    assert!(shown.contains("[redacted]"));
    assert!(
        shown.contains("response_type=code"),
        "the URL's shape stays visible: {shown}"
    );
    let code = AuthorizationCode::new("c0de-value");
    let verifier = PkceVerifier::new("v".repeat(43));
    let token = token_from_fixture();
    for d in [
        format!("{code:?}"),
        format!("{verifier:?}"),
        format!("{token:?}"),
        format!("{:?}", app(OOB)),
    ] {
        for secret in [
            "c0de-value",
            &"v".repeat(43),
            "ZA-Yj3aBD8U8Cm7",
            CLIENT_SECRET,
        ] {
            assert!(!d.contains(secret), "{d}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Revoke

const REVOKE_BODY: &str = "client_id=cl1ent-1d&client_secret=cl1ent-s3cret&token=t0ken-t0-g0";

#[test]
fn revoke_posts_client_credentials_and_token() {
    let server = MockServer::start();
    let mock = revoke_mock(&server, REVOKE_BODY, 200, &fixture("revoke_ok.json"));
    oauth::revoke(
        &client(&server),
        &app(OOB),
        &AccessToken::new("t0ken-t0-g0"),
    )
    .unwrap();
    mock.assert();
}

#[test]
fn revoke_sends_the_token_as_bearer_too_as_mitra_requires() {
    let server = MockServer::start();
    // Mitra 5.9: client credentials alone get 401 with an empty body; with the token being
    // revoked as the bearer, 200.
    let without = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/revoke")
            .header_missing("authorization");
        then.status(401).header("www-authenticate", "Bearer");
    });
    let with = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/revoke")
            .header("authorization", "Bearer t0ken-t0-g0")
            .form_urlencoded_tuple("client_id", CLIENT_ID)
            .form_urlencoded_tuple("client_secret", CLIENT_SECRET)
            .form_urlencoded_tuple("token", "t0ken-t0-g0");
        then.status(200).body("{}");
    });
    let other = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth/revoke")
            .header("authorization", "Bearer 0ther-t0ken");
        then.status(401).header("www-authenticate", "Bearer");
    });
    let client = client(&server);
    oauth::revoke(&client, &app(OOB), &AccessToken::new("t0ken-t0-g0")).unwrap();
    with.assert();
    without.assert_calls(0);
    // A refusal (401, as Mitra answers a bearer that is not the revoked token's user) shows
    // neither the token nor the client secret.
    let e = oauth::revoke(&client, &app(OOB), &AccessToken::new("0ther-t0ken")).unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert!(e.is_unauthorized());
    with.assert_calls(1);
    other.assert();
    assert_no_secrets(&e, &[CLIENT_SECRET, "0ther-t0ken", "t0ken-t0-g0"]);
    // A token that cannot be a header value is refused before any request.
    assert!(matches!(
        oauth::revoke(&client, &app(OOB), &AccessToken::new("t0ken\nX-Evil: 1")),
        Err(Error::InvalidInput(_))
    ));
    with.assert_calls(1);
}

#[test]
fn revoke_of_an_unknown_token_is_ok_and_safe_to_repeat() {
    let server = MockServer::start();
    let mock = revoke_mock(&server, REVOKE_BODY, 200, "{}");
    let client = client(&server);
    let token = AccessToken::new("t0ken-t0-g0");
    oauth::revoke(&client, &app(OOB), &token).unwrap();
    oauth::revoke(&client, &app(OOB), &token).unwrap();
    mock.assert_calls(2);
    assert!(matches!(
        oauth::revoke(&client, &app(OOB), &AccessToken::new(" ")),
        Err(Error::InvalidInput(_))
    ));
    mock.assert_calls(2);
}

#[test]
fn revoke_with_a_bad_secret_says_the_client_credentials_are_wrong() {
    let server = MockServer::start();
    let mock = revoke_mock(&server, REVOKE_BODY, 403, &fixture("error_revoke_403.json"));
    let e = oauth::revoke(
        &client(&server),
        &app(OOB),
        &AccessToken::new("t0ken-t0-g0"),
    )
    .unwrap_err();
    mock.assert();
    assert!(e.is_unauthorized());
    assert_eq!(e.status(), Some(403));
    let api = e.api_error().unwrap();
    assert_eq!(api.endpoint(), "POST /oauth/revoke");
    assert_eq!(api.error(), Some("unauthorized_client"));
    assert_eq!(
        e.to_string(),
        format!(
            "POST {}/oauth/revoke: status 403: unauthorized_client (You are not authorized \
         to revoke this token); the app's client credentials (client_id or client_secret) were \
         rejected, or the token belongs to another app",
            api.origin()
        )
    );
    assert_no_secrets(&e, &[CLIENT_SECRET, "t0ken-t0-g0"]);
}

#[test]
fn revoke_matches_a_recorded_mastodon_request() {
    let rec: Recording = from_json(&fixture("recorded_revoke_4_3_0.json"));
    assert_eq!(rec.request.method, "POST");
    let server = MockServer::start();
    let mock = revoke_mock(
        &server,
        rec.request.body.as_deref().unwrap(),
        rec.response.status,
        &rec.response.body,
    );
    oauth::revoke(
        &client(&server),
        &AppCredentials::new(
            "__MASTODON_PY_TEST_CLIENT_ID",
            ClientSecret::new("__MASTODON_PY_TEST_CLIENT_SECRET"),
        ),
        &AccessToken::new("__MASTODON_PY_TEST_ACCESS_TOKEN_3"),
    )
    .unwrap();
    mock.assert();
}

// ---------------------------------------------------------------------------------------
// Server metadata and userinfo

fn metadata_mock<'a>(server: &'a MockServer, status: u16, answer: String) -> httpmock::Mock<'a> {
    server.mock(move |when, then| {
        when.method(GET)
            .path("/.well-known/oauth-authorization-server")
            .header("accept", "application/json")
            .header_missing("authorization");
        then.status(status)
            .header("content-type", "application/json; charset=utf-8")
            .body(answer);
    })
}

#[test]
fn metadata_is_discovered_on_4_4() {
    let server = MockServer::start();
    let mock = metadata_mock(
        &server,
        200,
        fixture_at("oauth_server_metadata.json", &server),
    );
    let client = client(&server);
    let m = oauth::server_metadata(&client).unwrap();
    mock.assert();
    let base = server.base_url();
    assert!(m.discovered);
    assert_eq!(m.issuer, Some(format!("{base}/")));
    assert_eq!(
        m.authorization_endpoint,
        Some(format!("{base}/oauth/authorize"))
    );
    assert_eq!(m.token_endpoint, Some(format!("{base}/oauth/token")));
    assert_eq!(m.revocation_endpoint, Some(format!("{base}/oauth/revoke")));
    assert_eq!(m.userinfo_endpoint, Some(format!("{base}/oauth/userinfo")));
    assert_eq!(
        m.app_registration_endpoint,
        Some(format!("{base}/api/v1/apps"))
    );
    assert_eq!(
        m.service_documentation.as_deref(),
        Some("https://docs.joinmastodon.org/")
    );
    assert_eq!(m.response_types_supported, Some(vec!["code".to_owned()]));
    assert_eq!(
        m.token_endpoint_auth_methods_supported,
        Some(vec![
            "client_secret_basic".to_owned(),
            "client_secret_post".to_owned()
        ])
    );
    assert!(m.supports_pkce_s256());
    assert!(m.supports_grant("authorization_code"));
    assert!(m.supports_grant("client_credentials"));
    assert!(!m.supports_grant("password"));
    let supported = m.supported_scopes().unwrap();
    assert_eq!(supported.len(), 45);
    assert!(
        supported.contains("profile") && supported.contains("admin:write:canonical_email_blocks")
    );

    // The discovered endpoint and PKCE drive the authorize URL.
    let req = oauth::authorization_request(
        &client,
        &app(OOB),
        &scopes("profile"),
        &AuthorizeOptions::new()
            .registered(scopes("read profile"))
            .metadata(m.clone()),
    )
    .unwrap();
    assert!(req.url().starts_with(&format!("{base}/oauth/authorize?")));
    assert!(req.verifier().is_some());
}

#[test]
fn metadata_of_4_3_lists_password_and_no_userinfo() {
    let server = MockServer::start();
    metadata_mock(
        &server,
        200,
        fixture_at("oauth_server_metadata_4_3_synthesized.json", &server),
    );
    let m = oauth::server_metadata(&client(&server)).unwrap();
    assert!(m.discovered);
    assert!(m.supports_grant("password"));
    assert_eq!(m.userinfo_endpoint, None);
    assert!(m.supports_pkce_s256());
    assert_eq!(
        m.scopes_supported
            .as_ref()
            .unwrap()
            .iter()
            .take(3)
            .collect::<Vec<_>>(),
        ["read", "profile", "write"]
    );
}

#[test]
fn recorded_metadata_decodes() {
    for (name, userinfo, scopes_len) in [
        (
            "recorded_metadata_4_4_3.json",
            "http://localhost:3000/oauth/userinfo",
            45,
        ),
        (
            "recorded_metadata_4_6_mastodon_social.json",
            "https://mastodon.social/oauth/userinfo",
            47,
        ),
    ] {
        let rec: Recording = from_json(&fixture(name));
        assert_eq!(rec.request.path, "/.well-known/oauth-authorization-server");
        let server = MockServer::start();
        let mock = metadata_mock(&server, rec.response.status, rec.response.body.clone());
        let m = oauth::server_metadata(&client(&server)).unwrap();
        mock.assert();
        assert!(m.discovered, "{name}");
        assert_eq!(m.userinfo_endpoint.as_deref(), Some(userinfo), "{name}");
        assert_eq!(m.supported_scopes().unwrap().len(), scopes_len, "{name}");
        assert!(
            m.supports_pkce_s256() && !m.supports_grant("password"),
            "{name}"
        );
        // These name another origin than the mock's: the authorize URL refuses them.
        assert!(matches!(
            authorize_read(&client(&server), OOB, Some(&m), AuthorizeOptions::new()),
            Err(Error::InvalidInput(_))
        ));
    }
}

#[test]
fn an_old_server_without_metadata_gets_the_classic_endpoints() {
    let server = MockServer::start();
    let mock = metadata_mock(&server, 404, r#"{"error":"Record not found"}"#.to_owned());
    let client = client(&server);
    let m = oauth::server_metadata(&client).unwrap();
    mock.assert();
    let base = server.base_url();
    assert!(!m.discovered);
    assert_eq!(m, ServerMetadata::classic(&base));
    assert!(!m.supports_pkce_s256());
    assert_eq!(m.supported_scopes(), None);
    assert_eq!(
        m.authorization_endpoint,
        Some(format!("{base}/oauth/authorize"))
    );
    assert_eq!(m.userinfo_endpoint, None);
    // Auto PKCE sends it a challenge all the same: it has no document that rules PKCE out.
    let req = authorize_read(&client, OOB, Some(&m), AuthorizeOptions::new()).unwrap();
    let challenge = req.verifier().expect("PKCE by default").challenge();
    assert!(req.url().contains(&format!(
        "&code_challenge={challenge}&code_challenge_method=S256"
    )));
}

#[test]
fn other_metadata_failures_stay_errors() {
    let server = MockServer::start();
    let mock = metadata_mock(&server, 503, "<html>down</html>".to_owned());
    let e = oauth::server_metadata(&client(&server)).unwrap_err();
    mock.assert();
    assert_eq!(e.status(), Some(503));
    let server = MockServer::start();
    metadata_mock(&server, 200, r#"{"issuer": 5}"#.to_owned());
    let e = oauth::server_metadata(&client(&server)).unwrap_err();
    assert!(matches!(e, Error::Decode(_)), "{e:?}");
    assert!(e.to_string().contains("ServerMetadata"), "{e}");
}

#[test]
fn userinfo_sends_the_bearer_token_and_decodes_the_claims() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/oauth/userinfo")
            .header("authorization", "Bearer us3r-t0ken");
        then.status(200)
            .header("content-type", "application/json; charset=utf-8")
            .body(fixture("userinfo.json"));
    });
    let u = oauth::userinfo(&client(&server), &AccessToken::new("us3r-t0ken")).unwrap();
    mock.assert();
    assert_eq!(u.iss.as_deref(), Some("http://social.example/"));
    assert_eq!(
        u.sub.as_deref(),
        Some("http://social.example/users/john_mastodon")
    );
    assert_eq!(u.name.as_deref(), Some("John Mastodon"));
    assert_eq!(u.preferred_username.as_deref(), Some("john_mastodon"));
    assert_eq!(
        u.profile.as_deref(),
        Some("http://social.example/@john_mastodon")
    );
    assert_eq!(
        u.picture.as_deref(),
        Some(
            "http://cdn.social.example/media/accounts/avatars/112/570/037/924/789/254/original/d746f9fb43a5705f.jpg"
        )
    );
}

#[test]
fn userinfo_without_the_profile_scope_is_403() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(GET).path("/oauth/userinfo");
        then.status(403)
            .body(r#"{"error":"This action is outside the authorized scopes"}"#);
    });
    let e = oauth::userinfo(&client(&server), &AccessToken::new("us3r-t0ken")).unwrap_err();
    mock.assert();
    assert!(e.is_unauthorized());
    assert_eq!(e.api_error().unwrap().endpoint(), "GET /oauth/userinfo");
    assert_no_secrets(&e, &["us3r-t0ken"]);
    // Sparse claims (name may be empty, others absent) still decode.
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/oauth/userinfo");
        then.status(200)
            .body(r#"{"sub":"https://x.example/ap/users/1","name":"","extra":[1]}"#);
    });
    let u = oauth::userinfo(&client(&server), &AccessToken::new("t")).unwrap();
    assert_eq!(u.name.as_deref(), Some(""));
    assert_eq!(u.picture, None);
}

// ---------------------------------------------------------------------------------------
// Recordings, decoded with whichever JSON backend is compiled in.

#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct Recording {
    request: RecordedRequest,
    response: RecordedResponse,
}

#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct RecordedRequest {
    method: String,
    path: String,
    body: Option<String>,
}

#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct RecordedResponse {
    status: u16,
    body: String,
}

#[cfg(feature = "serde")]
fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> T {
    serde_json::from_str(s).unwrap()
}

#[cfg(all(feature = "miniserde", not(feature = "serde")))]
fn from_json<T: miniserde::Deserialize>(s: &str) -> T {
    miniserde::json::from_str(s).unwrap()
}

// ---------------------------------------------------------------------------------------
// A stateless web app: the getters' values are stored, the request is resumed at the callback

#[test]
fn a_request_resumed_from_stored_values_completes_the_login() {
    let server = MockServer::start();
    let client = client(&server);
    let redirect = "https://app.example/callback";
    let app = app(redirect);
    let request = authorize_read(&client, redirect, None, AuthorizeOptions::new()).unwrap();
    // What the web app keeps in its session store: plain strings, and the request is gone.
    let stored = (
        request.state().secret().to_owned(),
        request.verifier().map(|v| v.secret().to_owned()),
        request.redirect_uri().to_owned(),
        request.scopes().to_string(),
    );
    drop(request);
    let (state, verifier, redirect_uri, scope) = stored.clone();
    let verifier = verifier.expect("PKCE by default");
    assert_eq!((redirect_uri.as_str(), scope.as_str()), (redirect, "read"));

    // A later request, perhaps in another process: rebuild, check the callback, exchange.
    let rebuilt = oauth::AuthorizationRequest::resume(
        mastolite::CsrfState::new(stored.0),
        stored.1.map(PkceVerifier::new),
        stored.2,
        stored.3.parse().unwrap(),
    );
    assert_eq!(rebuilt.url(), "");
    assert_eq!(rebuilt.scopes(), &scopes("read"));
    assert!(matches!(
        rebuilt.parse_callback(&format!("{redirect}?code=c0de&state=forged")),
        Err(Error::StateMismatch)
    ));
    let code = rebuilt
        .parse_callback(&format!("{redirect}?code=c0de&state={state}"))
        .unwrap();
    let mock = token_mock(
        &server,
        &format!(
            "grant_type=authorization_code&code=c0de\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcallback\
             &client_id=cl1ent-1d&client_secret=cl1ent-s3cret&code_verifier={verifier}"
        ),
        200,
        &fixture("token.json"),
    );
    let token = rebuilt.exchange(&client, &app, &code).unwrap();
    mock.assert();
    assert_eq!(
        token.access_token.secret(),
        "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
    );
}

// ---------------------------------------------------------------------------------------
// The loopback example's callback handling

#[allow(dead_code)]
#[path = "../../examples/login_common/mod.rs"]
mod login_common;

mod loopback {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};

    fn listener_and_request() -> (TcpListener, oauth::AuthorizationRequest) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let redirect = format!("http://{}/callback", listener.local_addr().unwrap());
        let client = Client::new("https://mastodon.example").unwrap();
        let request = oauth::authorization_request(
            &client,
            &app(&redirect),
            &scopes("read"),
            &AuthorizeOptions::new(),
        )
        .unwrap();
        (listener, request)
    }

    /// Sends a GET and returns the status line of the answer.
    fn get(addr: std::net::SocketAddr, target: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer.lines().next().unwrap_or_default().to_owned()
    }

    #[test]
    fn a_wrong_state_is_answered_and_the_wait_goes_on() {
        let (listener, request) = listener_and_request();
        let addr = listener.local_addr().unwrap();
        let state = request.state().secret().to_owned();
        let browser = std::thread::spawn(move || {
            let statuses = [
                get(addr, "/favicon.ico"),
                get(addr, "/callback?code=forged&state=wrong"),
                get(addr, "/callback?code=forged"),
                get(addr, "/callback?error=access_denied"),
            ];
            // The real redirect; its connection is answered by the caller.
            let mut s = TcpStream::connect(addr).unwrap();
            write!(
                s,
                "GET /callback?code=r3al&state={state} HTTP/1.1\r\nHost: x\r\n\r\n"
            )
            .unwrap();
            statuses
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let (_conn, outcome) =
            login_common::wait_for_callback(&listener, deadline, &request).unwrap();
        assert_eq!(outcome.unwrap().secret(), "r3al");
        let statuses = browser.join().unwrap();
        assert_eq!(statuses[0], "HTTP/1.1 404 Not Found");
        for s in &statuses[1..] {
            assert_eq!(s, "HTTP/1.1 400 Bad Request");
        }
    }

    #[test]
    fn the_servers_error_with_the_right_state_ends_the_wait() {
        let (listener, request) = listener_and_request();
        let addr = listener.local_addr().unwrap();
        let target = format!(
            "/callback?error=access_denied&error_description=no&state={}",
            request.state().secret()
        );
        let browser = std::thread::spawn(move || {
            let mut s = TcpStream::connect(addr).unwrap();
            write!(s, "GET {target} HTTP/1.1\r\n\r\n").unwrap();
            s
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let (_conn, outcome) =
            login_common::wait_for_callback(&listener, deadline, &request).unwrap();
        match outcome {
            Err(Error::Authorization(a)) => assert!(a.is_access_denied()),
            other => panic!("{other:?}"),
        }
        drop(browser.join().unwrap());
    }

    #[test]
    fn a_trickling_client_cannot_hold_the_wait_past_the_deadline() {
        let (listener, request) = listener_and_request();
        let addr = listener.local_addr().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop2 = stop.clone();
        // One byte every 50 ms, never finishing the head: each read succeeds quickly, so
        // only a deadline across reads ends it.
        let trickler = std::thread::spawn(move || {
            let mut s = TcpStream::connect(addr).unwrap();
            for b in b"GET /callback?code=x&state=y HTTP/1.1\r\nX-Slow: "
                .iter()
                .cycle()
            {
                if stop2.load(std::sync::atomic::Ordering::Relaxed) || s.write_all(&[*b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let deadline = Instant::now() + Duration::from_millis(1500);
        let err = login_common::wait_for_callback(&listener, deadline, &request).unwrap_err();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        // A read timeout per read alone would keep reading for minutes (8 KiB at 20 bytes
        // a second); the deadline across reads ends the wait.
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        assert!(Instant::now() >= deadline);
        trickler.join().unwrap();
    }
}
