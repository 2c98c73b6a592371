//! Time: stored as UTC, shown in the ISP's zone.
//!
//! The storage format is fixed-width RFC 3339 with milliseconds and `Z`
//! (`2026-11-23T07:05:00.000Z`), so text order is time order in SQL.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

/// The form every timestamp takes in the database and on the wire.
pub fn to_storage(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn from_storage(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The product's one date-time format, as the UI's `formatDateTime` shows it:
/// `23/11/2026 14:05` in the ISP's zone.
pub fn format_local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%d/%m/%Y %H:%M").to_string()
}

/// Indonesia's three zones, offered first in the wizard, with the abbreviations people use.
pub const INDONESIAN_ZONES: [(&str, &str); 3] = [
    ("Asia/Jakarta", "WIB"),
    ("Asia/Makassar", "WITA"),
    ("Asia/Jayapura", "WIT"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn storage_round_trips_and_sorts() {
        let a = Utc.with_ymd_and_hms(2026, 11, 23, 7, 5, 0).unwrap();
        let b = a + chrono::Duration::milliseconds(1500);
        assert_eq!(to_storage(a), "2026-11-23T07:05:00.000Z");
        assert_eq!(from_storage(&to_storage(b)), Some(b));
        assert!(to_storage(a) < to_storage(b));
        assert_eq!(from_storage("yesterday"), None);
    }

    #[test]
    fn formats_in_the_isp_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 7, 5, 0).unwrap();
        assert_eq!(
            format_local(at, chrono_tz::Asia::Jakarta),
            "23/11/2026 14:05"
        );
        assert_eq!(
            format_local(at, chrono_tz::Asia::Jayapura),
            "23/11/2026 16:05"
        );
        // Midnight rolls the date over in the zone, not in UTC.
        let late = Utc.with_ymd_and_hms(2026, 11, 23, 18, 30, 0).unwrap();
        assert_eq!(
            format_local(late, chrono_tz::Asia::Jakarta),
            "24/11/2026 01:30"
        );
    }
}
