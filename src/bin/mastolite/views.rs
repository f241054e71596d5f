//! What the command prints: JSON documents (encoded by the crate's JSON backend, so the same
//! text under serde and miniserde), lists written as they arrive, and short lines for people.
//!
//! Only the crate's own output types can be encoded: entities that hold no secret are printed
//! as the library decodes them, the others through `mastolite::output`'s views.

use std::io::Write;

use crate::args::Format;

/// Writes `text` to stdout and flushes. A closed pipe (`mastolite followers --all | head`)
/// ends the output quietly; `false` tells the caller to stop.
fn write(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
}

/// Writes a line to stdout; `false` when stdout is closed.
pub fn line(text: &str) -> bool {
    write(&format!("{text}\n"))
}

/// Prints one JSON document and a newline.
pub fn json<T: mastolite::Encode + ?Sized>(value: &T) -> bool {
    line(&mastolite::to_json(value))
}

/// A list printed item by item as it arrives, so that memory does not grow with its length:
/// with `json`, one array (opened with the first item, so a failure before it prints nothing);
/// with `jsonl`, one object per line; in text, one line per item.
pub struct List {
    format: Format,
    opened: bool,
}

impl List {
    pub fn new(format: Format) -> Self {
        List {
            format,
            opened: false,
        }
    }

    /// Prints one item; `text` is its line in text mode.
    pub fn item<T: mastolite::Encode>(
        &mut self,
        value: &T,
        text: impl FnOnce(&T) -> String,
    ) -> bool {
        let before = if self.opened { "," } else { "[" };
        self.opened = true;
        match self.format {
            Format::Json => write(&format!("{before}{}", mastolite::to_json(value))),
            Format::Jsonl => json(value),
            _ => line(&text(value)),
        }
    }

    /// Ends a complete list: the array closes (`[]` when it is empty).
    pub fn finish(self) -> bool {
        match self.format {
            Format::Json => line(if self.opened { "]" } else { "[]" }),
            _ => true,
        }
    }

    /// Ends a list cut short by a failure: an open array is left unclosed, and the line ended,
    /// so that the error on stderr starts a line of its own.
    pub fn abandon(self) {
        if self.format == Format::Json && self.opened {
            write("\n");
        }
    }
}

/// Unix seconds as `YYYY-MM-DD hh:mm:ss UTC` (proleptic Gregorian calendar).
pub fn utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_900_000_000), "2030-03-17 17:46:40 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    }
}
