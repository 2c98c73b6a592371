//! `POST /api/v1/sync/push` and `GET /api/v1/sync/pull` for a paired desktop: the
//! tenant is the token's, always.

use super::{AppState, DeviceAuth};
use crate::error::{Error, Result};
use crate::sync::{pull, push};
use axum::Json;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use futures_util::StreamExt;
use ispdesk_domain::sync::{MAX_BATCH_BYTES, PullPage, PushAck, PushBatch};
use serde::Deserialize;

fn too_large() -> Error {
    Error::BatchTooLarge {
        limit: format!("{MAX_BATCH_BYTES} bytes"),
    }
}

/// How much of a too-large body is read (and dropped) before answering, so that an
/// ordinary client sees the 413 instead of a connection closed under its upload.
const DRAIN_LIMIT: usize = 4 * MAX_BATCH_BYTES;

/// The body, or `None` when it is over the limit (read on to `DRAIN_LIMIT`).
async fn read_limited(body: Body) -> Result<Option<Vec<u8>>> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| Error::malformed(format!("the body could not be read: {e}")))?;
        seen += chunk.len();
        if seen <= MAX_BATCH_BYTES {
            bytes.extend_from_slice(&chunk);
        } else if seen > DRAIN_LIMIT {
            break;
        }
    }
    Ok((seen <= MAX_BATCH_BYTES).then_some(bytes))
}

pub async fn push(
    State(state): State<AppState>,
    auth: DeviceAuth,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PushAck>> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        return Err(too_large());
    }
    let bytes = read_limited(body).await?.ok_or_else(too_large)?;
    let batch: PushBatch = serde_json::from_slice(&bytes)
        .map_err(|e| Error::malformed(format!("not a batch: {e}")))?;
    let mut client = state.pool.get().await?;
    let ack = push::apply_batch(
        &mut client,
        &state.sealer,
        auth.tenant_id,
        Some(auth.device_id),
        batch,
    )
    .await?;
    Ok(Json(ack))
}

#[derive(Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

pub async fn pull(
    State(state): State<AppState>,
    auth: DeviceAuth,
    query: std::result::Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PullPage>> {
    let Query(query) = query.map_err(|e| Error::Validation {
        field: "query",
        message: e.body_text(),
    })?;
    let client = state.pool.get().await?;
    let page = pull::page(
        &**client,
        auth.tenant_id,
        query.after.max(0),
        query.limit.unwrap_or(pull::DEFAULT_LIMIT),
    )
    .await?;
    Ok(Json(page))
}
