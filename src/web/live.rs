//! Live preview for editors: `GET /events` is a Server-Sent Events stream that sends `reload`
//! each time a handbook change has become searchable, so a measure's page open beside the
//! editor shows the saved version without polling. Streams end when the server shuts down.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;

use super::AppState;

pub async fn events(State(state): State<AppState>) -> Response {
    if !state.config.live_reload {
        return (StatusCode::NOT_FOUND, "live reload is off").into_response();
    }
    Sse::new(reloads(state))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// One `reload` event per published snapshot, until shutdown.
fn reloads(state: AppState) -> impl Stream<Item = Result<Event, Infallible>> {
    let generations = state.snapshots.subscribe();
    let shutdown = state.shutdown.subscribe();
    futures_util::stream::unfold(
        (generations, shutdown),
        |(mut generations, mut shutdown)| async move {
            if *shutdown.borrow() {
                return None;
            }
            tokio::select! {
                changed = generations.changed() => {
                    changed.ok()?;
                    let generation = *generations.borrow_and_update();
                    let event = Event::default().event("reload").data(generation.to_string());
                    Some((Ok(event), (generations, shutdown)))
                }
                _ = shutdown.changed() => None,
            }
        },
    )
}
