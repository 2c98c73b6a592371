//! The platform's HTTP API as the desktop uses it.

use crate::error::SyncError;
use ispdesk_domain::sync::{
    ApiError, ApiErrorCode, PairRequest, PairResponse, PullPage, PushAck, PushBatch,
};
use std::time::Duration;

#[derive(Clone)]
pub struct PlatformClient {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl PlatformClient {
    /// A client for the platform at `base_url` (e.g. `https://cloud.ispdesk.id`).
    pub fn new(base_url: &str, token: Option<String>) -> Result<Self, SyncError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("ispdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        let base = base_url.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(SyncError::Refused(ApiError {
                code: ApiErrorCode::Validation,
                message: "the platform address must start with https://".into(),
                params: Default::default(),
            }));
        }
        Ok(PlatformClient { http, base, token })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Exchanges a one-time pairing code for this device's token.
    pub async fn pair(&self, code: &str, device_name: &str) -> Result<PairResponse, SyncError> {
        let request = PairRequest {
            code: code.trim().to_uppercase(),
            device_name: device_name.to_owned(),
        };
        self.send(
            self.http
                .post(format!("{}/api/v1/pair", self.base))
                .json(&request),
        )
        .await
    }

    pub async fn push(&self, batch: &PushBatch) -> Result<PushAck, SyncError> {
        let request = self
            .http
            .post(format!("{}/api/v1/sync/push", self.base))
            .json(batch);
        self.send(self.authorized(request)).await
    }

    pub async fn pull(&self, after: i64, limit: u32) -> Result<PullPage, SyncError> {
        let request = self
            .http
            .get(format!("{}/api/v1/sync/pull", self.base))
            .query(&[("after", after.to_string()), ("limit", limit.to_string())]);
        self.send(self.authorized(request)).await
    }

    fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, SyncError> {
        let response = request
            .send()
            .await
            .map_err(|e| SyncError::Offline(without_url(&e)))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| SyncError::Offline(without_url(&e)))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| SyncError::Protocol(e.to_string()));
        }
        if status.is_server_error() {
            return Err(SyncError::Server(format!("HTTP {status}")));
        }
        match serde_json::from_slice::<ApiError>(&body) {
            Ok(error) => Err(SyncError::Refused(error)),
            Err(_) => Err(SyncError::Protocol(format!(
                "HTTP {status} without a reason"
            ))),
        }
    }
}

/// reqwest's messages include the URL; ours must not carry query strings or tokens.
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), url.host_str().unwrap_or("platform"));
    }
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        format!("cannot connect ({text})")
    } else {
        text
    }
}
