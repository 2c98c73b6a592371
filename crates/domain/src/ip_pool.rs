//! IP pools: named sets of IPv4 address ranges on one router (`/ip/pool`), written as
//! RouterOS writes them: `10.0.0.2-10.0.0.254,10.0.1.10-10.0.1.20` (a single address or a
//! CIDR block like `10.0.2.0/24` is accepted too and stored as a range).

use crate::ids::{IpPoolId, RouterId};
use crate::validation::{FieldError, ValidationCode, Validator};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpRange {
    pub first: Ipv4Addr,
    pub last: Ipv4Addr,
}

impl IpRange {
    pub fn size(&self) -> u64 {
        u64::from(u32::from(self.last)) - u64::from(u32::from(self.first)) + 1
    }

    pub fn overlaps(&self, other: &IpRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }
}

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

/// Parses one range: `a.b.c.d-e.f.g.h`, `a.b.c.d` or `a.b.c.d/nn`.
pub fn parse_range(text: &str) -> Option<IpRange> {
    let text = text.trim();
    if let Some((first, last)) = text.split_once('-') {
        let first: Ipv4Addr = first.trim().parse().ok()?;
        let last: Ipv4Addr = last.trim().parse().ok()?;
        return (first <= last).then_some(IpRange { first, last });
    }
    if let Some((network, bits)) = text.split_once('/') {
        let network: Ipv4Addr = network.trim().parse().ok()?;
        let bits: u32 = bits.trim().parse().ok().filter(|b| *b <= 32)?;
        let mask = if bits == 0 {
            0
        } else {
            u32::MAX << (32 - bits)
        };
        let base = u32::from(network) & mask;
        return Some(IpRange {
            first: Ipv4Addr::from(base),
            last: Ipv4Addr::from(base | !mask),
        });
    }
    let single: Ipv4Addr = text.parse().ok()?;
    Some(IpRange {
        first: single,
        last: single,
    })
}

/// Parses a comma- (or newline-) separated list of ranges; reports the first bad one.
pub fn parse_ranges(text: &str) -> Result<Vec<IpRange>, String> {
    let mut ranges = Vec::new();
    for part in text
        .split([',', '\n', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        ranges.push(parse_range(part).ok_or_else(|| part.to_owned())?);
    }
    Ok(ranges)
}

pub fn format_ranges(ranges: &[IpRange]) -> String {
    ranges
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PoolType {
    Pppoe,
    Hotspot,
    Any,
}

impl PoolType {
    pub fn as_str(&self) -> &'static str {
        match self {
            PoolType::Pppoe => "pppoe",
            PoolType::Hotspot => "hotspot",
            PoolType::Any => "any",
        }
    }

    pub fn parse(text: &str) -> Option<PoolType> {
        match text.trim() {
            "pppoe" => Some(PoolType::Pppoe),
            "hotspot" => Some(PoolType::Hotspot),
            "any" | "" => Some(PoolType::Any),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct IpPool {
    pub id: IpPoolId,
    pub router_id: RouterId,
    pub name: String,
    /// As RouterOS writes them: `10.0.0.2-10.0.0.254,10.0.1.10-10.0.1.20`.
    pub ranges: String,
    #[ts(type = "number")]
    pub size: u64,
    pub pool_type: PoolType,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct IpPoolInput {
    pub router_id: String,
    pub name: String,
    pub ranges: String,
    pub pool_type: String,
}

/// Pool names are RouterOS names: no spaces or commas, at most 64 characters.
pub fn check_router_name(field: &str, name: &str) -> Option<FieldError> {
    if name.is_empty() {
        return Some(FieldError::new(field, ValidationCode::Required));
    }
    if name.chars().count() > 64 {
        return Some(FieldError::new(field, ValidationCode::TooLong).with("max", 64));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, ',' | '"' | '\'' | '/' | '\\'))
    {
        return Some(
            FieldError::new(field, ValidationCode::InvalidChoice).with("allowed", "a-z 0-9 . _ -"),
        );
    }
    None
}

/// Validates a pool on its own; `others` are the router's other pools (name, ranges),
/// checked for overlaps. The router must exist (checked by the caller).
pub fn validate_pool(
    id: IpPoolId,
    router_id: RouterId,
    input: &IpPoolInput,
    others: &[(String, Vec<IpRange>)],
) -> Result<(IpPool, Vec<IpRange>), Vec<FieldError>> {
    let mut v = Validator::new();
    let name = input.name.trim().to_owned();
    if let Some(e) = check_router_name("name", &name) {
        v.push(e);
    }
    let pool_type = PoolType::parse(&input.pool_type);
    if pool_type.is_none() {
        v.push(
            FieldError::new("pool_type", ValidationCode::InvalidChoice)
                .with("allowed", "pppoe, hotspot, any"),
        );
    }
    let mut ranges = match parse_ranges(&input.ranges) {
        Ok(r) if r.is_empty() => {
            v.push(FieldError::new("ranges", ValidationCode::Required));
            Vec::new()
        }
        Ok(r) => r,
        Err(bad) => {
            v.push(FieldError::new("ranges", ValidationCode::InvalidIpRange).with("range", bad));
            Vec::new()
        }
    };
    ranges.sort();
    if let Some(pair) = ranges.windows(2).find(|w| w[0].overlaps(&w[1])) {
        v.push(FieldError::new("ranges", ValidationCode::InvalidIpRange).with("range", pair[1]));
    }
    if let Some((other, _)) = others.iter().find(|(other_name, other_ranges)| {
        *other_name != name
            && other_ranges
                .iter()
                .any(|o| ranges.iter().any(|r| r.overlaps(o)))
    }) {
        v.push(FieldError::new("ranges", ValidationCode::PoolOverlap).with("pool", other));
    }
    if others
        .iter()
        .any(|(other_name, _)| other_name.eq_ignore_ascii_case(&name))
    {
        v.push(FieldError::new("name", ValidationCode::AlreadyUsed));
    }
    v.finish().map(|()| {
        let size = ranges.iter().map(IpRange::size).sum();
        (
            IpPool {
                id,
                router_id,
                name,
                ranges: format_ranges(&ranges),
                size,
                pool_type: pool_type.unwrap_or(PoolType::Any),
            },
            ranges,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("10.0.0.2-10.0.0.254", Some(253))]
    #[case("10.0.0.1", Some(1))]
    #[case("10.0.2.0/24", Some(256))]
    #[case("10.0.2.77/24", Some(256))]
    #[case(" 192.168.1.10 - 192.168.1.20 ", Some(11))]
    #[case("10.0.0.9-10.0.0.2", None)]
    #[case("10.0.0.300", None)]
    #[case("10.0.0.0/33", None)]
    #[case("pool1", None)]
    fn ranges(#[case] text: &str, #[case] size: Option<u64>) {
        assert_eq!(parse_range(text).map(|r| r.size()), size);
    }

    fn pool(
        name: &str,
        ranges: &str,
        others: &[(String, Vec<IpRange>)],
    ) -> Result<IpPool, Vec<(String, ValidationCode, Option<String>)>> {
        validate_pool(
            IpPoolId::new(),
            RouterId::new(),
            &IpPoolInput {
                router_id: String::new(),
                name: name.into(),
                ranges: ranges.into(),
                pool_type: "pppoe".into(),
            },
            others,
        )
        .map(|(p, _)| p)
        .map_err(|es| {
            es.into_iter()
                .map(|e| {
                    (
                        e.field,
                        e.code,
                        e.params.get("pool").or(e.params.get("range")).cloned(),
                    )
                })
                .collect()
        })
    }

    #[test]
    fn size_is_computed_over_several_ranges() {
        let p = pool(
            "pppoe-pool",
            "10.0.0.2-10.0.0.254, 10.0.1.10-10.0.1.20",
            &[],
        )
        .unwrap();
        assert_eq!(p.size, 253 + 11);
        assert_eq!(p.ranges, "10.0.0.2-10.0.0.254,10.0.1.10-10.0.1.20");
    }

    #[test]
    fn an_overlap_on_the_same_router_names_the_other_pool() {
        let others = vec![(
            "hotspot-pool".to_owned(),
            parse_ranges("10.0.0.200-10.0.1.5").unwrap(),
        )];
        let err = pool("pppoe-pool", "10.0.0.2-10.0.0.254", &others).unwrap_err();
        assert_eq!(
            err,
            [(
                "ranges".into(),
                ValidationCode::PoolOverlap,
                Some("hotspot-pool".into())
            )]
        );
        assert!(pool("pppoe-pool", "10.0.2.0/24", &others).is_ok());
    }

    #[test]
    fn ranges_inside_one_pool_must_not_overlap_and_names_are_routeros_names() {
        let err = pool("my pool", "10.0.0.0/24,10.0.0.100", &[]).unwrap_err();
        assert_eq!(err[0].1, ValidationCode::InvalidChoice);
        assert_eq!(
            err[1],
            (
                "ranges".into(),
                ValidationCode::InvalidIpRange,
                Some("10.0.0.100-10.0.0.100".into())
            )
        );
        let err = pool("p", "10.0.0.1-", &[]).unwrap_err();
        assert_eq!(
            err,
            [(
                "ranges".into(),
                ValidationCode::InvalidIpRange,
                Some("10.0.0.1-".into())
            )]
        );
    }
}
