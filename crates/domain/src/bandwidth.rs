//! Bandwidth profiles and MikroTik's rate-limit string.
//!
//! Rates are bits per second. MikroTik writes them with `k` (×1000) and `M` (×1,000,000)
//! suffixes and pairs them `rx/tx` **from the router's view: rx is the client's upload,
//! tx its download** (protocol-facts §2). [`BandwidthProfile::rate_limit`] is the one
//! place that string is made; PPP profiles, hotspot user profiles, simple queues and the
//! `Mikrotik-Rate-Limit` RADIUS attribute all use it.

use crate::ids::BandwidthProfileId;
use crate::validation::{FieldError, ValidationCode, Validator};
use serde::{Deserialize, Serialize};

/// A bandwidth profile as stored and shown. `up` is the client's upload (rx on the
/// router), `down` its download (tx).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BandwidthProfile {
    pub id: BandwidthProfileId,
    pub name: String,
    #[ts(type = "number")]
    pub rate_up_bps: u64,
    #[ts(type = "number")]
    pub rate_down_bps: u64,
    pub burst: Option<Burst>,
    /// 1 (highest) to 8 (lowest).
    pub priority: u8,
    /// Guaranteed rates (MikroTik's `limit-at`, the rate-limit's `rate-min`).
    pub limit_at: Option<RatePair>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RatePair {
    #[ts(type = "number")]
    pub up_bps: u64,
    #[ts(type = "number")]
    pub down_bps: u64,
}

/// Burst: the client may go up to `limit` while its average over `time_s` stays under
/// `threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Burst {
    pub limit: RatePair,
    pub threshold: RatePair,
    pub time_up_s: u32,
    pub time_down_s: u32,
}

/// What the technician types: rates as text (`10M`, `512k`, `1.5M`, `2000000`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct BandwidthInput {
    pub name: String,
    pub rate_up: String,
    pub rate_down: String,
    pub burst_up: String,
    pub burst_down: String,
    pub threshold_up: String,
    pub threshold_down: String,
    pub burst_time_up: String,
    pub burst_time_down: String,
    pub priority: String,
    pub limit_at_up: String,
    pub limit_at_down: String,
}

/// The largest rate accepted: 100 Gbit/s.
pub const MAX_RATE_BPS: u64 = 100_000_000_000;

/// Parses a rate as people and RouterOS write it: `512k`, `10M`, `1.5M`, `1G`, `2000000`.
pub fn parse_rate(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, factor) = match text.char_indices().last()? {
        (i, 'k' | 'K') => (&text[..i], 1_000u64),
        (i, 'M' | 'm') => (&text[..i], 1_000_000),
        (i, 'G' | 'g') => (&text[..i], 1_000_000_000),
        _ => (text, 1),
    };
    let number = number.trim();
    let (whole, fraction) = match number.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut value = whole.checked_mul(factor)?;
    // Decimals only make sense with a suffix: 1.5M is 1500000 bit/s.
    let mut scale = factor;
    for digit in fraction.chars() {
        scale /= 10;
        if scale == 0 {
            return None;
        }
        value = value.checked_add(u64::from(digit.to_digit(10)?) * scale)?;
    }
    (value <= MAX_RATE_BPS).then_some(value)
}

/// Writes a rate the shortest way RouterOS reads it: `10M`, `512k`, `1500k`, `1234`.
pub fn format_rate(bps: u64) -> String {
    if bps != 0 && bps.is_multiple_of(1_000_000) {
        format!("{}M", bps / 1_000_000)
    } else if bps != 0 && bps.is_multiple_of(1_000) {
        format!("{}k", bps / 1_000)
    } else {
        bps.to_string()
    }
}

impl BandwidthProfile {
    /// MikroTik's rate-limit: `rx/tx [burst-rx/burst-tx [threshold-rx/threshold-tx
    /// [time-rx/time-tx [priority [min-rx/min-tx]]]]]`, rx = client upload. Positions
    /// before a given one are filled (no burst is `0/0 0/0 0/0`), later ones left out.
    pub fn rate_limit(&self) -> String {
        let pair = |up: u64, down: u64| format!("{}/{}", format_rate(up), format_rate(down));
        let mut parts = vec![pair(self.rate_up_bps, self.rate_down_bps)];
        let needs_priority = self.priority != 8 || self.limit_at.is_some();
        if self.burst.is_some() || needs_priority {
            let burst = self.burst.unwrap_or(Burst {
                limit: RatePair {
                    up_bps: 0,
                    down_bps: 0,
                },
                threshold: RatePair {
                    up_bps: 0,
                    down_bps: 0,
                },
                time_up_s: 0,
                time_down_s: 0,
            });
            parts.push(pair(burst.limit.up_bps, burst.limit.down_bps));
            parts.push(pair(burst.threshold.up_bps, burst.threshold.down_bps));
            parts.push(format!("{}/{}", burst.time_up_s, burst.time_down_s));
        }
        if needs_priority {
            parts.push(self.priority.to_string());
        }
        if let Some(min) = self.limit_at {
            parts.push(pair(min.up_bps, min.down_bps));
        }
        parts.join(" ")
    }
}

/// Validates a profile typed by the technician, reporting every field at once.
pub fn validate_bandwidth(
    id: BandwidthProfileId,
    input: &BandwidthInput,
) -> Result<BandwidthProfile, Vec<FieldError>> {
    let mut v = Validator::new();
    let name = v.text("name", &input.name, 64);
    let mut rate = |field: &str, text: &str, required: bool| -> Option<u64> {
        if text.trim().is_empty() {
            if required {
                v.push(FieldError::new(field, ValidationCode::Required));
            }
            return None;
        }
        let parsed = parse_rate(text);
        if parsed.is_none() {
            v.push(FieldError::new(field, ValidationCode::InvalidRate));
        }
        parsed
    };
    let up = rate("rate_up", &input.rate_up, true);
    let down = rate("rate_down", &input.rate_down, true);
    let burst_up = rate("burst_up", &input.burst_up, false);
    let burst_down = rate("burst_down", &input.burst_down, false);
    let threshold_up = rate("threshold_up", &input.threshold_up, false);
    let threshold_down = rate("threshold_down", &input.threshold_down, false);
    let limit_up = rate("limit_at_up", &input.limit_at_up, false);
    let limit_down = rate("limit_at_down", &input.limit_at_down, false);
    let mut seconds = |field: &str, text: &str| -> Option<u32> {
        let text = text.trim().trim_end_matches('s');
        if text.is_empty() {
            return None;
        }
        match text.parse::<u32>() {
            Ok(n) if n <= 3600 => Some(n),
            _ => {
                v.push(
                    FieldError::new(field, ValidationCode::OutOfRange)
                        .with("min", 1)
                        .with("max", 3600),
                );
                None
            }
        }
    };
    let time_up = seconds("burst_time_up", &input.burst_time_up);
    let time_down = seconds("burst_time_down", &input.burst_time_down);
    let priority = if input.priority.trim().is_empty() {
        8
    } else {
        match input.priority.trim().parse::<u8>() {
            Ok(p @ 1..=8) => p,
            _ => {
                v.push(
                    FieldError::new("priority", ValidationCode::OutOfRange)
                        .with("min", 1)
                        .with("max", 8),
                );
                8
            }
        }
    };
    for (field, value) in [("rate_up", up), ("rate_down", down)] {
        if value == Some(0) {
            v.push(
                FieldError::new(field, ValidationCode::OutOfRange)
                    .with("min", "1")
                    .with("max", format_rate(MAX_RATE_BPS)),
            );
        }
    }

    // A burst is all or nothing: both directions' limits; thresholds and times default
    // the way RouterOS defaults them (threshold = rate, time = 1 s).
    let any_burst = [
        &input.burst_up,
        &input.burst_down,
        &input.threshold_up,
        &input.threshold_down,
        &input.burst_time_up,
        &input.burst_time_down,
    ]
    .iter()
    .any(|t| !t.trim().is_empty());
    let mut burst = None;
    if any_burst {
        if input.burst_up.trim().is_empty() {
            v.push(FieldError::new("burst_up", ValidationCode::Required));
        }
        if input.burst_down.trim().is_empty() {
            v.push(FieldError::new("burst_down", ValidationCode::Required));
        }
        if let (Some(up), Some(down), Some(bu), Some(bd)) = (up, down, burst_up, burst_down) {
            for (field, b, r) in [("burst_up", bu, up), ("burst_down", bd, down)] {
                if b <= r {
                    v.push(
                        FieldError::new(field, ValidationCode::BurstNotAboveRate)
                            .with("rate", format_rate(r)),
                    );
                }
            }
            let tu = threshold_up.unwrap_or(up);
            let td = threshold_down.unwrap_or(down);
            for (field, t, r) in [("threshold_up", tu, up), ("threshold_down", td, down)] {
                if t > r {
                    v.push(
                        FieldError::new(field, ValidationCode::ThresholdAboveRate)
                            .with("rate", format_rate(r)),
                    );
                }
            }
            burst = Some(Burst {
                limit: RatePair {
                    up_bps: bu,
                    down_bps: bd,
                },
                threshold: RatePair {
                    up_bps: tu,
                    down_bps: td,
                },
                time_up_s: time_up.filter(|t| *t > 0).unwrap_or(1),
                time_down_s: time_down.filter(|t| *t > 0).unwrap_or(1),
            });
        }
    }
    let mut limit_at = None;
    if (limit_up.is_some() || limit_down.is_some())
        && let (Some(up), Some(down)) = (up, down)
    {
        let lu = limit_up.unwrap_or(up);
        let ld = limit_down.unwrap_or(down);
        for (field, l, r) in [("limit_at_up", lu, up), ("limit_at_down", ld, down)] {
            if l > r {
                v.push(
                    FieldError::new(field, ValidationCode::LimitAtAboveRate)
                        .with("rate", format_rate(r)),
                );
            }
        }
        limit_at = Some(RatePair {
            up_bps: lu,
            down_bps: ld,
        });
    }
    v.finish().map(|()| BandwidthProfile {
        id,
        name,
        rate_up_bps: up.unwrap_or_default(),
        rate_down_bps: down.unwrap_or_default(),
        burst,
        priority,
        limit_at,
    })
}

impl BandwidthProfile {
    /// The input that reproduces this profile (for the edit form).
    pub fn to_input(&self) -> BandwidthInput {
        let opt = |v: Option<u64>| v.map(format_rate).unwrap_or_default();
        BandwidthInput {
            name: self.name.clone(),
            rate_up: format_rate(self.rate_up_bps),
            rate_down: format_rate(self.rate_down_bps),
            burst_up: opt(self.burst.map(|b| b.limit.up_bps)),
            burst_down: opt(self.burst.map(|b| b.limit.down_bps)),
            threshold_up: opt(self.burst.map(|b| b.threshold.up_bps)),
            threshold_down: opt(self.burst.map(|b| b.threshold.down_bps)),
            burst_time_up: self
                .burst
                .map(|b| b.time_up_s.to_string())
                .unwrap_or_default(),
            burst_time_down: self
                .burst
                .map(|b| b.time_down_s.to_string())
                .unwrap_or_default(),
            priority: self.priority.to_string(),
            limit_at_up: opt(self.limit_at.map(|l| l.up_bps)),
            limit_at_down: opt(self.limit_at.map(|l| l.down_bps)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("128k", Some(128_000))]
    #[case("10M", Some(10_000_000))]
    #[case("1.5M", Some(1_500_000))]
    #[case("1,5M", Some(1_500_000))]
    #[case(" 2G ", Some(2_000_000_000))]
    #[case("2000000", Some(2_000_000))]
    #[case("0.5k", Some(500))]
    #[case("1.2345k", None)]
    #[case("", None)]
    #[case("M", None)]
    #[case("ten", None)]
    #[case("-5M", None)]
    #[case("101G", None)]
    fn parses_rates(#[case] text: &str, #[case] expected: Option<u64>) {
        assert_eq!(parse_rate(text), expected);
    }

    #[rstest]
    #[case(128_000, "128k")]
    #[case(10_000_000, "10M")]
    #[case(1_500_000, "1500k")]
    #[case(1_234, "1234")]
    #[case(0, "0")]
    fn formats_rates(#[case] bps: u64, #[case] expected: &str) {
        assert_eq!(format_rate(bps), expected);
        assert_eq!(parse_rate(expected), Some(bps));
    }

    fn input(up: &str, down: &str) -> BandwidthInput {
        BandwidthInput {
            name: "Paket 10M".into(),
            rate_up: up.into(),
            rate_down: down.into(),
            ..Default::default()
        }
    }

    fn limit(input: &BandwidthInput) -> String {
        validate_bandwidth(BandwidthProfileId::new(), input)
            .unwrap()
            .rate_limit()
    }

    /// The worked examples of protocol-facts §2, built from the form.
    #[test]
    fn rate_limit_strings() {
        assert_eq!(limit(&input("2M", "10M")), "2M/10M");
        let mut full = input("2M", "10M");
        full.burst_up = "4M".into();
        full.burst_down = "15M".into();
        full.threshold_up = "1500k".into();
        full.threshold_down = "8M".into();
        full.burst_time_up = "8".into();
        full.burst_time_down = "8".into();
        full.priority = "5".into();
        full.limit_at_up = "1M".into();
        full.limit_at_down = "5M".into();
        assert_eq!(limit(&full), "2M/10M 4M/15M 1500k/8M 8/8 5 1M/5M");
        // Burst without threshold or time: threshold = rate, time = 1 s.
        let mut burst = input("64k", "64k");
        burst.burst_up = "256k".into();
        burst.burst_down = "256k".into();
        assert_eq!(limit(&burst), "64k/64k 256k/256k 64k/64k 1/1");
        // Priority alone fills the burst positions with zeros.
        let mut prio = input("1M", "2M");
        prio.priority = "3".into();
        assert_eq!(limit(&prio), "1M/2M 0/0 0/0 0/0 3");
    }

    #[test]
    fn the_form_round_trips() {
        let mut full = input("2M", "10M");
        full.burst_up = "4M".into();
        full.burst_down = "15M".into();
        full.priority = "5".into();
        let profile = validate_bandwidth(BandwidthProfileId::new(), &full).unwrap();
        let again = validate_bandwidth(profile.id, &profile.to_input()).unwrap();
        assert_eq!(again, profile);
    }

    #[test]
    fn bad_profiles_say_what_is_wrong_where() {
        let codes = |i: &BandwidthInput| -> Vec<(String, ValidationCode)> {
            validate_bandwidth(BandwidthProfileId::new(), i)
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(
            codes(&input("", "lots")),
            [
                ("rate_up".into(), ValidationCode::Required),
                ("rate_down".into(), ValidationCode::InvalidRate)
            ]
        );
        let mut b = input("2M", "10M");
        b.burst_up = "1M".into();
        b.burst_down = "20M".into();
        b.threshold_down = "12M".into();
        b.priority = "9".into();
        b.limit_at_up = "3M".into();
        assert_eq!(
            codes(&b),
            [
                ("priority".into(), ValidationCode::OutOfRange),
                ("burst_up".into(), ValidationCode::BurstNotAboveRate),
                ("threshold_down".into(), ValidationCode::ThresholdAboveRate),
                ("limit_at_up".into(), ValidationCode::LimitAtAboveRate),
            ]
        );
        let mut half = input("2M", "10M");
        half.burst_down = "20M".into();
        assert_eq!(
            codes(&half),
            [("burst_up".into(), ValidationCode::Required)]
        );
    }
}
