//! `--ca-file PEM` and `SSL_CERT_FILE`: a private CA's roots for a loopback https server it
//! signed (they replace the bundled roots; `--ca-file` wins), the hint of a certificate that no
//! trusted authority signed, and CA files that are refused before any request (a FIFO, a
//! folder, a file without certificates, one over 1 MiB, none at all).

use crate::cli_run;
#[cfg(feature = "rustls")]
use crate::tls_server;

use cli_run::Home;

/// A command that fails on its CA file before it sends anything (nothing listens there).
const SERVER: &str = "https://127.0.0.1:9";

fn refused(home: &Home, ca: &std::path::Path, why: &str) {
    let ca = ca.to_str().unwrap();
    let out = home.run(&["--server", SERVER, "--ca-file", ca, "instance"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            3,
            "",
            format!("mastolite: the CA file {ca} {why}\n").as_str()
        ),
        "{out:?}"
    );
    assert!(out.elapsed.as_secs() < 5, "{out:?}");
    // The same file named by SSL_CERT_FILE.
    let out = home.run_env(&["--server", SERVER, "instance"], &[("SSL_CERT_FILE", ca)]);
    assert_eq!(
        (out.code, out.stderr),
        (3, format!("mastolite: the CA file {ca} {why}\n"))
    );
}

#[test]
fn ca_files_that_are_not_regular_pem_files_of_at_most_1_mib_exit_3() {
    let home = Home::bare("ca-files");
    let not_regular = "was not used: it is not a regular file";
    refused(&home, home.dir.path(), not_regular);
    #[cfg(unix)]
    {
        let fifo = home.dir.join("fifo.pem");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        refused(&home, &fifo, not_regular);
    }
    let store = home.dir.join("credentials.json");
    std::fs::write(&store, r#"{"version":2,"servers":{}}"#).unwrap();
    refused(
        &home,
        &store,
        "was not used: it holds no certificate (no -----BEGIN CERTIFICATE----- line)",
    );
    let large = home.dir.join("large.pem");
    let block = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
    std::fs::write(&large, block.repeat((1 << 20) / block.len() + 1)).unwrap();
    refused(&home, &large, "was not used: it is larger than 1 MiB");
    refused(&home, &home.dir.join("missing.pem"), "does not exist");
}

/// A command that asks no server never reads the CA file: a broken `SSL_CERT_FILE` (a missing
/// file) stops `instance`, not `accounts`, `logout --local` or `forget --local`.
#[test]
fn commands_that_ask_no_server_do_not_read_the_ca_file() {
    let home = Home::new("ca-local");
    home.write(&format!(
        r#"{{"version":2,"servers":{{"{SERVER}":{{"app":{},"app_token":{},"users":{{}}}}}}}}"#,
        cli_run::app_json("cid", "SECRET_cs"),
        cli_run::token_json("SECRET_app", None),
    ));
    let missing = home.dir.join("missing.pem");
    let env = [("SSL_CERT_FILE", missing.to_str().unwrap())];
    let out = home.run_env(&["instance"], &env);
    assert_eq!(
        (out.code, out.stderr),
        (
            3,
            format!(
                "mastolite: the CA file {} does not exist\n",
                missing.display()
            )
        )
    );
    let out = home.run_env(&["accounts"], &env);
    assert_eq!(out.code, 0, "{out:?}");
    let out = home.run_env(&["logout", "--app", "--local"], &env);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(home.load().server(SERVER).unwrap().app_token().is_none());
    let out = home.run_env(&["forget", "--local"], &env);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(home.load().servers().count(), 0);
}

#[test]
fn help_says_the_roots_replace_the_bundled_ones() {
    let home = Home::bare("ca-help");
    let out = home.run(&["--help"]);
    assert!(
        out.stdout.contains("\n  --ca-file PEM          trust only the certificate authorities in this PEM\n                         file, which replace the bundled roots (default:\n                         $SSL_CERT_FILE)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\n  SSL_CERT_FILE          the PEM file of --ca-file, when that is not given: its\n                         authorities replace the bundled roots\n"),
        "{}",
        out.stdout
    );
}

#[cfg(feature = "rustls")]
mod over_tls {
    use super::cli_run::Home;
    use super::tls_server::{TlsServer, new_ca};

    const INSTANCE: &str = r#"{"domain":"mastodon.internal","title":"Internal","version":"4.3.2"}"#;

    fn untrusted(server: &TlsServer, out: &super::cli_run::Out) {
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.clone()),
            (
                2,
                "",
                format!(
                    "mastolite: GET {}/api/v2/instance: tls failure (the certificate is signed by an authority that is not trusted; for a private CA, trust its certificate with --ca-file PEM (CLI) or ClientBuilder::root_certificates_pem): io: invalid peer certificate: UnknownIssuer\n",
                    server.origin
                )
            ),
            "{out:?}"
        );
    }

    #[test]
    fn the_ca_file_is_trusted_and_without_it_the_hint_says_how() {
        let server = TlsServer::start(INSTANCE);
        let home = Home::bare("ca-tls");
        let ca = home.dir.join("ca.pem");
        std::fs::write(&ca, &server.ca_pem).unwrap();
        let ca = ca.to_str().unwrap();
        let origin = server.origin.as_str();

        let out = home.run(&["--server", origin, "--ca-file", ca, "instance"]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "Internal (mastodon.internal) 4.3.2\n", ""),
            "{out:?}"
        );
        assert_eq!(server.seen(), ["GET /api/v2/instance HTTP/1.1"]);

        let out = home.run_env(&["--server", origin, "instance"], &[("SSL_CERT_FILE", ca)]);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, "Internal (mastodon.internal) 4.3.2\n")
        );
        assert_eq!(server.seen().len(), 2);

        // The bundled roots do not know the private CA; retries (GET) end the same way.
        let out = home.run(&["--server", origin, "instance"]);
        untrusted(&server, &out);

        // --ca-file wins over SSL_CERT_FILE, whose folder would be refused: not read at all.
        let dir = home.dir.path().to_str().unwrap();
        let out = home.run_env(
            &["--server", origin, "--ca-file", ca, "instance"],
            &[("SSL_CERT_FILE", dir)],
        );
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(server.seen().len(), 3);

        // The file's authorities replace the bundled roots, and are not added to SSL_CERT_FILE's.
        let (other, _) = new_ca("another CA");
        let other_pem = home.dir.join("other.pem");
        std::fs::write(&other_pem, other).unwrap();
        let out = home.run_env(
            &[
                "--server",
                origin,
                "--ca-file",
                other_pem.to_str().unwrap(),
                "instance",
            ],
            &[("SSL_CERT_FILE", ca)],
        );
        untrusted(&server, &out);
        assert_eq!(server.seen().len(), 3);
    }

    #[test]
    fn check_trusts_the_ca_file_too() {
        let server = TlsServer::start(
            r#"{"id":"1","username":"alice","acct":"alice","display_name":"","created_at":"2020-01-01T00:00:00.000Z","statuses_count":0,"followers_count":0,"following_count":0}"#,
        );
        let home = Home::bare("ca-check");
        let ca = home.dir.join("ca.pem");
        std::fs::write(&ca, &server.ca_pem).unwrap();
        let env = [("MASTOLITE_TOKEN", "SECRET_tls_token")];
        let args = [
            "--server",
            &server.origin,
            "--ca-file",
            ca.to_str().unwrap(),
            "check",
        ];
        let out = home.run_env(&args, &env);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "ok\n", ""),
            "{out:?}"
        );
        assert_eq!(
            server.seen(),
            ["GET /api/v1/accounts/verify_credentials HTTP/1.1"]
        );
        #[cfg(unix)]
        {
            // SSL_CERT_FILE is often a link into /etc/ssl: links are followed to the file.
            let link = home.dir.join("link.pem");
            std::os::unix::fs::symlink(&ca, &link).unwrap();
            let out = home.run_env(
                &["--server", &server.origin, "check"],
                &[env[0], ("SSL_CERT_FILE", link.to_str().unwrap())],
            );
            assert_eq!((out.code, out.stdout.as_str()), (0, "ok\n"), "{out:?}");
            assert_eq!(server.seen().len(), 2);
        }
    }
}
