//! Identifier newtypes. Every synced row is keyed by a UUIDv7, so rows created on the
//! desktop and on the platform never collide, and keys sort by creation time.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        #[serde(transparent)]
        #[ts(type = "string")]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type!(
    /// A member of the ISP's staff who signs in to the desktop app.
    StaffId,
    /// One entry of the activity log.
    ActivityId,
    /// A subscriber of the ISP (hotspot or PPPoE).
    CustomerId,
    /// A MikroTik router (a NAS, in RADIUS terms).
    RouterId,
    /// A named set of address ranges on one router.
    IpPoolId,
    /// Rates, bursts and priority that become a MikroTik rate-limit.
    BandwidthProfileId,
    /// A `/ppp/profile` on one router.
    PppoeProfileId,
    /// A PPPoE server (service) on one router's interface.
    PppoeServerId,
    /// A hotspot user profile on one router.
    HotspotProfileId,
    /// A hotspot server on one router's interface.
    HotspotServerId,
    /// What a customer buys: type, price, validity, speed, quota.
    PlanId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_and_round_trip_through_text() {
        let id = StaffId::new();
        assert_eq!(id.0.get_version_num(), 7);
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(text.parse::<StaffId>().unwrap(), id);
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let a = ActivityId::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = ActivityId::new();
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
    }
}
