//! `instance::get`: `/api/v2/instance`, the fallback to `/api/v1/instance` on 404, and the
//! payloads of Mastodon, GoToSocial, Hollo, Pleroma and Akkoma, decoded by whichever JSON
//! backend is compiled in.

use crate::common;

use httpmock::prelude::*;
use mastolite::{AccessToken, Error, Instance, instance};

use common::{USER_AGENT, client, example, read_fixture};

/// Serves `v2` (status and body) and, when given, `v1`; returns the result and the hit counts.
fn serve(
    v2: (u16, &str),
    v1: Option<&str>,
    token: Option<&AccessToken>,
) -> (Result<Instance, Error>, usize, usize) {
    let server = MockServer::start();
    let v2_mock = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/instance")
            .header("accept", "application/json")
            .header("user-agent", USER_AGENT);
        then.status(v2.0)
            .header("content-type", "application/json; charset=utf-8")
            .body(v2.1);
    });
    let v1_mock = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/instance")
            .header("accept", "application/json");
        then.status(200)
            .header("content-type", "application/json; charset=utf-8")
            .body(v1.unwrap_or("{}"));
    });
    let result = instance::get(&client(&server), token);
    (result, v2_mock.calls(), v1_mock.calls())
}

fn v2_answer(body: &str) -> Instance {
    let (result, v2, v1) = serve((200, body), None, None);
    assert_eq!((v2, v1), (1, 0), "v2 answered: no v1 request");
    result.expect("the v2 payload decodes")
}

fn v1_answer(body: &str) -> Instance {
    let (result, v2, v1) = serve((404, &example("error_404.json")), Some(body), None);
    assert_eq!((v2, v1), (1, 1), "v2 answered 404: one v1 request");
    result.expect("the v1 payload decodes")
}

#[test]
fn mastodon_v2() {
    let i = v2_answer(&example("instance_v2.json"));
    assert_eq!(i.api_version, 2);
    assert_eq!(i.domain.as_deref(), Some("mastodon.social"));
    assert_eq!(i.title.as_deref(), Some("Mastodon"));
    assert_eq!(i.version.as_deref(), Some("4.5.0-nightly.2025-07-11"));
    assert_eq!(
        i.source_url.as_deref(),
        Some("https://github.com/mastodon/mastodon")
    );
    assert_eq!(i.contact_email.as_deref(), Some("staff@mastodon.social"));
    let contact = i.contact_account.as_ref().expect("a contact account");
    assert_eq!(contact.id.as_ref().map(|id| id.as_str()), Some("13179"));
    assert_eq!(contact.acct.as_deref(), Some("Mastodon"));
    assert_eq!(contact.username.as_deref(), Some("Mastodon"));
    assert_eq!(contact.display_name.as_deref(), Some("Mastodon"));
    assert_eq!(
        contact.url.as_deref(),
        Some("https://mastodon.social/@Mastodon")
    );
    assert_eq!(
        i.streaming_url.as_deref(),
        Some("wss://streaming.mastodon.social")
    );
    assert_eq!(
        i.vapid_public_key.as_deref(),
        Some(
            "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M="
        )
    );
    assert_eq!(i.max_characters, Some(500));
    assert_eq!(i.max_featured_tags, Some(10));
    assert_eq!(i.max_pinned_statuses, Some(5));
    assert_eq!(i.max_profile_fields, Some(4));
}

#[test]
fn mastodon_v1_after_a_v2_404() {
    let i = v1_answer(&example("instance_v1.json"));
    assert_eq!(i.api_version, 1);
    assert_eq!(i.domain.as_deref(), Some("mastodon.social"));
    assert_eq!(i.title.as_deref(), Some("Mastodon"));
    assert_eq!(i.version.as_deref(), Some("3.5.3"));
    assert_eq!(i.source_url.as_deref(), None);
    assert_eq!(i.contact_email.as_deref(), Some("staff@mastodon.social"));
    let contact = i.contact_account.as_ref().expect("a contact account");
    assert_eq!(contact.id.as_ref().map(|id| id.as_str()), Some("1"));
    assert_eq!(contact.acct.as_deref(), Some("Gargron"));
    assert_eq!(contact.display_name.as_deref(), Some("Eugen"));
    assert_eq!(i.streaming_url.as_deref(), Some("wss://mastodon.social"));
    assert_eq!(i.vapid_public_key.as_deref(), None);
    assert_eq!(i.max_characters, Some(500));
    assert_eq!(i.max_featured_tags, Some(10));
    assert_eq!(i.max_pinned_statuses, None);
    assert_eq!(i.max_profile_fields, None);
}

#[test]
fn gotosocial_v2_without_contact_account() {
    let i = v2_answer(&read_fixture("instance/gotosocial_v2.json"));
    assert_eq!(i.api_version, 2);
    assert_eq!(i.domain.as_deref(), Some("gts.example.org"));
    assert_eq!(i.title.as_deref(), Some("GoToSocial Example Instance"));
    assert_eq!(i.version.as_deref(), Some("0.17.3 git-6ec4f4a"));
    assert_eq!(
        i.source_url.as_deref(),
        Some("https://codeberg.org/superseriousbusiness/gotosocial")
    );
    assert_eq!(
        i.contact_email.as_deref(),
        None,
        "an empty e-mail is no e-mail"
    );
    assert_eq!(i.contact_account.as_ref(), None);
    assert_eq!(i.streaming_url.as_deref(), Some("wss://gts.example.org"));
    assert_eq!(i.vapid_public_key.as_deref(), Some("BGtsExampleVapidKey="));
    assert_eq!(i.max_characters, Some(5000));
    assert_eq!(i.max_featured_tags, Some(10));
    assert_eq!(i.max_pinned_statuses, None);
    assert_eq!(i.max_profile_fields, Some(6));
}

#[test]
fn hollo_v2() {
    let i = v2_answer(&read_fixture("instance/hollo_v2.json"));
    assert_eq!(i.domain.as_deref(), Some("hollo.example"));
    assert_eq!(i.version.as_deref(), Some("0.6.3"));
    assert_eq!(i.contact_email.as_deref(), Some("owner@hollo.example"));
    let contact = i.contact_account.as_ref().expect("a contact account");
    assert_eq!(
        contact.id.as_ref().map(|id| id.as_str()),
        Some("0191b3e1-0b3c-7a5e-9d0e-4f6a2c1b8e77")
    );
    assert_eq!(contact.acct.as_deref(), Some("owner"));
    assert_eq!(
        i.streaming_url.as_deref(),
        None,
        "Hollo sends no configuration.urls"
    );
    assert_eq!(
        i.vapid_public_key.as_deref(),
        None,
        "an empty key is no key"
    );
    assert_eq!(i.max_characters, Some(10000));
    assert_eq!(i.max_pinned_statuses, Some(10));
}

#[test]
fn pleroma_v1_with_its_extras() {
    let i = v1_answer(&read_fixture("instance/pleroma_v1.json"));
    assert_eq!(i.api_version, 1);
    assert_eq!(
        i.domain.as_deref(),
        Some("pleroma.example"),
        "the scheme of `uri` is dropped"
    );
    assert_eq!(i.title.as_deref(), Some("Pleroma Example"));
    assert_eq!(
        i.version.as_deref(),
        Some("2.7.2 (compatible; Pleroma 2.5.0)")
    );
    assert_eq!(i.contact_email.as_deref(), Some("admin@pleroma.example"));
    assert_eq!(i.contact_account.as_ref(), None);
    assert_eq!(i.streaming_url.as_deref(), Some("wss://pleroma.example"));
    assert_eq!(
        i.vapid_public_key.as_deref(),
        Some("BPleromaExampleVapidKey=")
    );
    assert_eq!(i.max_characters, Some(5000), "from max_toot_chars");
    assert_eq!(i.max_featured_tags, None);
    assert_eq!(i.max_profile_fields, Some(10), "from fields_limits");
}

#[test]
fn akkoma_v1_with_nulls() {
    let i = v1_answer(&read_fixture("instance/akkoma_v1.json"));
    assert_eq!(i.domain.as_deref(), Some("akkoma.example"));
    assert_eq!(
        i.version.as_deref(),
        Some("2.7.2 (compatible; Akkoma 3.13.2)")
    );
    assert_eq!(i.contact_email.as_deref(), None);
    assert_eq!(i.vapid_public_key.as_deref(), None);
    assert_eq!(i.max_characters, Some(5000));
    assert_eq!(i.max_profile_fields, Some(10));
}

#[test]
fn an_empty_object_is_an_instance_that_says_nothing() {
    let i = v2_answer("{}");
    assert_eq!(i.api_version, 2);
    assert_eq!(
        (
            i.domain.as_deref(),
            i.title.as_deref(),
            i.version.as_deref(),
            i.contact_account.as_ref()
        ),
        (None, None, None, None)
    );
    assert_eq!(i.max_characters, None);
}

#[test]
fn no_fallback_on_other_errors() {
    let auth = example("error_401_auth_required.json");
    for (status, body) in [
        (401, auth.as_str()),
        (500, "<html>oops</html>"),
        (410, "{}"),
    ] {
        let (result, v2, v1) = serve((status, body), Some("{}"), None);
        assert_eq!((v2, v1), (1, 0), "status {status}: no v1 request");
        let e = result.expect_err("an error status");
        assert_eq!(e.status(), Some(status));
        assert_eq!(
            e.api_error().map(|a| a.endpoint()),
            Some("GET /api/v2/instance")
        );
    }
}

#[test]
fn a_v1_error_after_the_fallback_names_v1() {
    let server = MockServer::start();
    let v2 = server.mock(|when, then| {
        when.method(GET).path("/api/v2/instance");
        then.status(404).body(example("error_404.json"));
    });
    let v1 = server.mock(|when, then| {
        when.method(GET).path("/api/v1/instance");
        then.status(404).body(example("error_404.json"));
    });
    let e = instance::get(&client(&server), None).expect_err("both 404");
    assert_eq!((v2.calls(), v1.calls()), (1, 1));
    let api = e.api_error().expect("an API error");
    assert_eq!(
        (api.endpoint(), api.status()),
        ("GET /api/v1/instance", 404)
    );
    assert_eq!(api.error(), Some("Record not found"));
}

#[test]
fn the_token_goes_to_both_requests() {
    let server = MockServer::start();
    let v2 = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/instance")
            .header("authorization", "Bearer tok-123");
        then.status(404).body(example("error_404.json"));
    });
    let v1 = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v1/instance")
            .header("authorization", "Bearer tok-123");
        then.status(200).body(example("instance_v1.json"));
    });
    let token = AccessToken::new("tok-123");
    let i = instance::get(&client(&server), Some(&token)).expect("decodes");
    assert_eq!((v2.calls(), v1.calls()), (1, 1));
    assert_eq!(i.version.as_deref(), Some("3.5.3"));
}

#[test]
fn without_a_token_no_authorization_header_is_sent() {
    let server = MockServer::start();
    let v2 = server.mock(|when, then| {
        when.method(GET)
            .path("/api/v2/instance")
            .header_missing("authorization");
        then.status(200).body(example("instance_v2.json"));
    });
    let i = instance::get(&client(&server), None).expect("decodes");
    assert_eq!(v2.calls(), 1);
    assert_eq!(i.domain.as_deref(), Some("mastodon.social"));
}

#[test]
fn a_body_that_is_not_an_instance_is_a_decode_error() {
    for body in ["[]", "<html></html>", r#"{"domain": 5}"#] {
        let (result, _, v1) = serve((200, body), None, None);
        assert_eq!(v1, 0);
        match result {
            Err(Error::Decode(d)) => {
                assert_eq!(d.endpoint(), "GET /api/v2/instance");
                assert_eq!(d.target(), "Instance");
            }
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
}
