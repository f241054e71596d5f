//! One function per command.

use std::io::{BufRead, Read};
use std::path::Path;

use mastolite::accounts::{self, AccountRef};
use mastolite::check::Kind;
use mastolite::cli_support::{output, unix_now};
use mastolite::oauth::{self, AuthorizeOptions, Pkce};
use mastolite::store::{Store, StoredApp, StoredToken};
use mastolite::terminal::sanitize;
use mastolite::{AccessToken, AuthorizationCode, Client, Error, OOB, apps, instance};

use crate::args::{Command, List, Login, Logout, Register, Token, Which};
use crate::views;
use crate::{Ctx, Failure, LOCAL, REJECTED, local, parse_scopes, renew_app_token, update};
use mastolite::terminal::one_line;

/// Runs a parsed command.
pub fn run(ctx: &Ctx, command: Command) -> Result<(), Failure> {
    match command {
        Command::Register(c) => register(ctx, c),
        Command::Token(c) => token(ctx, &c),
        Command::Login(c) => login(ctx, c),
        Command::Verify(which) => verify(ctx, which),
        Command::Check(c) => crate::check::run(ctx, &c),
        Command::Logout(c) => logout(ctx, &c),
        Command::Forget(local_only) => forget(ctx, local_only),
        Command::Accounts => list_accounts(ctx),
        Command::Followers(list) => accounts_list(ctx, &list, true),
        Command::Following(list) => accounts_list(ctx, &list, false),
        Command::Metadata => metadata(ctx),
        Command::Account(who) => account(ctx, &who),
        Command::Instance => server_instance(ctx),
    }
}

/// Output was cut short (a closed pipe): stop without another message.
fn emitted(ok: bool) -> Result<(), Failure> {
    if ok { Ok(()) } else { Err(Failure::Quiet(0)) }
}

/// The app stored for `client`'s server, or a hint to register one.
fn stored_app<'s>(ctx: &Ctx, store: &'s Store, client: &Client) -> Result<&'s StoredApp, Failure> {
    ctx.entry(store, client)?.app().ok_or_else(|| {
        local(format!(
            "no app is stored for {}; run `mastolite --server {} register` first",
            client.origin(),
            client.origin()
        ))
    })
}

fn register(ctx: &Ctx, command: Register) -> Result<(), Failure> {
    let path = ctx.store_path()?;
    let existing = ctx.load_optional()?;
    let client = ctx.client(&ctx.server(existing.as_ref())?)?;
    let mut new_app = apps::NewApp::new(command.name);
    if command.redirect_uris.is_empty() {
        new_app = new_app.redirect_uri(OOB);
    }
    for uri in command.redirect_uris {
        new_app = new_app.redirect_uri(uri);
    }
    if let Some(s) = command.scopes {
        new_app = new_app.scopes(parse_scopes(&s)?);
    }
    if let Some(w) = command.website {
        new_app = new_app.website(w);
    }
    let old = existing
        .as_ref()
        .and_then(|s| s.server(client.origin()))
        .filter(|e| e.app().is_some());
    if command.force && old.is_none() {
        // Nothing to replace: --force was meant for another server.
        let held = existing.as_ref().map_or("none".to_owned(), crate::origins);
        return Err(local(format!(
            "--force replaces a stored app, and none is stored for {} (the credentials file holds: {held})",
            client.origin()
        )));
    }
    if let Some(entry) = old {
        if !command.force {
            return Err(local(format!(
                "the credentials file {} already holds the app {:?} for {}; give --force to replace it (its tokens are revoked and forgotten)",
                path.display(),
                one_line(entry.app().map(|a| a.name.as_str()).unwrap_or_default(), 60),
                client.origin()
            )));
        }
        revoke_all(&client, entry, false, &mut 0)?;
        let origin = client.origin().to_owned();
        update(ctx, &path, |s| {
            s.remove_server(&origin);
            Ok(())
        })?;
    }
    // Registered under the lock, so that no other writer can make the new secret unstorable.
    let app = update(ctx, &path, |s| {
        if s.server(client.origin()).is_some_and(|e| e.app().is_some()) && !command.force {
            return Err(local(format!(
                "another program stored an app for {} meanwhile; nothing was registered",
                client.origin()
            )));
        }
        let registered = apps::create(&client, &new_app)?;
        let app = StoredApp::from_registration(&client, &registered, &new_app);
        s.set_app(app.clone());
        Ok(app)
    })?;
    let out = if ctx.global.json() {
        views::json(&output::AppView::from(&app))
    } else {
        views::line(&format!(
            "{} (client_id {})",
            one_line(&app.name, 100),
            one_line(&app.client_id, 200)
        ))
    };
    emitted(out)
}

/// Revokes every token of a server's app (its app token, then its user tokens) with the app's
/// credentials, one request each, counting in `revoked` those the server accepted. `strict`
/// (`forget`) stops at the first failure and returns it; otherwise (a re-registration) a
/// server that is gone or refuses only gets a note.
fn revoke_all(
    client: &Client,
    entry: &mastolite::store::ServerEntry,
    strict: bool,
    revoked: &mut usize,
) -> Result<(), Failure> {
    let Some(app) = entry.app() else {
        return Ok(());
    };
    let creds = app.credentials_for(client)?;
    let tokens = entry
        .app_token()
        .into_iter()
        .chain(entry.users().map(|(_, t)| t));
    for t in tokens {
        // An imported token's app is not this one: it is forgotten, never revoked with it.
        if t.imported {
            *revoked += 1;
            continue;
        }
        match oauth::revoke(client, &creds, t.access_token_for(client)?) {
            Ok(()) => *revoked += 1,
            Err(e) if strict => return Err(e.into()),
            Err(e) => eprintln!(
                "mastolite: note: a token of the old app was not revoked: {}",
                one_line(&e.to_string(), usize::MAX)
            ),
        }
    }
    Ok(())
}

fn token(ctx: &Ctx, command: &Token) -> Result<(), Failure> {
    let (path, store) = ctx.load()?;
    let servers: Vec<String> = if command.all {
        let with_app: Vec<String> = store
            .servers()
            .filter(|e| e.app().is_some())
            .map(|e| e.origin().to_owned())
            .collect();
        if with_app.is_empty() {
            return Err(local("the credentials file holds no app"));
        }
        with_app
    } else {
        vec![ctx.server(Some(&store))?]
    };
    // With --all: one line per server in text, one array (--json) or one object per line
    // (--jsonl) for machines. A failure is reported on stderr and the other servers go on.
    let mut list = views::List::new(ctx.global.format);
    let mut first_failure = None;
    for server in servers {
        match token_one(ctx, &path, &store, &server, command) {
            Ok(None) => {}
            Ok(Some(view)) => {
                let shown = match command.all {
                    true => list.item(&view, |v| format!("{}: {}", v.server, token_line(v))),
                    false if ctx.global.json() => views::json(&view),
                    false => views::line(&token_line(&view)),
                };
                emitted(shown)?;
            }
            Err(f) if command.all => {
                let (code, msg) = f.parts();
                if let Some(m) = msg {
                    eprintln!("mastolite: {server}: {}", one_line(&m, usize::MAX));
                }
                first_failure.get_or_insert(Failure::Quiet(code));
            }
            Err(f) => return Err(f),
        }
    }
    if command.all {
        emitted(list.finish())?;
    }
    first_failure.map_or(Ok(()), Err)
}

/// `app token stored (scopes: …)`, a stored app token's line.
fn token_line(view: &output::TokenView) -> String {
    format!(
        "app token stored (scopes: {})",
        one_line(view.scope.as_deref().unwrap_or("not given"), 300)
    )
}

/// Renews one server's app token; `None` when `--if-expired` found it still valid.
fn token_one(
    ctx: &Ctx,
    path: &Path,
    store: &Store,
    server: &str,
    command: &Token,
) -> Result<Option<output::TokenView>, Failure> {
    let client = ctx.client(server)?;
    let app = stored_app(ctx, store, &client)?;
    let entry = ctx.entry(store, &client)?;
    if command.if_expired
        && let Some(t) = entry.app_token().filter(|t| !t.is_expired_at(unix_now()))
    {
        let until = t.expires_at.map_or("does not expire".to_owned(), |at| {
            format!("expires {}", views::utc(at))
        });
        if !ctx.global.json() {
            emitted(views::line(&format!(
                "{}: the app token is still valid ({until}); nothing done",
                client.origin()
            )))?;
        }
        return Ok(None);
    }
    let token = renew_app_token(ctx, path, app, &client, command.scopes.as_deref(), None)?;
    Ok(Some(output::TokenView::new(
        client.origin(),
        Kind::App,
        &token,
        None,
    )))
}

/// Stores a user token under the account `accounts/verify_credentials` names, or unnamed (with
/// a note) when the account cannot be read; returns the account's name as stored.
fn store_user(
    ctx: &Ctx,
    path: &Path,
    client: &Client,
    token: &AccessToken,
    stored: StoredToken,
) -> Result<Option<String>, Failure> {
    match accounts::verify_credentials(client, token) {
        Ok(me) => Ok(Some(update(ctx, path, |s| {
            Ok(s.set_user_token(&me.username, stored)?)
        })?)),
        Err(e) => {
            eprintln!(
                "mastolite: note: the token works, but its account could not be read, so it is stored unnamed: {}",
                one_line(&e.to_string(), usize::MAX)
            );
            update(ctx, path, |s| {
                s.set_unnamed_user(stored);
                Ok(())
            })?;
            Ok(None)
        }
    }
}

/// The longest line `login` reads from stdin (a code, a redirect URL, a token): the longest
/// secret the credentials file stores.
const MAX_LINE: usize = mastolite::store::MAX_SECRET_LEN;

/// One line from stdin, trimmed: `what` (`code`, `token`) names it in the errors.
fn read_stdin_line(what: &str) -> Result<String, Failure> {
    let mut input = String::new();
    std::io::stdin()
        .lock()
        .take(MAX_LINE as u64 + 2)
        .read_line(&mut input)
        .map_err(|e| local(format!("cannot read the {what} from stdin: {e}")))?;
    let line = input.trim();
    if line.is_empty() {
        return Err(local(format!("no {what} was read from stdin")));
    }
    if line.len() > MAX_LINE {
        return Err(local(format!(
            "the {what} read from stdin is longer than {MAX_LINE} bytes"
        )));
    }
    Ok(line.to_owned())
}

/// `login --with-token`: a token made elsewhere (Mastodon's Development → Your applications),
/// read from stdin, checked as `check` checks `MASTOLITE_TOKEN` (a token of unknown kind), and
/// stored under the account it belongs to, or as the server's app token; no app is needed.
/// The server must be named: a token pasted for one server is never sent to another.
fn import_token(ctx: &Ctx, force: bool) -> Result<(), Failure> {
    let Some(server) = ctx.explicit_server() else {
        return Err(local(
            "login --with-token needs --server URL (or MASTOLITE_SERVER): the token goes only to the server named",
        ));
    };
    let client = ctx.client(&server)?;
    let path = ctx.store_path()?;
    // An unreadable, too open or corrupt file is reported before the token is read.
    ctx.load_optional()?;
    let token = AccessToken::new(read_stdin_line("token")?);
    let limit = ctx.global.timeout;
    let report = mastolite::check::Checker::new()
        .timeout(limit)
        .budget(limit)
        .allow_plain_http(ctx.global.allow_http)
        .check(&mastolite::check::Target::new(
            client.origin(),
            Kind::Unknown,
            token.clone(),
        ));
    if report.status != mastolite::check::Outcome::Ok {
        return Err(Failure::Msg(
            report.status.exit_status(),
            format!(
                "the token was not stored: {}",
                crate::check::verdict(&report)
            ),
        ));
    }
    let mut stored =
        StoredToken::from_token(&client, &mastolite::Token::new(token.clone()), unix_now());
    stored.imported = true;
    let origin = client.origin();
    // The account it is stored under: the one it reads, else the one --account names.
    let account = match report.kind {
        Kind::App => None,
        _ => Some(match accounts::verify_credentials(&client, &token) {
            Ok(me) => mastolite::store::account_name(&me.username, origin)?,
            Err(e) => match ctx.account() {
                Some(name) => name,
                None => {
                    return Err(local(format!(
                        "the token works, but its account could not be read, so give --account NAME to store it under: {}",
                        one_line(&e.to_string(), usize::MAX)
                    )));
                }
            },
        }),
    };
    let stored_as = update(ctx, &path, |s| {
        let entry = s.server(origin);
        let held = match &account {
            None => entry.and_then(|e| e.app_token()).is_some(),
            Some(name) => entry.and_then(|e| e.user(name)).is_some(),
        };
        let what = match &account {
            None => "the app token".to_owned(),
            Some(name) => one_line(name, 100),
        };
        if held && !force {
            return Err(local(format!(
                "the credentials file already holds a token for {what}; give --force to replace it"
            )));
        }
        match &account {
            None => {
                s.set_app_token(stored);
            }
            Some(name) => {
                s.set_user_token(name, stored)?;
            }
        }
        Ok(what)
    })?;
    eprintln!(
        "mastolite: the token of {origin} is stored for {stored_as} in {}",
        path.display()
    );
    Ok(())
}

/// [`oauth::PKCE_REFUSED_HINT`] with the command line's remedy.
const NO_PKCE_HINT: &str = "either the code is wrong or expired, or the server is an old one \
    that refuses PKCE (Doorkeeper before 5.5, as in Mastodon 3.3 and older); to log in without \
    PKCE, run `mastolite login --no-pkce`";

fn login(ctx: &Ctx, command: Login) -> Result<(), Failure> {
    if command.with_token {
        return import_token(ctx, command.force);
    }
    let (path, store) = ctx.load()?;
    let client = ctx.client(&ctx.server(Some(&store))?)?;
    let app = stored_app(ctx, &store, &client)?;
    if !app.redirect_uris.iter().any(|u| u == OOB) {
        return Err(local(format!(
            "the app has no out-of-band redirect URI, which login needs; register an app with --redirect-uri {OOB}"
        )));
    }
    let mut creds = app.credentials_for(&client)?;
    creds.redirect_uri = OOB.to_owned();
    let registered = app.registered_scopes();
    let requested = match command.scopes {
        Some(s) => parse_scopes(&s)?,
        None => registered.clone(),
    };
    let metadata = oauth::server_metadata(&client)?;
    let mut options = AuthorizeOptions::new().force_login(command.force_login);
    if command.no_pkce {
        options = options.pkce(Pkce::Never);
    }
    if let Some(l) = command.lang {
        options = options.lang(l);
    }
    let options = options.registered(registered).metadata(metadata);
    let request = oauth::authorization_request(&client, &creds, &requested, &options)?;
    // The server chose the URL: never let it drive the terminal.
    let url = sanitize(request.url());
    if ctx.global.json() {
        // stdout holds exactly one JSON document in this mode.
        eprintln!("{url}");
    } else {
        emitted(views::line(&url))?;
    }
    eprintln!("Open the URL above in a browser, approve, and paste the code shown here:");
    let input = read_stdin_line("code")?;
    let input = input.as_str();
    // The code alone, or the whole redirect the browser landed on.
    let code = if input.contains("code=") || input.contains("error=") {
        request.parse_callback(input)?
    } else {
        AuthorizationCode::new(input)
    };
    let token = request
        .exchange(&client, &creds, &code)
        .map_err(|e| match e {
            // The library's hint names its own remedy; here it is an option.
            Error::Api(a) if a.hint() == Some(oauth::PKCE_REFUSED_HINT) => {
                Error::Api(Box::new((*a).with_hint(NO_PKCE_HINT)))
            }
            e => e,
        })?;
    if let Err(missing) = oauth::granted_covers(&token, &requested) {
        eprintln!("mastolite: note: {missing}");
    }
    let stored = StoredToken::from_token(&client, &token, unix_now());
    let name = store_user(ctx, &path, &client, &token.access_token, stored)?;
    eprintln!(
        "mastolite: logged in{}; the user token is stored in {}",
        name.as_deref()
            .map(|a| format!(" as {}", one_line(a, 100)))
            .unwrap_or_default(),
        path.display()
    );
    if ctx.global.json() {
        emitted(views::json(&output::TokenView::new(
            client.origin(),
            Kind::User,
            &token,
            name,
        )))?;
    }
    Ok(())
}

fn verify(ctx: &Ctx, which: Which) -> Result<(), Failure> {
    let store = ctx.store_for_token()?;
    let picked = ctx.pick(which, store.as_ref())?;
    let client = &picked.client;
    let out = if picked.which == Which::User {
        let me = accounts::verify_credentials(client, &picked.token)?;
        if picked.unnamed {
            name_unnamed(ctx, client, &picked.token, &me.username)?;
        }
        if ctx.global.json() {
            views::json(&me)
        } else {
            views::line(&format!("@{}", one_line(&me.acct, 200)))
        }
    } else {
        let app = apps::verify_credentials(client, &picked.token)?;
        if ctx.global.json() {
            views::json(&app)
        } else {
            views::line(&one_line(&app.name, 100))
        }
    };
    emitted(out)
}

/// An unnamed user token (from a version-1 file) gets its account's name the first time a
/// call with it succeeds.
fn name_unnamed(
    ctx: &Ctx,
    client: &Client,
    token: &AccessToken,
    username: &str,
) -> Result<(), Failure> {
    let path = ctx.store_path()?;
    update(ctx, &path, |s| {
        let unnamed = s
            .server_for(client)
            .ok()
            .and_then(|e| e.users().find(|(n, _)| n.is_none()).map(|(_, t)| t.clone()));
        if let Some(t) = unnamed
            && t.access_token_for(client)?.secret() == token.secret()
        {
            s.remove_user(client.origin(), None);
            s.set_user_token(username, t)?;
        }
        Ok(())
    })
}

/// `logout` (and `revoke`): revoke at the server with the app's credentials, then forget. A
/// refusal leaves the file as it was.
fn logout(ctx: &Ctx, command: &Logout) -> Result<(), Failure> {
    let local_only = command.local;
    let (path, store) = ctx.load()?;
    if ctx.env_token().is_some() {
        eprintln!("mastolite: note: MASTOLITE_TOKEN is ignored: logout works on stored tokens");
    }
    let client = ctx.client_for(&ctx.server(Some(&store))?, !local_only)?;
    let entry = ctx.entry(&store, &client)?;
    let account = ctx.account();
    let which = command
        .which
        .resolve(account.is_some() || entry.user_count() > 0);
    let (stored, name) = if which == Which::User {
        let (name, t) = store.user_entry_for(&client, account.as_deref())?;
        (t.clone(), name.map(str::to_owned))
    } else {
        let t = entry
            .app_token()
            .ok_or_else(|| local(format!("no app token is stored for {}", client.origin())))?;
        (t.clone(), None)
    };
    let what = match (&name, which) {
        (Some(n), _) => format!("the user token of {n}"),
        (None, Which::User) => format!("the unnamed user token for {}", client.origin()),
        _ => format!("the app token for {}", client.origin()),
    };
    if !local_only {
        if stored.imported {
            return Err(local(format!(
                "{what} was imported: only the owner of the app that made it can revoke it (in the server's settings); --local forgets it"
            )));
        }
        let creds = stored_app(ctx, &store, &client)?.credentials_for(&client)?;
        oauth::revoke(&client, &creds, stored.access_token_for(&client)?)?;
    }
    let origin = client.origin().to_owned();
    update(ctx, &path, |s| {
        // Only the token that was revoked: another program may have replaced it meanwhile.
        let current = match which {
            Which::User => s.server(&origin).and_then(|e| {
                e.users()
                    .find(|(n, _)| *n == name.as_deref())
                    .map(|(_, t)| t)
            }),
            _ => s.server(&origin).and_then(|e| e.app_token()),
        };
        if current == Some(&stored) {
            if which == Which::User {
                s.remove_user(&origin, name.as_deref());
            } else {
                s.remove_app_token(&origin);
            }
        }
        Ok(())
    })?;
    let out = if ctx.global.json() {
        views::json(&output::Revoked {
            revoked: if which == Which::User { "user" } else { "app" }.into(),
            acct: name,
        })
    } else {
        views::line(&format!(
            "{} {what}",
            if local_only {
                "forgot"
            } else {
                "revoked and forgot"
            }
        ))
    };
    emitted(out)
}

/// `forget`: revokes every token of the server with its app's credentials, then removes the
/// server's whole entry, app included. A failed revocation removes only the tokens revoked
/// before it; an entry that another program changed meanwhile removes nothing; `local_only`
/// asks the server nothing.
fn forget(ctx: &Ctx, local_only: bool) -> Result<(), Failure> {
    let (path, store) = ctx.load()?;
    if ctx.account().is_some() {
        return Err(local(
            "forget takes a whole server: unset MASTOLITE_ACCOUNT and name the server with --server URL",
        ));
    }
    let client = ctx.client_for(&ctx.server(Some(&store))?, !local_only)?;
    let entry = ctx.entry(&store, &client)?;
    let origin = client.origin();
    let has_app_token = entry.app_token().is_some();
    let tokens = usize::from(has_app_token) + entry.user_count();
    let mut revoked = 0;
    let mut failed = None;
    if !local_only {
        if tokens > 0 && entry.app().is_none() {
            return Err(local(format!(
                "no app is stored for {origin}, so its tokens cannot be revoked; nothing was removed (--local forgets the server without asking it)"
            )));
        }
        failed = revoke_all(&client, entry, true, &mut revoked).err();
    }
    if failed.is_none() || revoked > 0 {
        update(ctx, &path, |s| {
            if s.server(origin) != Some(entry) {
                return Err(local(format!(
                    "another program changed what is stored for {origin} meanwhile; nothing was removed"
                )));
            }
            if failed.is_none() {
                s.remove_server(origin);
                return Ok(());
            }
            // The app token goes first, then the users in their order: as revoke_all asks.
            let users = revoked - usize::from(has_app_token);
            if has_app_token {
                s.remove_app_token(origin);
            }
            for (name, _) in entry.users().take(users) {
                s.remove_user(origin, name);
            }
            Ok(())
        })?;
    }
    if let Some(f) = failed {
        let (code, msg) = f.parts();
        return Err(Failure::Msg(
            code,
            format!(
                "{}; revoked and forgot {revoked} token(s), kept the other {} and the app (--local forgets the server without asking it)",
                msg.unwrap_or_default(),
                tokens - revoked
            ),
        ));
    }
    if ctx.global.json() {
        return emitted(views::json(&output::Revoked {
            revoked: "server".into(),
            acct: None,
        }));
    }
    let mut line = format!(
        "{} {origin}: {tokens} token(s)",
        if local_only {
            "forgot"
        } else {
            "revoked and forgot"
        }
    );
    if entry.app().is_some() {
        line += " and its app";
    }
    emitted(views::line(&line))
}

/// `accounts`: every stored token, and each app that has none, never a secret. Nothing stored
/// (no file, or an empty one) is a local error, so a script does not read silence as success.
fn list_accounts(ctx: &Ctx) -> Result<(), Failure> {
    let path = ctx.store_path()?;
    let rows = ctx.load_optional()?.map(|s| s.list()).unwrap_or_default();
    if rows.is_empty() {
        return Err(local(format!(
            "no credentials stored in {}",
            path.display()
        )));
    }
    let mut out = views::List::new(ctx.global.format);
    for r in rows {
        emitted(out.item(&r, |r| {
            let mut line = format!("{} {} ", r.server, r.kind);
            line += r.account.as_deref().unwrap_or(if r.kind == Kind::App {
                "-"
            } else {
                mastolite::store::UNNAMED
            });
            if !r.token {
                line += " (no token)";
                return line;
            }
            let expiry = match r.expires_at {
                Some(at) if at <= unix_now() => format!("expired {}", views::utc(at)),
                Some(at) => format!("expires {}", views::utc(at)),
                None => "no expiry known".to_owned(),
            };
            let scopes = if r.scopes.is_empty() {
                "(scopes not given)".to_owned()
            } else {
                r.scopes.join(" ")
            };
            line += &format!(
                " scopes: {}; obtained {}; {expiry}",
                one_line(&scopes, 300),
                r.obtained_at
                    .map_or("at an unknown time".to_owned(), views::utc),
            );
            line
        }))?;
    }
    emitted(out.finish())
}

/// The client and optional token for public reads. A stored token goes only to the server it
/// was issued by: with `--server` naming another one, the read is anonymous.
fn public_read(ctx: &Ctx) -> Result<(Client, Option<AccessToken>), Failure> {
    let store = ctx.load_optional()?;
    if let Some(read) = ctx.env_token_for_read(store.as_ref())? {
        return Ok(read);
    }
    let client = ctx.client(&ctx.server(store.as_ref())?)?;
    let Some((store, entry)) = store
        .as_ref()
        .and_then(|s| s.server(client.origin()).map(|e| (s, e)))
    else {
        return Ok((client, None));
    };
    let account = ctx.account();
    // The chosen or only user token, else the app token, else none.
    let token = match store.user_entry_for(&client, account.as_deref()) {
        Ok((_, t)) => Some(t),
        Err(e) if account.is_some() => return Err(e.into()),
        Err(_) => entry.app_token(),
    };
    let token = match token {
        Some(t) => {
            check_expiry_for_read(t)?;
            Some(t.access_token_for(&client)?.clone())
        }
        None => None,
    };
    Ok((client, token))
}

fn check_expiry_for_read(t: &StoredToken) -> Result<(), Failure> {
    match t.expires_at {
        Some(at) if t.is_expired_at(unix_now()) => Err(Failure::Msg(
            REJECTED,
            format!("the stored token expired at {}", views::utc(at)),
        )),
        _ => Ok(()),
    }
}

fn accounts_list(ctx: &Ctx, list: &List, followers: bool) -> Result<(), Failure> {
    // Checked before any request: a bad handle never reaches the server.
    let who = AccountRef::parse(&list.account).map_err(|e| Failure::Msg(LOCAL, e.to_string()))?;
    let (client, token) = public_read(ctx)?;
    let id = accounts::resolve(&client, token.as_ref(), &who)?;
    let mut out = views::List::new(ctx.global.format);
    let listed = print_accounts(&mut out, &client, token.as_ref(), &id, list, followers);
    if listed.is_err() {
        out.abandon();
        return listed;
    }
    emitted(out.finish())
}

/// Prints the accounts as each page arrives; a failure ends the list where it is.
fn print_accounts(
    out: &mut views::List,
    client: &Client,
    token: Option<&AccessToken>,
    id: &mastolite::AccountId,
    list: &List,
    followers: bool,
) -> Result<(), Failure> {
    let mut range = mastolite::Range::new();
    if let Some(n) = list.limit {
        range = range.limit(n);
    }
    let mut print =
        |a: mastolite::Account| emitted(out.item(&a, |a| format!("@{}", one_line(&a.acct, 200))));
    if list.all || list.max_items.is_some() {
        let pages = if followers {
            accounts::followers_pages(client, token, id, &range)?
        } else {
            accounts::following_pages(client, token, id, &range)?
        };
        for item in pages.items().take(list.max_items.unwrap_or(usize::MAX)) {
            print(item?)?;
        }
    } else {
        let page = if followers {
            accounts::followers(client, token, id, &range)?
        } else {
            accounts::following(client, token, id, &range)?
        };
        for a in page.items {
            print(a)?;
        }
    }
    Ok(())
}

fn metadata(ctx: &Ctx) -> Result<(), Failure> {
    let store = ctx.load_optional()?;
    let client = ctx.client(&ctx.server(store.as_ref())?)?;
    let m = oauth::server_metadata(&client)?;
    if ctx.global.json() {
        return emitted(views::json(&m));
    }
    let mut lines = vec![format!(
        "discovered: {}",
        if m.discovered {
            "yes"
        } else {
            "no (the server has no metadata document: classic endpoints; PKCE is sent all the same)"
        }
    )];
    let one = [
        ("issuer", &m.issuer),
        ("authorization_endpoint", &m.authorization_endpoint),
        ("token_endpoint", &m.token_endpoint),
        ("revocation_endpoint", &m.revocation_endpoint),
        ("userinfo_endpoint", &m.userinfo_endpoint),
        ("app_registration_endpoint", &m.app_registration_endpoint),
    ];
    for (name, value) in one {
        if let Some(v) = value {
            lines.push(format!("{name}: {}", one_line(v, 300)));
        }
    }
    if let Some(v) = &m.scopes_supported {
        lines.push(format!(
            "scopes_supported: {}",
            one_line(&v.to_string(), 2000)
        ));
    }
    let many = [
        ("grant_types_supported", &m.grant_types_supported),
        (
            "code_challenge_methods_supported",
            &m.code_challenge_methods_supported,
        ),
    ];
    for (name, value) in many {
        if let Some(v) = value {
            lines.push(format!("{name}: {}", one_line(&v.join(" "), 2000)));
        }
    }
    for l in lines {
        emitted(views::line(&l))?;
    }
    Ok(())
}

fn account(ctx: &Ctx, who: &str) -> Result<(), Failure> {
    let who = AccountRef::parse(who).map_err(|e| Failure::Msg(LOCAL, e.to_string()))?;
    let (client, token) = public_read(ctx)?;
    let a = match &who {
        AccountRef::Handle(h) => accounts::lookup(&client, token.as_ref(), h)?,
        AccountRef::Id(id) => accounts::get(&client, token.as_ref(), id)?,
        other => {
            let id = accounts::resolve(&client, token.as_ref(), other)?;
            accounts::get(&client, token.as_ref(), &id)?
        }
    };
    if ctx.global.json() {
        return emitted(views::json(&a));
    }
    emitted(views::line(&format!(
        "@{} ({}) id {}: {} followers, {} following, {} posts",
        one_line(&a.acct, 200),
        one_line(&a.display_name, 100),
        one_line(a.id.as_str(), 100),
        a.followers_count,
        a.following_count,
        a.statuses_count
    )))
}

fn server_instance(ctx: &Ctx) -> Result<(), Failure> {
    let (client, token) = public_read(ctx)?;
    let i = instance::get(&client, token.as_ref())?;
    if ctx.global.json() {
        return emitted(views::json(&output::InstanceView::from(&i)));
    }
    emitted(views::line(&format!(
        "{} ({}) {}",
        one_line(i.title.as_deref().unwrap_or("untitled"), 100),
        one_line(i.domain.as_deref().unwrap_or(client.origin()), 200),
        one_line(i.version.as_deref().unwrap_or("unknown version"), 100)
    )))
}
