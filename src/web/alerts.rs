//! The alert routes: `POST /alerts` (subscribe, answered with "check your inbox" whatever the
//! address), `GET /alerts/confirm?token=…` (double opt-in), `GET` and `POST
//! /alerts/unsubscribe?token=…` (a page with a button, and RFC 8058's one-click POST), and the
//! small forms the search and measure pages show. The work on the database runs on blocking
//! threads; mails go out on their own, so no answer waits for, or tells anything by, the SMTP
//! server.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::AppState;
use super::alert_forms::unavailable_text;
use super::error::{AppError, PageError};
use super::views::{Frame, layout};
use crate::alerts::mail::{self, Outbox};
use crate::alerts::store::{Confirmation, Frequency, Request as Ask, Store};
use crate::alerts::{AlertsConfig, AlertsError, send};
use crate::search::SearchQuery;
use crate::search::params;
use crate::search::snapshot::Lookup;
use crate::text::lang::Lang;

/// Subscriptions one client (one IP address) may ask for per `CLIENT_WINDOW`.
pub const CLIENT_LIMIT: u32 = 10;
pub const CLIENT_WINDOW: Duration = Duration::from_secs(3600);
/// Confirmation mails one address gets per day, however many ask for it: the form cannot be
/// used to flood an inbox. Beyond it the answer is the same, and no mail goes.
pub const ADDRESS_LIMIT: usize = 3;
/// Days before a closing date a reminder may be asked for.
pub const MAX_REMIND_DAYS: u32 = 90;
/// The longest search a subscription may keep (a search's own limits are lower).
const MAX_SEARCH_BYTES: usize = 2048;

/// The alerts' part of the server's state.
pub struct AlertsWeb {
    config: AlertsConfig,
    outbox: Option<Arc<dyn Outbox>>,
    /// Per client: the start of its window and the requests in it.
    clients: Mutex<Clients>,
}

/// At most this many clients are counted at once (about 400 KB); past it the oldest window
/// goes, so a flood of addresses cannot grow the map, only forget its oldest counts early.
const MAX_CLIENTS: usize = 10_000;

/// The per-client windows. An IPv6 client is its /64, what one host or home is given: one
/// host has 2^64 addresses to rotate through.
#[derive(Debug, Default)]
struct Clients {
    windows: HashMap<IpAddr, (Instant, u32)>,
    /// When windows that have ended were last dropped.
    pruned: Option<Instant>,
}

impl Clients {
    /// Counts a request of `client` at `now`; false once it is over the limit.
    fn admit(&mut self, client: IpAddr, now: Instant) -> bool {
        let key = client_key(client);
        let stale = self
            .pruned
            .is_none_or(|at| now.duration_since(at) >= CLIENT_WINDOW);
        if stale || self.windows.len() >= MAX_CLIENTS {
            self.windows
                .retain(|_, (start, _)| now.duration_since(*start) < CLIENT_WINDOW);
            self.pruned = Some(now);
        }
        if self.windows.len() >= MAX_CLIENTS && !self.windows.contains_key(&key) {
            let oldest = self
                .windows
                .iter()
                .min_by_key(|(_, (start, _))| *start)
                .map(|(k, _)| *k);
            if let Some(oldest) = oldest {
                self.windows.remove(&oldest);
            }
        }
        let slot = self.windows.entry(key).or_insert((now, 0));
        if now.duration_since(slot.0) >= CLIENT_WINDOW {
            *slot = (now, 0);
        }
        slot.1 = slot.1.saturating_add(1);
        slot.1 <= CLIENT_LIMIT
    }
}

/// The key a client is counted under: an IPv4 address (also one mapped into IPv6) as it is,
/// an IPv6 address by its /64.
fn client_key(client: IpAddr) -> IpAddr {
    match client.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(std::net::Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

impl AlertsWeb {
    pub fn new(config: AlertsConfig) -> Result<Self, AlertsError> {
        let outbox: Option<Arc<dyn Outbox>> = match &config.mail {
            Some(m) => Some(Arc::new(mail::Smtp::new(m)?)),
            None => None,
        };
        Ok(AlertsWeb {
            config,
            outbox,
            clients: Mutex::new(Clients::default()),
        })
    }

    /// Counts a request of `client`; false once it is over the limit.
    fn admit(&self, client: IpAddr) -> bool {
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .admit(client, Instant::now())
    }
}

impl std::fmt::Debug for AlertsWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertsWeb")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl From<AlertsError> for AppError {
    fn from(e: AlertsError) -> Self {
        AppError::Internal(e.to_string())
    }
}

fn not_configured(lang: Lang) -> (StatusCode, Markup) {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        lang,
        lang.pick("Obveščanje ni na voljo", "Alerts are not available"),
        html! { p { (unavailable_text(lang)) } },
    )
}

/// `POST /alerts`.
pub async fn subscribe(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let client = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let body = match axum::body::to_bytes(body, super::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return bad(
                Lang::Sl,
                "Obrazec je prevelik. / The form is too large.".into(),
            );
        }
    };
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let search = field("search");
    let search = search.trim_start_matches('?');
    let lang = params::lang_of(Some(search));
    let Some(alerts) = state.alerts.clone().filter(|a| a.outbox.is_some()) else {
        return not_configured(lang).into_response();
    };
    if !same_origin(&parts.headers, &state.config.base_url) {
        return page(
            StatusCode::FORBIDDEN,
            lang,
            lang.pick("Zavrnjeno", "Refused"),
            html! { p { (lang.pick("Obrazec za obveščanje sprejema le pošiljanje s te strani.", "The alert form only accepts posts from this site.")) } },
        )
        .into_response();
    }
    if !alerts.admit(client) {
        let (status, markup) = page(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            lang.pick("Preveč zahtev", "Too many requests"),
            html! { p { (lang.pick("S tega naslova je bilo v zadnji uri preveč prijav. Poskusite znova čez eno uro.", "Too many subscriptions were asked for from this address in the last hour. Try again in an hour.")) } },
        );
        return (
            status,
            [(header::RETRY_AFTER, CLIENT_WINDOW.as_secs().to_string())],
            markup,
        )
            .into_response();
    }
    let today = state.today();
    let ask = match validate(
        &state,
        today,
        &field("email"),
        search,
        &field("frequency"),
        &field("remind_days"),
        lang,
    ) {
        Ok(a) => a,
        Err(invalid) => return bad(lang, invalid.message(lang)),
    };
    let base_url = state.config.base_url.clone();
    let snapshot = state.snapshots.get();
    let what = send::describe(&snapshot, &ask.search, lang);
    let data = alerts.config.data.clone();
    let outbox = alerts.outbox.clone();
    let done = tokio::task::spawn_blocking(move || -> Result<(), AlertsError> {
        let now = crate::alerts::now();
        let mut store = Store::open(&data)?;
        if store.note_attempt(&ask.email, now)? > ADDRESS_LIMIT {
            tracing::info!(
                "a confirmation mail was not sent: the address's daily limit is reached"
            );
            return Ok(());
        }
        let tokens = store.subscribe(&ask, now)?;
        let mail = mail::confirmation(
            ask.lang,
            &ask.email,
            &what,
            &send::absolute(
                &base_url,
                &format!("/alerts/confirm?token={}", tokens.confirm),
                ask.lang,
            ),
            &send::unsubscribe_url(&base_url, &tokens.unsubscribe, ask.lang),
            // Random, and not from a token: Message-IDs are logged by every relay.
            format!(
                "<confirm.{}@{}>",
                &crate::alerts::store::new_token()?.0[..24],
                send::host(&base_url)
            ),
        );
        // Sent apart from the answer, which is then the same, and as quick, whether or not a
        // mail goes and whatever the SMTP server does; on Tokio's pool of blocking threads,
        // which is bounded, unlike threads of our own.
        if let Some(outbox) = outbox {
            tokio::runtime::Handle::current().spawn_blocking(move || {
                // The outbox's errors carry no address (`mail::redact`).
                if let Err(e) = outbox.send(&mail) {
                    tracing::warn!(error = %e, "a confirmation mail was not sent");
                }
            });
        }
        Ok(())
    })
    .await;
    match done {
        Ok(Ok(())) => check_inbox(lang).into_response(),
        Ok(Err(e)) => PageError(e.into()).into_response(),
        Err(e) => PageError(AppError::Internal(format!("subscribe task: {e}"))).into_response(),
    }
}

/// A request target fit for the access log: the tokens of alert links are left out, as the
/// database keeps only their hashes.
pub fn without_token(target: &str) -> std::borrow::Cow<'_, str> {
    match target.split_once('?') {
        Some((path, query)) if path.starts_with("/alerts/") && query.contains("token=") => {
            format!("{path}?token=…").into()
        }
        _ => target.into(),
    }
}

/// What is wrong with the form's fields; each says so in the page's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum Invalid {
    #[error("not an address")]
    Address,
    #[error("the search is too long")]
    SearchTooLong,
    #[error("remind_days out of range")]
    RemindDays,
    #[error("no frequency")]
    Frequency,
    #[error("no such measure")]
    NoSuchMeasure,
    #[error("the measure has no closing date")]
    NoDeadline,
    #[error("the measure's closing date has passed")]
    DeadlinePassed,
    #[error("a reminder without remind_days")]
    ReminderWithoutDays,
    #[error("remind_days without one measure")]
    DaysWithoutMeasure,
    /// The search's own message (in English, the API's).
    #[error("{0}")]
    Search(String),
}

impl Invalid {
    fn message(&self, lang: Lang) -> String {
        match self {
            Invalid::Address => lang
                .pick(
                    "Vpišite veljaven e-poštni naslov, na primer ime@podjetje.si.",
                    "Enter a valid e-mail address, such as name@company.si.",
                )
                .into(),
            Invalid::SearchTooLong => lang
                .pick("Iskanje je predolgo.", "The search is too long.")
                .into(),
            Invalid::RemindDays => match lang {
                Lang::Sl => format!("Opomnik je lahko od 1 do {MAX_REMIND_DAYS} dni pred rokom."),
                Lang::En => {
                    format!("A reminder can be 1 to {MAX_REMIND_DAYS} days before the deadline.")
                }
            },
            Invalid::Frequency => lang
                .pick(
                    "Izberite, kako pogosto: daily ali weekly.",
                    "Choose how often: daily or weekly.",
                )
                .into(),
            Invalid::NoSuchMeasure => lang
                .pick(
                    "Tega ukrepa ni v priročniku.",
                    "There is no such measure in the handbook.",
                )
                .into(),
            Invalid::NoDeadline => lang
                .pick(
                    "Ta ukrep nima roka, pred katerim bi vas opomnili.",
                    "This measure has no closing date to remind you of.",
                )
                .into(),
            Invalid::DeadlinePassed => lang
                .pick(
                    "Rok za ta ukrep je že potekel: ni česa opomniti.",
                    "The deadline of this measure has passed already: there is nothing to remind you of.",
                )
                .into(),
            Invalid::ReminderWithoutDays => lang
                .pick(
                    "Za opomnik izberite, koliko dni pred rokom (remind_days).",
                    "For a reminder, choose how many days before the deadline (remind_days).",
                )
                .into(),
            Invalid::DaysWithoutMeasure => lang
                .pick(
                    "Opomnik je mogoč le za en ukrep (search=id=…).",
                    "A reminder is for one measure (search=id=…).",
                )
                .into(),
            // The search's own messages are in English (the API's); a Slovenian page says
            // what it is about first.
            Invalid::Search(why) => match lang {
                Lang::Sl => format!("Iskanje, na katero se prijavljate, ni veljavno: {why}"),
                Lang::En => why.clone(),
            },
        }
    }
}

/// The form's fields as a subscription, or what is wrong with them.
fn validate(
    state: &AppState,
    today: chrono::NaiveDate,
    email: &str,
    search: &str,
    frequency: &str,
    remind_days: &str,
    lang: Lang,
) -> Result<Ask, Invalid> {
    let email = mail::parse_address(email).ok_or(Invalid::Address)?;
    if search.len() > MAX_SEARCH_BYTES {
        return Err(Invalid::SearchTooLong);
    }
    let remind_days = match remind_days {
        "" => None,
        n => match n.parse::<u32>() {
            Ok(n) if (1..=MAX_REMIND_DAYS).contains(&n) => Some(n),
            _ => return Err(Invalid::RemindDays),
        },
    };
    let frequency = match (Frequency::from_key(frequency), remind_days) {
        (Some(f), _) => f,
        // A reminder comes once per closing date; its frequency does not matter.
        (None, Some(_)) if frequency.is_empty() => Frequency::Daily,
        _ => return Err(Invalid::Frequency),
    };
    let id_of = search
        .split('&')
        .find_map(|pair| pair.strip_prefix("id="))
        .filter(|_| search.starts_with("id="));
    let search = match (id_of, remind_days) {
        (Some(id), Some(_)) => {
            let snapshot = state.snapshots.get();
            let entry = match snapshot.lookup(id) {
                Lookup::Found(e) => e.clone(),
                Lookup::Moved(current) => match snapshot.lookup(current) {
                    Lookup::Found(e) => e.clone(),
                    _ => return Err(Invalid::NoSuchMeasure),
                },
                Lookup::Missing => return Err(Invalid::NoSuchMeasure),
            };
            match entry.open_until {
                None => return Err(Invalid::NoDeadline),
                _ if entry.closed => return Err(Invalid::NoDeadline),
                Some(until) if until < today => return Err(Invalid::DeadlinePassed),
                Some(_) => {}
            }
            format!("id={}", entry.id)
        }
        (Some(_), None) => return Err(Invalid::ReminderWithoutDays),
        (None, Some(_)) => return Err(Invalid::DaysWithoutMeasure),
        (None, None) => {
            let query = params::parse_search(Some(search)).map_err(|e| Invalid::Search(e.0))?;
            params::to_query_string(
                &SearchQuery {
                    lang: Lang::Sl,
                    ..query
                },
                1,
            )
        }
    };
    Ok(Ask {
        email,
        search,
        frequency,
        lang,
        remind_days,
    })
}

/// A post from a page of this site: its `Origin` (or, without one, its `Referer`) is the
/// site's public address or the address the request was sent to. A browser always sends
/// `Origin` with a cross-site post, so a form on another site cannot subscribe anyone; a
/// client that sends neither (curl, a script) is not a browser carrying someone's cookies and
/// may post.
fn same_origin(headers: &HeaderMap, base_url: &str) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .map(|v| v.to_str().unwrap_or("null").to_string());
    let Some(claimed) = claimed else {
        return headers
            .get("sec-fetch-site")
            .is_none_or(|v| v.as_bytes() != b"cross-site");
    };
    let Ok(claimed) = url::Url::parse(&claimed) else {
        return false;
    };
    let claimed = claimed.origin();
    let ours = url::Url::parse(base_url).map(|u| u.origin()).ok();
    if ours.as_ref() == Some(&claimed) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    host.is_some_and(|host| {
        ["http", "https"].iter().any(|scheme| {
            url::Url::parse(&format!("{scheme}://{host}")).is_ok_and(|u| u.origin() == claimed)
        })
    })
}

/// The token of a link: 64 hex digits.
fn token_of(raw: Option<&str>) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.to_ascii_lowercase())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn bad_token(lang: Lang) -> Response {
    bad(
        lang,
        lang.pick(
            "Povezava je nepopolna: manjka ji žeton. Odprite jo iz sporočila v celoti.",
            "The link is incomplete: its token is missing. Open it from the mail in full.",
        )
        .into(),
    )
}

/// `GET /alerts/confirm?token=…`: the double opt-in.
pub async fn confirm(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let lang = params::lang_of(raw.as_deref());
    let Some(token) = token_of(raw.as_deref()) else {
        return bad_token(lang);
    };
    let Some(alerts) = state.alerts.clone() else {
        return not_configured(lang).into_response();
    };
    let snapshot = state.snapshots.get();
    let today = state.today();
    let data = alerts.config.data.clone();
    let done = tokio::task::spawn_blocking(
        move || -> Result<Option<(Lang, String, bool, bool)>, AlertsError> {
            let now = crate::alerts::now();
            let mut store = Store::open(&data)?;
            let (sub, already) = match store.confirmation(&token, now)? {
                Confirmation::Pending(sub) => {
                    // What matches now is the baseline: the first digest lists what is new
                    // after this.
                    let seen =
                        send::matching(&snapshot, &sub.search, sub.remind_days.is_some(), today)?;
                    if store.confirm(sub.id, &seen, now)? && sub.remind_days.is_none() {
                        // The key fields now: the first digest names what changes after this.
                        store.set_fingerprints(
                            sub.id,
                            &send::fingerprints(&snapshot, &seen, today),
                        )?;
                    }
                    (sub, false)
                }
                // A second GET (a mail scanner opened the link first, a double click): the
                // person is subscribed, and is told so.
                Confirmation::Already(sub) => (sub, true),
                Confirmation::Unknown => return Ok(None),
            };
            let what = send::describe(&snapshot, &sub.search, sub.lang);
            Ok(Some((sub.lang, what, sub.remind_days.is_some(), already)))
        },
    )
    .await;
    match done {
        Ok(Ok(Some((lang, what, reminder, already)))) => page(
            StatusCode::OK,
            lang,
            if already {
                lang.pick("Obveščanje je že potrjeno", "Alerts already confirmed")
            } else {
                lang.pick("Obveščanje je potrjeno", "Alerts confirmed")
            },
            html! {
                p { @if already { (lang.pick("Ta prijava je že potrjena. ", "This subscription is already confirmed. ")) }
                    @else { (lang.pick("Hvala, potrjeno. ", "Thank you, confirmed. ")) }
                    @if reminder { (lang.pick("Opomnik pred rokom dobite za: ", "You will get a reminder before the deadline of: ")) }
                    @else { (lang.pick("Ko se temu iskanju ujame nov ukrep, dobite sporočilo: ", "When a new measure matches this search, you get a mail: ")) }
                    strong { (what) } }
                p { (lang.pick("Vsako sporočilo ima povezavo za odjavo z enim klikom.", "Every mail has a link to stop the alerts with one click.")) }
            },
        )
        .into_response(),
        Ok(Ok(None)) => page(
            StatusCode::NOT_FOUND,
            lang,
            lang.pick("Povezava ne velja", "The link is not valid"),
            html! { p { (lang.pick("Ta povezava za potrditev ni znana ali je potekla (velja dva dni). Prijavite se znova.", "This confirmation link is unknown or has expired (it works for two days). Subscribe again.")) } },
        )
        .into_response(),
        Ok(Err(e)) => PageError(e.into()).into_response(),
        Err(e) => PageError(AppError::Internal(format!("confirm task: {e}"))).into_response(),
    }
}

/// `GET /alerts/unsubscribe?token=…`: a page with a button (a GET must not change anything:
/// link checkers and mail scanners open links).
pub async fn unsubscribe_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let lang = params::lang_of(raw.as_deref());
    let Some(token) = token_of(raw.as_deref()) else {
        return bad_token(lang);
    };
    let Some(alerts) = state.alerts.clone() else {
        return not_configured(lang).into_response();
    };
    let snapshot = state.snapshots.get();
    let data = alerts.config.data.clone();
    let lookup_token = token.clone();
    let found = tokio::task::spawn_blocking(move || -> Result<_, AlertsError> {
        let store = Store::open(&data)?;
        Ok(store
            .by_unsubscribe_token(&lookup_token)?
            .map(|s| (s.lang, send::describe(&snapshot, &s.search, s.lang))))
    })
    .await;
    match found {
        Ok(Ok(Some((lang, what)))) => page(
            StatusCode::OK,
            lang,
            lang.pick("Odjava od obvestil", "Stop the alerts"),
            html! {
                p { (lang.pick("Odjava od obvestil za: ", "Stop the alerts for: ")) strong { (what) } }
                form method="post" action=(super::views::href(&format!("/alerts/unsubscribe?token={token}"), lang)) {
                    input type="hidden" name="List-Unsubscribe" value="One-Click";
                    button type="submit" { (lang.pick("Odjavi me", "Unsubscribe")) }
                }
            },
        )
        .into_response(),
        Ok(Ok(None)) => page(
            StatusCode::NOT_FOUND,
            lang,
            lang.pick("Ni prijave", "No subscription"),
            html! { p { (lang.pick("Ta povezava ne pripada nobeni prijavi: odjava je morda že opravljena.", "This link belongs to no subscription: it may have been cancelled already.")) } },
        )
        .into_response(),
        Ok(Err(e)) => PageError(e.into()).into_response(),
        Err(e) => PageError(AppError::Internal(format!("unsubscribe task: {e}"))).into_response(),
    }
}

/// `POST /alerts/unsubscribe?token=…` with `List-Unsubscribe=One-Click` (RFC 8058): from the
/// page's button or straight from a mail program. No origin check: a mail provider posts
/// from its own servers, and the token is the authority. Answers 200 also when the
/// subscription is gone already, so a second click is not an error.
pub async fn unsubscribe(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let lang = params::lang_of(raw.as_deref());
    let Some(token) = token_of(raw.as_deref()) else {
        return bad_token(lang);
    };
    if !is_one_click(&body) {
        return bad(
            lang,
            lang.pick(
                "Odjava z enim klikom pošlje List-Unsubscribe=One-Click (RFC 8058).",
                "The body must be List-Unsubscribe=One-Click (RFC 8058).",
            )
            .into(),
        );
    }
    let Some(alerts) = state.alerts.clone() else {
        return not_configured(lang).into_response();
    };
    let data = alerts.config.data.clone();
    let done = tokio::task::spawn_blocking(move || -> Result<bool, AlertsError> {
        Store::open(&data)?.unsubscribe(&token)
    })
    .await;
    match done {
        Ok(Ok(_)) => page(
            StatusCode::OK,
            lang,
            lang.pick("Odjavljeni ste", "Unsubscribed"),
            html! { p { (lang.pick("Odjavljeni ste: teh obvestil ne boste več dobivali. Vaš naslov smo pri tej prijavi izbrisali.", "You are unsubscribed: these alerts will not come again. Your address is deleted with the subscription.")) } },
        )
        .into_response(),
        Ok(Err(e)) => PageError(e.into()).into_response(),
        Err(e) => PageError(AppError::Internal(format!("unsubscribe task: {e}"))).into_response(),
    }
}

/// Is this the body RFC 8058 asks for, `List-Unsubscribe=One-Click`? Mail providers send it
/// as a URL-encoded form or as multipart/form-data, with the field named `List-Unsubscribe`.
fn is_one_click(body: &[u8]) -> bool {
    if form_urlencoded::parse(body).any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click") {
        return true;
    }
    let text = String::from_utf8_lossy(body);
    text.contains("name=\"List-Unsubscribe\"") && text.contains("One-Click")
}

/// The same page for every well-formed request, known address or not.
fn check_inbox(lang: Lang) -> (StatusCode, Markup) {
    page(
        StatusCode::OK,
        lang,
        lang.pick("Preverite e-pošto", "Check your inbox"),
        html! {
            p { (lang.pick("Poslali smo vam sporočilo s povezavo za potrditev. Obvestila začnejo prihajati, ko jo odprete; povezava velja dva dni.", "We sent you a mail with a link to confirm. Alerts start once you open it; the link works for two days.")) }
            p { (lang.pick("Če sporočila ni, poglejte med neželeno pošto.", "If it does not arrive, look in your spam folder.")) }
        },
    )
}

fn bad(lang: Lang, message: String) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        lang,
        lang.pick("Napaka v obrazcu", "A mistake in the form"),
        html! { p { (message) } },
    )
    .into_response()
}

fn page(status: StatusCode, lang: Lang, title: &str, body: Markup) -> (StatusCode, Markup) {
    (
        status,
        layout(
            &Frame {
                title,
                lang,
                quick_search: true,
                live: false,
                here: "/".into(),
                feed: None,
            },
            html! {
                h1 { (title) }
                (body)
                p { a href=(super::views::href("/", lang)) { (lang.pick("← Na iskanje", "← Back to search")) } }
            },
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_addresses_of_one_ipv6_slash_64_share_one_limit() {
        let mut clients = Clients::default();
        let now = Instant::now();
        for n in 0..CLIENT_LIMIT {
            let ip: IpAddr = format!("2001:db8:1:2::{:x}", n + 1).parse().unwrap();
            assert!(clients.admit(ip, now));
        }
        assert!(!clients.admit("2001:db8:1:2:ffff::1".parse().unwrap(), now));
        assert!(clients.admit("2001:db8:1:3::1".parse().unwrap(), now));
        assert_eq!(clients.windows.len(), 2);
    }

    #[test]
    fn the_client_windows_never_grow_past_their_cap_and_ended_ones_are_dropped() {
        let mut clients = Clients::default();
        let start = Instant::now();
        for n in 0..(MAX_CLIENTS as u32 + 500) {
            let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
            clients.admit(ip, start);
        }
        assert_eq!(clients.windows.len(), MAX_CLIENTS);
        let later = start + CLIENT_WINDOW;
        clients.admit(IpAddr::V4(Ipv4Addr::LOCALHOST), later);
        assert_eq!(clients.windows.len(), 1, "the ended windows are dropped");
    }

    #[test]
    fn the_access_log_never_sees_a_token() {
        assert_eq!(
            without_token("/alerts/confirm?token=abcdef&lang=en"),
            "/alerts/confirm?token=…"
        );
        assert_eq!(without_token("/?q=token%3Dx"), "/?q=token%3Dx");
    }

    #[test]
    fn one_click_bodies_come_url_encoded_or_as_multipart() {
        assert!(is_one_click(b"List-Unsubscribe=One-Click"));
        assert!(is_one_click(
            b"--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n"
        ));
        assert!(!is_one_click(b""));
        assert!(!is_one_click(b"List-Unsubscribe=Yes"));
    }

    #[test]
    fn a_post_from_another_site_is_not_same_origin() {
        let base = "https://prirocnik.example";
        assert!(same_origin(&headers(&[("origin", base)]), base));
        assert!(same_origin(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            base
        ));
        assert!(!same_origin(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "prirocnik.example")
            ]),
            base
        ));
        assert!(!same_origin(&headers(&[("origin", "null")]), base));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            base
        ));
        assert!(same_origin(&headers(&[]), base));
    }
}
