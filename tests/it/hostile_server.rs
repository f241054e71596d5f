//! A small HTTP/1.1 server on 127.0.0.1 for the cases that httpmock cannot play: servers that
//! never answer, trickle bytes, cut bodies short, stream 50 MiB, or answer in an exact sequence.
//!
//! Each connection is read up to the end of one request (head and `Content-Length` body), which
//! is recorded; then the test's handler writes whatever it likes to the socket, and the
//! connection is closed. Every response written through [`respond`] says `Connection: close`, so
//! the client never reuses a socket the server is about to drop.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// Header names in lower case, values as sent (lossy UTF-8).
    pub headers: Vec<(String, String)>,
    /// The body, as sent.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

type Handler = dyn Fn(usize, &Recorded, &mut TcpStream) + Send + Sync;

/// A running server; it stops accepting when dropped.
pub struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Starts a server whose handler gets the 0-based number of each request, the request, and
    /// the socket to answer on.
    pub fn start(
        handler: impl Fn(usize, &Recorded, &mut TcpStream) + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let count = Arc::new(AtomicUsize::new(0));
        {
            let requests = Arc::clone(&requests);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(mut stream) = stream else { continue };
                    let requests = Arc::clone(&requests);
                    let handler = Arc::clone(&handler);
                    let count = Arc::clone(&count);
                    thread::spawn(move || {
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                        let Some(req) = read_request(&mut stream) else {
                            return;
                        };
                        let n = count.fetch_add(1, Ordering::SeqCst);
                        requests.lock().unwrap().push(req.clone());
                        handler(n, &req, &mut stream);
                        let _ = stream.flush();
                        let _ = stream.shutdown(Shutdown::Both);
                    });
                }
            });
        }
        Server {
            addr,
            requests,
            stop,
        }
    }

    /// A server that answers every request with the same raw response.
    pub fn fixed(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Self {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let body = body.to_vec();
        Server::start(move |_, _, s| {
            let h: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            respond(s, status, &h, &body);
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many complete requests arrived.
    pub fn hits(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if buf.len() > 64 * 1024 || stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    stream.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Writes a complete response with `Content-Length` and `Connection: close`.
pub fn respond(stream: &mut TcpStream, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (n, v) in headers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(body);
    let _ = stream.write_all(&out);
}

/// A JSON 200 response.
pub fn respond_json(stream: &mut TcpStream, body: &str) {
    respond(
        stream,
        200,
        &[("Content-Type", "application/json; charset=utf-8")],
        body.as_bytes(),
    );
}

/// Blocks until the client closes its side (or 10 s pass): a server that never answers.
pub fn wait_for_hangup(stream: &mut TcpStream) {
    let mut sink = [0u8; 256];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

/// Writes `bytes` one at a time, a second apart, until the client hangs up.
pub fn trickle(stream: &mut TcpStream, bytes: &[u8]) {
    for b in bytes {
        if stream
            .write_all(&[*b])
            .and_then(|_| stream.flush())
            .is_err()
        {
            return;
        }
        thread::sleep(Duration::from_secs(1));
    }
}

/// Streams `total` bytes of `x` in 64 KiB writes without holding them in memory, stopping when
/// the client hangs up. With `chunked`, uses chunked transfer encoding (no length up front).
/// Returns how many body bytes the socket accepted.
pub fn stream_large_body(stream: &mut TcpStream, total: u64, chunked: bool) -> u64 {
    let head = if chunked {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_owned()
    } else {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n"
        )
    };
    if stream.write_all(head.as_bytes()).is_err() {
        return 0;
    }
    let block = [b'x'; 64 * 1024];
    let mut sent = 0u64;
    while sent < total {
        let n = (total - sent).min(block.len() as u64) as usize;
        let ok = if chunked {
            stream
                .write_all(format!("{n:x}\r\n").as_bytes())
                .and_then(|_| stream.write_all(&block[..n]))
                .and_then(|_| stream.write_all(b"\r\n"))
        } else {
            stream.write_all(&block[..n])
        };
        match ok {
            Ok(()) => sent += n as u64,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return sent,
        }
    }
    if chunked {
        let _ = stream.write_all(b"0\r\n\r\n");
    }
    sent
}

/// A plain-http server for one connection, and its address as an `https://` URL: it reads the
/// first 5 bytes (a TLS client's record header), answers `400 Bad Request` at once as a
/// plain-http server does, and hangs up. The thread returns the bytes it read.
#[cfg(feature = "rustls")]
pub fn plain_http_for_https() -> (String, thread::JoinHandle<[u8; 5]>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("https://{}", listener.local_addr().expect("address"));
    let handle = thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let mut hello = [0u8; 5];
        s.read_exact(&mut hello).expect("a record header");
        let _ = s.write_all(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request",
        );
        hello
    });
    (url, handle)
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
pub fn closed_port_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("address");
    drop(l);
    format!("http://{addr}")
}

/// Splits `time` into (days since 1970, year, month, day, seconds of the day), UTC.
fn civil(time: SystemTime) -> (i64, i64, i64, i64, i64) {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        days,
        yoe + era * 400 + i64::from(month <= 2),
        month,
        day,
        rem,
    )
}

/// `time` as ISO 8601 in UTC with microseconds, as Mastodon writes `X-RateLimit-Reset`.
pub fn iso8601(time: SystemTime) -> String {
    let (_, year, month, day, rem) = civil(time);
    let micros = time
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .subsec_micros();
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
    )
}

/// `time` as an HTTP date (IMF-fixdate), as in `Retry-After: Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(time: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, year, month, day, rem) = civil(time);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[month as usize - 1],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
    )
}

/// A minimal Mastodon account as JSON.
pub fn account_json(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","username":"u{id}","acct":"u{id}","display_name":"","locked":false,"bot":false,"created_at":"2016-03-16T00:00:00.000Z","note":"","url":"https://mastodon.example/@u{id}","avatar":"","avatar_static":"","header":"","header_static":"","followers_count":0,"following_count":0,"statuses_count":0,"emojis":[],"fields":[]}}"#
    )
}
