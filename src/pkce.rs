//! PKCE (RFC 7636) with the `S256` method, and random OAuth `state` values.
//!
//! The verifier is 32 bytes from the operating system's random source, written as 43
//! base64url characters (all in RFC 7636's unreserved set). The challenge is
//! `BASE64URL(SHA-256(verifier))` without padding; SHA-256 comes from the `hmac-sha256`
//! crate. On unix the random bytes are read from `/dev/urandom`; elsewhere from the
//! `getrandom` crate, which is in the rustls builds' tree but would add a crate to the
//! native-tls and no-TLS ones on unix. A failing random source is an [`Error::Randomness`],
//! never a panic.
//!
//! [`authorization_request`](crate::oauth::authorization_request) makes both values itself; use this module
//! when you build the authorize step some other way.
//!
//! ```
//! use mastolite::{pkce, CsrfState, PkceVerifier};
//! let verifier = PkceVerifier::generate()?;
//! assert!(pkce::is_valid_verifier(verifier.secret()));
//! let challenge = verifier.challenge();
//! assert_eq!(challenge.len(), 43);
//! let state = CsrfState::generate()?;
//! assert!(state.matches(state.secret()));
//! # Ok::<(), mastolite::Error>(())
//! ```

use crate::error::Error;
use crate::secret::{CsrfState, PkceVerifier};

/// The only `code_challenge_method` this crate sends, and the only one Mastodon 4.4+ accepts.
pub const S256: &str = "S256";

/// Random bytes behind each verifier and state: 256 bits, 43 base64url characters.
const RANDOM_BYTES: usize = 32;

impl PkceVerifier {
    /// A fresh verifier: 32 bytes from the operating system's random source, as 43 base64url
    /// characters.
    ///
    /// ```
    /// let v = mastolite::PkceVerifier::generate()?;
    /// assert_eq!(v.secret().len(), 43);
    /// assert_ne!(v.secret(), mastolite::PkceVerifier::generate()?.secret());
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Randomness`] when the random source cannot be read.
    pub fn generate() -> Result<Self, Error> {
        Ok(PkceVerifier::new(random_token()?))
    }

    /// The `S256` code challenge: `BASE64URL(SHA-256(verifier))`, without padding. It is sent
    /// in the authorize URL; the verifier itself goes only to the token endpoint.
    ///
    /// ```
    /// // RFC 7636, Appendix B.
    /// let v = mastolite::PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    /// assert_eq!(v.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    /// ```
    pub fn challenge(&self) -> String {
        base64url(sha256(self.secret().as_bytes()).as_ref())
    }
}

/// SHA-256: ring's where rustls links it anyway (3 KB less in the CLI), else a small one.
#[cfg(feature = "rustls")]
fn sha256(data: &[u8]) -> impl AsRef<[u8]> {
    ring::digest::digest(&ring::digest::SHA256, data)
}

#[cfg(not(feature = "rustls"))]
fn sha256(data: &[u8]) -> [u8; 32] {
    hmac_sha256::Hash::hash(data)
}

impl CsrfState {
    /// A fresh `state` value: 32 bytes from the operating system's random source, as 43
    /// base64url characters (nothing in it needs escaping in a URL).
    ///
    /// ```
    /// let s = mastolite::CsrfState::generate()?;
    /// assert_eq!(s.secret().len(), 43);
    /// # Ok::<(), mastolite::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Randomness`] when the random source cannot be read.
    pub fn generate() -> Result<Self, Error> {
        Ok(CsrfState::new(random_token()?))
    }
}

/// True when `verifier` is a valid RFC 7636 `code_verifier`: 43 to 128 characters from
/// `A-Z a-z 0-9 - . _ ~`.
///
/// ```
/// use mastolite::pkce::is_valid_verifier;
/// assert!(is_valid_verifier(&"a".repeat(43)));
/// assert!(!is_valid_verifier(&"a".repeat(42)));
/// assert!(!is_valid_verifier(&"a".repeat(129)));
/// assert!(!is_valid_verifier(&format!("{}+", "a".repeat(43))));
/// ```
pub fn is_valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// 32 random bytes as 43 base64url characters.
fn random_token() -> Result<String, Error> {
    let mut buf = [0u8; RANDOM_BYTES];
    fill_random(&mut buf).map_err(Error::Randomness)?;
    // 32 equal bytes happen with probability 2^-248: a source that gives them is broken (a
    // `/dev/urandom` that is really `/dev/zero`), and its output must not become a secret.
    if buf.iter().all(|&b| b == buf[0]) {
        return Err(Error::Randomness(std::io::Error::other(
            "the random source returned constant bytes",
        )));
    }
    Ok(base64url(&buf))
}

/// Fills `buf` from `/dev/urandom`, which must be a character device (not a plain file left
/// in a chroot).
#[cfg(unix)]
fn fill_random(buf: &mut [u8]) -> std::io::Result<()> {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let mut f = std::fs::File::open("/dev/urandom")?;
    if !f.metadata()?.file_type().is_char_device() {
        return Err(std::io::Error::other(
            "/dev/urandom is not a character device",
        ));
    }
    f.read_exact(buf)
}

/// Fills `buf` from the platform's random source through `getrandom`.
#[cfg(not(unix))]
fn fill_random(buf: &mut [u8]) -> std::io::Result<()> {
    getrandom::getrandom(buf).map_err(|e| std::io::Error::other(e.to_string()))
}

/// RFC 4648 §5 base64url, without padding, by the `base64` crate that ureq already links.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_rfc4648_vectors() {
        // RFC 4648 §10, without the padding.
        for (input, want) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(input.as_bytes()), want, "{input:?}");
        }
        // The two characters where base64url differs from base64 ('+' and '/').
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url(&[0xff; 6]), "________");
        assert_eq!(base64url(&[0xf8]), "-A");
    }

    #[test]
    fn rfc7636_appendix_b() {
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = base64url(&octets);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            PkceVerifier::new(verifier).challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn generated_values_are_valid_fresh_and_redacted() {
        let a = PkceVerifier::generate().unwrap();
        let b = PkceVerifier::generate().unwrap();
        assert!(is_valid_verifier(a.secret()), "{}", a.secret().len());
        assert_ne!(a.secret(), b.secret());
        assert!(!format!("{a:?}").contains(a.secret()));
        let challenge = a.challenge();
        assert_eq!(challenge.len(), 43);
        assert!(is_valid_verifier(&challenge));
        assert_ne!(challenge, a.secret());

        let s = CsrfState::generate().unwrap();
        assert!(is_valid_verifier(s.secret()));
        assert!(!CsrfState::generate().unwrap().matches(s.secret()));
        assert!(!format!("{s:?}").contains(s.secret()));
    }
}
