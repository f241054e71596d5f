//! Link-header pagination: [`Page`], the [`Pages`] iterator, and the RFC 8288 parser.
//!
//! Mastodon pages followers and following through the `Link` header; the cursors in it are
//! follow-record ids, not account ids, so the iterator follows the server's URLs as given. It
//! refuses a URL on another origin (the token would go there), stops when a URL leads back to
//! a page already fetched, and stops after the first error. Its memory does not grow with the
//! number of pages.

use std::hash::{BuildHasher, RandomState};
use std::marker::PhantomData;

use crate::client::{Client, Reply, Request, decode};
use crate::error::Endpoint;
use crate::error::Error;
use crate::ratelimit::RateLimit;
use crate::secret::AccessToken;

/// Which part of a list to fetch. Mastodon reads `limit` (1 to 80, default 40), `max_id` and
/// `since_id` for followers and following; `min_id` is sent when given, for servers that read it.
/// [`accounts::followers`](crate::accounts::followers) shows one in use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Range {
    limit: Option<u32>,
    max_id: Option<String>,
    since_id: Option<String>,
    min_id: Option<String>,
}

impl Range {
    /// The server's defaults: no parameter is sent.
    pub fn new() -> Self {
        Self::default()
    }
    /// Page size; Mastodon accepts 1 to 80. Defaults to the server's (40 on Mastodon).
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
    /// Entries older than `cursor`. Defaults to none.
    #[must_use]
    pub fn max_id(mut self, cursor: impl Into<String>) -> Self {
        self.max_id = Some(cursor.into());
        self
    }
    /// The newest entries after `cursor`. Defaults to none.
    #[must_use]
    pub fn since_id(mut self, cursor: impl Into<String>) -> Self {
        self.since_id = Some(cursor.into());
        self
    }
    /// Entries right after `cursor`. Defaults to none.
    #[must_use]
    pub fn min_id(mut self, cursor: impl Into<String>) -> Self {
        self.min_id = Some(cursor.into());
        self
    }

    /// The query string (without `?`), or an error for a limit of 0 (Mastodon answers it
    /// with a server error).
    pub(crate) fn query(&self) -> Result<String, Error> {
        let limit = match self.limit {
            Some(0) => return Err(Error::invalid("limit must be at least 1")),
            Some(n) => Some(n.to_string()),
            None => None,
        };
        let mut pairs = Vec::new();
        if let Some(l) = &limit {
            pairs.push(("limit", l.as_str()));
        }
        for (k, v) in [
            ("max_id", &self.max_id),
            ("since_id", &self.since_id),
            ("min_id", &self.min_id),
        ] {
            if let Some(v) = v {
                pairs.push((k, v.as_str()));
            }
        }
        Ok(crate::encode::query(&pairs))
    }
}

/// One page of a list, with the server's links to the pages around it.
///
/// Endpoints return pages; build one with [`Page::new`] to test code that takes them:
///
/// ```
/// use mastolite::{Page, RateLimit};
/// let mut page = Page::new(vec!["a", "b"]);
/// page.next = Some("https://mastodon.example/api/v1/accounts/1/followers?max_id=7".to_owned());
/// page.rate_limit = RateLimit::from_headers(Some("300"), Some("299"), None);
/// assert_eq!(page.items, ["a", "b"]);
/// assert!(page.next.is_some() && page.prev.is_none());
/// assert_eq!(page.rate_limit.unwrap().remaining, Some(299));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The entries.
    pub items: Vec<T>,
    /// The URL of the next (older) page; `None` at the end.
    pub next: Option<String>,
    /// The URL of the previous (newer) page.
    pub prev: Option<String>,
    /// The response's rate-limit headers.
    pub rate_limit: Option<RateLimit>,
}

impl<T> Page<T> {
    /// A page with these entries, no links and no rate limit.
    pub fn new(items: Vec<T>) -> Self {
        Page {
            items,
            next: None,
            prev: None,
            rate_limit: None,
        }
    }
}

/// The `next` and `prev` targets of a `Link` header.
///
/// ```
/// let links = mastolite::pagination::parse_link_header(r#"<https://m.example/p2>; rel="next""#);
/// assert_eq!(links.next.as_deref(), Some("https://m.example/p2"));
/// assert_eq!(links.prev, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Links {
    /// `rel="next"`.
    pub next: Option<String>,
    /// `rel="prev"` (or `previous`).
    pub prev: Option<String>,
}

/// Parses an RFC 8288 `Link` header: links in any order, quoted or bare `rel`, several rels
/// in one value, other parameters and unknown rels ignored. The first link of each rel wins.
/// Malformed parts are skipped; the parser never fails.
///
/// ```
/// let links = mastolite::pagination::parse_link_header(
///     r#"<https://m.example/api/v1/accounts/1/followers?limit=2&max_id=7>; rel="next", <https://m.example/api/v1/accounts/1/followers?limit=2&since_id=9>; rel="prev""#,
/// );
/// assert_eq!(links.next.as_deref(), Some("https://m.example/api/v1/accounts/1/followers?limit=2&max_id=7"));
/// assert_eq!(links.prev.as_deref(), Some("https://m.example/api/v1/accounts/1/followers?limit=2&since_id=9"));
/// ```
pub fn parse_link_header(header: &str) -> Links {
    let mut links = Links::default();
    let mut rest = header;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        let Some(after) = rest.strip_prefix('<') else {
            // Not at a link: skip to the next comma outside quotes, or stop.
            match skip_element(rest) {
                Some(r) => {
                    rest = r;
                    continue;
                }
                None => return links,
            }
        };
        let Some(end) = after.find('>') else {
            return links;
        };
        let target = after[..end].trim();
        rest = &after[end + 1..];
        // Parameters up to the next comma outside a quoted string.
        let mut rels: Vec<String> = Vec::new();
        loop {
            rest = rest.trim_start();
            let Some(p) = rest.strip_prefix(';') else {
                break;
            };
            let p = p.trim_start();
            let name_end = p.find(['=', ';', ',']).unwrap_or(p.len());
            let name = p[..name_end].trim();
            rest = &p[name_end..];
            let mut value = String::new();
            let mut complete = true;
            if let Some(v) = rest.strip_prefix('=') {
                let v = v.trim_start();
                if let Some(q) = v.strip_prefix('"') {
                    let mut chars = q.char_indices();
                    let mut closed = None;
                    while let Some((i, c)) = chars.next() {
                        match c {
                            '\\' => {
                                if let Some((_, e)) = chars.next() {
                                    value.push(e);
                                }
                            }
                            '"' => {
                                closed = Some(i + 1);
                                break;
                            }
                            c => value.push(c),
                        }
                    }
                    rest = match closed {
                        Some(i) => &q[i..],
                        None => {
                            complete = false;
                            ""
                        }
                    };
                } else {
                    let end = v.find([';', ',']).unwrap_or(v.len());
                    value = v[..end].trim().to_owned();
                    rest = &v[end..];
                }
            }
            if complete && name.eq_ignore_ascii_case("rel") && rels.is_empty() {
                rels = value
                    .split_ascii_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect();
            }
        }
        for rel in &rels {
            match rel.as_str() {
                "next" if links.next.is_none() => links.next = Some(target.to_owned()),
                "prev" | "previous" if links.prev.is_none() => links.prev = Some(target.to_owned()),
                _ => {}
            }
        }
        match rest.trim_start().chars().next() {
            Some(',') | None => {}
            Some(_) => match skip_element(rest) {
                Some(r) => rest = r,
                None => return links,
            },
        }
        if rest.trim().is_empty() {
            return links;
        }
    }
}

/// Skips to just past the next comma that is not inside a quoted string or `<…>`.
fn skip_element(s: &str) -> Option<&str> {
    let mut in_quotes = false;
    let mut in_angle = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' if !in_angle => in_quotes = !in_quotes,
            '<' if !in_quotes => in_angle = true,
            '>' if !in_quotes => in_angle = false,
            ',' if !in_quotes && !in_angle => return Some(&s[i + 1..]),
            _ => {}
        }
    }
    None
}

/// The `next` and `prev` links of an answer's `Link` header (none when it has no header).
pub(crate) fn links_of(reply: &Reply<'_>) -> Links {
    reply
        .link
        .as_deref()
        .map(parse_link_header)
        .unwrap_or_default()
}

/// Fetches one page and reads its links.
pub(crate) fn fetch_page<T: crate::json::Decode>(
    client: &Client,
    req: &Request<'_>,
    target: &'static str,
) -> Result<Page<T>, Error> {
    let reply = client.send(req)?;
    let items: Vec<T> = decode(&reply, target, false)?;
    let links = links_of(&reply);
    Ok(Page {
        items,
        next: links.next,
        prev: links.prev,
        rate_limit: reply.rate_limit,
    })
}

/// An iterator over the pages of a list, following each page's `next` link.
///
/// It yields `Result<Page<T>, Error>`, and ends after the last page, after the first error,
/// after an empty page, or when a `next` URL leads back to a page already fetched: at once
/// when it is one of the last 16 pages, and within about twice the cycle's length for a longer
/// cycle. A `next` URL on another origin is refused with [`Error::ForeignUrl`]. Bound it with
/// [`Iterator::take`], or flatten it with [`items`](Pages::items). It holds one page at a time
/// and a fixed amount besides, however many pages it follows.
///
/// Mastodon never links past an empty page; ending there keeps `items().take(n)` from
/// following a hostile server's endless chain of empty pages.
///
/// ```no_run
/// # fn run() -> Result<(), mastolite::Error> {
/// let client = mastolite::Client::new("https://mastodon.example")?;
/// let id = mastolite::AccountId::from("1");
/// let range = mastolite::Range::new().limit(80);
/// // At most five pages of 80.
/// for page in mastolite::accounts::followers_pages(&client, None, &id, &range)?.take(5) {
///     let page = page?;
///     println!("{} followers, next: {:?}", page.items.len(), page.next);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "iterators do nothing until used"]
pub struct Pages<'a, T> {
    walk: Walk<'a>,
    target: &'static str,
    _marker: PhantomData<fn() -> T>,
}

impl<'a, T> Pages<'a, T> {
    pub(crate) fn new(
        client: &'a Client,
        token: Option<&'a AccessToken>,
        endpoint: &'static str,
        target: &'static str,
        first: String,
    ) -> Self {
        Pages {
            walk: Walk::new(client, token, endpoint.into(), first),
            target,
            _marker: PhantomData,
        }
    }

    /// Flattens the pages into their entries. Errors are passed through, once.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), mastolite::Error> {
    /// let client = mastolite::Client::new("https://mastodon.example")?;
    /// let id = mastolite::AccountId::from("1");
    /// for account in mastolite::accounts::followers_pages(&client, None, &id, &Default::default())?
    ///     .items()
    ///     .take(200)
    /// {
    ///     println!("@{}", account?.acct);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items(self) -> Items<'a, T> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }
}

impl<T: crate::json::Decode> Iterator for Pages<'_, T> {
    type Item = Result<Page<T>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (reply, links) = match self.walk.step()? {
            Ok(step) => step,
            Err(e) => return Some(Err(e)),
        };
        let items: Vec<T> = match decode(&reply, self.target, false) {
            Ok(items) => items,
            Err(e) => {
                self.walk.done = true;
                return Some(Err(e));
            }
        };
        if items.is_empty() {
            self.walk.done = true;
        }
        Some(Ok(Page {
            items,
            next: links.next,
            prev: links.prev,
            rate_limit: reply.rate_limit,
        }))
    }
}

/// The walk behind [`Pages`] and [`api::Pages`](crate::api::Pages): it follows each answer's
/// `next` link on the client's origin only, and ends after the last page, after the first
/// error, or when a link leads back to a page already fetched. What a page holds, and whether
/// it is empty, is for the caller to say ([`Walk::done`]).
#[derive(Debug)]
pub(crate) struct Walk<'a> {
    client: &'a Client,
    token: Option<&'a AccessToken>,
    endpoint: Endpoint,
    next: Option<String>,
    trail: Trail,
    pub(crate) done: bool,
}

impl<'a> Walk<'a> {
    pub(crate) fn new(
        client: &'a Client,
        token: Option<&'a AccessToken>,
        endpoint: Endpoint,
        first: String,
    ) -> Self {
        Walk {
            client,
            token,
            endpoint,
            next: Some(first),
            trail: Trail::new(),
            done: false,
        }
    }

    /// Fetches the next page: its answer and its links.
    pub(crate) fn step(&mut self) -> Option<Result<(Reply<'a>, Links), Error>> {
        if self.done {
            return None;
        }
        let target = self.next.take()?;
        let key = if target.starts_with('/') {
            self.client.url(&target)
        } else {
            target.clone()
        };
        let req = Request::get(self.endpoint.clone(), target, self.token);
        if !req.target.starts_with('/')
            && let Err(e) = self.client.check_same_origin(&req)
        {
            self.done = true;
            return Some(Err(e));
        }
        if !self.trail.visit(&key) {
            self.done = true;
            return None;
        }
        match self.client.send(&req) {
            Ok(reply) => {
                let links = links_of(&reply);
                self.next = links.next.clone();
                if self.next.is_none() {
                    self.done = true;
                }
                Some(Ok((reply, links)))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl<T: crate::json::Decode> std::iter::FusedIterator for Pages<'_, T> {}

/// How many of the latest URLs [`Trail`] compares exactly.
const RECENT: usize = 16;

/// The URLs a [`Pages`] has fetched, kept in constant memory, to notice a `next` link that
/// leads back to one of them: the keyed hashes of the last [`RECENT`] URLs, and one checkpoint
/// that moves to the current URL whenever the count reaches a power of two (Brent's cycle
/// detection). A link back to one of the last 16 pages stops at once; a longer cycle is caught
/// when it comes round to the checkpoint, after at most about twice its length in pages. The
/// hashes are keyed per process, so a server cannot choose URLs that collide; a collision by
/// chance would end the list early, never loop it.
#[derive(Debug)]
struct Trail {
    keys: RandomState,
    recent: [u64; RECENT],
    count: usize,
    checkpoint: u64,
}

impl Trail {
    fn new() -> Trail {
        Trail {
            keys: RandomState::new(),
            recent: [0; RECENT],
            count: 0,
            checkpoint: 0,
        }
    }

    /// Records `url` as fetched; false when it leads back to a page fetched before.
    fn visit(&mut self, url: &str) -> bool {
        let h = self.keys.hash_one(url);
        if self.recent[..self.count.min(RECENT)].contains(&h)
            || (self.count > 0 && h == self.checkpoint)
        {
            return false;
        }
        self.recent[self.count % RECENT] = h;
        self.count += 1;
        if self.count.is_power_of_two() {
            self.checkpoint = h;
        }
        true
    }
}

/// The entries of every page, from [`Pages::items`].
///
/// ```no_run
/// # fn run() -> Result<(), mastolite::Error> {
/// let client = mastolite::Client::new("https://mastodon.example")?;
/// let id = mastolite::AccountId::from("1");
/// let items = mastolite::accounts::following_pages(&client, None, &id, &Default::default())?
///     .items();
/// let first_100: Vec<_> = items.take(100).collect::<Result<_, _>>()?;
/// # let _: Vec<mastolite::Account> = first_100;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "iterators do nothing until used"]
pub struct Items<'a, T> {
    pages: Pages<'a, T>,
    current: std::vec::IntoIter<T>,
}

impl<T: crate::json::Decode> Iterator for Items<'_, T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Ok(page) => self.current = page.items.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl<T: crate::json::Decode> std::iter::FusedIterator for Items<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows `next` from 0 until the trail says stop, or `cap` steps; the number visited.
    fn walk(next: impl Fn(u64) -> u64, cap: u64) -> u64 {
        let mut trail = Trail::new();
        let mut at = 0;
        for visited in 0..cap {
            if !trail.visit(&format!(
                "https://m.example/api/v1/accounts/1/followers?max_id={at}"
            )) {
                return visited;
            }
            at = next(at);
        }
        cap
    }

    #[test]
    fn the_trail_stops_short_cycles_at_once() {
        // A page that links to itself, and a cycle of two: every page once.
        assert_eq!(walk(|_| 0, 100), 1);
        assert_eq!(walk(|n| (n + 1) % 2, 100), 2);
        // A cycle of 16 entered after 5 pages: 21 pages, none twice.
        assert_eq!(walk(|n| if n < 20 { n + 1 } else { 5 }, 1000), 21);
    }

    #[test]
    fn the_trail_stops_long_cycles_within_twice_their_length() {
        for (lead, cycle) in [(0, 17), (3, 100), (1000, 37), (10, 5000)] {
            let distinct = lead + cycle;
            let visited = walk(
                |n| if n + 1 < distinct { n + 1 } else { lead },
                10 * distinct + 100,
            );
            assert!(visited >= distinct, "{lead} + {cycle}: {visited}");
            assert!(
                visited <= 2 * distinct + cycle,
                "{lead} + {cycle}: {visited} pages"
            );
        }
    }

    #[test]
    fn the_trail_never_stops_a_list_without_a_cycle() {
        assert_eq!(walk(|n| n + 1, 200_000), 200_000);
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn the_trail_is_as_small_as_the_changelog_says() {
        assert!(std::mem::size_of::<Trail>() <= 160);
    }

    fn both(h: &str) -> (Option<String>, Option<String>) {
        let l = parse_link_header(h);
        (l.next, l.prev)
    }

    #[test]
    fn mastodon_header() {
        let h = "<https://mastodon.example/api/v1/accounts/14715/followers?limit=2&max_id=7486869>; rel=\"next\", <https://mastodon.example/api/v1/accounts/14715/followers?limit=2&since_id=7489740>; rel=\"prev\"";
        let (n, p) = both(h);
        assert_eq!(
            n.unwrap(),
            "https://mastodon.example/api/v1/accounts/14715/followers?limit=2&max_id=7486869"
        );
        assert_eq!(
            p.unwrap(),
            "https://mastodon.example/api/v1/accounts/14715/followers?limit=2&since_id=7489740"
        );
    }

    #[test]
    fn tolerant_forms() {
        assert_eq!(both("<a>;rel=next").0.as_deref(), Some("a"));
        assert_eq!(both("<a>; REL=\"Prev\"").1.as_deref(), Some("a"));
        assert_eq!(both("<a>; rel=\"prev next\"").0.as_deref(), Some("a"));
        assert_eq!(both("<a>; rel=\"prev next\"").1.as_deref(), Some("a"));
        assert_eq!(
            both("<x>; rel=\"last\", <y>; title=\"a, b; c\"; rel=next")
                .0
                .as_deref(),
            Some("y")
        );
        assert_eq!(
            both("<u1>; rel=\"next\", <u2>; rel=\"next\"").0.as_deref(),
            Some("u1")
        );
        assert_eq!(both("garbage, <z>; rel=next").0.as_deref(), Some("z"));
        assert_eq!(
            both("<z>; anchor=\"<q>\"; rel=previous").1.as_deref(),
            Some("z")
        );
        assert_eq!(both(""), (None, None));
        assert_eq!(both("<unterminated; rel=next"), (None, None));
        assert_eq!(
            both("<a>; rel=\"next"),
            (None, None),
            "unterminated quote gives no rel"
        );
        assert_eq!(both("<a>; rel"), (None, None));
    }

    #[test]
    fn range_query() {
        assert_eq!(Range::new().query().unwrap(), "");
        assert_eq!(
            Range::new()
                .limit(80)
                .max_id("5")
                .since_id("a b")
                .query()
                .unwrap(),
            "limit=80&max_id=5&since_id=a+b"
        );
        assert!(Range::new().limit(0).query().is_err());
    }
}
