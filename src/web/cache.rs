//! A small cache of rendered search answers. Searches repeat (a call opens, a newspaper links
//! one search, hundreds of people run it), and an answer only changes when the handbook does or
//! the day turns, so both are part of the key. Bounded by bytes, least recently used out first.
//!
//! Answers are kept gzip-compressed. A search page is mostly the markup of its facet values,
//! which compresses well, so the same budget holds several times the pages (counted in plain
//! bytes, a few hundred distinct pages in rotation pushed each other out; docs/performance.md
//! has the figures), and a browser, which accepts gzip, is sent the stored
//! bytes as they are instead of having every answer compressed again on its way out.

use std::io::{Read, Write};
use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::lru::ByteLru;

/// What the whole cache may hold.
pub const BUDGET_BYTES: usize = 8 * 1024 * 1024;
/// Answers larger than this, compressed, are not cached: one would crowd out many.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Json,
    Html,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Json => "application/json",
            Kind::Html => "text/html; charset=utf-8",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    kind: Kind,
    query: String,
}

/// Bytes an answer is counted for: its compressed body and its query.
fn size(key: &Key, answer: &Compressed) -> usize {
    answer.size() + key.query.len()
}

struct Inner {
    generation: u64,
    today: Option<NaiveDate>,
    entries: ByteLru<Key, Compressed>,
}

pub struct AnswerCache {
    inner: Mutex<Inner>,
}

impl Default for AnswerCache {
    fn default() -> Self {
        AnswerCache {
            inner: Mutex::new(Inner {
                generation: 0,
                today: None,
                entries: ByteLru::new(BUDGET_BYTES, MAX_ANSWER_BYTES, usize::MAX, size),
            }),
        }
    }
}

impl std::fmt::Debug for AnswerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AnswerCache")
    }
}

impl AnswerCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached answer, if the handbook and the day are still those it was made for.
    pub fn get(
        &self,
        kind: Kind,
        query: &str,
        generation: u64,
        today: NaiveDate,
    ) -> Option<Compressed> {
        let mut inner = self.lock();
        inner.refresh(generation, today);
        inner
            .entries
            .get(&Key {
                kind,
                query: query.to_string(),
            })
            .cloned()
    }

    pub fn put(
        &self,
        kind: Kind,
        query: &str,
        generation: u64,
        today: NaiveDate,
        answer: Compressed,
    ) {
        let mut inner = self.lock();
        inner.refresh(generation, today);
        inner.entries.put(
            Key {
                kind,
                query: query.to_string(),
            },
            answer,
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

const GZIP_HEADER: usize = 10;
const GZIP_TRAILER: usize = 8;

/// An answer, gzip-compressed once when it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compressed {
    gzip: Bytes,
    content_type: &'static str,
}

impl Compressed {
    /// Compresses `plain` at a middle level: an answer is made once and sent many times, and
    /// the search that made it costs more than compressing it.
    pub fn new(plain: &[u8], content_type: &'static str) -> Compressed {
        let mut encoder = GzEncoder::new(Vec::with_capacity(plain.len() / 4), Compression::new(6));
        // Writing to a `Vec` cannot fail.
        let _ = encoder.write_all(plain);
        let gzip = encoder.finish().unwrap_or_default();
        Compressed {
            gzip: Bytes::from(gzip),
            content_type,
        }
    }

    /// Bytes kept: what the cache's budget counts.
    pub fn size(&self) -> usize {
        self.gzip.len()
    }

    /// The answer as it was rendered. Every request of a client that does not take gzip
    /// costs one of these, so the deflate stream is inflated in one call into a buffer of the
    /// size the gzip trailer records, rather than read through `GzDecoder` in pieces.
    pub fn plain(&self) -> Bytes {
        let gzip = &self.gzip[..];
        let inflated = (|| {
            // `GzEncoder` writes a plain 10-byte header (no name, comment or extra field) and
            // an 8-byte trailer: CRC-32 and the length, little-endian.
            let deflate = gzip.get(GZIP_HEADER..gzip.len().checked_sub(GZIP_TRAILER)?)?;
            let size = u32::from_le_bytes(gzip.get(gzip.len() - 4..)?.try_into().ok()?);
            let mut out = Vec::with_capacity(usize::try_from(size).ok()?);
            let mut inflater = flate2::Decompress::new(false);
            let status = inflater
                .decompress_vec(deflate, &mut out, flate2::FlushDecompress::Finish)
                .ok()?;
            let whole = status == flate2::Status::StreamEnd && u32::try_from(out.len()) == Ok(size);
            whole.then_some(out)
        })();
        let out = inflated.unwrap_or_else(|| {
            // Not the layout `new` writes: the general reader.
            let mut out = Vec::new();
            let _ = GzDecoder::new(gzip).read_to_end(&mut out);
            out
        });
        Bytes::from(out)
    }

    /// The response for a request with these headers: the stored bytes for a client that
    /// accepts gzip (every browser), the plain answer for one that does not.
    pub fn into_response_for(self, request: &HeaderMap) -> Response {
        let content_type = HeaderValue::from_static(self.content_type);
        // Caches between us and the client must keep the two forms apart.
        let vary = HeaderValue::from_static("accept-encoding");
        if accepts_gzip(request) {
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
                    (header::VARY, vary),
                ],
                self.gzip,
            )
                .into_response()
        } else {
            (
                [(header::CONTENT_TYPE, content_type), (header::VARY, vary)],
                self.plain(),
            )
                .into_response()
        }
    }
}

/// Does the request's `Accept-Encoding` allow gzip? `gzip`, `x-gzip` or `*` with a quality
/// above zero (RFC 9110, section 12.5.3); no header means the plain body.
pub fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next()?.trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((name, quality))
        })
        // (named gzip, allowed): an explicit `gzip;q=0` outweighs a `*` that would allow it.
        .fold(
            (false, false),
            |(explicit, allowed), (name, quality)| match name.as_str() {
                "gzip" | "x-gzip" => (true, quality > 0.0),
                "*" if !explicit => (false, quality > 0.0),
                _ => (explicit, allowed),
            },
        )
        .1
}

impl Inner {
    /// A new handbook version or a new day makes every answer stale.
    fn refresh(&mut self, generation: u64, today: NaiveDate) {
        if self.generation != generation || self.today != Some(today) {
            self.entries.clear();
            self.generation = generation;
            self.today = Some(today);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    fn answer(text: &[u8]) -> Compressed {
        Compressed::new(text, "text/plain")
    }

    fn headers(accept: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for a in accept {
            h.append(header::ACCEPT_ENCODING, HeaderValue::from_str(a).unwrap());
        }
        h
    }

    #[test]
    fn answers_are_reused_until_the_handbook_or_the_day_changes() {
        let c = AnswerCache::default();
        c.put(Kind::Json, "q=a", 1, day(1), answer(b"one"));
        assert_eq!(
            c.get(Kind::Json, "q=a", 1, day(1)).map(|a| a.plain()),
            Some(Bytes::from_static(b"one"))
        );
        assert_eq!(c.get(Kind::Html, "q=a", 1, day(1)), None);
        assert_eq!(
            c.get(Kind::Json, "q=a", 2, day(1)),
            None,
            "a new handbook version"
        );
        c.put(Kind::Json, "q=a", 2, day(1), answer(b"two"));
        assert_eq!(c.get(Kind::Json, "q=a", 2, day(2)), None, "a new day");
    }

    #[test]
    fn the_cache_stays_within_its_byte_budget() {
        let c = AnswerCache::default();
        // Incompressible, so the compressed size is about the plain one.
        let mut state = 1u64;
        let noise: Vec<u8> = (0..200 * 1024)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                (state >> 56) as u8
            })
            .collect();
        let answer = answer(&noise);
        assert!(answer.size() >= 200 * 1024, "{}", answer.size());
        for i in 0..100 {
            c.put(Kind::Html, &format!("q={i}"), 1, day(1), answer.clone());
        }
        assert!(c.len() * 200 * 1024 <= BUDGET_BYTES, "{} answers", c.len());
        assert!(c.len() >= 2, "{} answers", c.len());
        assert!(
            c.get(Kind::Html, "q=99", 1, day(1)).is_some(),
            "the newest stays"
        );
        assert!(
            c.get(Kind::Html, "q=0", 1, day(1)).is_none(),
            "the oldest went first"
        );
    }

    #[test]
    fn repetitive_pages_are_kept_compressed_and_come_back_whole() {
        let page: Vec<u8> = (0..2000)
            .flat_map(|i| {
                format!("<li><input type=checkbox id=f-{i}><label>Občina {i}</label></li>")
                    .into_bytes()
            })
            .collect();
        let kept = answer(&page);
        assert!(
            kept.size() * 5 < page.len(),
            "{} of {}",
            kept.size(),
            page.len()
        );
        assert_eq!(kept.plain(), Bytes::from(page));
        assert_eq!(answer(b"").plain(), Bytes::new());
        assert_eq!(answer("č".as_bytes()).plain(), Bytes::from("č"));
    }

    #[test]
    fn gzip_is_sent_only_to_clients_that_accept_it() {
        for yes in [
            &["gzip"][..],
            &["br, gzip, deflate"],
            &["GZIP"],
            &["x-gzip"],
            &["*"],
            &["deflate", "gzip;q=0.5"],
            &["gzip; q=1.0, identity; q=0.5"],
        ] {
            assert!(accepts_gzip(&headers(yes)), "{yes:?}");
        }
        for no in [
            &[][..],
            &["identity"],
            &["br, deflate"],
            &["gzip;q=0"],
            &["gzip; q=0.0, *"],
            &["*;q=0"],
            &["gzipx"],
        ] {
            assert!(!accepts_gzip(&headers(no)), "{no:?}");
        }
    }

    #[test]
    fn a_response_carries_the_encoding_it_was_sent_in() {
        let kept = answer(b"<p>Odprto</p>");
        let gz = kept.clone().into_response_for(&headers(&["gzip"]));
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(gz.headers()[header::VARY], "accept-encoding");
        assert_eq!(gz.headers()[header::CONTENT_TYPE], "text/plain");
        let plain = kept.into_response_for(&headers(&[]));
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(plain.headers()[header::VARY], "accept-encoding");
    }
}
