//! Times (on-CPU time of the thread, from /proc/thread-self/schedstat, so that other
//! programs on a busy machine do not count) the scope work that a hostile server can size: parsing a `scope` string (with
//! duplicates), the authorize checks against registered and supported scopes, and
//! `granted_covers`, for n = 15,000 and n = 150,000 distinct scopes. Prints the best of 5 runs
//! for each size and the ratio between them: about 10 (n log n) means linear-ish work; a
//! quadratic implementation gives about 100 and takes minutes at 150,000.

use std::hint::black_box;
use std::time::Duration;

#[path = "../../on_cpu.rs"]
mod on_cpu;

/// Time this thread has spent on a CPU: waiting for one on a busy machine does not count.
#[derive(Clone, Copy)]
struct Instant(Duration);

impl Instant {
    fn now() -> Self {
        Instant(on_cpu::on_cpu())
    }
}

impl std::ops::Sub for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.0 - earlier.0
    }
}

use mastolite::oauth::{self, AuthorizeOptions};
use mastolite::{AccessToken, AppCredentials, Client, ClientSecret, Scopes, ServerMetadata, Token};

/// `n` distinct scopes, each given twice, as one space-separated string.
fn scope_text(n: usize) -> String {
    let mut s = String::with_capacity(n * 30);
    for _ in 0..2 {
        for i in 0..n {
            let kind = if i % 2 == 0 { "read" } else { "write" };
            s.push_str(&format!("{kind}:x{i} "));
        }
    }
    s
}

/// The steps of one pass, timed separately.
#[derive(Clone, Copy, Default)]
struct Times {
    parse: Duration,
    authorize: Duration,
    granted: Duration,
}

impl Times {
    fn total(&self) -> Duration {
        self.parse + self.authorize + self.granted
    }
}

/// One pass: the server's three lists parsed (requested, registered, supported: each with
/// every scope twice), the authorize checks, and `granted_covers` for a token that has every
/// scope and for one that has only `read`.
fn pass(text: &str, client: &Client, app: &AppCredentials) -> Times {
    let t0 = Instant::now();
    let requested: Scopes = text.parse().expect("valid scopes");
    let registered = Scopes::parse_lenient(text);
    let supported = Scopes::parse_lenient(text);
    let t1 = Instant::now();
    let mut metadata = ServerMetadata::classic(client.origin());
    metadata.scopes_supported = Some(supported);
    metadata.discovered = true;
    let options = AuthorizeOptions::new()
        .registered(registered)
        .metadata(metadata);
    let request = oauth::authorization_request(client, app, &requested, &options)
        .expect("the request is valid");
    let t2 = Instant::now();
    let mut granted = Token::new(AccessToken::new("t"));
    granted.scope = Some(requested.clone());
    oauth::granted_covers(&granted, request.scopes()).expect("everything granted");
    let mut only_read = Token::new(AccessToken::new("t"));
    only_read.scope = Some("read".parse().unwrap());
    let missing = oauth::granted_covers(&only_read, request.scopes()).unwrap_err();
    let t3 = Instant::now();
    assert_eq!(missing.scopes().len(), requested.len() / 2);
    let _ = black_box((request, missing, options));
    Times {
        parse: t1 - t0,
        authorize: t2 - t1,
        granted: t3 - t2,
    }
}

fn best_of(n: usize, client: &Client, app: &AppCredentials) -> Times {
    let text = scope_text(n);
    let best = (0..5)
        .map(|_| pass(&text, client, app))
        .min_by_key(Times::total)
        .unwrap();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "scopes {n}: {:.1} ms on-CPU (parse 3 lists {:.1}, authorize checks {:.1}, granted_covers x2 {:.1})",
        ms(best.total()),
        ms(best.parse),
        ms(best.authorize),
        ms(best.granted)
    );
    best
}

fn main() {
    let client = Client::new("https://mastodon.example").expect("client");
    let app = AppCredentials::new("id", ClientSecret::new("s"));
    let small = best_of(15_000, &client, &app);
    let large = best_of(150_000, &client, &app);
    println!(
        "ratio 150000/15000: {:.1} (10 is linear, 100 quadratic)",
        large.total().as_secs_f64() / small.total().as_secs_f64()
    );
}
