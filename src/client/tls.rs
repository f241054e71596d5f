//! The TLS provider that the features select for the default agent (rustls first, then the
//! platform's library), with the roots that replace the bundled ones when the caller gives
//! some; and the PEM reader for those roots.

/// The DER of each `CERTIFICATE` block of `pem`, in order. Text outside the blocks (comments,
/// other kinds of blocks) is skipped, as OpenSSL does. The error says, after "it", what is
/// wrong: no certificate at all, a block without its end line, or one that is not base64 DER.
pub(crate) fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, &'static str> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let mut certs = Vec::new();
    let mut rest = pem;
    while let Some(begin) = find(rest, BEGIN) {
        rest = &rest[begin + BEGIN.len()..];
        let end = find(rest, END)
            .ok_or("it holds a certificate without its -----END CERTIFICATE----- line")?;
        // A DER certificate is a SEQUENCE.
        // Decoded by hand: the base64 crate's decoder costs 4 KB (see `small`).
        match crate::small::base64(&rest[..end]) {
            Some(der) if der.first() == Some(&0x30) => certs.push(der),
            _ => return Err("it holds a certificate that is not base64 DER"),
        }
        rest = &rest[end + END.len()..];
    }
    if certs.is_empty() {
        return Err("it holds no certificate (no -----BEGIN CERTIFICATE----- line)");
    }
    Ok(certs)
}

/// `roots` (DER) as ureq's roots, else `default`.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn root_certs(roots: Option<Vec<Vec<u8>>>, default: ureq::tls::RootCerts) -> ureq::tls::RootCerts {
    match roots {
        Some(roots) => roots
            .iter()
            .map(|der| ureq::tls::Certificate::from_der(der).to_owned())
            .into(),
        None => default,
    }
}

#[cfg(feature = "rustls")]
pub(super) fn tls_config(roots: Option<Vec<Vec<u8>>>) -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(root_certs(roots, ureq::tls::RootCerts::WebPki))
        .build()
}

// ureq never picks native-tls by itself: without this it would panic on the first https call.
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
pub(super) fn tls_config(roots: Option<Vec<Vec<u8>>>) -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::NativeTls)
        .root_certs(root_certs(roots, ureq::tls::RootCerts::PlatformVerifier))
        .build()
}

#[cfg(test)]
mod tests {
    use super::pem_certificates;

    #[test]
    fn pem_blocks_are_read_and_broken_ones_refused() {
        // "MAMCAQE=" is base64 for 30 03 02 01 01: a SEQUENCE.
        let two =
            b"# a comment\n-----BEGIN CERTIFICATE-----\nMAMC\r\nAQE=\n-----END CERTIFICATE-----\n\
            -----BEGIN TRUSTED CERTIFICATE-----\nMAMCAQE=\n-----END TRUSTED CERTIFICATE-----\n\
            -----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        assert_eq!(
            pem_certificates(two),
            Ok(vec![vec![0x30, 3, 2, 1, 1], vec![0x30, 0]])
        );
        let none = "it holds no certificate (no -----BEGIN CERTIFICATE----- line)";
        assert_eq!(pem_certificates(b""), Err(none));
        assert_eq!(pem_certificates(b"{\"version\": 2}"), Err(none));
        assert_eq!(
            pem_certificates(b"-----BEGIN CERTIFICATE-----\nMAMCAQE=\n"),
            Err("it holds a certificate without its -----END CERTIFICATE----- line")
        );
        let bad = Err("it holds a certificate that is not base64 DER");
        for body in ["MAMCAQ!=", "AQE=", "", "MAMCAQE", "MA==MA==", "M==="] {
            let pem = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
            assert_eq!(pem_certificates(pem.as_bytes()), bad, "{body}");
        }
    }
}
