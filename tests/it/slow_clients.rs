//! Slow and half-open clients against the real server on 127.0.0.1: a client that starts a
//! request and never finishes its headers (slowloris) is cut off after the header timeout, and
//! two hundred of them at once do not keep anyone else from searching.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::TempHandbook;
use crate::common::server::Server;
use handbook::web::HEADER_TIMEOUT;

fn half_request(server: &Server) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .write_all(b"GET /api/search?q=najem HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .unwrap();
    stream
}

#[test]
fn a_request_whose_headers_never_end_is_cut_off_after_the_header_timeout() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let server = Server::start(hb.root(), index.path(), &[], Duration::from_secs(60));
    let mut slow = half_request(&server);
    let started = Instant::now();
    let limit = HEADER_TIMEOUT + Duration::from_secs(10);
    slow.set_read_timeout(Some(limit)).unwrap();
    let mut answer = Vec::new();
    // The server closes the connection (perhaps with a 408 first); a read that times out
    // instead means the connection would have been held forever.
    let closed = slow.read_to_end(&mut answer).is_ok();
    let waited = started.elapsed();
    assert!(closed, "still open after {waited:?}");
    assert!(
        waited >= HEADER_TIMEOUT - Duration::from_secs(1),
        "cut off after only {waited:?}"
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(!answer.contains("kranj-najemnine"), "{answer}");
}

#[test]
fn two_hundred_half_open_requests_do_not_stop_a_search() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let server = Server::start(hb.root(), index.path(), &[], Duration::from_secs(60));
    let slow: Vec<TcpStream> = (0..200).map(|_| half_request(&server)).collect();
    let mut client = server.client();
    for _ in 0..20 {
        let r = client.get("/api/search?q=najemnine").unwrap();
        assert_eq!(r.status, 200);
        assert!(r.body.contains("kranj-najemnine"));
    }
    drop(slow);
}
