//! E-mail alerts from outside, as a person and an operator meet them: the real server and the
//! real `handbook alerts` command on a SQLite file in a temporary data folder, and a real SMTP
//! server on 127.0.0.1 written for these tests (`Sink`: enough SMTP for lettre, recording
//! every message it accepts, and able to hold its answer to a message so a sender can be
//! killed in the middle of a round). Every wait is bounded; servers, children and sinks end
//! with their test.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::server::Server;
use crate::common::{TempHandbook, fixture_entry, today};
use handbook::alerts::mail::{Mail, Outbox, SendError};
use handbook::alerts::send::{self, Round, RoundLock};
use handbook::alerts::store::{Confirmation, Frequency, Request, Store};
use handbook::text::Lang;

const READY: Duration = Duration::from_secs(60);
const MAIL_WAIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------- the SMTP server of the tests

/// A message the sink accepted (answered 250).
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    raw: String,
}

impl Received {
    /// A header's value, unfolded.
    fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\r\n\r\n").next().unwrap_or("");
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    /// The whole message with quoted-printable undone in its body, to read the parts' text.
    /// The message's own head stays as sent: headers are not quoted-printable, and a link's
    /// `token=3d…` there would otherwise be read as an escaped `=`, so that for one mail in 256
    /// the token read lost its first two characters and took two of what follows it.
    fn text(&self) -> String {
        match self.raw.split_once("\r\n\r\n") {
            Some((head, body)) => format!("{head}\r\n\r\n{}", quoted_printable_decode(body)),
            None => self.raw.clone(),
        }
    }

    /// The token of the first `…/PATH?token=` link in the message, headers included.
    fn token(&self, path: &str) -> String {
        let text = self.text();
        let at = text
            .find(&format!("{path}?token="))
            .unwrap_or_else(|| panic!("no {path} link in:\n{text}"));
        let start = at + path.len() + "?token=".len();
        text[start..start + 64].to_string()
    }
}

fn quoted_printable_decode(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn a_link_in_a_header_is_read_as_sent_even_when_its_token_looks_like_an_escape() {
    let token = format!("3d{}", "a".repeat(62));
    let mail = Received {
        to: vec!["ana@example.si".into()],
        raw: format!(
            "List-Unsubscribe: <http://h/alerts/unsubscribe?token={token}&lang=en>\r\n\
             Content-Transfer-Encoding: quoted-printable\r\n\r\n\
             Odjava: http://h/alerts/unsubscribe?token=3D{token}&lang=3Den =C5=BEe\r\n"
        ),
    };
    assert_eq!(mail.token("/alerts/unsubscribe"), token);
    let text = mail.text();
    assert!(text.contains(&format!("?token={token}&lang=en>")), "{text}");
    assert!(
        text.contains(&format!(
            "Odjava: http://h/alerts/unsubscribe?token={token}&lang=en že"
        )),
        "{text}"
    );
}

#[derive(Default)]
struct SinkState {
    received: Mutex<Vec<Received>>,
    /// Messages whose data came in (accepted or held).
    data_seen: AtomicUsize,
    /// Hold the answer to the message with this number of `data_seen` (1-based), never
    /// accepting it; 0 holds none.
    hold_at: AtomicUsize,
    /// Set when a message is held.
    holding: AtomicBool,
    stopped: AtomicBool,
}

struct Sink {
    addr: SocketAddr,
    state: Arc<SinkState>,
}

impl Sink {
    fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(SinkState::default());
        let shared = state.clone();
        std::thread::spawn(move || {
            while !shared.stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let shared = shared.clone();
                        std::thread::spawn(move || {
                            let _ = session(stream, &shared);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Sink { addr, state }
    }

    fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    fn to(&self, address: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    /// Waits until `address` has `n` messages, and returns them.
    fn wait_for(&self, address: &str, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + MAIL_WAIT;
        loop {
            let got = self.to(address);
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{address} got {} messages, not {n}, within {MAIL_WAIT:?}",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.state.stopped.store(true, Ordering::SeqCst);
        self.state.holding.store(false, Ordering::SeqCst);
    }
}

/// One SMTP conversation: 220, EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT.
fn session(stream: TcpStream, state: &SinkState) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    out.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") {
            out.write_all(b"250-sink.test\r\n250 OK\r\n")?;
        } else if command.starts_with("HELO") || command.starts_with("NOOP") {
            out.write_all(b"250 OK\r\n")?;
        } else if command.starts_with("MAIL FROM") {
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if command.starts_with("RCPT TO") {
            let address = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string();
            if address.starts_with("rejected") {
                // As real servers answer: with the address in the reason.
                out.write_all(
                    format!("550 5.1.1 <{address}>: Recipient address rejected\r\n").as_bytes(),
                )?;
                continue;
            }
            to.push(address);
            out.write_all(b"250 OK\r\n")?;
        } else if command == "DATA" {
            out.write_all(b"354 go ahead\r\n")?;
            let mut raw = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                raw.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let n = state.data_seen.fetch_add(1, Ordering::SeqCst) + 1;
            if state.hold_at.load(Ordering::SeqCst) == n {
                // The message came, the answer never does: it is not delivered, as far as SMTP
                // goes. Held until the test lets go, then the connection just closes.
                state.holding.store(true, Ordering::SeqCst);
                while state.holding.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return Ok(());
            }
            state.received.lock().unwrap().push(Received {
                to: std::mem::take(&mut to),
                raw,
            });
            out.write_all(b"250 queued\r\n")?;
        } else if command.starts_with("RSET") {
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if command.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"502 not here\r\n")?;
        }
    }
}

// ---------------------------------------------------------------- the server and the command

struct Site {
    handbook: TempHandbook,
    /// Kept for the life of the server, which writes its index there.
    _index: tempfile::TempDir,
    data: tempfile::TempDir,
    server: Server,
}

impl Site {
    /// The fixture handbook served with alerts through `sink` (or none).
    fn start(sink: Option<&Sink>, extra: &[&str]) -> Site {
        Site::start_with(sink, extra, |_| {})
    }

    /// `start`, with `setup` done to the handbook first.
    fn start_with(sink: Option<&Sink>, extra: &[&str], setup: impl FnOnce(&TempHandbook)) -> Site {
        let handbook = TempHandbook::fixture();
        setup(&handbook);
        let index = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = vec![
            "--no-watch".into(),
            "--data".into(),
            data.path().display().to_string(),
        ];
        if let Some(sink) = sink {
            args.extend([
                "--smtp-url".into(),
                sink.url(),
                "--mail-from".into(),
                "Priročnik <alerts@prirocnik.example>".into(),
            ]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let server = Server::start(handbook.root(), index.path(), &args, READY);
        Site {
            handbook,
            _index: index,
            data,
            server,
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// A request with `Connection: close`: status, headers (lower-case names) and body.
    fn request(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut stream = TcpStream::connect(self.server.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut request = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.server.addr,
            body.len()
        );
        if method == "POST" {
            request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        }
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_string(),
        }
    }

    /// Fails unless the OpenAPI document of the server documents `status` for the operation.
    fn assert_documented(&self, method: &str, path: &str, status: u16) {
        let doc = self.request("GET", "/api/openapi.json", &[], "");
        let doc: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
        let responses = &doc["paths"][path][method]["responses"];
        assert!(
            responses.get(status.to_string()).is_some(),
            "{method} {path} answered {status}, which /api/openapi.json does not document: {responses}"
        );
    }

    /// `POST /alerts` from a page of the site.
    fn subscribe(&self, form: &str) -> Reply {
        let origin = self.base();
        self.request("POST", "/alerts", &[("Origin", &origin)], form)
    }

    /// Subscribes, confirms by the link of the confirmation mail, and returns that mail.
    fn subscribe_and_confirm(&self, sink: &Sink, email: &str, form: &str) -> Received {
        let before = sink.to(email).len();
        let reply = self.subscribe(&format!("email={email}&{form}"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let confirmation = sink.wait_for(email, before + 1).pop().unwrap();
        let token = confirmation.token("/alerts/confirm");
        let confirmed = self.request("GET", &format!("/alerts/confirm?token={token}"), &[], "");
        assert_eq!(confirmed.status, 200, "{}", confirmed.body);
        confirmation
    }

    /// `handbook alerts ARGS` on this site's data folder.
    fn alerts(&self, args: &[&str]) -> Output {
        alerts_command(self.data.path(), args)
            .output()
            .expect("run handbook alerts")
    }

    /// `handbook alerts send --now` through `sink`, to the links of this site.
    fn send_now(&self, sink: &Sink) -> Output {
        let out = self.send_command(sink, true).output().unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn send_command(&self, sink: &Sink, now: bool) -> Command {
        let mut command = alerts_command(self.data.path(), &["send"]);
        command
            .arg("--handbook")
            .arg(self.handbook.root())
            .args(["--smtp-url", &sink.url()])
            .args(["--mail-from", "alerts@prirocnik.example"])
            .args(["--base-url", &self.base()]);
        if now {
            command.arg("--now");
        }
        command
    }

    fn add_measure(&self, id: &str, title: &str) {
        self.handbook.write(
            &format!("measures/kranj/{id}.toml"),
            &fixture_entry(&format!(
                "title = \"{title}\"\nsummary = \"Občina krije del najemnine.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"subvencija-najemnine\"]\nsources = [\"obcinski-proracun\"]\nupdated = 2024-06-01\nopen_until = 2099-12-31\n"
            )),
        );
    }
}

/// `handbook alerts SUBCOMMAND --data DIR`, with no mail settings from the environment.
fn alerts_command(data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_handbook"));
    command
        .arg("alerts")
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("HANDBOOK_SMTP_URL")
        .env_remove("HANDBOOK_MAIL_FROM")
        .env("RUST_LOG", "warn");
    command
}

/// A child process killed and reaped when the test ends, however it ends.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Reply {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Gives a mail that should not come the time to come.
fn settle() {
    std::thread::sleep(Duration::from_millis(500));
}

// ---------------------------------------------------------------- the tests

#[test]
fn a_subscriber_confirms_gets_one_digest_of_a_new_measure_and_nothing_after_one_click_unsubscribe()
{
    let sink = Sink::start();
    let site = Site::start(Some(&sink), &[]);
    let ana = "ana@example.si";

    // Subscribe: a page that says to check the inbox, and one mail, the confirmation.
    let reply = site.subscribe(&format!("email={ana}&search=q%3Dnajemnine&frequency=daily"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("Preverite e-pošto"), "{}", reply.body);
    let confirmation = sink.wait_for(ana, 1).pop().unwrap();
    assert!(confirmation.header("List-Unsubscribe").is_some());
    let confirm_token = confirmation.token("/alerts/confirm");

    // Nothing but the confirmation goes to an address that has not confirmed, though for it
    // everything would be new.
    site.send_now(&sink);
    settle();
    assert_eq!(
        sink.to(ana).len(),
        1,
        "a digest went before the confirmation"
    );

    let confirmed = site.request(
        "GET",
        &format!("/alerts/confirm?token={confirm_token}"),
        &[],
        "",
    );
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains("potrjeno"), "{}", confirmed.body);
    site.assert_documented("post", "/alerts", reply.status);
    site.assert_documented("get", "/alerts/confirm", confirmed.status);
    // A link used twice (a mail scanner opened it first) says the subscription stands; one
    // cut short is a page that says so.
    let again = site.request(
        "GET",
        &format!("/alerts/confirm?token={confirm_token}"),
        &[],
        "",
    );
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(again.body.contains("že potrjena"), "{}", again.body);
    site.assert_documented("get", "/alerts/confirm", again.status);
    let short = site.request("GET", "/alerts/confirm?token=abc", &[], "");
    assert_eq!(short.status, 400);
    site.assert_documented("get", "/alerts/confirm", short.status);

    // What matched at the confirmation is the baseline; a measure saved after it is news.
    site.add_measure(
        "kranj-najemnine-2100",
        "Najemnine za trgovine v starem Kranju 2100",
    );
    let out = site.send_now(&sink);
    let mails = sink.wait_for(ana, 2);
    settle();
    assert_eq!(sink.to(ana).len(), 2, "{}", stdout(&out));
    let digest = &mails[1];
    let base = site.base();
    let unsubscribe = digest.header("List-Unsubscribe").expect("List-Unsubscribe");
    assert!(
        unsubscribe.starts_with(&format!("<{base}/alerts/unsubscribe?token="))
            && unsubscribe.ends_with('>'),
        "{unsubscribe}"
    );
    assert_eq!(
        digest.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let text = digest.text();
    assert!(text.contains("Content-Type: text/plain"), "{text}");
    assert!(text.contains("Content-Type: text/html"), "{text}");
    assert!(
        text.contains("Najemnine za trgovine v starem Kranju 2100"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{base}/measures/kranj-najemnine-2100")),
        "{text}"
    );
    assert!(text.contains("Rok: 31. 12. 2099"), "{text}");
    assert!(text.contains("Kranj"), "{text}");
    // What matched at the confirmation is not news.
    assert!(!text.contains("/measures/kranj-najemnine\r\n"), "{text}");
    assert!(digest.header("Subject").unwrap().starts_with("Nov ukrep"));

    // Nothing new: no mail.
    site.send_now(&sink);
    settle();
    assert_eq!(sink.to(ana).len(), 2);

    // One click, as a mail program does it: no Origin, the body of RFC 8058.
    let link = unsubscribe.trim_start_matches('<').trim_end_matches('>');
    let target = link.strip_prefix(&base).unwrap();
    let page = site.request("GET", target, &[], "");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("method=\"post\""), "{}", page.body);
    site.assert_documented("get", "/alerts/unsubscribe", page.status);
    let not_one_click = site.request("POST", target, &[], "unsubscribe=yes");
    assert_eq!(not_one_click.status, 400);
    let gone = site.request("POST", target, &[], "List-Unsubscribe=One-Click");
    assert_eq!(gone.status, 200, "{}", gone.body);
    site.assert_documented("post", "/alerts/unsubscribe", gone.status);
    assert_eq!(site.request("GET", target, &[], "").status, 404);

    site.add_measure("kranj-najemnine-2101", "Najemnine v Kranju 2101");
    site.send_now(&sink);
    settle();
    assert_eq!(sink.to(ana).len(), 2, "a mail went after unsubscribing");
    assert!(stdout(&site.alerts(&["list"])).contains("0 subscriptions"));
}

#[test]
fn a_malformed_address_is_a_400_page_and_no_mail() {
    let sink = Sink::start();
    let site = Site::start(Some(&sink), &[]);
    for email in [
        "ana",
        "ana%40",
        "ana%40localhost",
        "ana%40example.si%0D%0ABcc%3A+x%40y.si",
    ] {
        let reply = site.subscribe(&format!("email={email}&search=&frequency=weekly"));
        assert_eq!(reply.status, 400, "{email}: {}", reply.body);
        assert!(reply.headers["content-type"].starts_with("text/html"));
    }
    let reply = site.subscribe("email=ana%40example.si&search=&frequency=hourly");
    assert_eq!(reply.status, 400);
    site.assert_documented("post", "/alerts", reply.status);
    settle();
    assert!(sink.received().is_empty());
}

#[test]
fn a_post_from_another_site_is_refused_with_403() {
    let sink = Sink::start();
    let site = Site::start(Some(&sink), &[]);
    let form = "email=ana%40example.si&search=&frequency=weekly";
    let reply = site.request(
        "POST",
        "/alerts",
        &[("Origin", "https://evil.example")],
        form,
    );
    assert_eq!(reply.status, 403, "{}", reply.body);
    let reply = site.request("POST", "/alerts", &[("Sec-Fetch-Site", "cross-site")], form);
    assert_eq!(reply.status, 403, "{}", reply.body);
    site.assert_documented("post", "/alerts", reply.status);
    settle();
    assert!(sink.received().is_empty());
}

#[test]
fn the_answer_is_the_same_for_a_known_and_an_unknown_address() {
    let sink = Sink::start();
    let site = Site::start(Some(&sink), &[]);
    site.subscribe_and_confirm(&sink, "known@example.si", "search=&frequency=weekly");
    let known = site.subscribe("email=known%40example.si&search=&frequency=weekly");
    let unknown = site.subscribe("email=unknown%40example.si&search=&frequency=weekly");
    assert_eq!(known.status, 200);
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
}

#[test]
fn an_address_gets_at_most_three_confirmation_mails_a_day_and_a_client_ten_subscriptions_an_hour() {
    let sink = Sink::start();
    let site = Site::start(Some(&sink), &[]);
    for i in 0..5 {
        let reply = site.subscribe(&format!(
            "email=flood%40example.si&search=q%3D{i}&frequency=daily"
        ));
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    sink.wait_for("flood@example.si", 3);
    settle();
    assert_eq!(sink.to("flood@example.si").len(), 3);
    // Five so far from this client; five more are allowed, the eleventh is not.
    for i in 0..5 {
        let reply = site.subscribe(&format!(
            "email=other{i}%40example.si&search=&frequency=daily"
        ));
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let reply = site.subscribe("email=eleventh%40example.si&search=&frequency=daily");
    assert_eq!(reply.status, 429, "{}", reply.body);
    assert!(reply.headers.contains_key("retry-after"));
    site.assert_documented("post", "/alerts", reply.status);
}

#[test]
fn without_an_smtp_server_the_forms_say_alerts_are_not_configured_and_search_serves() {
    let site = Site::start(None, &[]);
    let page = site.request("GET", "/?q=najemnine", &[], "");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ni nastavljeno"), "{}", page.body);
    assert!(!page.body.contains("action=\"/alerts\""));
    let measure = site.request("GET", "/measures/kranj-najemnine?lang=en", &[], "");
    assert!(measure.body.contains("not configured"), "{}", measure.body);
    let origin = site.base();
    let reply = site.request(
        "POST",
        "/alerts",
        &[("Origin", &origin)],
        "email=ana%40example.si&search=&frequency=daily",
    );
    assert_eq!(reply.status, 503, "{}", reply.body);
    site.assert_documented("post", "/alerts", reply.status);
    let search = site.request("GET", "/api/search?q=najemnine", &[], "");
    assert_eq!(search.status, 200);
}

#[test]
fn a_reminder_comes_from_the_servers_own_schedule_once_in_english() {
    let sink = Sink::start();
    let closes = chrono::Local::now().date_naive() + chrono::Duration::days(3);
    let site = Site::start_with(
        Some(&sink),
        &["--alerts-every", "1", "--alerts-sender"],
        |hb| {
            hb.write(
            "measures/kranj/kranj-vavcer-soon.toml",
            &fixture_entry(&format!(
                "title = \"Vavčer za izložbe\"\ntitle_en = \"Shop window voucher\"\nsummary = \"Za izložbe.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"vavcer\"]\nsources = [\"obcinski-proracun\"]\nupdated = 2024-06-01\nopen_until = {closes}\n"
            )),
        );
        },
    );
    let form = "search=id%3Dkranj-vavcer-soon%26lang%3Den&frequency=daily&remind_days=7";
    site.subscribe_and_confirm(&sink, "rok@example.si", form);
    let mails = sink.wait_for("rok@example.si", 2);
    let text = mails[1].text();
    assert!(
        text.contains("Shop window voucher closes in 3 days"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}/measures/kranj-vavcer-soon?lang=en",
            site.base()
        )),
        "{text}"
    );
    assert!(mails[1].header("List-Unsubscribe-Post").is_some());
    // Rounds keep coming each second; the reminder does not.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(sink.to("rok@example.si").len(), 2);
}

#[test]
fn a_round_killed_while_the_smtp_server_holds_a_digest_sends_each_digest_once_on_the_next_round() {
    let sink = Sink::start();
    let site = Site::start(Some(&sink), &[]);
    let people = ["a@example.si", "b@example.si", "c@example.si"];
    for p in people {
        site.subscribe_and_confirm(&sink, p, "search=q%3Dnajemnine&frequency=weekly");
    }
    site.add_measure("kranj-najemnine-2102", "Najemnine v Kranju 2102");
    // The round's second digest is held: the sender waits for the SMTP server's answer.
    let before = sink.state.data_seen.load(Ordering::SeqCst);
    sink.state.hold_at.store(before + 2, Ordering::SeqCst);
    let mut child = Killed(site.send_command(&sink, true).spawn().unwrap());
    let deadline = Instant::now() + MAIL_WAIT;
    while !sink.state.holding.load(Ordering::SeqCst) {
        assert!(
            Instant::now() < deadline,
            "the round never reached its second digest"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    sink.state.hold_at.store(0, Ordering::SeqCst);
    sink.state.holding.store(false, Ordering::SeqCst);
    let digests = |p: &str| sink.to(p).len() - 1;
    assert_eq!(
        people.map(digests).iter().sum::<usize>(),
        1,
        "one digest went before the kill"
    );

    let out = site.send_now(&sink);
    // The held digest is owed and sent again; the third is claimed and sent for the first time.
    assert!(
        stdout(&out).contains("sent 2 (of them 1 left over"),
        "{}",
        stdout(&out)
    );
    assert_eq!(people.map(digests), [1, 1, 1], "{}", stdout(&out));
    // And again: nothing is owed, nothing is new.
    site.send_now(&sink);
    settle();
    assert_eq!(people.map(digests), [1, 1, 1]);
    assert!(stdout(&site.alerts(&["list"])).contains("3 sent"));
}

#[test]
fn the_operator_lists_and_deletes_an_address_with_everything_kept_about_it() {
    let sink = Sink::start();
    let site = Site::start(Some(&sink), &[]);
    site.subscribe_and_confirm(
        &sink,
        "Forget.Me@example.si",
        "search=q%3Dfasade&frequency=weekly",
    );
    let list = stdout(&site.alerts(&["list"]));
    assert!(
        list.contains("Forget.Me@example.si\tq=fasade\tweekly\tsl"),
        "{list}"
    );
    let out = site.alerts(&["delete", "forget.me@example.si"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&site.alerts(&["list"])).contains("0 subscriptions"));
    assert_eq!(
        site.alerts(&["delete", "forget.me@example.si"])
            .status
            .code(),
        Some(1)
    );
}

// ---------------------------------------------------------------- rounds without processes

/// Records what would be sent.
#[derive(Default)]
struct Recorder(Mutex<Vec<Mail>>);

impl Outbox for Recorder {
    fn send(&self, mail: &Mail) -> Result<(), SendError> {
        self.0.lock().unwrap().push(mail.clone());
        Ok(())
    }
}

#[test]
fn a_measure_that_comes_to_match_because_its_call_opened_is_in_the_next_digest() {
    let hb = TempHandbook::fixture();
    let catalog = hb.catalog();
    let snapshot = catalog.handle().get();
    let data = tempfile::tempdir().unwrap();
    let mut store = Store::open(data.path()).unwrap();
    let search = "status=open";
    let tokens = store
        .subscribe(
            &Request {
                email: "ana@example.si".into(),
                search: search.into(),
                frequency: Frequency::Daily,
                lang: Lang::Sl,
                remind_days: None,
            },
            1_000,
        )
        .unwrap();
    let sub = store.pending(&tokens.confirm, 1_001).unwrap().unwrap();
    // Before Kranj's rent call opens on 1 June.
    let may = chrono::NaiveDate::from_ymd_opt(2024, 5, 20).unwrap();
    let seen = send::matching(&snapshot, search, false, may).unwrap();
    assert!(!seen.contains("kranj-najemnine"));
    store.confirm(sub.id, &seen, 1_002).unwrap();

    let outbox = Recorder::default();
    let lock = RoundLock::try_take(data.path()).unwrap().unwrap();
    let round = |today, now| Round {
        snapshot: &snapshot,
        today,
        now,
        all_due: false,
        base_url: "https://prirocnik.example",
    };
    // Not due yet: checked at the confirmation, a day has not passed.
    let report = send::run(&lock, &mut store, &outbox, &round(may, 2_000)).unwrap();
    assert_eq!(report.sent, 0);
    let day = 24 * 3600;
    let report = send::run(&lock, &mut store, &outbox, &round(today(), 1_002 + day)).unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    let mails = outbox.0.lock().unwrap().clone();
    assert!(
        mails[0]
            .text
            .contains("https://prirocnik.example/measures/kranj-najemnine"),
        "{}",
        mails[0].text
    );
    assert!(
        mails[0]
            .html
            .contains("https://prirocnik.example/measures/kranj-najemnine")
    );
    assert!(mails[0].text.contains("Odprto"), "{}", mails[0].text);
    // The next day nothing is new.
    let report = send::run(&lock, &mut store, &outbox, &round(today(), 1_002 + 2 * day)).unwrap();
    assert_eq!((report.sent, report.nothing_new), (0, 1));
}

#[test]
fn a_reminder_comes_once_within_its_days_before_the_deadline_and_is_forgotten_a_month_after() {
    let hb = TempHandbook::fixture();
    let catalog = hb.catalog();
    let snapshot = catalog.handle().get();
    let data = tempfile::tempdir().unwrap();
    let mut store = Store::open(data.path()).unwrap();
    let tokens = store
        .subscribe(
            &Request {
                email: "rok@example.si".into(),
                // Kranj's rent call closes on 30 June 2024.
                search: "id=kranj-najemnine".into(),
                frequency: Frequency::Daily,
                lang: Lang::Sl,
                remind_days: Some(7),
            },
            1_000,
        )
        .unwrap();
    let sub = store.pending(&tokens.confirm, 1_001).unwrap().unwrap();
    store.confirm(sub.id, "", 1_002).unwrap();
    let outbox = Recorder::default();
    let lock = RoundLock::try_take(data.path()).unwrap().unwrap();
    let mut round_on = |month, day| {
        let round = Round {
            snapshot: &snapshot,
            today: chrono::NaiveDate::from_ymd_opt(2024, month, day).unwrap(),
            now: 2_000,
            all_due: true,
            base_url: "https://prirocnik.example",
        };
        send::run(&lock, &mut store, &outbox, &round).unwrap().sent
    };
    assert_eq!(round_on(6, 22), 0, "eight days before: not yet");
    assert_eq!(round_on(6, 23), 1, "seven days before");
    assert_eq!(round_on(6, 24), 0, "once per closing date");
    let mails = outbox.0.lock().unwrap().clone();
    assert!(
        mails[0].subject.contains("čez 7 dni"),
        "{}",
        mails[0].subject
    );
    assert_eq!(round_on(8, 15), 0);
    assert!(
        store.list().unwrap().is_empty(),
        "the reminder is kept past its use"
    );
}

/// The forms that post to `/alerts` in a page, each checked to stand outside any other form
/// (forms do not nest: an inner one would be swallowed by the outer).
fn alert_forms(page: &str) -> Vec<String> {
    let mut forms = Vec::new();
    let mut rest = page;
    let mut depth = 0usize;
    while let Some(at) = rest.find("<form") {
        let closes_before = rest[..at].matches("</form>").count();
        depth = depth.saturating_sub(closes_before);
        let end = rest[at..].find("</form>").map_or(rest.len(), |e| at + e);
        let form = &rest[at..end];
        if form.contains("action=\"/alerts\"") {
            assert_eq!(depth, 0, "an alert form inside another form: {form}");
            forms.push(form.to_string());
        }
        depth += 1;
        rest = &rest[at + 5..];
    }
    forms
}

#[test]
fn the_search_and_measure_pages_have_alert_forms_that_keep_the_search() {
    let sink = Sink::start();
    let site = Site::start_with(Some(&sink), &[], |hb| {
        hb.write(
            "measures/kranj/kranj-open-call.toml",
            &fixture_entry("title = \"Odprt razpis\"\nsummary = \"Do konca stoletja.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"vavcer\"]\nsources = [\"obcinski-proracun\"]\nupdated = 2024-06-01\nopen_until = 2099-12-31\n"),
        );
    });
    let search = site.request("GET", "/?q=najemnine&municipality=kranj&lang=en", &[], "");
    let forms = alert_forms(&search.body);
    assert_eq!(forms.len(), 1, "{}", search.body);
    assert!(
        forms[0]
            .contains("name=\"search\" value=\"q=najemnine&amp;municipality=kranj&amp;lang=en\""),
        "{}",
        forms[0]
    );
    assert!(forms[0].contains("name=\"frequency\""));
    // Kranj's rent call closed in 2024: no reminder, but news of measures like it.
    let closed = alert_forms(
        &site
            .request("GET", "/measures/kranj-najemnine", &[], "")
            .body,
    );
    assert_eq!(closed.len(), 1);
    assert!(
        closed[0].contains("municipality=kranj&amp;type=subvencija-najemnine"),
        "{}",
        closed[0]
    );
    let open = alert_forms(
        &site
            .request("GET", "/measures/kranj-open-call", &[], "")
            .body,
    );
    assert_eq!(open.len(), 2);
    assert!(open[0].contains("name=\"remind_days\""), "{}", open[0]);
    assert!(
        open[0].contains("value=\"id=kranj-open-call\""),
        "{}",
        open[0]
    );
}

/// Answers the first `fail` sends with `error`, then accepts, recording what it accepts and
/// the Message-ID of every send it was asked for.
struct Flaky {
    fail: usize,
    permanent: bool,
    asked: Mutex<Vec<String>>,
    accepted: Mutex<Vec<Mail>>,
}

impl Flaky {
    fn new(fail: usize, permanent: bool) -> Flaky {
        Flaky {
            fail,
            permanent,
            asked: Mutex::new(Vec::new()),
            accepted: Mutex::new(Vec::new()),
        }
    }
}

impl Outbox for Flaky {
    fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let mut asked = self.asked.lock().unwrap();
        asked.push(mail.message_id.clone());
        if asked.len() <= self.fail {
            return Err(if self.permanent {
                SendError::Permanent("550 mailbox unavailable".into())
            } else {
                SendError::Transient("connection refused".into())
            });
        }
        self.accepted.lock().unwrap().push(mail.clone());
        Ok(())
    }
}

/// A confirmed subscription to open calls whose baseline is 20 May 2024, before Kranj's rent
/// call opened: on `today()` that call is new to it.
fn subscribed_to_open_calls(store: &mut Store, snapshot: &handbook::search::Snapshot) -> i64 {
    let search = "status=open";
    let tokens = store
        .subscribe(
            &Request {
                email: "ana@example.si".into(),
                search: search.into(),
                frequency: Frequency::Daily,
                lang: Lang::Sl,
                remind_days: None,
            },
            1_000,
        )
        .unwrap();
    let sub = store.pending(&tokens.confirm, 1_001).unwrap().unwrap();
    let may = chrono::NaiveDate::from_ymd_opt(2024, 5, 20).unwrap();
    let seen = send::matching(snapshot, search, false, may).unwrap();
    assert!(!seen.contains("kranj-najemnine"));
    store.confirm(sub.id, &seen, 1_002).unwrap();
    sub.id
}

#[test]
fn a_digest_owed_through_an_smtp_outage_of_many_rounds_is_sent_when_it_ends_under_one_message_id() {
    let hb = TempHandbook::fixture();
    let catalog = hb.catalog();
    let snapshot = catalog.handle().get();
    let data = tempfile::tempdir().unwrap();
    let mut store = Store::open(data.path()).unwrap();
    subscribed_to_open_calls(&mut store, &snapshot);
    // Ten rounds without a server: twice what a refusal for good may take.
    let outbox = Flaky::new(10, false);
    let lock = RoundLock::try_take(data.path()).unwrap().unwrap();
    for n in 0..10 {
        let round = Round {
            snapshot: &snapshot,
            today: today(),
            now: 100_000 + n * 600,
            all_due: true,
            base_url: "https://prirocnik.example",
        };
        let report = send::run(&lock, &mut store, &outbox, &round).unwrap();
        assert_eq!(
            (report.sent, report.failed),
            (0, 0),
            "round {n}: {report:?}"
        );
        assert!(report.stopped.is_some());
    }
    let round = Round {
        snapshot: &snapshot,
        today: today(),
        now: 200_000,
        all_due: true,
        base_url: "https://prirocnik.example",
    };
    let report = send::run(&lock, &mut store, &outbox, &round).unwrap();
    assert_eq!((report.sent, report.resent), (1, 1), "{report:?}");
    let accepted = outbox.accepted.lock().unwrap().clone();
    assert!(accepted[0].text.contains("/measures/kranj-najemnine"));
    let asked = outbox.asked.lock().unwrap().clone();
    assert!(asked.iter().all(|id| id == &asked[0]), "{asked:?}");
}

#[test]
fn a_digest_refused_for_good_in_five_rounds_is_given_up_and_its_measures_come_in_the_next_digest() {
    let hb = TempHandbook::fixture();
    let catalog = hb.catalog();
    let snapshot = catalog.handle().get();
    let data = tempfile::tempdir().unwrap();
    let mut store = Store::open(data.path()).unwrap();
    subscribed_to_open_calls(&mut store, &snapshot);
    let outbox = Flaky::new(send::MAX_ATTEMPTS as usize, true);
    let lock = RoundLock::try_take(data.path()).unwrap().unwrap();
    let mut failed = 0;
    for n in 0..send::MAX_ATTEMPTS {
        let round = Round {
            snapshot: &snapshot,
            today: today(),
            now: 100_000 + n * 600,
            all_due: true,
            base_url: "https://prirocnik.example",
        };
        let report = send::run(&lock, &mut store, &outbox, &round).unwrap();
        assert_eq!(report.sent, 0);
        failed += report.failed;
    }
    assert_eq!(failed, 1, "given up once, after the last refusal");
    let round = Round {
        snapshot: &snapshot,
        today: today(),
        now: 200_000,
        all_due: true,
        base_url: "https://prirocnik.example",
    };
    let report = send::run(&lock, &mut store, &outbox, &round).unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    let accepted = outbox.accepted.lock().unwrap().clone();
    assert!(
        accepted[0].text.contains("/measures/kranj-najemnine"),
        "{}",
        accepted[0].text
    );
}

#[test]
fn a_reminder_outlives_a_round_without_its_measure_and_a_digest_does_not_list_it_again_when_it_returns()
 {
    let hb = TempHandbook::fixture();
    let whole = hb.catalog().handle().get();
    let data = tempfile::tempdir().unwrap();
    let mut store = Store::open(data.path()).unwrap();
    let digest = subscribed_to_open_calls(&mut store, &whole);
    let tokens = store
        .subscribe(
            &Request {
                email: "rok@example.si".into(),
                search: "id=kranj-najemnine".into(),
                frequency: Frequency::Daily,
                lang: Lang::Sl,
                remind_days: Some(7),
            },
            1_000,
        )
        .unwrap();
    let reminder = store.pending(&tokens.confirm, 1_001).unwrap().unwrap();
    store.confirm(reminder.id, "", 1_002).unwrap();
    let outbox = Recorder::default();
    let lock = RoundLock::try_take(data.path()).unwrap().unwrap();
    let round = |snapshot, now| Round {
        snapshot,
        today: today(),
        now,
        all_due: true,
        base_url: "https://prirocnik.example",
    };
    // The digest lists the new call once.
    let report = send::run(&lock, &mut store, &outbox, &round(&whole, 100_000)).unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    // Then its file does not parse for a round.
    let path = hb
        .path("measures")
        .read_dir()
        .unwrap()
        .flatten()
        .flat_map(|d| d.path().read_dir().into_iter().flatten().flatten())
        .map(|f| f.path())
        .find(|p| p.ends_with("kranj-najemnine.toml"))
        .expect("the fixture has kranj-najemnine");
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, "title = \"broken").unwrap();
    let without = hb.catalog().handle().get();
    assert!(matches!(
        without.lookup("kranj-najemnine"),
        handbook::search::snapshot::Lookup::Missing
    ));
    send::run(&lock, &mut store, &outbox, &round(&without, 100_600)).unwrap();
    assert!(
        store.subscription(reminder.id).unwrap().is_some(),
        "a reminder is forgotten after a round without its measure"
    );
    // It comes back: nothing new for the digest.
    std::fs::write(&path, good).unwrap();
    let back = hb.catalog().handle().get();
    let before = outbox.0.lock().unwrap().len();
    send::run(&lock, &mut store, &outbox, &round(&back, 101_200)).unwrap();
    let mails = outbox.0.lock().unwrap().clone();
    assert!(
        mails[before..].iter().all(|m| m.to != "ana@example.si"),
        "the digest listed a returning measure as new: {:?}",
        mails[before..]
            .iter()
            .map(|m| &m.subject)
            .collect::<Vec<_>>()
    );
    assert!(store.subscription(digest).unwrap().is_some());
    // Gone for a week, the reminder is forgotten.
    let week = handbook::alerts::store::KEEP_MISSING_SECS;
    send::run(&lock, &mut store, &outbox, &round(&without, 200_000)).unwrap();
    assert!(store.subscription(reminder.id).unwrap().is_some());
    send::run(&lock, &mut store, &outbox, &round(&without, 200_000 + week)).unwrap();
    assert!(store.subscription(reminder.id).unwrap().is_none());
}

#[test]
fn a_search_with_applies_in_an_amount_and_a_closing_window_is_described_by_each_filter() {
    let hb = TempHandbook::fixture();
    let snapshot = hb.catalog().handle().get();
    let search = "applies_in=kranj&min_amount=1000&closing=30";
    let sl = send::describe(&snapshot, search, Lang::Sl);
    assert!(sl.contains("Kranj"), "{sl}");
    assert!(sl.contains("1.000"), "{sl}");
    assert!(sl.contains("30 dneh"), "{sl}");
    assert!(!sl.contains("ves priročnik"), "{sl}");
    let en = send::describe(&snapshot, search, Lang::En);
    assert!(en.contains("applies in: Kranj"), "{en}");
    assert!(en.contains("1,000"), "{en}");
    assert!(en.contains("within 30 days"), "{en}");
}

#[test]
fn a_second_use_of_a_confirmation_link_finds_the_subscription_confirmed() {
    let data = tempfile::tempdir().unwrap();
    let mut store = Store::open(data.path()).unwrap();
    let tokens = store
        .subscribe(
            &Request {
                email: "ana@example.si".into(),
                search: "q=najemnine".into(),
                frequency: Frequency::Daily,
                lang: Lang::Sl,
                remind_days: None,
            },
            1_000,
        )
        .unwrap();
    let sub = store.pending(&tokens.confirm, 1_001).unwrap().unwrap();
    store.confirm(sub.id, "", 1_002).unwrap();
    assert!(matches!(
        store.confirmation(&tokens.confirm, 1_003).unwrap(),
        Confirmation::Already(s) if s.id == sub.id
    ));
    store
        .expire(1_000 + handbook::alerts::store::CONFIRM_WITHIN_SECS)
        .unwrap();
    assert_eq!(
        store
            .confirmation(
                &tokens.confirm,
                1_000 + handbook::alerts::store::CONFIRM_WITHIN_SECS
            )
            .unwrap(),
        Confirmation::Unknown
    );
    assert_eq!(
        store.confirmed().unwrap().len(),
        1,
        "the subscription stays"
    );
}

#[test]
fn old_unsubscribe_tokens_are_pruned_but_each_subscriptions_newest_is_kept() {
    let data = tempfile::tempdir().unwrap();
    let mut store = Store::open(data.path()).unwrap();
    let tokens = store
        .subscribe(
            &Request {
                email: "ana@example.si".into(),
                search: "q=najemnine".into(),
                frequency: Frequency::Weekly,
                lang: Lang::Sl,
                remind_days: None,
            },
            1_000,
        )
        .unwrap();
    let sub = store.pending(&tokens.confirm, 1_001).unwrap().unwrap();
    store.confirm(sub.id, "", 1_002).unwrap();
    for week in 1..=20 {
        store
            .unsubscribe_token(sub.id, 1_000 + week * 7 * 86_400)
            .unwrap();
    }
    let last = store
        .unsubscribe_token(sub.id, 1_000 + 21 * 7 * 86_400)
        .unwrap();
    let before = store.token_count().unwrap();
    let much_later = 1_000 + 400 * 86_400;
    store.expire(much_later).unwrap();
    assert!(store.token_count().unwrap() < before);
    assert_eq!(store.token_count().unwrap(), 1, "only the newest is left");
    assert!(store.by_unsubscribe_token(&last).unwrap().is_some());
}

#[test]
fn the_server_log_of_a_rejected_recipient_does_not_hold_the_address() {
    let sink = Sink::start();
    let site = Site::start(Some(&sink), &[]);
    let reply =
        site.subscribe("email=rejected.person@example.si&search=q%3Dfasade&frequency=daily");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let log = site.server.log_with("confirmation mail was not sent");
    assert!(log.contains("confirmation mail was not sent"), "{log}");
    assert!(log.contains("550"), "the SMTP code is kept: {log}");
    assert!(!log.contains("rejected.person"), "{log}");
}

#[test]
fn a_second_get_of_a_confirmation_link_says_already_confirmed_and_english_links_stay_english() {
    let sink = Sink::start();
    let site = Site::start(Some(&sink), &[]);
    let mail = site.subscribe_and_confirm(
        &sink,
        "en@example.si",
        "search=q%3Dfasade%26lang%3Den&frequency=daily",
    );
    let token = mail.token("/alerts/confirm");
    let again = site.request("GET", &format!("/alerts/confirm?token={token}"), &[], "");
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(again.body.contains("already confirmed"), "{}", again.body);
    let text = mail.text();
    assert!(
        text.contains(&format!(
            "/alerts/unsubscribe?token={}&lang=en",
            mail.token("/alerts/unsubscribe")
        )),
        "{text}"
    );
    let unsubscribe = mail.token("/alerts/unsubscribe");
    let page = site.request(
        "GET",
        &format!("/alerts/unsubscribe?token={unsubscribe}&lang=en"),
        &[],
        "",
    );
    assert!(
        page.body.contains(&format!(
            "action=\"/alerts/unsubscribe?token={unsubscribe}&amp;lang=en\""
        )),
        "{}",
        page.body
    );
    let done = site.request(
        "POST",
        &format!("/alerts/unsubscribe?token={unsubscribe}&lang=en"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "List-Unsubscribe=One-Click",
    );
    assert_eq!(done.status, 200);
    assert!(done.body.contains("You are unsubscribed"), "{}", done.body);
}

#[test]
fn a_reminder_for_a_call_that_has_closed_already_is_refused_with_a_400_that_says_so() {
    let sink = Sink::start();
    let site = Site::start_with(Some(&sink), &[], |hb| {
        hb.write(
            "measures/kranj/kranj-past.toml",
            &fixture_entry(
                "title = \"Pretekli razpis\"\nsummary = \"Zaprt.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"subvencija-najemnine\"]\nsources = [\"obcinski-proracun\"]\nupdated = 2020-01-01\nopen_until = 2020-02-01\n",
            ),
        );
    });
    let reply = site.subscribe("email=ana@example.si&search=id%3Dkranj-past&remind_days=7");
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("že potekel"), "{}", reply.body);
}

#[test]
fn a_digest_names_a_matching_measure_whose_deadline_moved_with_the_change_in_words() {
    let hb = TempHandbook::fixture();
    let before = hb.catalog().handle().get();
    let data = tempfile::tempdir().unwrap();
    let mut store = Store::open(data.path()).unwrap();
    let mut confirmed = |email: &str, lang: Lang| {
        let tokens = store
            .subscribe(
                &Request {
                    email: email.into(),
                    search: "municipality=kranj".into(),
                    frequency: Frequency::Daily,
                    lang,
                    remind_days: None,
                },
                1_000,
            )
            .unwrap();
        let sub = store.pending(&tokens.confirm, 1_001).unwrap().unwrap();
        // As the confirmation link does.
        let seen = send::matching(&before, &sub.search, false, today()).unwrap();
        assert!(seen.contains("kranj-najemnine"));
        store.confirm(sub.id, &seen, 1_002).unwrap();
        store
            .set_fingerprints(sub.id, &send::fingerprints(&before, &seen, today()))
            .unwrap();
    };
    confirmed("ana@example.si", Lang::Sl);
    confirmed("eve@example.si", Lang::En);
    let outbox = Recorder::default();
    let lock = RoundLock::try_take(data.path()).unwrap().unwrap();
    let round = |snapshot, now| Round {
        snapshot,
        today: today(),
        now,
        all_due: true,
        base_url: "https://prirocnik.example",
    };
    let report = send::run(&lock, &mut store, &outbox, &round(&before, 100_000)).unwrap();
    assert_eq!(
        (report.sent, report.nothing_new),
        (0, 2),
        "nothing changed yet"
    );

    let path = hb.path("measures/kranj/kranj-najemnine.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("open_until = 2024-06-30"), "{text}");
    std::fs::write(
        &path,
        text.replace("open_until = 2024-06-30", "open_until = 2024-07-31"),
    )
    .unwrap();
    let after = hb.catalog().handle().get();
    let report = send::run(&lock, &mut store, &outbox, &round(&after, 100_600)).unwrap();
    assert_eq!(report.sent, 2, "{report:?}");
    let mails = outbox.0.lock().unwrap().clone();
    let sl = mails.iter().find(|m| m.to == "ana@example.si").unwrap();
    assert!(
        sl.subject.starts_with("Spremenjen ukrep: "),
        "{}",
        sl.subject
    );
    assert!(
        sl.text.contains("rok prijave: 30. 6. 2024 → 31. 7. 2024"),
        "{}",
        sl.text
    );
    assert!(sl.text.contains("/measures/kranj-najemnine"), "{}", sl.text);
    assert!(sl.html.contains("rok prijave: 30. 6. 2024 → 31. 7. 2024"));
    let en = mails.iter().find(|m| m.to == "eve@example.si").unwrap();
    assert!(
        en.subject.starts_with("Changed measure: "),
        "{}",
        en.subject
    );
    assert!(en.text.contains("deadline: "), "{}", en.text);
    // Named once: the next round has nothing to say.
    let report = send::run(&lock, &mut store, &outbox, &round(&after, 101_200)).unwrap();
    assert_eq!((report.sent, report.nothing_new), (0, 2), "{report:?}");
}

#[test]
fn a_round_period_past_a_day_is_refused_at_start_rather_than_overflowing_the_clock() {
    let index = tempfile::tempdir().unwrap();
    let mut child = Killed(
        Command::new(env!("CARGO_BIN_EXE_handbook"))
            .args(["serve", "--addr", "127.0.0.1:0", "--no-watch", "--index"])
            .arg(index.path())
            .args(["--alerts-every", "18446744073709551615"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // A server that accepted the flag would serve on: bounded, and killed when the test ends.
    let deadline = Instant::now() + READY;
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server took the flag and serves"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));
    let mut stderr = String::new();
    child
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("--alerts-every"), "{stderr}");
}

#[test]
fn alerts_send_without_a_public_address_refuses_rather_than_mail_links_to_localhost() {
    let sink = Sink::start();
    let data = tempfile::tempdir().unwrap();
    let hb = TempHandbook::fixture();
    let out = alerts_command(data.path(), &["send"])
        .arg("--handbook")
        .arg(hb.root())
        .args(["--smtp-url", &sink.url()])
        .args(["--mail-from", "alerts@prirocnik.example"])
        .env_remove("HANDBOOK_BASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("HANDBOOK_BASE_URL"), "{stderr}");
    // Given by the environment, it sends.
    let out = alerts_command(data.path(), &["send"])
        .arg("--handbook")
        .arg(hb.root())
        .args(["--smtp-url", &sink.url()])
        .args(["--mail-from", "alerts@prirocnik.example"])
        .env("HANDBOOK_BASE_URL", "https://prirocnik.example")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}
