//! The mails: what each says, in plain text and HTML (pure functions of their content), and
//! the SMTP transport that sends them. Every mail carries the RFC 8058 headers for one-click
//! unsubscribe, `List-Unsubscribe: <URL>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`,
//! and a Message-ID of our own making, so that a digest sent again after a crash is the same
//! message to the recipient's mail program.

use std::str::FromStr;
use std::time::Duration;

use lettre::message::header::{
    ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue,
};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, Message, SmtpTransport, Transport};
use maud::{DOCTYPE, Markup, html};

use super::AlertsError;
use crate::text::lang::Lang;

/// How long one exchange with the SMTP server may take before the round gives up on it.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Longest address accepted (RFC 5321's limit on a path, less the brackets).
const MAX_ADDRESS: usize = 254;

/// Where and how mail is sent, resolved once from flags and the environment.
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://HOST:PORT` (plain, or `?tls=required` for STARTTLS) or `smtps://HOST:PORT`.
    pub smtp_url: String,
    pub from: Mailbox,
    /// From `HANDBOOK_SMTP_USERNAME` and `HANDBOOK_SMTP_PASSWORD`, never from a flag: a flag
    /// shows in `ps` and in shell history.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &self.smtp_url)
            .field("from", &self.from.to_string())
            .field("credentials", &self.credentials.as_ref().map(|_| "(set)"))
            .finish()
    }
}

impl MailConfig {
    /// The configuration of `--smtp-url`, `--mail-from` and the credentials; `None` without
    /// an SMTP URL (alerts are off).
    pub fn resolve(
        smtp_url: Option<&str>,
        from: Option<&str>,
        credentials: Option<(String, String)>,
    ) -> Result<Option<MailConfig>, AlertsError> {
        let Some(smtp_url) = smtp_url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let url = url::Url::parse(smtp_url).map_err(|e| {
            AlertsError::Config(format!(
                "--smtp-url {smtp_url:?} is not a URL ({e}); write smtp://HOST:PORT or smtps://HOST:PORT"
            ))
        })?;
        if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none() {
            return Err(AlertsError::Config(format!(
                "--smtp-url {smtp_url:?}: write smtp://HOST:PORT or smtps://HOST:PORT"
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(AlertsError::Config(
                "--smtp-url must not hold a user name or password (they would show in the process list); set HANDBOOK_SMTP_USERNAME and HANDBOOK_SMTP_PASSWORD instead".into(),
            ));
        }
        let from = from.map(str::trim).filter(|f| !f.is_empty()).ok_or_else(|| {
            AlertsError::Config(
                "--smtp-url needs --mail-from ADDR (or HANDBOOK_MAIL_FROM): the address mails come from".into(),
            )
        })?;
        let from = Mailbox::from_str(from).map_err(|e| {
            AlertsError::Config(format!("--mail-from {from:?} is not an address ({e})"))
        })?;
        Ok(Some(MailConfig {
            smtp_url: smtp_url.to_string(),
            from,
            credentials,
        }))
    }
}

/// A well-formed address for the form, or `None`: one `@`, a domain with a dot, no spaces,
/// at most 254 bytes. Whether it exists only the confirmation mail can tell.
pub fn parse_address(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_ADDRESS || raw.chars().any(char::is_whitespace) {
        return None;
    }
    let address = Address::from_str(raw).ok()?;
    let domain = address.domain();
    if !domain.contains('.') || domain.starts_with('[') || domain.ends_with('.') {
        return None;
    }
    Some(raw.to_string())
}

/// One composed mail, ready for the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `<...@host>`, stable for a digest, so a resend is recognised as the same message.
    pub message_id: String,
    /// The absolute one-click unsubscribe URL.
    pub unsubscribe: String,
}

/// Why a mail did not go.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The server refused it for good (a 5xx: no such mailbox, say): sending again is useless.
    #[error("refused: {0}")]
    Permanent(String),
    /// The server was unreachable, slow or busy: the mail is owed and is tried again.
    #[error("not sent: {0}")]
    Transient(String),
}

/// Something that sends mails: SMTP in the server and the command, a recorder in unit tests.
pub trait Outbox: Send + Sync {
    fn send(&self, mail: &Mail) -> Result<(), SendError>;
}

/// The SMTP transport, one connection per mail (rounds are small and far apart).
pub struct Smtp {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Smtp {
    pub fn new(config: &MailConfig) -> Result<Smtp, AlertsError> {
        let mut builder = SmtpTransport::from_url(&config.smtp_url)
            .map_err(|e| AlertsError::Config(format!("--smtp-url: {e}")))?
            .timeout(Some(SMTP_TIMEOUT));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Smtp {
            transport: builder.build(),
            from: config.from.clone(),
        })
    }
}

impl Outbox for Smtp {
    /// The errors it gives say why without the recipient's address, which SMTP servers like
    /// to repeat ("550 5.1.1 <ana@example.si>: no such user"): they go to the log.
    fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let message = message(&self.from, mail).map_err(|e| SendError::Permanent(redact(&e)))?;
        self.transport.send(&message).map(|_| ()).map_err(|e| {
            let why = redact(&e.to_string());
            if e.is_permanent() {
                SendError::Permanent(why)
            } else {
                SendError::Transient(why)
            }
        })
    }
}

/// `text` with every word that holds an `@` (an address, bracketed or not) replaced by
/// `[address]`: the SMTP server's code and reason stay, for the operator, and no address
/// reaches the log.
pub fn redact(text: &str) -> String {
    let is_edge = |c: char| c.is_whitespace() || "<>()[]\"',;".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') {
            out.push_str("[address]");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if is_edge(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The MIME message of a mail: multipart/alternative with the plain text first (the part a
/// mail program shows when it cannot show HTML), both quoted-printable.
pub fn message(from: &Mailbox, mail: &Mail) -> Result<Message, String> {
    let to = Mailbox::from_str(&mail.to).map_err(|e| format!("bad recipient: {e}"))?;
    let part = |content_type: ContentType, body: &str| {
        SinglePart::builder()
            .header(content_type)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(body.to_string())
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()))
        .header(ListUnsubscribe(mail.unsubscribe.clone()))
        .header(ListUnsubscribePost)
        .header(AutoSubmitted)
        .multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, &mail.text))
                .singlepart(part(ContentType::TEXT_HTML, &mail.html)),
        )
        .map_err(|e| e.to_string())
}

/// `List-Unsubscribe: <URL>` (RFC 2369), the address that one click posts to (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .into(),
        ))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the link may be posted to
/// without a page in between.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): out-of-office replies are not sent back.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// One measure in a digest or a reminder, as the mail shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub title: String,
    pub municipality: String,
    pub status: String,
    /// "Rok: 30. 6. 2024" or "Brez roka", in the mail's language.
    pub deadline: String,
    /// Absolute.
    pub url: String,
}

/// The first mail: confirm, or ignore it and nothing more comes.
pub fn confirmation(
    lang: Lang,
    to: &str,
    what: &str,
    confirm: &str,
    unsubscribe: &str,
    message_id: String,
) -> Mail {
    let subject = lang
        .pick(
            "Potrdite obveščanje o novih ukrepih",
            "Confirm your alerts of new measures",
        )
        .to_string();
    let intro = lang.pick(
        "Nekdo (upamo, da vi) je na Priročniku ukrepov za podjetništvo v mestnih središčih prosil za obvestila na ta naslov:",
        "Someone (we hope you) asked the Handbook of measures for entrepreneurship in town centres for alerts at this address:",
    );
    let act = lang.pick(
        "Za potrditev odprite to povezavo:",
        "To confirm, open this link:",
    );
    let ignore = lang.pick(
        "Če niste prosili vi, to sporočilo prezrite: brez potrditve vam ne pošljemo ničesar več in zahtevo čez dva dni izbrišemo.",
        "If it was not you, ignore this mail: without a confirmation nothing more is sent, and the request is deleted in two days.",
    );
    let text = format!("{intro}\n\n  {what}\n\n{act}\n{confirm}\n\n{ignore}\n");
    let html = page(
        lang,
        &subject,
        html! {
            p { (intro) }
            p { strong { (what) } }
            p { a href=(confirm) { (lang.pick("Potrdi obveščanje", "Confirm the alerts")) } }
            p { (ignore) }
        },
        unsubscribe,
    );
    Mail {
        to: to.to_string(),
        subject,
        text: text + &footer_text(lang, unsubscribe),
        html,
        message_id,
        unsubscribe: unsubscribe.to_string(),
    }
}

/// A digest: the measures that newly match a search, and those matching it that changed
/// since the last digest, each with what changed ("rok prijave: 15. 3. 2026 → 30. 4. 2026").
#[allow(clippy::too_many_arguments)]
pub fn digest(
    lang: Lang,
    to: &str,
    what: &str,
    search_url: &str,
    items: &[Item],
    changed: &[(Item, String)],
    unsubscribe: &str,
    message_id: String,
) -> Mail {
    let subject = match (lang, items.len(), changed.len()) {
        (Lang::Sl, 1, 0) => format!("Nov ukrep: {}", items[0].title),
        (Lang::Sl, 0, 1) => format!("Spremenjen ukrep: {}", changed[0].0.title),
        (Lang::Sl, 0, n) => format!("Spremenjeni ukrepi ({n}): {what}"),
        (Lang::Sl, n, 0) => format!("Novi ukrepi ({n}): {what}"),
        (Lang::Sl, n, c) => format!("Novi ukrepi ({n}) in spremembe ({c}): {what}"),
        (Lang::En, 1, 0) => format!("New measure: {}", items[0].title),
        (Lang::En, 0, 1) => format!("Changed measure: {}", changed[0].0.title),
        (Lang::En, 0, n) => format!("Changed measures ({n}): {what}"),
        (Lang::En, n, 0) => format!("New measures ({n}): {what}"),
        (Lang::En, n, c) => format!("New measures ({n}) and changes ({c}): {what}"),
    };
    let intro = if items.is_empty() {
        lang.pick(
            "Od zadnjega obvestila so se spremenili ukrepi vašega iskanja:",
            "Since the last alert, measures of your search have changed:",
        )
    } else {
        lang.pick(
            "Od zadnjega obvestila se vašemu iskanju na novo ujemajo ti ukrepi:",
            "Since the last alert, these measures newly match your search:",
        )
    };
    let changed_heading = lang.pick("Spremenjeni ukrepi:", "Changed measures:");
    let mut text = format!("{intro}\n{what}\n\n");
    for item in items {
        text.push_str(&item_text(item));
    }
    if !changed.is_empty() {
        if !items.is_empty() {
            text.push_str(&format!("{changed_heading}\n\n"));
        }
        for (item, change) in changed {
            text.push_str(&item_text(item).replacen("\n\n", &format!("\n  {change}\n\n"), 1));
        }
    }
    text.push_str(&format!(
        "{} {search_url}\n",
        lang.pick("Vsi zadetki iskanja:", "Every result of the search:")
    ));
    let html = page(
        lang,
        &subject,
        html! {
            p { (intro) " " strong { (what) } }
            @if !items.is_empty() { ul { @for item in items { (item_html(item)) } } }
            @if !changed.is_empty() {
                @if !items.is_empty() { p { (changed_heading) } }
                ul { @for (item, change) in changed {
                    li {
                        a href=(item.url) { strong { (item.title) } }
                        br;
                        (item.municipality) " · " (item.status) " · " (item.deadline)
                        br;
                        em { (change) }
                    }
                } }
            }
            p { a href=(search_url) { (lang.pick("Vsi zadetki iskanja", "Every result of the search")) } }
        },
        unsubscribe,
    );
    Mail {
        to: to.to_string(),
        subject,
        text: text + &footer_text(lang, unsubscribe),
        html,
        message_id,
        unsubscribe: unsubscribe.to_string(),
    }
}

/// A reminder: a measure closes in `days` days.
pub fn reminder(
    lang: Lang,
    to: &str,
    item: &Item,
    days: i64,
    unsubscribe: &str,
    message_id: String,
) -> Mail {
    let subject = match lang {
        Lang::Sl => format!("Opomnik: {} se zaključi čez {days} dni", item.title),
        Lang::En => format!("Reminder: {} closes in {days} days", item.title),
    };
    let intro = lang.pick(
        "Prosili ste za opomnik pred zaključkom tega razpisa:",
        "You asked for a reminder before this call closes:",
    );
    let text = format!("{intro}\n\n{}", item_text(item));
    let html = page(
        lang,
        &subject,
        html! {
            p { (intro) }
            ul { (item_html(item)) }
        },
        unsubscribe,
    );
    Mail {
        to: to.to_string(),
        subject,
        text: text + &footer_text(lang, unsubscribe),
        html,
        message_id,
        unsubscribe: unsubscribe.to_string(),
    }
}

fn item_text(item: &Item) -> String {
    format!(
        "* {}\n  {} · {} · {}\n  {}\n\n",
        item.title, item.municipality, item.status, item.deadline, item.url
    )
}

fn item_html(item: &Item) -> Markup {
    html! {
        li {
            a href=(item.url) { strong { (item.title) } }
            br;
            (item.municipality) " · " (item.status) " · " (item.deadline)
        }
    }
}

fn footer_text(lang: Lang, unsubscribe: &str) -> String {
    format!(
        "-- \n{}\n{unsubscribe}\n",
        lang.pick(
            "Odjava od teh obvestil (en klik):",
            "Stop these alerts (one click):"
        )
    )
}

/// The HTML part: a small document with inline styles only (mail programs drop style sheets).
fn page(lang: Lang, title: &str, body: Markup, unsubscribe: &str) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang.key()) {
            head { meta charset="utf-8"; title { (title) } }
            body style="font-family: sans-serif; line-height: 1.4; max-width: 40em" {
                (body)
                hr;
                p style="font-size: smaller" {
                    a href=(unsubscribe) { (lang.pick("Odjava od teh obvestil", "Stop these alerts")) }
                }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_needs_one_at_and_a_domain_with_a_dot() {
        assert_eq!(
            parse_address(" ana@example.si "),
            Some("ana@example.si".into())
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.si",
            "ana@localhost",
            "ana @example.si",
            "ana@example.si\r\nBcc: x@y.z",
            "a@b@example.si",
        ] {
            assert_eq!(parse_address(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_address(&format!("{}@example.si", "a".repeat(250))),
            None
        );
    }

    #[test]
    fn addresses_in_an_smtp_servers_answer_are_redacted_and_its_code_kept() {
        assert_eq!(
            redact("permanent error (550): 5.1.1 <Ana.Novak@example.si>: Recipient rejected"),
            "permanent error (550): 5.1.1 <[address]>: Recipient rejected"
        );
        assert_eq!(
            redact("user ana@example.si unknown"),
            "user [address] unknown"
        );
        assert_eq!(redact("connection refused"), "connection refused");
    }

    #[test]
    fn credentials_in_the_smtp_url_are_refused() {
        let err = MailConfig::resolve(
            Some("smtps://user:secret@mail.example.si"),
            Some("a@example.si"),
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("HANDBOOK_SMTP_PASSWORD"), "{err}");
    }

    #[test]
    fn an_smtp_url_without_a_sender_is_refused_and_none_is_off() {
        assert!(MailConfig::resolve(Some("smtp://127.0.0.1:25"), None, None).is_err());
        assert!(MailConfig::resolve(None, None, None).unwrap().is_none());
        assert!(MailConfig::resolve(Some("http://x.si"), Some("a@x.si"), None).is_err());
    }

    #[test]
    fn an_smtp_server_that_cannot_be_reached_over_tls_is_a_transient_failure() {
        // A port nothing listens on: the mail is owed, not lost, and TLS set up without a panic.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        for url in [
            format!("smtps://127.0.0.1:{port}"),
            format!("smtp://127.0.0.1:{port}?tls=required"),
        ] {
            let config = MailConfig::resolve(Some(&url), Some("a@example.si"), None)
                .unwrap()
                .unwrap();
            let mail = confirmation(
                Lang::Sl,
                "b@example.si",
                "x",
                "https://h.si/c",
                "https://h.si/u",
                "<x@h.si>".into(),
            );
            let sent = Smtp::new(&config).unwrap().send(&mail);
            assert!(
                matches!(sent, Err(SendError::Transient(_))),
                "{url}: {sent:?}"
            );
        }
    }

    #[test]
    fn every_mail_carries_both_unsubscribe_headers() {
        let mail = confirmation(
            Lang::En,
            "ana@example.si",
            "rent",
            "https://h.example/alerts/confirm?token=abc",
            "https://h.example/alerts/unsubscribe?token=def",
            "<c.1@h.example>".into(),
        );
        let from = Mailbox::from_str("Handbook <alerts@h.example>").unwrap();
        let raw = String::from_utf8(message(&from, &mail).unwrap().formatted()).unwrap();
        assert!(
            raw.contains("List-Unsubscribe: <https://h.example/alerts/unsubscribe?token=def>"),
            "{raw}"
        );
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains("Message-ID: <c.1@h.example>"));
        assert!(raw.contains("multipart/alternative"));
    }
}
