//! Live preview for editors: `GET /events` is a Server-Sent Events stream that sends `reload`
//! each time a handbook change has become searchable, so a measure's page open beside the
//! editor shows the saved version without polling. Streams end when the server shuts down.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use tokio::sync::OwnedSemaphorePermit;

use super::AppState;

pub async fn events(State(state): State<AppState>) -> Response {
    if !state.config.live_reload {
        return (StatusCode::NOT_FOUND, "live reload is off").into_response();
    }
    let Ok(permit) = state.streams.clone().try_acquire_owned() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "30")],
            "too many pages are following changes; try again later",
        )
            .into_response();
    };
    Sse::new(reloads(state, permit))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// One `reload` event per published snapshot, until shutdown.
/// The permit lives in the stream's state, so the slot is freed when the client goes away.
fn reloads(
    state: AppState,
    permit: OwnedSemaphorePermit,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let generations = state.snapshots.subscribe();
    let shutdown = state.shutdown.subscribe();
    futures_util::stream::unfold(
        (generations, shutdown, permit),
        |(mut generations, mut shutdown, permit)| async move {
            if *shutdown.borrow() {
                return None;
            }
            tokio::select! {
                changed = generations.changed() => {
                    changed.ok()?;
                    let generation = *generations.borrow_and_update();
                    let event = Event::default().event("reload").data(generation.to_string());
                    Some((Ok(event), (generations, shutdown, permit)))
                }
                _ = shutdown.changed() => None,
            }
        },
    )
}
