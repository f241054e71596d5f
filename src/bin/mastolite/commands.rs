//! One function per command.

use std::io::{BufRead, Read};
use std::time::Instant;

use mastolite::accounts::{self, AccountRef};
use mastolite::oauth::{self, AuthorizeOptions};
use mastolite::store::{Store, StoredApp, StoredToken};
use mastolite::{AccessToken, AuthorizationCode, Client, OOB, Scopes, apps, instance};

use crate::args::{Command, List, Which};
use crate::views::{self, printable};
use crate::{Ctx, Failure, LOCAL, REJECTED, exit_code, now, one_line};

/// Runs a parsed command.
pub fn run(ctx: &Ctx, command: Command) -> Result<(), Failure> {
    match command {
        Command::Register {
            name,
            redirect_uris,
            scopes,
            website,
        } => register(ctx, name, redirect_uris, scopes, website),
        Command::Token { scopes } => token(ctx, scopes),
        Command::Login {
            scopes,
            force_login,
            lang,
        } => login(ctx, scopes, force_login, lang),
        Command::Verify(which) => verify(ctx, which),
        Command::Check => check(ctx),
        Command::Revoke(which) => revoke(ctx, which),
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

fn parse_scopes(text: &str) -> Result<Scopes, Failure> {
    let scopes: Scopes = text.parse()?;
    if scopes.is_empty() {
        return Err(Failure::Msg(
            LOCAL,
            "--scopes needs at least one scope".into(),
        ));
    }
    Ok(scopes)
}

/// The stored app, or a hint to register one.
fn stored_app(store: &Store) -> Result<&StoredApp, Failure> {
    store.app.as_ref().ok_or_else(|| {
        Failure::Msg(
            LOCAL,
            "the credentials file holds no app; run `mastolite --server URL register` first".into(),
        )
    })
}

fn register(
    ctx: &Ctx,
    name: String,
    redirect_uris: Vec<String>,
    scopes: Option<String>,
    website: Option<String>,
) -> Result<(), Failure> {
    let (path, existing) = ctx.load_if_exists()?;
    // Registering again would lose the stored app's secret.
    if let Some(store) = &existing {
        if let Some(app) = &store.app {
            return Err(Failure::Msg(
                LOCAL,
                format!(
                    "the credentials file {} already holds the app {:?} for {}; give another --store PATH to register again",
                    path.display(),
                    printable(&app.name, 60),
                    store.server
                ),
            ));
        }
    }
    let client = ctx.client(&ctx.server(None)?)?;
    let mut new_app = apps::NewApp::new(name);
    if redirect_uris.is_empty() {
        new_app = new_app.redirect_uri(OOB);
    }
    for uri in redirect_uris {
        new_app = new_app.redirect_uri(uri);
    }
    if let Some(s) = scopes {
        new_app = new_app.scopes(parse_scopes(&s)?);
    }
    if let Some(w) = website {
        new_app = new_app.website(w);
    }
    let registered = apps::create(&client, &new_app)?;
    let mut store = Store::new(client.origin());
    let app = StoredApp::from_registration(&registered, &new_app);
    store.app = Some(app.clone());
    store.save(&path)?;
    let out = if ctx.global.json {
        views::json(&views::AppView::from(&app))
    } else {
        views::line(&format!(
            "{} (client_id {})",
            printable(&app.name, 100),
            printable(&app.client_id, 200)
        ))
    };
    emitted(out)
}

fn token(ctx: &Ctx, scopes: Option<String>) -> Result<(), Failure> {
    let (path, mut store) = ctx.load()?;
    let app = stored_app(&store)?;
    let scopes = match scopes {
        Some(s) => parse_scopes(&s)?,
        None => app.registered_scopes(),
    };
    let client = ctx.client(&ctx.server(Some(&store))?)?;
    let token = oauth::client_credentials(&client, &app.credentials(), &scopes)?;
    store.app_token = Some(StoredToken::from_token(&token, now()));
    store.save(&path)?;
    let out = if ctx.global.json {
        views::json(&views::TokenView::new("app", &token, None))
    } else {
        views::line(&format!(
            "app token stored (scopes: {})",
            printable(
                &token
                    .scope
                    .as_ref()
                    .map_or_else(|| "not given".to_owned(), ToString::to_string),
                300
            )
        ))
    };
    emitted(out)
}

fn login(
    ctx: &Ctx,
    scopes: Option<String>,
    force_login: bool,
    lang: Option<String>,
) -> Result<(), Failure> {
    let (path, mut store) = ctx.load()?;
    let app = stored_app(&store)?;
    if !app.redirect_uris.iter().any(|u| u == OOB) {
        return Err(Failure::Msg(
            LOCAL,
            format!(
                "the app has no out-of-band redirect URI, which login needs; register an app with --redirect-uri {OOB}"
            ),
        ));
    }
    let creds = app.credentials().with_redirect_uri(OOB);
    let registered = app.registered_scopes();
    let requested = match scopes {
        Some(s) => parse_scopes(&s)?,
        None => registered.clone(),
    };
    let client = ctx.client(&ctx.server(Some(&store))?)?;
    let metadata = oauth::server_metadata(&client)?;
    let mut options = AuthorizeOptions::new().force_login(force_login);
    if let Some(l) = lang {
        options = options.lang(l);
    }
    let options = options.registered(registered).metadata(metadata);
    let request = oauth::authorization_request(&client, &creds, &requested, &options)?;
    emitted(views::line(request.url()))?;
    eprintln!("Open the URL above in a browser, approve, and paste the code shown here:");
    let mut input = String::new();
    std::io::stdin()
        .lock()
        .take(4096)
        .read_line(&mut input)
        .map_err(|e| Failure::Msg(LOCAL, format!("cannot read the code from stdin: {e}")))?;
    let input = input.trim();
    if input.is_empty() {
        return Err(Failure::Msg(LOCAL, "no code was read from stdin".into()));
    }
    // The code alone, or the whole redirect the browser landed on.
    let code = if input.contains("code=") || input.contains("error=") {
        request.parse_callback(input)?
    } else {
        AuthorizationCode::new(input)
    };
    let token = request.exchange(&client, &creds, &code)?;
    if let Err(missing) = oauth::granted_covers(&token, &requested) {
        eprintln!("mastolite: note: {missing}");
    }
    let acct = match accounts::verify_credentials(&client, &token.access_token) {
        Ok(me) => Some(me.acct),
        Err(e) => {
            eprintln!(
                "mastolite: note: the token works, but its account could not be read: {}",
                one_line(&e.to_string())
            );
            None
        }
    };
    let mut stored = StoredToken::from_token(&token, now());
    if let Some(a) = &acct {
        stored = stored.with_acct(a.clone());
    }
    store.user_token = Some(stored);
    store.save(&path)?;
    eprintln!(
        "mastolite: logged in{}; the user token is stored in {}",
        acct.as_deref()
            .map(|a| format!(" as @{}", printable(a, 100)))
            .unwrap_or_default(),
        path.display()
    );
    if ctx.global.json {
        emitted(views::json(&views::TokenView::new("user", &token, acct)))?;
    }
    Ok(())
}

/// The credentials file for commands that need a token: optional when `MASTOLITE_TOKEN` is set.
fn store_for_token(ctx: &Ctx) -> Result<Option<Store>, Failure> {
    if ctx.env_token().is_some() {
        Ok(ctx.load_optional()?.map(|(_, s)| s))
    } else {
        ctx.load().map(|(_, s)| Some(s))
    }
}

fn verify(ctx: &Ctx, which: Which) -> Result<(), Failure> {
    let store = store_for_token(ctx)?;
    let picked = ctx.pick(which, store.as_ref())?;
    let client = ctx.client(&ctx.server(store.as_ref())?)?;
    let out = if picked.which == Which::User {
        let me = accounts::verify_credentials(&client, &picked.token)?;
        if ctx.global.json {
            views::json(&me)
        } else {
            views::line(&format!("@{}", printable(&me.acct, 200)))
        }
    } else {
        let app = apps::verify_credentials(&client, &picked.token)?;
        if ctx.global.json {
            views::json(&app)
        } else {
            views::line(&printable(&app.name, 100))
        }
    };
    emitted(out)
}

/// For cron: one line (`ok`, or the reason on stderr), and the exit status. Bounded by the
/// timeout in all, both requests included.
fn check(ctx: &Ctx) -> Result<(), Failure> {
    let started = Instant::now();
    let store = store_for_token(ctx)?;
    let server = ctx.server(store.as_ref())?;
    let picked = match ctx.pick(Which::Default, store.as_ref()) {
        Ok(p) => p,
        Err(Failure::Msg(REJECTED, reason)) => {
            return check_failed(ctx, REJECTED, None, &reason);
        }
        Err(f) => return Err(f),
    };
    let limit = ctx.global.timeout;
    let client = Client::builder(&server)
        .timeout(limit)
        .total_timeout(limit)
        .build()?;
    let result = match apps::verify_credentials(&client, &picked.token) {
        Ok(_) => Ok(()),
        // GoToSocial has no app endpoint: ask for the account instead, in the time left.
        Err(e) if e.status() == Some(404) => {
            let left = limit.saturating_sub(started.elapsed());
            let fallback = Client::builder(&server)
                .agent(client.agent().clone())
                .timeout(left)
                .total_timeout(left)
                .build()?;
            match accounts::verify_credentials(&fallback, &picked.token) {
                Ok(_) => Ok(()),
                // 422 "requires an authenticated user": the token is valid, and is an app token.
                Err(e) if e.status() == Some(422) => Ok(()),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            let out = if ctx.global.json {
                views::json(&views::CheckReport {
                    status: "ok".into(),
                    http_status: Some(200),
                    error: None,
                })
            } else {
                views::line("ok")
            };
            emitted(out)
        }
        Err(e) => {
            let code = exit_code(&e);
            if code == LOCAL {
                return Err(e.into());
            }
            check_failed(ctx, code, e.status(), &format!("{}: {e}", picked.label))
        }
    }
}

fn check_failed(
    ctx: &Ctx,
    code: u8,
    http_status: Option<u16>,
    reason: &str,
) -> Result<(), Failure> {
    let status = if code == REJECTED {
        "rejected"
    } else {
        "unavailable"
    };
    let reason = one_line(reason);
    if ctx.global.json {
        views::json(&views::CheckReport {
            status: status.into(),
            http_status,
            error: Some(reason.clone()),
        });
    }
    eprintln!("mastolite: {status}: {reason}");
    Err(Failure::Quiet(code))
}

fn revoke(ctx: &Ctx, which: Which) -> Result<(), Failure> {
    let (path, mut store) = ctx.load()?;
    let app = stored_app(&store)?;
    let which = match which {
        Which::Default if store.user_token.is_some() => Which::User,
        Which::Default => Which::App,
        w => w,
    };
    let (stored, kind) = if which == Which::User {
        (&store.user_token, "user")
    } else {
        (&store.app_token, "app")
    };
    let Some(stored) = stored else {
        return Err(Failure::Msg(
            LOCAL,
            format!("the credentials file holds no {kind} token to revoke"),
        ));
    };
    let acct = stored.acct.clone();
    let client = ctx.client(&ctx.server(Some(&store))?)?;
    oauth::revoke(&client, &app.credentials(), &stored.access_token)?;
    if which == Which::User {
        store.user_token = None;
    } else {
        store.app_token = None;
    }
    store.save(&path)?;
    let out = if ctx.global.json {
        views::json(&views::Revoked {
            revoked: kind.into(),
            acct,
        })
    } else {
        views::line(&match acct {
            Some(a) => format!("revoked the user token of @{}", printable(&a, 100)),
            None => format!("revoked the {kind} token"),
        })
    };
    emitted(out)
}

/// The client and optional token for public reads. A stored token goes only to the server it
/// was issued by: with `--server` naming another one, the read is anonymous.
fn public_read(ctx: &Ctx) -> Result<(Client, Option<AccessToken>), Failure> {
    let store = ctx.load_optional()?.map(|(_, s)| s);
    let client = ctx.client(&ctx.server(store.as_ref())?)?;
    let token = if let Some(t) = ctx.env_token() {
        Some(t)
    } else {
        match store.as_ref() {
            Some(s)
                if s.server == client.origin()
                    && (s.user_token.is_some() || s.app_token.is_some()) =>
            {
                Some(ctx.pick(Which::Default, Some(s))?.token)
            }
            _ => None,
        }
    };
    Ok((client, token))
}

fn accounts_list(ctx: &Ctx, list: &List, followers: bool) -> Result<(), Failure> {
    // Checked before any request: a bad handle never reaches the server.
    let who = AccountRef::parse(&list.account).map_err(|e| Failure::Msg(LOCAL, e.to_string()))?;
    let (client, token) = public_read(ctx)?;
    let id = accounts::resolve(&client, token.as_ref(), &who)?;
    let mut range = mastolite::Range::new();
    if let Some(n) = list.limit {
        range = range.limit(n);
    }
    let mut collected = Vec::new();
    let mut print = |a: mastolite::Account| -> Result<(), Failure> {
        if ctx.global.json {
            collected.push(a);
            Ok(())
        } else {
            emitted(views::line(&format!("@{}", printable(&a.acct, 200))))
        }
    };
    if list.all || list.max_items.is_some() {
        let pages = if followers {
            accounts::followers_pages(&client, token.as_ref(), &id, &range)?
        } else {
            accounts::following_pages(&client, token.as_ref(), &id, &range)?
        };
        for item in pages.items().take(list.max_items.unwrap_or(usize::MAX)) {
            print(item?)?;
        }
    } else {
        let page = if followers {
            accounts::followers(&client, token.as_ref(), &id, &range)?
        } else {
            accounts::following(&client, token.as_ref(), &id, &range)?
        };
        for a in page.items {
            print(a)?;
        }
    }
    if ctx.global.json {
        emitted(views::json(&collected))?;
    }
    Ok(())
}

fn metadata(ctx: &Ctx) -> Result<(), Failure> {
    let store = ctx.load_optional()?.map(|(_, s)| s);
    let client = ctx.client(&ctx.server(store.as_ref())?)?;
    let m = oauth::server_metadata(&client)?;
    if ctx.global.json {
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
            lines.push(format!("{name}: {}", printable(v, 300)));
        }
    }
    if let Some(v) = &m.scopes_supported {
        lines.push(format!(
            "scopes_supported: {}",
            printable(&v.to_string(), 2000)
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
            lines.push(format!("{name}: {}", printable(&v.join(" "), 2000)));
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
        AccountRef::Handle(h) => accounts::lookup(&client, token.as_ref(), h.acct())?,
        AccountRef::Id(id) => accounts::get(&client, token.as_ref(), id)?,
    };
    if ctx.global.json {
        return emitted(views::json(&a));
    }
    emitted(views::line(&format!(
        "@{} ({}) id {}: {} followers, {} following, {} posts",
        printable(&a.acct, 200),
        printable(&a.display_name, 100),
        printable(a.id.as_str(), 100),
        a.followers_count,
        a.following_count,
        a.statuses_count
    )))
}

fn server_instance(ctx: &Ctx) -> Result<(), Failure> {
    let (client, token) = public_read(ctx)?;
    let i = instance::get(&client, token.as_ref())?;
    if ctx.global.json {
        return emitted(views::json(&views::InstanceView::from(&i)));
    }
    emitted(views::line(&format!(
        "{} ({}) {}",
        printable(i.title().unwrap_or("untitled"), 100),
        printable(i.domain().unwrap_or(client.origin()), 200),
        printable(i.version().unwrap_or("unknown version"), 100)
    )))
}
