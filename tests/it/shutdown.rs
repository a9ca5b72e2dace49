//! Graceful shutdown of the real server: on SIGTERM it answers the requests already sent, ends
//! open live-reload streams, exits 0 within seconds, and leaves an index that the next start
//! reuses as it is (nothing half-written).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use crate::common::server::Server;
use crate::common::{TempHandbook, simple_entry};

fn start(hb: &TempHandbook, index: &Path) -> Server {
    Server::start(hb.root(), index, &[], Duration::from_secs(60))
}

#[test]
fn sigterm_ends_open_streams_answers_what_was_asked_and_leaves_a_reusable_index() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let mut server = start(&hb, index.path());
    assert!(
        server
            .log_with("rebuilt the index")
            .contains("rebuilt the index"),
        "{}",
        server.log()
    );

    // A page following changes, and a search whose answer is read only after the signal.
    let mut events = TcpStream::connect(server.addr).unwrap();
    events
        .write_all(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut pending = TcpStream::connect(server.addr).unwrap();
    pending
        .write_all(
            b"GET /api/search?q=najemnine HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));

    server.sigterm();
    let mut answer = String::new();
    pending
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    pending.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("kranj-najemnine"), "{answer}");

    let status = server
        .wait_exit(Duration::from_secs(15))
        .expect("the server did not stop within 15 s of SIGTERM");
    assert!(status.success(), "{status:?}\n{}", server.log());
    assert!(
        server.log_with("shutting down").contains("shutting down"),
        "{}",
        server.log()
    );
    drop(server);

    let server = start(&hb, index.path());
    assert!(
        server
            .log_with("reusing the index")
            .contains("reusing the index"),
        "the index was not reusable after a clean stop:\n{}",
        server.log()
    );
}

#[test]
fn sigterm_while_a_change_is_being_indexed_still_leaves_a_consistent_index() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let mut server = start(&hb, index.path());
    for i in 0..30 {
        hb.write(
            &format!("measures/nove/nova-{i}.toml"),
            &simple_entry("Nova"),
        );
    }
    // The watcher waits out its debounce, then commits: stop while that is under way.
    std::thread::sleep(Duration::from_millis(120));
    server.sigterm();
    let status = server
        .wait_exit(Duration::from_secs(15))
        .expect("the server did not stop within 15 s of SIGTERM");
    assert!(status.success(), "{status:?}\n{}", server.log());
    drop(server);

    // Whatever was committed, the next start serves exactly the folder.
    let server = start(&hb, index.path());
    let r = server.client().get("/api/search?per_page=100").unwrap();
    assert_eq!(r.json()["total"], 36, "{}", server.log());
}

#[test]
fn a_restart_answers_from_the_cache_and_brings_in_edits_made_while_it_was_stopped() {
    let hb = TempHandbook::fixture();
    hb.age();
    let index = tempfile::tempdir().unwrap();
    // Without the watcher, only the check after the start can see what changed on disk.
    let mut server = Server::start(
        hb.root(),
        index.path(),
        &["--no-watch"],
        Duration::from_secs(60),
    );
    server.sigterm();
    let status = server
        .wait_exit(Duration::from_secs(15))
        .expect("the server did not stop within 15 s of SIGTERM");
    assert!(status.success(), "{status:?}\n{}", server.log());
    assert!(
        index.path().join("handbook.cache").exists(),
        "{}",
        server.log()
    );
    drop(server);

    hb.write("measures/x/nov.toml", &simple_entry("Zeleni trg"));
    let server = Server::start(
        hb.root(),
        index.path(),
        &["--no-watch"],
        Duration::from_secs(60),
    );
    let mut client = server.client();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let reply = client.get("/api/search?q=zeleni").unwrap();
        assert_eq!(reply.status, 200, "{}", reply.body);
        if reply.json()["total"] == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new entry was not found within 20 s:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        server
            .log_with("while the server was stopped")
            .contains("while the server was stopped"),
        "{}",
        server.log()
    );
}
