//! The real server as a child process on 127.0.0.1, and a minimal HTTP/1.1 client with
//! keep-alive, for tests that need a process to kill, a start to watch, or a socket to load.
//! Every wait is bounded and the child is killed and reaped on drop, so a failing test leaves
//! nothing running.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{AddrParseError, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

pub struct Server {
    child: Child,
    /// Where it serves; 127.0.0.1:0 until it said so.
    pub addr: SocketAddr,
    /// What it printed after "Serving the handbook at http://"; `None` once that arrived.
    ready: Option<Receiver<Result<SocketAddr, AddrParseError>>>,
    /// What it printed after "Listening at http://", before the handbook is open.
    listening: Receiver<SocketAddr>,
    /// Everything the server wrote to stderr so far (its log).
    log: Arc<Mutex<String>>,
    started_at: SystemTime,
}

impl Server {
    /// Starts `handbook serve` on a free port and waits (at most `wait`) until it listens.
    pub fn start(handbook: &Path, index: &Path, extra: &[&str], wait: Duration) -> Server {
        let mut server = Server::spawn(handbook, index, extra);
        server.wait_ready(wait);
        server
    }

    /// Starts `handbook serve` on a free port without waiting, for a test that acts while the
    /// server is still opening its index.
    pub fn spawn(handbook: &Path, index: &Path, extra: &[&str]) -> Server {
        Server::spawn_as(handbook, index, extra, None)
    }

    /// `spawn`, running the server as the user (and group) `uid` if given: a test run as root
    /// starts it as an ordinary user to see what permissions do, which root ignores.
    pub fn spawn_as(handbook: &Path, index: &Path, extra: &[&str], uid: Option<u32>) -> Server {
        Server::spawn_with(handbook, index, extra, uid, &[])
    }

    /// `spawn` with more variables in its environment (they win over the defaults, `RUST_LOG`
    /// included).
    pub fn spawn_env(
        handbook: &Path,
        index: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        Server::spawn_with(handbook, index, extra, None, env)
    }

    fn spawn_with(
        handbook: &Path,
        index: &Path,
        extra: &[&str],
        uid: Option<u32>,
        env: &[(&str, &str)],
    ) -> Server {
        let started_at = SystemTime::now();
        let mut command = Command::new(env!("CARGO_BIN_EXE_handbook"));
        if let Some(uid) = uid {
            use std::os::unix::process::CommandExt;
            command.uid(uid).gid(uid);
        }
        let mut child = command
            .arg("serve")
            .arg("--handbook")
            .arg(handbook)
            .arg("--index")
            .arg(index)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "info,handbook::access=off,tantivy=warn")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server");
        // Both pipes are drained to the end, so a chatty child never blocks on a full pipe.
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let (tx, rx) = mpsc::channel();
        let (listening_tx, listening) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Listening at http://")
                    && let Some(addr) = rest.split('/').next().and_then(|a| a.parse().ok())
                {
                    let _ = listening_tx.send(addr);
                }
                if let Some(rest) = line.strip_prefix("Serving the handbook at http://") {
                    let _ = tx.send(rest.trim_end_matches('/').parse::<SocketAddr>());
                }
            }
        });
        Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            ready: Some(rx),
            listening,
            log,
            started_at,
        }
    }

    /// Waits (at most `wait`) until it serves, and where.
    pub fn wait_ready(&mut self, wait: Duration) -> SocketAddr {
        if let Some(rx) = &self.ready {
            match rx.recv_timeout(wait) {
                Ok(Ok(addr)) => self.served_at(addr),
                other => panic!(
                    "the server did not start within {wait:?} ({other:?}, exit: {:?}); its log:\n{}",
                    self.child.try_wait(),
                    self.log()
                ),
            }
        }
        self.addr
    }

    /// Waits (at most `wait`) until it listens, which it does before the handbook is open.
    pub fn wait_listening(&self, wait: Duration) -> SocketAddr {
        self.listening.recv_timeout(wait).unwrap_or_else(|e| {
            panic!(
                "the server did not listen within {wait:?} ({e}); its log:\n{}",
                self.log()
            )
        })
    }

    /// Has it said that it serves? Does not wait.
    pub fn is_ready(&mut self) -> bool {
        let Some(rx) = &self.ready else {
            return true;
        };
        match rx.try_recv() {
            Ok(Ok(addr)) => {
                self.served_at(addr);
                true
            }
            Ok(Err(e)) => {
                panic!("the server said it serves at an address that does not parse ({e})")
            }
            Err(_) => false,
        }
    }

    fn served_at(&mut self, addr: SocketAddr) {
        self.addr = addr;
        self.ready = None;
    }

    pub fn has_exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// When it was started, by the clock that stamps files: a file of the index modified since
    /// was written by this run.
    pub fn started_at(&self) -> SystemTime {
        self.started_at
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The log once it holds `needle`, or after 10 s without it. Standard error is read on a
    /// thread of its own, so a line logged before the server said where it serves may not be
    /// in `log()` yet when that is read.
    pub fn log_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log();
            if log.contains(needle) || Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn client(&self) -> Client {
        Client::connect(self.addr)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no chance to clean up, as in a power cut or an OOM kill.
    /// Asks the server to stop, as an operator or systemd would (SIGTERM).
    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Stops the server with SIGTERM and waits for it to end by itself: it saves what it has
    /// not saved yet (the handbook cache), unlike `kill`.
    pub fn stop(mut self) {
        self.sigterm();
        let status = self
            .wait_exit(Duration::from_secs(15))
            .expect("the server did not stop within 15 s of SIGTERM");
        assert!(status.success(), "{status:?}\n{}", self.log());
    }

    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to end by itself (after SIGTERM, say), at most `wait`.
    pub fn wait_exit(&mut self, wait: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One keep-alive connection. Enough HTTP for our own server: a status line, headers, and a
/// body with a Content-Length or in chunks.
pub struct Client {
    reader: BufReader<TcpStream>,
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    /// Names in lowercase, in the order sent.
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// The first value of a header, by its name in lowercase.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        assert!(addr.ip().is_loopback(), "{addr} is not this machine");
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            reader: BufReader::new(stream),
        }
    }

    pub fn get(&mut self, target: &str) -> std::io::Result<Reply> {
        self.get_with(target, &[])
    }

    /// A GET with more request headers.
    pub fn get_with(&mut self, target: &str, headers: &[(&str, &str)]) -> std::io::Result<Reply> {
        let extra: String = headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}\r\n"))
            .collect();
        let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n");
        self.reader.get_mut().write_all(request.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let (mut length, mut chunked) = (0usize, false);
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "transfer-encoding" => chunked = value.contains("chunked"),
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16)
                    .map_err(|_| std::io::Error::other("bad chunk size"))?;
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk)?;
                body.extend_from_slice(&chunk[..size]);
                if size == 0 {
                    break;
                }
            }
        } else {
            body.resize(length, 0);
            self.reader.read_exact(&mut body)?;
        }
        Ok(Reply {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
            headers,
        })
    }
}
