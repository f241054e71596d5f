//! The only module that knows which JSON backend is compiled in.
//!
//! serde_json decodes whenever the `serde` feature is on (its error messages say more);
//! miniserde decodes when it is the only backend. Entities derive the traits of every enabled
//! backend, so the features stay additive.

#[cfg(not(any(feature = "serde", feature = "miniserde")))]
compile_error!("mastolite needs a JSON backend: enable the `serde` or the `miniserde` feature");

/// Types that the active JSON backend can decode.
#[cfg(feature = "serde")]
pub(crate) trait Decode: serde::de::DeserializeOwned {}
#[cfg(feature = "serde")]
impl<T: serde::de::DeserializeOwned> Decode for T {}

/// Types that the active JSON backend can decode.
#[cfg(all(feature = "miniserde", not(feature = "serde")))]
pub(crate) trait Decode: miniserde::Deserialize {}
#[cfg(all(feature = "miniserde", not(feature = "serde")))]
impl<T: miniserde::Deserialize> Decode for T {}

pub(crate) mod sealed {
    /// The bound behind [`Encode`](super::Encode): the serializer of the backend that encodes
    /// (serde_json whenever the `serde` feature is on). Only this crate can implement it, and
    /// only for its own types, which derive both backends' traits: whichever features a build
    /// unifies, every impl holds.
    #[cfg(feature = "serde")]
    pub trait Sealed: serde::Serialize {}
    /// The bound behind [`Encode`](super::Encode).
    #[cfg(all(feature = "miniserde", not(feature = "serde")))]
    pub trait Sealed: miniserde::Serialize {}
}

/// This crate's output types, which [`to_json`] encodes: the entities a server sends (accounts,
/// apps, OAuth metadata, userinfo), the secret-free records of [`output`](crate::cli_support::output), and
/// slices and vectors of them.
///
/// The trait is sealed: other crates cannot implement it, so it never depends on which JSON
/// backend a build has enabled. Types that carry a secret ([`Token`](crate::Token),
/// [`CredentialApplication`](crate::CredentialApplication), the credentials file's types) do
/// not implement it:
///
/// ```compile_fail,E0277
/// let token = mastolite::Token::new(mastolite::AccessToken::new("secret"));
/// mastolite::cli_support::to_json(&token);
/// ```
///
/// Nor do a caller's own types, whatever they derive; encode those with the JSON crate they use:
///
/// ```compile_fail,E0277
/// #[cfg_attr(feature = "serde", derive(serde::Serialize))]
/// #[cfg_attr(feature = "miniserde", derive(miniserde::Serialize))]
/// struct Mine {
///     name: String,
/// }
/// mastolite::cli_support::to_json(&Mine { name: "x".into() });
/// ```
pub trait Encode: sealed::Sealed {}

/// Marks this crate's own types as [`Encode`]: each defining module calls it next to the type,
/// so this module knows no type above it. Each such type derives the `Serialize` of every
/// enabled backend, so the impls hold under every feature set.
macro_rules! encodable {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::json::sealed::Sealed for $t {}
        impl $crate::json::Encode for $t {}
    )*};
}
pub(crate) use encodable;

/// Encodes a fieldless enum as its `as_str()` name (`"app"`, `"rejected"`) under each enabled
/// backend.
macro_rules! serialize_as_str {
    ($($t:ty),*) => {$(
        #[cfg(feature = "serde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "miniserde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "miniserde")))]
        impl miniserde::Serialize for $t {
            fn begin(&self) -> miniserde::ser::Fragment<'_> {
                miniserde::ser::Fragment::Str(std::borrow::Cow::Borrowed(self.as_str()))
            }
        }
    )*};
}
pub(crate) use serialize_as_str;

impl<T: Encode> sealed::Sealed for [T] {}
impl<T: Encode> Encode for [T] {}
impl<T: Encode> sealed::Sealed for Vec<T> {}
impl<T: Encode> Encode for Vec<T> {}

/// Decodes `body`; on failure returns the backend's message where it has one, without the
/// values it quotes.
#[cfg(feature = "serde")]
pub(crate) fn from_str<T: Decode>(body: &str) -> Result<T, Option<String>> {
    serde_json::from_str(body).map_err(|e| Some(without_values(&e.to_string())))
}

/// A serde message without the server's data that it quotes: `invalid type: string "abc",
/// expected u64` becomes `invalid type: string, expected u64`. serde quotes strings with
/// `"…"` (escaped as in Rust) and other values (numbers, characters, variants) with backticks;
/// a backtick span after `field ` is one of our own field names and stays.
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // Skip to the closing quote, past escaped characters.
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                drop_trailing_space(&mut out);
            }
            '`' => {
                let ours = out.ends_with("field ");
                if ours {
                    out.push('`');
                }
                for c in chars.by_ref() {
                    if ours {
                        out.push(c);
                    }
                    if c == '`' {
                        break;
                    }
                }
                if !ours {
                    drop_trailing_space(&mut out);
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn drop_trailing_space(out: &mut String) {
    if out.ends_with(' ') {
        out.pop();
    }
}

/// Decodes `body`; miniserde's errors carry no detail.
#[cfg(all(feature = "miniserde", not(feature = "serde")))]
pub(crate) fn from_str<T: Decode>(body: &str) -> Result<T, Option<String>> {
    miniserde::json::from_str(body).map_err(|_| None)
}

/// Encodes `value` as compact JSON.
#[cfg(feature = "serde")]
pub(crate) fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Serializing our own plain data types to a String cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// Encodes `value` as compact JSON.
#[cfg(all(feature = "miniserde", not(feature = "serde")))]
pub(crate) fn to_string<T: miniserde::Serialize + ?Sized>(value: &T) -> String {
    miniserde::json::to_string(value)
}

/// Encodes `value` as compact JSON with the compiled-in backend (serde_json when the `serde`
/// feature is on, else miniserde). Both give the same text for this crate's types.
///
/// Every character that [`terminal::is_unsafe`](crate::terminal::is_unsafe) names (C0 and C1
/// controls, DEL, bidi and format controls) is written as a `\uXXXX` escape, so that the text
/// can be printed on a terminal as it is. Serializers escape only C0 controls.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// let account: mastolite::Account = serde_json::from_str(
///     r#"{"id":"109302","username":"a","acct":"a","display_name":"A\u001b[2J\u009b\u202e",
///         "created_at":"2022-11-09T00:00:00.000Z",
///         "statuses_count":0,"followers_count":0,"following_count":0}"#,
/// ).unwrap();
/// let json = mastolite::cli_support::to_json(&account);
/// assert!(json.starts_with(r#"{"id":"109302","username":"a","acct":"a""#));
/// assert!(json.contains(r#""display_name":"A\u001b[2J\u009b\u202e""#));
/// # }
/// assert_eq!(mastolite::cli_support::to_json(&mastolite::AccountId::from("109302")), r#""109302""#);
/// ```
pub fn to_json<T: Encode + ?Sized>(value: &T) -> String {
    escape_unsafe(to_string(value))
}

/// Writes every [`is_unsafe`](crate::terminal::is_unsafe) character of an encoder's output as
/// `\uXXXX`. Encoders write such characters raw only inside strings, and never right after an
/// escaping backslash, so the result is the same JSON value. Every unsafe character is in the
/// Basic Multilingual Plane; one outside it would still get its UTF-16 surrogate pair.
fn escape_unsafe(json: String) -> String {
    use std::fmt::Write as _;
    if !json.chars().any(crate::terminal::is_unsafe) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        if crate::terminal::is_unsafe(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Which backend decodes: `"serde_json"` or `"miniserde"`.
pub const fn backend() -> &'static str {
    if cfg!(feature = "serde") {
        "serde_json"
    } else {
        "miniserde"
    }
}

/// Implements the serde and miniserde traits for a `struct Name(String)` newtype, each behind
/// its own feature. With `lenient`, a JSON integer is also accepted and kept as its decimal
/// text (ids that some servers send as numbers).
macro_rules! string_codec {
    ($name:ident) => {
        $crate::json::string_codec!(@impl $name, false);
    };
    ($name:ident, lenient) => {
        $crate::json::string_codec!(@impl $name, true);
    };
    (@impl $name:ident, $lenient:expr) => {
        #[cfg(feature = "serde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        #[cfg(feature = "serde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name(v.to_owned()))
                    }
                    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<$name, E> {
                        Ok($name(v))
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$name, E> {
                        if $lenient {
                            Ok($name(v.to_string()))
                        } else {
                            Err(E::invalid_type(serde::de::Unexpected::Unsigned(v), &self))
                        }
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$name, E> {
                        if $lenient {
                            Ok($name(v.to_string()))
                        } else {
                            Err(E::invalid_type(serde::de::Unexpected::Signed(v), &self))
                        }
                    }
                }
                d.deserialize_any(V)
            }
        }

        #[cfg(feature = "miniserde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "miniserde")))]
        impl miniserde::Serialize for $name {
            fn begin(&self) -> miniserde::ser::Fragment<'_> {
                miniserde::ser::Fragment::Str(std::borrow::Cow::Borrowed(&self.0))
            }
        }

        #[cfg(feature = "miniserde")]
        const _: () = {
        miniserde::make_place!(Place);

        impl miniserde::de::Visitor for Place<$name> {
            fn string(&mut self, s: &str) -> miniserde::Result<()> {
                self.out = Some($name(s.to_owned()));
                Ok(())
            }
            fn nonnegative(&mut self, n: u64) -> miniserde::Result<()> {
                if $lenient {
                    self.out = Some($name(n.to_string()));
                    Ok(())
                } else {
                    Err(miniserde::Error)
                }
            }
            fn negative(&mut self, n: i64) -> miniserde::Result<()> {
                if $lenient {
                    self.out = Some($name(n.to_string()));
                    Ok(())
                } else {
                    Err(miniserde::Error)
                }
            }
        }

        impl miniserde::Deserialize for $name {
            fn begin(out: &mut Option<Self>) -> &mut dyn miniserde::de::Visitor {
                Place::new(out)
            }
        }
        };
    };
}
pub(crate) use string_codec;

#[cfg(test)]
mod tests {
    use super::*;

    /// A type of this module's own, encoded as the crate's output types are.
    #[derive(Debug, Clone, PartialEq)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    #[cfg_attr(
        feature = "miniserde",
        derive(miniserde::Serialize, miniserde::Deserialize)
    )]
    struct Named {
        id: String,
        display_name: String,
    }
    encodable!(Named);

    fn account(display_name: &str) -> Named {
        let body = format!(r#"{{"id":"1","display_name":{}}}"#, to_string(display_name));
        from_str(&body).expect("a minimal record")
    }

    #[test]
    fn terminal_controls_are_escaped_and_the_value_survives() {
        let a = account("\u{1b}[2J\u{9b}31m\u{202e}gro.live\\\u{85}é\u{7f}\n");
        let json = to_json(&a);
        assert!(
            json.contains(r#""display_name":"\u001b[2J\u009b31m\u202egro.live\\\u0085é\u007f\n""#),
            "{json}"
        );
        assert!(!json.chars().any(crate::terminal::is_unsafe), "{json}");
        assert_eq!(from_str::<Named>(&json).unwrap(), a);
        let list = to_json(&vec![a.clone(), account("\u{2066}x\u{2069}")]);
        assert!(list.starts_with(r#"[{"id":"1""#), "{list}");
        assert!(list.contains(r#""display_name":"\u2066x\u2069""#), "{list}");
    }

    #[test]
    fn text_without_controls_is_left_as_the_encoder_wrote_it() {
        let a = account("Ünïcödé → 🦣 \"quoted\"");
        assert_eq!(to_json(&a), to_string(&a));
        assert_eq!(escape_unsafe("\u{1F9A3}".into()), "\u{1F9A3}");
    }

    #[test]
    fn messages_keep_no_quoted_value() {
        for (message, kept) in [
            (
                r#"invalid type: string "SECRET \"quoted\" value", expected u64 at line 1 column 9"#,
                "invalid type: string, expected u64 at line 1 column 9",
            ),
            (
                "invalid type: integer `123456`, expected a string at line 1 column 12",
                "invalid type: integer, expected a string at line 1 column 12",
            ),
            (
                "unknown variant `SECRET`, expected `a` or `b`",
                "unknown variant, expected or",
            ),
            (
                "missing field `access_token` at line 1 column 2",
                "missing field `access_token` at line 1 column 2",
            ),
            (
                "expected value at line 1 column 1",
                "expected value at line 1 column 1",
            ),
            (r#"unterminated "quote"#, "unterminated"),
        ] {
            assert_eq!(without_values(message), kept);
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_details_quote_nothing_from_the_body() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Shape {
            n: u64,
            s: String,
        }
        for body in [
            r#"{"n":"SECRET-token","s":"x"}"#,
            r#"{"n":1,"s":12345678}"#,
            r#"{"n":1.5e300,"s":"x"}"#,
            r#"{"n":1,"s":true}"#,
        ] {
            let detail = super::from_str::<Shape>(body).unwrap_err().unwrap();
            assert!(!detail.contains("SECRET"), "{detail}");
            assert!(!detail.contains("12345678"), "{detail}");
            assert!(!detail.contains("1.5"), "{detail}");
            assert!(detail.contains("invalid type"), "{detail}");
        }
    }
}
