//! `ClientBuilder::root_certificates_pem`: a private CA's roots, which replace the bundled
//! ones, against a loopback https server that CA signed; and the errors of a PEM that holds no
//! certificate, of roots given with a caller-made agent, and of a certificate whose issuer is
//! not trusted.

#[cfg(feature = "rustls")]
use crate::tls_server;

use mastolite::{Client, Error};

const NONE: &str = "invalid input: the root certificates' PEM was not used: it holds no certificate (no -----BEGIN CERTIFICATE----- line)";

#[test]
fn a_pem_without_a_good_certificate_is_refused_by_build() {
    let build = |pem: &[u8]| {
        Client::builder("https://mastodon.internal")
            .root_certificates_pem(pem)
            .build()
            .map(|_| ())
            .map_err(|e| match e {
                Error::InvalidInput(_) => e.to_string(),
                other => panic!("{other:?}"),
            })
    };
    assert_eq!(build(b""), Err(NONE.to_owned()));
    assert_eq!(build(b"{\"not\": \"pem\"}"), Err(NONE.to_owned()));
    // A private key alone is no certificate.
    assert_eq!(
        build(b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n"),
        Err(NONE.to_owned())
    );
    assert_eq!(
        build(b"-----BEGIN CERTIFICATE-----\nMAA=\n"),
        Err("invalid input: the root certificates' PEM was not used: it holds a certificate without its -----END CERTIFICATE----- line".to_owned())
    );
    assert_eq!(
        build(b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"),
        Err("invalid input: the root certificates' PEM was not used: it holds a certificate that is not base64 DER".to_owned())
    );
    assert_eq!(
        build(b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"),
        Ok(())
    );
}

#[test]
fn roots_and_a_caller_made_agent_do_not_go_together() {
    let e = Client::builder("https://mastodon.internal")
        .agent(mastolite::default_agent())
        .root_certificates_pem(b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n")
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid input: root certificates and a caller-made agent were both given: set the roots in the agent's TlsConfig"
    );
}

#[cfg(feature = "rustls")]
mod over_tls {
    use super::tls_server::{TlsServer, new_ca};
    use mastolite::{Client, Error, RetryPolicy, TransportKind, instance};

    const INSTANCE: &str = r#"{"domain":"mastodon.internal","title":"Internal","version":"4.3.2"}"#;

    const HINT: &str = "the certificate is signed by an authority that is not trusted; for a private CA, trust its certificate with --ca-file PEM (CLI) or ClientBuilder::root_certificates_pem";

    fn client(origin: &str, pem: Option<&str>) -> Client {
        let mut b = Client::builder(origin).retry(RetryPolicy::none());
        if let Some(pem) = pem {
            b = b.root_certificates_pem(pem.as_bytes());
        }
        b.build().unwrap()
    }

    #[test]
    fn the_private_ca_is_trusted_and_the_request_sent() {
        let server = TlsServer::start(INSTANCE);
        let i = instance::get(&client(&server.origin, Some(&server.ca_pem)), None).unwrap();
        assert_eq!(
            (i.domain.as_deref(), i.title.as_deref()),
            (Some("mastodon.internal"), Some("Internal"))
        );
        assert_eq!(server.seen(), ["GET /api/v2/instance HTTP/1.1"]);
        // A bundle: another CA's certificate and comments around the right one.
        let (other, _) = new_ca("another CA");
        let bundle = format!("# other\n{other}\n# ours\n{}", server.ca_pem);
        instance::get(&client(&server.origin, Some(&bundle)), None).unwrap();
        assert_eq!(server.seen().len(), 2);
    }

    fn untrusted(server: &TlsServer, pem: Option<&str>) {
        let e = instance::get(&client(&server.origin, pem), None).unwrap_err();
        let Error::Transport(t) = &e else {
            panic!("{e:?}")
        };
        assert_eq!((t.kind(), t.hint()), (TransportKind::Tls, Some(HINT)));
        assert_eq!(
            e.to_string(),
            format!(
                "GET {}/api/v2/instance: tls failure ({HINT}): io: invalid peer certificate: UnknownIssuer",
                server.origin
            )
        );
        assert!(e.is_transient());
    }

    #[test]
    fn a_checker_trusts_the_private_ca_within_its_budget() {
        use mastolite::check::{Checker, Kind, Outcome, Target};
        let server = TlsServer::start(
            r#"{"id":"1","username":"alice","acct":"alice","display_name":"","created_at":"2020-01-01T00:00:00.000Z","statuses_count":0,"followers_count":0,"following_count":0}"#,
        );
        let target = Target::new(
            &server.origin,
            Kind::User,
            mastolite::AccessToken::new("t0ken"),
        );
        // A budget makes each request's client from the first one's agent, roots included.
        let checker = Checker::new()
            .budget(std::time::Duration::from_secs(10))
            .retry(RetryPolicy::none());
        let report = checker.clone().check(&target);
        assert_eq!(report.status, Outcome::Unavailable, "{report:?}");
        let report = checker
            .root_certificates_pem(server.ca_pem.as_bytes())
            .check(&target);
        assert_eq!(report.status, Outcome::Ok, "{report:?}");
        assert_eq!(
            server.seen(),
            ["GET /api/v1/accounts/verify_credentials HTTP/1.1"]
        );
    }

    #[test]
    fn without_the_ca_the_hint_says_how_to_trust_it() {
        let server = TlsServer::start(INSTANCE);
        // The bundled roots do not know the private CA.
        untrusted(&server, None);
        // The roots given replace the bundled ones: another CA alone trusts nothing here.
        let (other, _) = new_ca("another CA");
        untrusted(&server, Some(&other));
        assert_eq!(server.seen(), Vec::<String>::new());
    }
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
#[test]
fn without_tls_the_roots_are_checked_and_https_stays_unavailable() {
    let client = Client::builder("https://mastodon.internal")
        .root_certificates_pem(b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n")
        .retry(mastolite::RetryPolicy::none())
        .build()
        .unwrap();
    let e = mastolite::instance::get(&client, None).unwrap_err();
    assert!(matches!(e, Error::TlsUnavailable), "{e:?}");
}
