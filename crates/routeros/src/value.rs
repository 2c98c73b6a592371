//! Parsing the text values RouterOS sends (protocol-facts §1.8). Every parser returns `None`
//! rather than failing on something unexpected: a router on an odd version must degrade a
//! field, never a whole reply.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// `true`/`yes` and `false`/`no`: both pairs appear, depending on version and property.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

/// Durations as RouterOS writes them: `1w2d3h4m5s`, `4d15h20m38s`, `300ms`, `01:22:53`,
/// `1d02:03:04`, `00:00:01.5`. Parts may be missing.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    // A clock part `HH:MM:SS` may follow week and day parts.
    if let Some(colon) = rest.find(':') {
        let clock_start = rest[..colon]
            .rfind(|c: char| !c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        total += parse_clock(&rest[clock_start..])?;
        rest = &rest[..clock_start];
        if rest.is_empty() {
            return Some(total);
        }
    }
    let mut number = String::new();
    let mut chars = rest.chars().peekable();
    let mut seen_part = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = match (c, chars.peek()) {
            ('m', Some('s')) => {
                chars.next();
                Duration::from_millis(1)
            }
            ('u', Some('s')) => {
                chars.next();
                Duration::from_micros(1)
            }
            ('w', _) => Duration::from_secs(7 * 86_400),
            ('d', _) => Duration::from_secs(86_400),
            ('h', _) => Duration::from_secs(3_600),
            ('m', _) => Duration::from_secs(60),
            ('s', _) => Duration::from_secs(1),
            _ => return None,
        };
        let n: f64 = number.parse().ok()?;
        total += unit.mul_f64(n);
        number.clear();
        seen_part = true;
    }
    if !number.is_empty() {
        // A bare number is seconds (`timeout=300` is read as such by RouterOS).
        total += Duration::from_secs_f64(number.parse().ok()?);
        seen_part = true;
    }
    seen_part.then_some(total)
}

fn parse_clock(s: &str) -> Option<Duration> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let h: u64 = h.parse().ok()?;
    let m: u64 = m.parse().ok()?;
    let sec: f64 = sec.parse().ok()?;
    if m >= 60 || !(0.0..60.0).contains(&sec) {
        return None;
    }
    Some(Duration::from_secs(h * 3_600 + m * 60) + Duration::from_secs_f64(sec))
}

/// Formats a duration the way RouterOS prints it: `1w2d3h4m5s`, `0s` for zero, with `ms` for
/// a sub-second remainder.
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
    let millis = d.subsec_millis();
    let mut out = String::new();
    for (unit, size) in [("w", 7 * 86_400), ("d", 86_400), ("h", 3_600), ("m", 60)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    if secs > 0 || (out.is_empty() && millis == 0) {
        out.push_str(&format!("{secs}s"));
    }
    if millis > 0 {
        out.push_str(&format!("{millis}ms"));
    }
    out
}

/// A rate: a plain integer, or one with a `k`/`M`/`G` suffix meaning ×1000 (so `9.5k` is
/// 9500), optionally followed by `bps` or `pps` as the CLI shows it.
pub fn parse_rate(s: &str) -> Option<u64> {
    let s = s.trim();
    let s = s
        .strip_suffix("bps")
        .or_else(|| s.strip_suffix("pps"))
        .unwrap_or(s);
    let (number, factor) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1_000.0),
        'M' => (&s[..s.len() - 1], 1_000_000.0),
        'G' => (&s[..s.len() - 1], 1_000_000_000.0),
        _ => (s, 1.0),
    };
    if let Ok(n) = number.parse::<u64>()
        && factor == 1.0
    {
        return Some(n);
    }
    let n: f64 = number.parse().ok()?;
    (n.is_finite() && n >= 0.0).then(|| (n * factor).round() as u64)
}

/// Formats bits per second with the largest exact k/M/G suffix: `10M`, `1500k`, `999`.
pub fn format_rate(bps: u64) -> String {
    for (suffix, size) in [("G", 1_000_000_000), ("M", 1_000_000), ("k", 1_000)] {
        if bps >= size && bps.is_multiple_of(size) {
            return format!("{}{suffix}", bps / size);
        }
    }
    bps.to_string()
}

/// A pair written `upload/download` (simple queues) or `rx/tx` (rate limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatePair {
    pub upload: u64,
    pub download: u64,
}

impl RatePair {
    pub fn new(upload: u64, download: u64) -> Self {
        RatePair { upload, download }
    }

    /// `5M/10M`; a single value applies both ways.
    pub fn parse(s: &str) -> Option<Self> {
        match s.split_once('/') {
            Some((up, down)) => Some(RatePair::new(parse_rate(up)?, parse_rate(down)?)),
            None => parse_rate(s).map(|r| RatePair::new(r, r)),
        }
    }
}

impl fmt::Display for RatePair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            format_rate(self.upload),
            format_rate(self.download)
        )
    }
}

/// Dates in both formats: `jul/14/2023` or `Feb/11/2015` (before 7.10) and `2023-07-14`,
/// each optionally followed by a space and `HH:MM:SS`. A date alone is midnight.
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let (date, time) = match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let date = parse_date(date)?;
    let time = match time {
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M:%S").ok()?,
        None => NaiveTime::MIN,
    };
    Some(date.and_time(time))
}

/// The date part alone, in either format.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    let mut parts = s.split('/');
    let (month, day, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))?;
    NaiveDate::from_ymd_opt(year.parse().ok()?, month as u32 + 1, day.parse().ok()?)
}

/// A RouterOS version string such as `7.12.1 (stable)` or `6.49.10 (long-term)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterOsVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    /// `stable`, `long-term`, `testing`… when the router names it.
    pub channel: Option<String>,
}

impl RouterOsVersion {
    /// Whether this version sends `!empty` for empty results (7.18 and later).
    pub fn sends_empty(&self) -> bool {
        (self.major, self.minor) >= (7, 18)
    }
}

impl FromStr for RouterOsVersion {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim();
        let (number, channel) = match s.split_once(' ') {
            Some((n, c)) => (n, Some(c.trim_matches(|c| c == '(' || c == ')').to_owned())),
            None => (s, None),
        };
        // Pre-releases read `7.19beta2` or `7.1rc3`; the digits before the letters count.
        let mut parts = number.split('.').map(|p| {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().map_err(|_| ())
        });
        let major = parts.next().ok_or(())??;
        let minor = parts.next().ok_or(())??;
        let patch = parts.next().transpose()?.unwrap_or(0);
        Ok(RouterOsVersion {
            major,
            minor,
            patch,
            channel,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("1w2d3h4m5s", Some(7 * 86_400 + 2 * 86_400 + 3 * 3_600 + 4 * 60 + 5))]
    #[case("4d15h20m38s", Some(4 * 86_400 + 15 * 3_600 + 20 * 60 + 38))]
    #[case("01:22:53", Some(3_600 + 22 * 60 + 53))]
    #[case("1d02:03:04", Some(86_400 + 2 * 3_600 + 3 * 60 + 4))]
    #[case("2w", Some(14 * 86_400))]
    #[case("5m", Some(300))]
    #[case("0s", Some(0))]
    #[case("30", Some(30))]
    #[case("", None)]
    #[case("none", None)]
    #[case("1x", None)]
    #[case("00:61:00", None)]
    fn durations(#[case] input: &str, #[case] secs: Option<u64>) {
        assert_eq!(parse_duration(input), secs.map(Duration::from_secs));
    }

    #[test]
    fn sub_second_durations() {
        assert_eq!(parse_duration("300ms"), Some(Duration::from_millis(300)));
        assert_eq!(parse_duration("1s500ms"), Some(Duration::from_millis(1500)));
        assert_eq!(
            parse_duration("00:00:01.5"),
            Some(Duration::from_millis(1500))
        );
    }

    #[rstest]
    #[case(Duration::from_secs(0), "0s")]
    #[case(Duration::from_secs(9 * 86_400 + 3_661), "1w2d1h1m1s")]
    #[case(Duration::from_secs(3_600), "1h")]
    #[case(Duration::from_millis(1_500), "1s500ms")]
    fn durations_format_and_parse_back(#[case] d: Duration, #[case] text: &str) {
        assert_eq!(format_duration(d), text);
        assert_eq!(parse_duration(text), Some(d));
    }

    #[rstest]
    #[case("true", Some(true))]
    #[case("yes", Some(true))]
    #[case("false", Some(false))]
    #[case("no", Some(false))]
    #[case("True", None)]
    fn booleans(#[case] input: &str, #[case] expected: Option<bool>) {
        assert_eq!(parse_bool(input), expected);
    }

    #[rstest]
    #[case("0", Some(0))]
    #[case("123456", Some(123_456))]
    #[case("512k", Some(512_000))]
    #[case("9.5kbps", Some(9_500))]
    #[case("10M", Some(10_000_000))]
    #[case("1.5G", Some(1_500_000_000))]
    #[case("20pps", Some(20))]
    #[case("-1", None)]
    #[case("fast", None)]
    #[case("", None)]
    fn rates(#[case] input: &str, #[case] expected: Option<u64>) {
        assert_eq!(parse_rate(input), expected);
    }

    #[test]
    fn rate_pairs() {
        assert_eq!(
            RatePair::parse("5M/10M"),
            Some(RatePair::new(5_000_000, 10_000_000))
        );
        assert_eq!(
            RatePair::parse("128k"),
            Some(RatePair::new(128_000, 128_000))
        );
        assert_eq!(RatePair::new(1_500_000, 999).to_string(), "1500k/999");
        assert_eq!(RatePair::parse("0/0"), Some(RatePair::new(0, 0)));
    }

    #[rstest]
    #[case("jul/14/2023", "2023-07-14T00:00:00")]
    #[case("Feb/11/2015 13:24:13", "2015-02-11T13:24:13")]
    #[case("2023-07-14", "2023-07-14T00:00:00")]
    #[case("2023-07-14 10:11:12", "2023-07-14T10:11:12")]
    fn dates(#[case] input: &str, #[case] iso: &str) {
        assert_eq!(
            parse_datetime(input)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string(),
            iso
        );
    }

    #[rstest]
    #[case("smarch/1/2020")]
    #[case("2023-13-01")]
    #[case("jul/32/2023")]
    #[case("")]
    fn bad_dates(#[case] input: &str) {
        assert_eq!(parse_datetime(input), None);
    }

    #[test]
    fn versions() {
        let v: RouterOsVersion = "7.12.1 (stable)".parse().unwrap();
        assert_eq!((v.major, v.minor, v.patch), (7, 12, 1));
        assert_eq!(v.channel.as_deref(), Some("stable"));
        assert!(!v.sends_empty());
        let v: RouterOsVersion = "6.49.10 (long-term)".parse().unwrap();
        assert_eq!((v.major, v.minor, v.patch), (6, 49, 10));
        let v: RouterOsVersion = "7.18".parse().unwrap();
        assert!(v.sends_empty());
        let v: RouterOsVersion = "7.19beta2".parse().unwrap();
        assert_eq!((v.major, v.minor), (7, 19));
        assert!("garbage".parse::<RouterOsVersion>().is_err());
    }
}
