//! The one error type of the web layer and how it becomes a response: JSON for the API, a page
//! for people. Internal errors are logged in full and shown as a generic message; details of the
//! machine never reach a client.

use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::views;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    UriTooLong(String),
    /// Heavy work is running already and there was no turn within the wait: come back after
    /// `retry_after` seconds (sent as `Retry-After`).
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The 404 of a page about a measure the handbook does not have (the error page is
    /// Slovenian, so is its message).
    pub fn no_such_measure() -> AppError {
        AppError::NotFound("Ukrepa s tem naslovom ni v priročniku.".into())
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The answer's status with its `Retry-After`, where the client should come back.
    fn head(&self) -> (StatusCode, Option<[(HeaderName, HeaderValue); 1]>) {
        let retry = match self {
            AppError::Busy { retry_after, .. } => {
                Some([(header::RETRY_AFTER, (*retry_after).into())])
            }
            _ => None,
        };
        (self.status(), retry)
    }

    /// What the client may see.
    fn public_message(&self) -> String {
        match self {
            AppError::BadRequest(m) | AppError::NotFound(m) | AppError::UriTooLong(m) => m.clone(),
            AppError::Busy { message, .. } => message.clone(),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error while answering a request");
                "Something went wrong on our side; please try again.".into()
            }
        }
    }
}

impl From<tantivy::TantivyError> for AppError {
    fn from(e: tantivy::TantivyError) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// A path that cannot be an id (bytes that are not UTF-8, say) is the client's mistake; axum's
/// own plain-text rejection would say so in its words and outside our page or JSON.
impl From<axum::extract::rejection::PathRejection> for AppError {
    fn from(_: axum::extract::rejection::PathRejection) -> Self {
        AppError::BadRequest(
            "this address does not name a measure; ids are letters, digits and hyphens".into(),
        )
    }
}

impl From<crate::search::params::ParamError> for AppError {
    fn from(e: crate::search::params::ParamError) -> Self {
        AppError::BadRequest(e.0)
    }
}

/// An error answered as JSON: `{"error": "...", "status": 400}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, retry) = self.0.head();
        (
            status,
            retry,
            Json(json!({"error": self.0.public_message(), "status": status.as_u16()})),
        )
            .into_response()
    }
}

/// An error answered as an HTML page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, retry) = self.0.head();
        (
            status,
            retry,
            views::error_page(status, &self.0.public_message()),
        )
            .into_response()
    }
}
