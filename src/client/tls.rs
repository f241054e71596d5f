//! The TLS provider that the features select for the default agent: rustls first, then the
//! platform's library.

#[cfg(feature = "rustls")]
pub(super) fn tls_config() -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .build()
}

// ureq never picks native-tls by itself: without this it would panic on the first https call.
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
pub(super) fn tls_config() -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::NativeTls)
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build()
}
