//! The integration tests, in one crate: the library against httpmock and hand-made servers,
//! and the `mastolite` binary run as a process. One crate links httpmock and the helpers once,
//! which makes `cargo test` faster than a crate per file. `tests/secrets.rs` stays a crate of
//! its own: it installs a global logger that would see every other test's lines.

// Helpers.
mod cli_run;
mod common;
mod hostile_server;
#[cfg(feature = "rustls")]
mod tls_server;
mod tmpdir;

// Tests.
mod api;
mod build_script;
mod check;
mod cli;
mod cli_ca;
mod cli_check;
mod cli_import;
mod cli_old_server;
mod cli_papercuts;
mod cli_recipes;
mod cli_store;
mod cli_stream;
mod constructors;
mod decode;
mod endpoints;
mod env_token;
mod error_chains;
mod hostile;
mod instance;
mod lookup;
mod oauth;
mod proxy;
mod redaction;
mod redaction_cost;
mod retry;
mod server_text;
mod store;
mod store_races;
mod tls_roots;
mod walkthrough;
