//! The file's layouts: version 1 (one server) and version 2 (servers keyed by origin), and
//! their conversion to and from [`Store`]. Read both, write version 2.

use std::collections::BTreeMap;

use super::{
    MAX_FILE_SIZE, MAX_SECRET_LEN, MAX_SERVER_SIZE, ServerEntry, Store, StoreError, StoreErrorKind,
    StoredApp, StoredToken, VERSION,
};
use crate::origin::Origin;
use crate::secret::{AccessToken, ClientSecret};

/// An app as the file holds it.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "miniserde",
    derive(miniserde::Serialize, miniserde::Deserialize)
)]
pub(super) struct AppFile {
    name: String,
    client_id: String,
    client_secret: ClientSecret,
    redirect_uris: Vec<String>,
    scopes: Vec<String>,
    website: Option<String>,
}

/// A token as version 1 held it: the user token named its account in `acct`. Only read.
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct TokenV1 {
    access_token: AccessToken,
    scope: Option<String>,
    created_at: Option<i64>,
    expires_at: Option<i64>,
    acct: Option<String>,
}

/// A token as version 2 holds it: the account is the key it is stored under. `imported` is
/// written only when set, so written by hand under both backends.
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct TokenV2 {
    access_token: AccessToken,
    scope: Option<String>,
    created_at: Option<i64>,
    expires_at: Option<i64>,
    imported: Option<bool>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for TokenV2 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let fields = 4 + usize::from(self.imported.is_some());
        let mut m = s.serialize_struct("TokenV2", fields)?;
        m.serialize_field("access_token", &self.access_token)?;
        m.serialize_field("scope", &self.scope)?;
        m.serialize_field("created_at", &self.created_at)?;
        m.serialize_field("expires_at", &self.expires_at)?;
        if let Some(imported) = &self.imported {
            m.serialize_field("imported", imported)?;
        }
        m.end()
    }
}

#[cfg(feature = "miniserde")]
impl miniserde::Serialize for TokenV2 {
    fn begin(&self) -> miniserde::ser::Fragment<'_> {
        miniserde::ser::Fragment::Map(Box::new(TokenFields {
            token: self,
            next: 0,
        }))
    }
}

/// The fields of a [`TokenV2`], in order, `imported` only when it is set.
#[cfg(feature = "miniserde")]
struct TokenFields<'a> {
    token: &'a TokenV2,
    next: u8,
}

#[cfg(feature = "miniserde")]
impl miniserde::ser::Map for TokenFields<'_> {
    fn next(&mut self) -> Option<(std::borrow::Cow<'_, str>, &dyn miniserde::Serialize)> {
        let t = self.token;
        self.next += 1;
        let field: (&'static str, &dyn miniserde::Serialize) = match self.next {
            1 => ("access_token", &t.access_token),
            2 => ("scope", &t.scope),
            3 => ("created_at", &t.created_at),
            4 => ("expires_at", &t.expires_at),
            5 if t.imported.is_some() => ("imported", &t.imported),
            _ => return None,
        };
        Some((std::borrow::Cow::Borrowed(field.0), field.1))
    }
}

#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct FileV1 {
    server: String,
    app: Option<AppFile>,
    tokens: Option<TokensV1>,
}

#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct TokensV1 {
    app: Option<TokenV1>,
    user: Option<TokenV1>,
}

#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "miniserde",
    derive(miniserde::Serialize, miniserde::Deserialize)
)]
struct FileV2 {
    version: u64,
    servers: BTreeMap<String, ServerV2>,
}

#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "miniserde",
    derive(miniserde::Serialize, miniserde::Deserialize)
)]
struct ServerV2 {
    app: Option<AppFile>,
    app_token: Option<TokenV2>,
    users: Option<BTreeMap<String, TokenV2>>,
    /// A user token carried over from version 1 without the account it belongs to.
    unnamed_user: Option<TokenV2>,
}

/// Read first, so that a newer format is reported as such rather than as corrupt.
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
struct Header {
    version: Option<u64>,
}

fn app_in(origin: &str, a: AppFile) -> Result<StoredApp, StoreError> {
    if a.client_id.is_empty() || a.client_secret.secret().is_empty() {
        return Err(StoreError::corrupt(
            "the app's client id or secret is empty",
        ));
    }
    Ok(StoredApp {
        origin: origin.to_owned(),
        name: a.name,
        client_id: a.client_id,
        client_secret: a.client_secret,
        redirect_uris: a.redirect_uris,
        scopes: a.scopes,
        website: a.website,
    })
}

fn app_out(a: &StoredApp) -> AppFile {
    AppFile {
        name: a.name.clone(),
        client_id: a.client_id.clone(),
        client_secret: a.client_secret.clone(),
        redirect_uris: a.redirect_uris.clone(),
        scopes: a.scopes.clone(),
        website: a.website.clone(),
    }
}

impl TokenV1 {
    /// The token as version 2 keeps it, and the account it named.
    fn split(self) -> (TokenV2, Option<String>) {
        let token = TokenV2 {
            access_token: self.access_token,
            scope: self.scope,
            created_at: self.created_at,
            expires_at: self.expires_at,
            imported: None,
        };
        (token, self.acct)
    }
}

fn token_in(origin: &str, t: TokenV2) -> Result<StoredToken, StoreError> {
    if t.access_token.secret().is_empty() {
        return Err(StoreError::corrupt("a token is empty"));
    }
    Ok(StoredToken {
        origin: origin.to_owned(),
        access_token: t.access_token,
        scope: t.scope,
        created_at: t.created_at,
        expires_at: t.expires_at,
        imported: t.imported == Some(true),
    })
}

fn token_out(t: &StoredToken) -> TokenV2 {
    TokenV2 {
        access_token: t.access_token.clone(),
        scope: t.scope.clone(),
        created_at: t.created_at,
        expires_at: t.expires_at,
        imported: t.imported.then_some(true),
    }
}

fn origin_of(text: &str) -> Result<String, StoreError> {
    match Origin::parse(text) {
        Ok(o) => Ok(o.text),
        Err(_) => Err(StoreError::corrupt("a server is not a server address")),
    }
}

/// Parses either version.
pub(super) fn parse(text: &str) -> Result<Store, StoreError> {
    if text.trim().is_empty() {
        return Err(StoreError::corrupt("the file is empty"));
    }
    let header: Header = crate::json::from_str(text).map_err(|_| {
        StoreError::corrupt(
            "it is not a complete JSON object with a version number; it may be truncated",
        )
    })?;
    match header.version {
        Some(1) => parse_v1(text),
        Some(2) => parse_v2(text),
        Some(v) => Err(StoreError::new(
            StoreErrorKind::UnsupportedVersion,
            format!("{v}, and this mastolite reads versions 1 to {VERSION}"),
        )),
        None => Err(StoreError::corrupt("it has no \"version\" number")),
    }
}

fn parse_v1(text: &str) -> Result<Store, StoreError> {
    let file: FileV1 = crate::json::from_str(text).map_err(|_| {
        StoreError::corrupt("a field is missing or has the wrong type for version 1")
    })?;
    let origin = Origin::parse(&file.server)
        .map_err(|_| StoreError::corrupt("\"server\" is not a server address"))?
        .text;
    let mut entry = ServerEntry::new(origin.clone());
    entry.app = file.app.map(|a| app_in(&origin, a)).transpose()?;
    if let Some(tokens) = file.tokens {
        if let Some(t) = tokens.app {
            entry.app_token = Some(token_in(&origin, t.split().0)?);
        }
        if let Some(t) = tokens.user {
            let (t, acct) = t.split();
            let token = token_in(&origin, t)?;
            // Version 1 kept the server's `acct` (`alice`); the account name adds the host.
            // One that does not make a valid name stays unnamed, as one without `acct` does.
            let name = acct.and_then(|a| {
                let user = a.split('@').next().unwrap_or_default().to_owned();
                super::account_name(&user, &origin).ok()
            });
            match name {
                Some(n) => {
                    entry.users.insert(n, token);
                }
                None => entry.unnamed_user = Some(token),
            }
        }
    }
    let mut store = Store::new();
    store.servers.insert(origin, entry);
    Ok(store)
}

fn parse_v2(text: &str) -> Result<Store, StoreError> {
    let file: FileV2 = crate::json::from_str(text).map_err(|_| {
        StoreError::corrupt("a field is missing or has the wrong type for version 2")
    })?;
    let mut store = Store::new();
    for (key, server) in file.servers {
        let origin = origin_of(&key)?;
        let mut entry = ServerEntry::new(origin.clone());
        entry.app = server.app.map(|a| app_in(&origin, a)).transpose()?;
        entry.app_token = server.app_token.map(|t| token_in(&origin, t)).transpose()?;
        entry.unnamed_user = server
            .unnamed_user
            .map(|t| token_in(&origin, t))
            .transpose()?;
        for (name, t) in server.users.unwrap_or_default() {
            let Some(name) = super::parse_account_name(&name)
                .ok()
                .filter(|n| super::account_host(n) == super::origin_host(&origin))
            else {
                return Err(StoreError::corrupt(
                    "an account name is not username@host of its server",
                ));
            };
            let token = token_in(&origin, t)?;
            if entry.users.insert(name, token).is_some() {
                return Err(StoreError::corrupt("an account is stored twice"));
            }
        }
        if store.servers.insert(origin, entry).is_some() {
            return Err(StoreError::corrupt("a server is stored twice"));
        }
    }
    Ok(store)
}

fn server_out(e: &ServerEntry) -> ServerV2 {
    // Filled by `insert`, not `collect()`: crate::small.
    let mut users = BTreeMap::new();
    for (name, t) in &e.users {
        users.insert(name.clone(), token_out(t));
    }
    ServerV2 {
        app: e.app.as_ref().map(app_out),
        app_token: e.app_token.as_ref().map(token_out),
        users: Some(users),
        unnamed_user: e.unnamed_user.as_ref().map(token_out),
    }
}

/// Version 2's text.
pub(super) fn write(store: &Store) -> String {
    let mut servers = BTreeMap::new();
    for (origin, e) in &store.servers {
        servers.insert(origin.clone(), server_out(e));
    }
    crate::json::to_string(&FileV2 {
        version: VERSION,
        servers,
    })
}

/// Version 2's text, with its final newline, for a file that loading will accept: every
/// secret present and at most [`MAX_SECRET_LEN`] bytes, every server's entry within
/// [`MAX_SERVER_SIZE`], the whole within [`MAX_FILE_SIZE`]. A value that breaks a rule is
/// refused naming its server, so that what one server sent cannot spoil the file for the
/// others.
pub(super) fn write_checked(store: &Store) -> Result<String, StoreError> {
    let refuse = |why: String| Err(StoreError::new(StoreErrorKind::Unstorable, why));
    for (origin, e) in &store.servers {
        let mut secrets = Vec::new();
        if let Some(a) = &e.app {
            secrets.push(("client id", a.client_id.as_str()));
            secrets.push(("client secret", a.client_secret.secret()));
        }
        let tokens = e.app_token.iter().chain(e.users.values());
        for t in tokens.chain(e.unnamed_user.iter()) {
            secrets.push(("access token", t.access_token.secret()));
        }
        for (what, secret) in secrets {
            if secret.is_empty() {
                return refuse(format!("the {what} from {origin} is empty"));
            }
            if secret.len() > MAX_SECRET_LEN {
                return refuse(format!(
                    "the {what} from {origin} has {} bytes, more than the {MAX_SECRET_LEN} a secret may have",
                    secret.len()
                ));
            }
        }
        let size = crate::json::to_string(&server_out(e)).len();
        if size > MAX_SERVER_SIZE {
            return refuse(format!(
                "what is stored for {origin} would take {size} bytes, more than the {MAX_SERVER_SIZE} one server may take"
            ));
        }
    }
    let mut text = write(store);
    text.push('\n');
    if text.len() as u64 > MAX_FILE_SIZE {
        return refuse("it would be larger than 1 MiB".to_owned());
    }
    Ok(text)
}
