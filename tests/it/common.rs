//! Helpers shared by the integration tests: fixture loading, decoding with the backend the crate
//! uses, and clients for httpmock servers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use httpmock::MockServer;
use mastolite::{Client, RetryPolicy};

/// The `User-Agent` every request must carry, spelled out independently of the crate's constant.
pub const USER_AGENT: &str = concat!("mastolite/", env!("CARGO_PKG_VERSION"));

/// The content type of every POST body.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// A client for an httpmock server, with retries off so that 5xx and 429 tests never sleep.
pub fn client(server: &MockServer) -> Client {
    Client::builder(&server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .expect("a loopback http origin is accepted")
}

/// `tests/fixtures`, found from the crate root so that tests run from any directory.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A file under `tests/fixtures`, as text.
pub fn read_fixture(rel: &str) -> String {
    let path = fixtures_dir().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A file of `tests/fixtures/examples` (Mastodon's documentation examples).
pub fn example(name: &str) -> String {
    read_fixture(&format!("examples/{name}"))
}

/// One recorded HTTP interaction (see `tests/fixtures/README.md`); only what the tests read.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
pub struct Recording {
    /// The server software and version, such as `mastodon 4.3.0`.
    pub server: String,
    /// The endpoint group, such as `apps.create`.
    pub endpoint: String,
    /// What the server answered.
    pub response: RecordedResponse,
}

/// The recorded answer.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
pub struct RecordedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers that were kept (names as recorded, in either case).
    pub headers: BTreeMap<String, String>,
    /// The raw body text.
    pub body: String,
}

impl RecordedResponse {
    /// A header by name, ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Every recording of an endpoint group, sorted by file name, with its path under
/// `tests/fixtures/recordings`. Panics when there are none, so a renamed folder cannot make a
/// test pass vacuously.
pub fn recordings(endpoint: &str) -> Vec<(String, Recording)> {
    let dir = fixtures_dir().join("recordings").join(endpoint);
    let mut files = Vec::new();
    for kind in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let kind = kind.expect("a directory entry").path();
        for f in std::fs::read_dir(&kind).expect("a server-kind directory") {
            let f = f.expect("a directory entry").path();
            if f.extension().is_some_and(|x| x == "json") {
                files.push(f);
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no recordings under {}", dir.display());
    files
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(fixtures_dir().join("recordings"))
                .expect("under the recordings folder")
                .display()
                .to_string();
            let text = std::fs::read_to_string(&f).expect("a readable recording");
            let rec: Recording = decode(&rel, &text);
            assert_eq!(rec.endpoint, endpoint, "{rel}");
            (rel, rec)
        })
        .collect()
}

/// The recordings of an endpoint group that answered `status`.
pub fn recordings_with_status(endpoint: &str, status: u16) -> Vec<(String, Recording)> {
    let all: Vec<_> = recordings(endpoint)
        .into_iter()
        .filter(|(_, r)| r.response.status == status)
        .collect();
    assert!(!all.is_empty(), "no {status} recordings of {endpoint}");
    all
}

/// A recording by its path under `tests/fixtures/recordings`.
pub fn recording(rel: &str) -> Recording {
    decode(rel, &read_fixture(&format!("recordings/{rel}")))
}

/// Types that the JSON backend the crate decodes with can decode: serde_json whenever the
/// `serde` feature is on, miniserde otherwise (the crate's own precedence).
#[cfg(feature = "serde")]
pub trait Decode: serde::de::DeserializeOwned {}
#[cfg(feature = "serde")]
impl<T: serde::de::DeserializeOwned> Decode for T {}

/// Types that the JSON backend the crate decodes with can decode.
#[cfg(all(feature = "miniserde", not(feature = "serde")))]
pub trait Decode: miniserde::Deserialize {}
#[cfg(all(feature = "miniserde", not(feature = "serde")))]
impl<T: miniserde::Deserialize> Decode for T {}

/// Decodes with the crate's backend; `Err` carries the backend's message when it has one.
#[cfg(feature = "serde")]
pub fn try_decode<T: Decode>(body: &str) -> Result<T, String> {
    serde_json::from_str(body).map_err(|e| e.to_string())
}

/// Decodes with the crate's backend; miniserde's errors carry no detail.
#[cfg(all(feature = "miniserde", not(feature = "serde")))]
pub fn try_decode<T: Decode>(body: &str) -> Result<T, String> {
    miniserde::json::from_str(body).map_err(|e| e.to_string())
}

/// Decodes `body` as `T`, panicking with `what` (a fixture name) and the backend's message.
pub fn decode<T: Decode>(what: &str, body: &str) -> T {
    try_decode(body).unwrap_or_else(|e| {
        panic!(
            "{what}: cannot decode as {} with {}: {e}",
            std::any::type_name::<T>(),
            mastolite::cli_support::json_backend()
        )
    })
}

/// An error body as the tests read it, independently of the crate's own decoder.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
pub struct ErrorBody {
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// A JSON array of minimal accounts, one per `(id, acct)`.
pub fn accounts_json(accounts: &[(&str, &str)]) -> String {
    let items: Vec<String> = accounts
        .iter()
        .map(|(id, acct)| {
            format!(
                r#"{{"id":"{id}","username":"{user}","acct":"{acct}","display_name":"","created_at":"2024-01-01T00:00:00.000Z","followers_count":0,"following_count":0,"statuses_count":0}}"#,
                user = acct.split('@').next().unwrap_or(acct)
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}
