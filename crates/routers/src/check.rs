//! "Test connection": log in with the saved credentials and say what the router is.

use serde::{Deserialize, Serialize};

use crate::endpoint::{Endpoint, Timeouts};
use crate::error::{Error, Result};

/// What a router says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RouterInfo {
    pub identity: String,
    /// As the router writes it, e.g. `6.42.12 (long-term)`.
    pub version: Option<String>,
    pub board: Option<String>,
    pub architecture: Option<String>,
    #[ts(type = "number | null")]
    pub uptime_s: Option<u64>,
}

/// The answer to a connection test. Certificate questions are answers, not errors: the owner
/// is expected to look at the fingerprint and confirm it (`confirm_router_certificate`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ConnectionTest {
    /// Logged in.
    Connected { info: RouterInfo },
    /// api-ssl, first contact: compare this fingerprint with the router's (`/certificate
    /// print`) and confirm it.
    CertificateUnconfirmed { fingerprint: String },
    /// The router shows another certificate than the one confirmed: it was replaced (a reset,
    /// a new router at the address) or someone is in between. Confirm the new one only when
    /// you know why it changed.
    CertificateChanged {
        confirmed: String,
        presented: String,
    },
}

/// Connects, logs in and reads identity and resources. Unreachable routers, refused logins
/// and timeouts are errors.
pub async fn test_endpoint(endpoint: &Endpoint, timeouts: Timeouts) -> Result<ConnectionTest> {
    let client = match endpoint.connect(timeouts).await {
        Ok(client) => client,
        Err(Error::Router(routeros_api::Error::CertificateUnknown { fingerprint })) => {
            return Ok(ConnectionTest::CertificateUnconfirmed {
                fingerprint: fingerprint.to_string(),
            });
        }
        Err(Error::Router(routeros_api::Error::CertificateMismatch { expected, actual })) => {
            return Ok(ConnectionTest::CertificateChanged {
                confirmed: expected.to_string(),
                presented: actual.to_string(),
            });
        }
        Err(e) => return Err(e),
    };
    let (identity, resource) = tokio::join!(client.identity(), client.system_resource());
    let (identity, resource) = (identity?, resource?);
    Ok(ConnectionTest::Connected {
        info: RouterInfo {
            identity: identity.name,
            version: resource.version_text,
            board: resource.board_name,
            architecture: resource.architecture_name,
            uptime_s: resource.uptime.map(|u| u.as_secs()),
        },
    })
}
