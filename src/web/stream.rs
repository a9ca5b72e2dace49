//! The exports, whose size grows with the handbook, are written piece by piece on a blocking
//! thread and handed to the connection through a channel of a few chunks, so a request holds
//! those chunks and the list of its hits, never the whole text (figures in
//! docs/performance.md, "Heavy work against searches"). The writer runs in a turn of
//! the heavy pool, held until it is done, and stops as soon as the client goes away or stops
//! taking chunks. An error before the first chunk is an ordinary error answer; one after it
//! cuts the connection, so a client never takes a truncated export for a whole one.

use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use tokio::runtime::Handle;
use tokio::sync::mpsc::{self, error::SendTimeoutError};

use super::EXPORT_CHUNK_BYTES as CHUNK_BYTES;
use super::error::AppError;
use super::{AppState, WebConfig};
use crate::search::params;
use crate::search::{Results, SearchQuery, Snapshot};

/// Chunks written ahead of the client. A few, so the writer keeps going while the
/// connection sends.
const CHUNKS_AHEAD: usize = 4;
/// How long the writer waits for a client that takes no chunk: a client that stops reading
/// must not hold a turn of the heavy pool forever. As long as a request may take.
const STALL: Duration = super::REQUEST_TIMEOUT;

/// Why a writer stopped before the end without anything being wrong with the export.
#[derive(Debug, Clone, Copy, thiserror::Error)]
pub enum Stopped {
    #[error("the client went away")]
    Gone,
    #[error("the client took no chunk for {} s", STALL.as_secs())]
    Stalled,
}

/// How a writer ended.
enum Ended {
    Whole,
    Early(Stopped),
    Failed(AppError),
}

/// Where an export is written: bytes gather into a chunk, which is sent when full, waiting
/// while the client is `CHUNKS_AHEAD` chunks behind.
pub struct Chunks {
    tx: mpsc::Sender<Result<Bytes, AppError>>,
    runtime: Handle,
    buf: Vec<u8>,
    stopped: Option<Stopped>,
    /// A chunk went out: the answer has begun.
    sent: bool,
}

impl Chunks {
    fn send(&mut self) -> io::Result<()> {
        if let Some(why) = self.stopped {
            return Err(io::Error::other(why));
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        // On a blocking thread, outside the runtime's workers: waiting here is what it is for.
        match self
            .runtime
            .block_on(self.tx.send_timeout(Ok(chunk), STALL))
        {
            Ok(()) => {
                self.sent = true;
                Ok(())
            }
            Err(e) => {
                let why = match e {
                    SendTimeoutError::Closed(_) => Stopped::Gone,
                    SendTimeoutError::Timeout(_) => Stopped::Stalled,
                };
                self.stopped = Some(why);
                Err(io::Error::other(why))
            }
        }
    }

    /// Sends what is left.
    fn finish(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            self.send()
        }
    }
}

impl io::Write for Chunks {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        // A chunk is sent before it would overflow, so it stays within `CHUNK_BYTES` unless
        // one write is larger.
        if !self.buf.is_empty() && self.buf.len() + data.len() > CHUNK_BYTES {
            self.send()?;
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    /// Nothing: chunks go when full and the last at the end; a flush from a writer inside
    /// (the CSV writer's) must not send small ones.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes one export to `Chunks`.
pub type Write = fn(&SearchQuery, &Results, &Snapshot, &WebConfig, &mut Chunks) -> io::Result<()>;

/// The body of every result of the search in `raw` (not one page), as `write` writes it.
/// Parameters are checked and a turn in the heavy pool is taken before anything is written, so
/// a bad parameter is a 400 and a full pool a 503; the answer starts once the first chunk is
/// written.
pub async fn all_results(
    state: &AppState,
    raw: Option<String>,
    write: Write,
) -> Result<Body, AppError> {
    let query = params::parse_search(raw.as_deref())?;
    // The snapshot of now, for the whole export: a reload while it is sent does not mix two.
    let snapshot = state.snapshots.get();
    let today = state.today();
    let config = state.config.clone();
    let turn = super::heavy_slot(state).await?;
    let (tx, mut rx) = mpsc::channel(CHUNKS_AHEAD);
    // Set when the writer got to the end: a channel that closes without it is an export cut
    // short (a fault, a panic, a client that stalled), which must not end like a whole one.
    let whole = Arc::new(AtomicBool::new(false));
    let runtime = Handle::current();
    let finished = whole.clone();
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        let mut out = Chunks {
            tx: tx.clone(),
            runtime,
            buf: Vec::with_capacity(CHUNK_BYTES),
            stopped: None,
            sent: false,
        };
        let ended = catch_unwind(AssertUnwindSafe(|| {
            let results = match snapshot.search_all(&query, today) {
                Ok(results) => results,
                Err(e) => return Ended::Failed(e.into()),
            };
            match write(&query, &results, &snapshot, &config, &mut out).and_then(|()| out.finish())
            {
                Ok(()) => Ended::Whole,
                Err(e) => match stopped(&e) {
                    Some(why) => Ended::Early(why),
                    None => Ended::Failed(AppError::Internal(format!("writing an export: {e}"))),
                },
            }
        }))
        .unwrap_or_else(|_| {
            Ended::Failed(AppError::Internal("an export's writer panicked".into()))
        });
        match ended {
            Ended::Whole => finished.store(true, Ordering::Release),
            Ended::Early(why) => tracing::info!(%why, "an export ended early"),
            // Before the first chunk the channel is empty and the handler answers with the
            // error; after it, the stream ends in an error whether this one fits or not.
            Ended::Failed(e) => {
                if out.sent {
                    tracing::error!(error = %e, "an export failed after it began; cut off");
                }
                let _ = tx.try_send(Err(e));
            }
        }
    });
    let first = match rx.recv().await {
        Some(Ok(chunk)) => chunk,
        Some(Err(e)) => return Err(e),
        None if whole.load(Ordering::Acquire) => Bytes::new(),
        None => return Err(AppError::Internal("an export ended before it began".into())),
    };
    let pieces = futures_util::stream::unfold((Some(first), Some(rx)), move |(first, rx)| {
        let whole = whole.clone();
        async move {
            if let Some(chunk) = first {
                return Some((Ok(chunk), (None, rx)));
            }
            let mut rx = rx?;
            match rx.recv().await {
                Some(piece) => Some((piece, (None, Some(rx)))),
                None if whole.load(Ordering::Acquire) => None,
                None => Some((
                    Err(AppError::Internal(
                        "the export stopped before its end".into(),
                    )),
                    (None, None),
                )),
            }
        }
    });
    // Fused: a compressing layer polls once more after the end, which `unfold` answers with a
    // panic, and the client saw its download cut off.
    Ok(Body::from_stream(futures_util::StreamExt::fuse(pieces)))
}

/// Why the writer stopped, if it stopped because of the client rather than a fault.
fn stopped(e: &io::Error) -> Option<Stopped> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<Stopped>())
        .copied()
}
