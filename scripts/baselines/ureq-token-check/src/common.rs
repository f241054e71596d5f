//! What both raw-ureq programs share: the JSON backend and the agent, as a user of plain
//! ureq would set them up. The agent uses the same buffer sizes, user agent and redirect policy
//! as mastolite's default agent, so the comparison isolates the crate's own code.

use std::time::Duration;

#[cfg(all(feature = "serde", feature = "miniserde"))]
compile_error!("choose one JSON backend");
#[cfg(not(any(feature = "serde", feature = "miniserde")))]
compile_error!("choose a JSON backend: serde or miniserde");

pub type Error = Box<dyn std::error::Error>;

#[cfg(feature = "serde")]
pub fn decode<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, Error> {
    Ok(serde_json::from_str(body)?)
}

#[cfg(feature = "miniserde")]
pub fn decode<T: miniserde::Deserialize>(body: &str) -> Result<T, Error> {
    miniserde::json::from_str(body).map_err(|_| "unexpected JSON".into())
}

pub fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .max_redirects(0)
        .user_agent("ureq-token-check")
        .timeout_global(Some(Duration::from_secs(30)))
        .input_buffer_size(16 * 1024)
        .output_buffer_size(16 * 1024);
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    let config = config.tls_config(
        ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::NativeTls)
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build(),
    );
    config.build().into()
}
