//! A downstream crate that knows only miniserde. It decodes a mastolite entity with miniserde,
//! encodes its own type with miniserde, prints mastolite's types with `mastolite::cli_support::to_json`, and
//! writes a generic helper bounded by `mastolite::cli_support::Encode`. All of it must compile and behave the
//! same whether or not another crate turns on `mastolite/serde`.

use miniserde::{Deserialize, Serialize, json};

/// The user's own type: miniserde only.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Summary {
    acct: String,
    followers: i64,
    display_name: String,
}

/// A helper over mastolite's printable types.
fn show<T: mastolite::cli_support::Encode + ?Sized>(value: &T) -> String {
    mastolite::cli_support::to_json(value)
}

const ACCOUNT: &str = r#"{"id":"109302","username":"alice","acct":"alice@social.example",
  "display_name":"Alice \u202eevil","created_at":"2022-11-09T00:00:00.000Z",
  "statuses_count":3,"followers_count":2,"following_count":1}"#;

fn main() {
    // mastolite's entities derive miniserde's traits whenever the miniserde feature is on.
    let account: mastolite::Account = json::from_str(ACCOUNT).expect("an account decodes");
    let summary = Summary {
        acct: account.acct.clone(),
        followers: account.followers_count,
        display_name: account.display_name.clone(),
    };
    let text = json::to_string(&summary);
    assert_eq!(
        text,
        "{\"acct\":\"alice@social.example\",\"followers\":2,\"display_name\":\"Alice \u{202e}evil\"}"
    );
    assert_eq!(
        json::from_str::<Summary>(&text).expect("round trip"),
        summary
    );

    // mastolite's own encoder, for its own types: the same text under either backend, with
    // terminal controls escaped.
    let printed = show(&account);
    assert!(
        printed.starts_with(r#"{"id":"109302","username":"alice","acct":"alice@social.example""#),
        "{printed}"
    );
    assert!(
        printed.contains(r#""display_name":"Alice \u202eevil""#),
        "{printed}"
    );
    assert_eq!(show(&[account.id.clone()][..]), r#"["109302"]"#);

    let expected = if cfg!(feature = "serde") {
        "serde_json"
    } else {
        "miniserde"
    };
    assert_eq!(mastolite::cli_support::json_backend(), expected);
    println!("downstream ok with {}", mastolite::cli_support::json_backend());
}
