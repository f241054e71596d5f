//! `check`: one token, or every stored token (`--all`), printed as text, JSON, JSON lines or
//! node_exporter textfile-collector metrics, on stdout or atomically into a file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use mastolite::RetryPolicy;
use mastolite::check::{self, Detail, Kind, Outcome, Report, Target};
use mastolite::store::Store;
use mastolite::terminal::{one_line, sanitize};

use crate::args::{Check, Format, Which};
use crate::views::utc;
use crate::{Ctx, ENV_TOKEN, Failure, LOCAL};

/// `check [--all [--jobs N]] [--output FILE]`.
pub fn run(ctx: &Ctx, command: &Check) -> Result<(), Failure> {
    let output = command.output.as_deref();
    let result = if command.all {
        check_all(ctx, command, output)
    } else {
        check_one(ctx, output)
    };
    // A run that failed before any check (the credentials file cannot be read, is too open or
    // corrupt) still writes metrics that say so, instead of leaving the last run's in place.
    // The only failures after the checks are their outcomes, already reported (`Quiet`).
    if let Err(f) = &result
        && !matches!(f, Failure::Quiet(_))
    {
        match ctx.global.format {
            Format::Prometheus => {
                let _ = emit(&run_metrics(false), output);
            }
            Format::Nagios => {
                let (_, message) = f.parts();
                let message = one_line(message.as_deref().unwrap_or("failed"), 300);
                let _ = emit(&format!("MASTOLITE UNKNOWN - {message}\n"), None);
                // UNKNOWN, whatever the failure's own status.
                let _ = crate::report(f);
                return Err(Failure::Quiet(PLUGIN_UNKNOWN));
            }
            _ => {}
        }
    }
    result
}

/// The monitoring-plugin exit codes (Nagios, Icinga, Sensu, Checkmk).
const PLUGIN_WARNING: u8 = 1;
const PLUGIN_CRITICAL: u8 = 2;
const PLUGIN_UNKNOWN: u8 = 3;

/// A plugin's exit: 0 is success; any other code also puts the status line, without its
/// perfdata, on stderr, as every failing command does.
fn plugin_exit(code: u8, text: &str) -> Result<(), Failure> {
    if code == 0 {
        return Ok(());
    }
    // The status line ends in ` |` and its perfdata; its summary holds no `|`.
    let status = text.split('|').next().unwrap_or(text).trim_end();
    eprintln!("mastolite: {}", one_line(status, usize::MAX));
    Err(Failure::Quiet(code))
}

/// Whether a report counts as OK for a plugin: `ok`, or a refusal that only says the server
/// wants a user token, which says nothing about the token.
fn plugin_ok(r: &Report) -> bool {
    r.status == Outcome::Ok
        || (r.status == Outcome::Refused && r.detail == Some(Detail::ServerRequiresUser))
}

/// The monitoring-plugin output: one status line with perfdata, then one line per token that
/// is not ok; and the plugin's exit code: 2 CRITICAL when any token is rejected, disabled or
/// expired; else 1 WARNING when any was refused; else 3 UNKNOWN when any could not be checked
/// (unavailable, error); else 0 OK.
fn nagios(reports: &[Report], took: std::time::Duration) -> (String, u8) {
    let count = |o: Outcome| reports.iter().filter(|r| r.status == o).count();
    let bad = count(Outcome::Rejected) + count(Outcome::Disabled) + count(Outcome::Expired);
    let refused = reports
        .iter()
        .filter(|r| r.status == Outcome::Refused && !plugin_ok(r))
        .count();
    let unknown = count(Outcome::Unavailable) + count(Outcome::Error);
    let n = reports.len();
    let (state, code, summary) = if bad > 0 {
        (
            "CRITICAL",
            PLUGIN_CRITICAL,
            format!("{bad} of {n} tokens rejected, disabled or expired"),
        )
    } else if refused > 0 {
        (
            "WARNING",
            PLUGIN_WARNING,
            format!("{refused} of {n} tokens refused"),
        )
    } else if unknown > 0 {
        (
            "UNKNOWN",
            PLUGIN_UNKNOWN,
            format!("{unknown} of {n} tokens could not be checked"),
        )
    } else {
        let unjudged = n - count(Outcome::Ok);
        let note = if unjudged > 0 {
            format!(" ({unjudged} on servers that want a user token, which says nothing about it)")
        } else {
            String::new()
        };
        ("OK", 0, format!("{n} tokens accepted{note}"))
    };
    let mut out = format!("MASTOLITE {state} - {summary} |");
    for o in Outcome::ALL {
        let _ = write!(out, " {o}={};;;0", count(o));
    }
    let ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
    let _ = writeln!(out, " time={}.{:03}s;;;0", ms / 1000, ms % 1000);
    for r in reports.iter().filter(|r| r.status != Outcome::Ok) {
        out.push_str(&text_line(r));
    }
    (out, code)
}

/// The token a plain `check` uses, picked as every command picks one (`MASTOLITE_TOKEN`, else
/// the selected stored token), with how messages name it. An expired stored token is not an
/// error here: the checker reports it as `expired` without a request.
fn one_target(ctx: &Ctx, store: Option<&Store>) -> Result<(Target, String), Failure> {
    let picked = ctx.pick_unchecked(Which::Default, store)?;
    let kind = match picked.which {
        // An environment token's kind is not known: its answers tell.
        _ if picked.label == ENV_TOKEN => Kind::Unknown,
        Which::User => Kind::User,
        _ => Kind::App,
    };
    let mut t =
        Target::new(picked.client.origin(), kind, picked.token).expires_at(picked.expires_at);
    t.account = picked.account;
    Ok((t, picked.label))
}

/// For cron: `ok`, or the reason on stderr; the exit status. Bounded by `--timeout` in all,
/// the fallback request included.
fn check_one(ctx: &Ctx, output: Option<&Path>) -> Result<(), Failure> {
    let started = Instant::now();
    let store = ctx.store_for_token()?;
    let (target, label) = one_target(ctx, store.as_ref())?;
    let mut report = ctx.checker()?.check(&target);
    explain_expiry(&mut report);
    let sep = if report.status == Outcome::Expired {
        " "
    } else {
        ": "
    };
    report.error = report.error.map(|e| format!("{label}{sep}{e}"));
    let text = match ctx.global.format {
        Format::Text if report.status == Outcome::Ok => "ok\n".to_owned(),
        Format::Text => String::new(),
        Format::Json | Format::Jsonl => {
            let view = mastolite::cli_support::output::CheckReport {
                status: report.status,
                detail: report.detail,
                kind: report.kind,
                http_status: report.http_status,
                error: report.error.clone(),
            };
            mastolite::cli_support::to_json(&view) + "\n"
        }
        Format::Prometheus => prometheus(std::slice::from_ref(&report)),
        Format::Nagios => {
            let (text, code) = nagios(std::slice::from_ref(&report), started.elapsed());
            emit(&text, None)?;
            return plugin_exit(code, &text);
        }
    };
    emit(&text, output)?;
    if report.status == Outcome::Ok {
        return Ok(());
    }
    eprintln!("mastolite: {}", one_line(&verdict(&report), usize::MAX));
    Err(Failure::Quiet(report.status.exit_status()))
}

/// How long before its expiry `check --all --renew` renews an app token: a token that
/// expires between two runs five minutes apart is renewed at the first.
const RENEW_AHEAD_SECS: i64 = 15 * 60;

/// `--renew`: a new app token for each server whose stored one has expired or expires within
/// [`RENEW_AHEAD_SECS`], one server after the other, each stored as `token` stores it, and all
/// of them by `deadline` when there is one (each request's timeout, and the wait for the
/// credentials file's lock, is what is left). Returns
/// the servers whose renewal failed, with the failure, or `None` for one not tried because the
/// deadline had passed. An expired token's report says why it was not renewed; for one still
/// valid (checked as it is), a note on stderr does.
fn renew_expiring(
    ctx: &Ctx,
    path: &Path,
    store: &Store,
    deadline: Option<Instant>,
) -> Vec<(String, Option<Failure>)> {
    let now = mastolite::cli_support::unix_now();
    let mut failed = Vec::new();
    for entry in store.servers() {
        let (Some(app), Some(expires_at)) =
            (entry.app(), entry.app_token().and_then(|t| t.expires_at))
        else {
            continue;
        };
        if expires_at > now.saturating_add(RENEW_AHEAD_SECS) {
            continue;
        }
        let timeout = match deadline {
            Some(d) => d.saturating_duration_since(Instant::now()),
            None => ctx.global.timeout,
        };
        if timeout.is_zero() {
            failed.push((entry.origin().to_owned(), None));
            continue;
        }
        let renewed = ctx
            .client_within(entry.origin(), true, timeout)
            .and_then(|client| crate::renew_app_token(ctx, path, app, &client, None, deadline));
        if let Err(f) = renewed {
            if expires_at > now {
                let (_, message) = f.parts();
                eprintln!(
                    "mastolite: note: {}: the app token expires {} and renewing it failed: {}",
                    sanitize(entry.origin()),
                    utc(expires_at),
                    one_line(message.as_deref().unwrap_or("failed"), usize::MAX)
                );
            }
            failed.push((entry.origin().to_owned(), Some(f)));
        }
    }
    failed
}

/// The report of an app token that had expired and could not be renewed: the renewal's
/// outcome (`unavailable` for a server that cannot be reached, or for a renewal the run's
/// deadline left no time for), detail `renewal_failed`.
fn renewal_failed(r: &mut Report, f: Option<&Failure>) {
    r.status = match f {
        Some(Failure::Lib(e)) => Outcome::of(e),
        Some(_) => Outcome::Error,
        None => Outcome::Unavailable,
    };
    r.detail = Some(Detail::RenewalFailed);
    r.error = Some(match f {
        Some(f) => format!(
            "the app token expired and renewing it failed: {}",
            f.parts().1.as_deref().unwrap_or("failed")
        ),
        None => "the app token expired and was not renewed: the run's --timeout had passed".into(),
    });
}

/// Every stored token, `--jobs` at a time; one line (or object, or metric set) each.
fn check_all(ctx: &Ctx, command: &Check, output: Option<&Path>) -> Result<(), Failure> {
    let started = Instant::now();
    let (path, mut store) = ctx.load()?;
    // A monitoring plugin is killed after a fixed time: --timeout bounds the whole run,
    // renewals included, and a token not checked by then is `unavailable` (UNKNOWN).
    let limit = ctx.global.timeout;
    let deadline = (ctx.global.format == Format::Nagios).then(|| started + limit);
    let mut not_renewed = Vec::new();
    if command.renew {
        not_renewed = renew_expiring(ctx, &path, &store, deadline);
        // The renewed tokens are in the file now.
        store = ctx.load()?.1;
    }
    let targets = check::targets_from_store(&store);
    if targets.is_empty() {
        return Err(Failure::Msg(
            LOCAL,
            format!(
                "the credentials file {} holds no token to check; run `mastolite token` or `mastolite login`",
                path.display()
            ),
        ));
    }
    // One attempt per request: a monitor reports the state now, and runs again later. Each
    // token has the budget of a single check, fallback included.
    let mut checker = ctx.checker()?.jobs(command.jobs).retry(RetryPolicy::none());
    if let Some(d) = deadline {
        checker = checker.deadline(d);
    }
    let mut reports = checker.check_all(&targets);
    for r in &mut reports {
        let failure = not_renewed.iter().find(|(origin, _)| *origin == r.server);
        match failure {
            Some((_, f)) if r.kind == Kind::App && r.status == Outcome::Expired => {
                renewal_failed(r, f.as_ref());
            }
            _ => explain_expiry(r),
        }
    }
    let text = match ctx.global.format {
        Format::Text => reports.iter().map(text_line).collect(),
        Format::Json => mastolite::cli_support::to_json(&reports) + "\n",
        Format::Jsonl => reports
            .iter()
            .map(|r| mastolite::cli_support::to_json(r) + "\n")
            .collect(),
        Format::Prometheus => prometheus(&reports),
        Format::Nagios => {
            let (text, code) = nagios(&reports, started.elapsed());
            emit(&text, None)?;
            return plugin_exit(code, &text);
        }
    };
    emit(&text, output)?;
    let failed: Vec<String> = reports
        .iter()
        .filter(|r| r.status != Outcome::Ok)
        .map(|r| format!("{} {} {}", sanitize(&r.server), who(r), r.status))
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    eprintln!(
        "mastolite: {} of {} tokens failed: {}",
        failed.len(),
        reports.len(),
        one_line(&failed.join(", "), usize::MAX)
    );
    Err(Failure::Quiet(check::exit_status(
        reports.iter().map(|r| r.status),
    )))
}

/// What a check that failed found, for a message: `rejected (detail): error`.
pub fn verdict(r: &Report) -> String {
    let mut text = r.status.to_string();
    if let Some(d) = r.detail {
        let _ = write!(text, " ({d})");
    }
    let _ = write!(text, ": {}", r.error.as_deref().unwrap_or("failed"));
    text
}

/// An expired token's error says when it expired.
fn explain_expiry(r: &mut Report) {
    if let (Outcome::Expired, Some(at)) = (r.status, r.expires_at) {
        r.error = Some(format!("expired at {}", utc(at)));
    }
}

/// The kind and the account: `app`, `user alice@host`, or `user (unnamed)`.
fn who(r: &Report) -> String {
    match (r.kind, &r.account) {
        (Kind::User, Some(a)) => format!("user {}", sanitize(a)),
        (Kind::User, None) => "user (unnamed)".into(),
        (kind, _) => kind.as_str().into(),
    }
}

/// `server kind account result latency [error]`, the account `-` for an app token.
fn text_line(r: &Report) -> String {
    let who = match r.kind {
        Kind::User => who(r),
        kind => format!("{kind} -"),
    };
    let mut line = format!(
        "{} {who} {} {}ms",
        sanitize(&r.server),
        r.status,
        r.latency_ms
    );
    if let Some(d) = r.detail {
        let _ = write!(line, " ({d})");
    }
    if let Some(e) = &r.error {
        line.push(' ');
        line.push_str(&one_line(e, usize::MAX));
    }
    line.push('\n');
    line
}

/// A label value in the exposition format: backslash, double quote and newline escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The labels of a token's samples.
fn labels(r: &Report) -> String {
    format!(
        "server=\"{}\",kind=\"{}\",account=\"{}\"",
        label(&r.server),
        r.kind,
        label(r.account.as_deref().unwrap_or(""))
    )
}

/// The run's own families: whether it worked, when, and which build ran it.
fn run_metrics(success: bool) -> String {
    format!(
        "# HELP mastolite_run_success Whether the run read the credentials file and attempted every token (1) or failed before (0).\n\
         # TYPE mastolite_run_success gauge\nmastolite_run_success {}\n\
         # HELP mastolite_run_timestamp_seconds When the run ended, as a Unix timestamp.\n\
         # TYPE mastolite_run_timestamp_seconds gauge\nmastolite_run_timestamp_seconds {}\n\
         # HELP mastolite_build_info The mastolite version that wrote these metrics.\n\
         # TYPE mastolite_build_info gauge\nmastolite_build_info{{version=\"{}\"}} 1\n",
        u8::from(success),
        mastolite::cli_support::unix_now(),
        env!("CARGO_PKG_VERSION")
    )
}

/// The reports as node_exporter textfile-collector metrics: each family's `# HELP` and
/// `# TYPE` lines, then one sample per token (where the value is known); the state set of
/// each token's outcome; then the run's own families.
fn prometheus(reports: &[Report]) -> String {
    type Value = fn(&Report) -> Option<String>;
    let families: [(&str, &str, Value); 6] = [
        (
            "mastolite_token_up",
            "Whether the server accepted the token (1) or not (0).",
            |r| Some(u8::from(r.status == Outcome::Ok).to_string()),
        ),
        (
            "mastolite_check_status_code",
            "HTTP status of the check's last answer (0 when no answer came).",
            |r| Some(r.http_status.unwrap_or(0).to_string()),
        ),
        (
            "mastolite_check_duration_seconds",
            "How long the check took.",
            |r| {
                Some(format!(
                    "{}.{:03}",
                    r.latency_ms / 1000,
                    r.latency_ms % 1000
                ))
            },
        ),
        (
            "mastolite_ratelimit_remaining",
            "Requests left in the server's rate-limit window.",
            |r| r.rate_limit_remaining.map(|n| n.to_string()),
        ),
        (
            "mastolite_token_expiry_timestamp_seconds",
            "When the token expires, as a Unix timestamp.",
            |r| r.expires_at.map(|t| t.to_string()),
        ),
        (
            "mastolite_check_timestamp_seconds",
            "When the check ended, as a Unix timestamp.",
            |r| Some(r.checked_at.to_string()),
        ),
    ];
    let mut out = String::new();
    for (name, help, value) in families {
        let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n");
        for r in reports {
            if let Some(v) = value(r) {
                let _ = writeln!(out, "{name}{{{}}} {v}", labels(r));
            }
        }
    }
    out.push_str(
        "# HELP mastolite_token_status The check's outcome, as a state set: 1 for the token's outcome, 0 for the others.\n\
         # TYPE mastolite_token_status gauge\n",
    );
    for r in reports {
        for o in Outcome::ALL {
            let _ = writeln!(
                out,
                "mastolite_token_status{{{},status=\"{o}\"}} {}",
                labels(r),
                u8::from(r.status == o)
            );
        }
    }
    out.push_str(&run_metrics(true));
    out
}

/// Prints `text` on stdout, or writes it to `output`.
fn emit(text: &str, output: Option<&Path>) -> Result<(), Failure> {
    match output {
        Some(path) => write_atomically(path, text)
            .map_err(|e| Failure::Msg(LOCAL, format!("cannot write {}: {e}", path.display()))),
        None => {
            // A closed stdout leaves the exit status to the results.
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            Ok(())
        }
    }
}

/// Writes `path` as node_exporter's textfile collector needs: a temp file in the same folder
/// (a dot file, which the collector skips), synced, mode 0644 (the collector runs as another
/// user; the file holds no secret), then renamed over `path`. The temp file never stays.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.{n}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let written = (|| {
        file.write_all(text.as_bytes())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
        assert_eq!(label("alice@m.example"), "alice@m.example");
    }
}
