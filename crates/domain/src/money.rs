//! Money as integer minor units. Rupiah has no minor unit, so one unit is one Rupiah.
//! There are no floats anywhere in money: amounts add up exactly.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The currencies an ISP can keep its books in. Rupiah is the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    #[default]
    Idr,
    Usd,
    Myr,
    Sgd,
    Php,
}

impl Currency {
    pub const ALL: [Currency; 5] = [
        Currency::Idr,
        Currency::Usd,
        Currency::Myr,
        Currency::Sgd,
        Currency::Php,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Idr => "IDR",
            Currency::Usd => "USD",
            Currency::Myr => "MYR",
            Currency::Sgd => "SGD",
            Currency::Php => "PHP",
        }
    }

    /// Digits after the decimal separator (ISO 4217 exponent as used in practice:
    /// Rupiah is quoted without decimals).
    pub fn exponent(self) -> u32 {
        match self {
            Currency::Idr => 0,
            _ => 2,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Idr => "Rp",
            Currency::Usd => "US$",
            Currency::Myr => "RM",
            Currency::Sgd => "S$",
            Currency::Php => "₱",
        }
    }

    pub fn from_code(code: &str) -> Option<Currency> {
        Currency::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// An amount in a currency's minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn idr(rupiah: i64) -> Self {
        Self::new(rupiah, Currency::Idr)
    }
}

impl fmt::Display for Money {
    /// The one money format of the product, the same as the UI's `formatMoney`:
    /// `Rp 150.000`, `-Rp 5.000`, `US$ 1.234,50` — Indonesian grouping with `.`,
    /// decimals after `,`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.currency.exponent();
        let abs = self.minor.unsigned_abs();
        let scale = 10u64.pow(exp);
        let whole = group_thousands(abs / scale);
        let sign = if self.minor < 0 { "-" } else { "" };
        write!(f, "{sign}{} {whole}", self.currency.symbol())?;
        if exp > 0 {
            write!(f, ",{:0width$}", abs % scale, width = exp as usize)?;
        }
        Ok(())
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Money::idr(150_000), "Rp 150.000")]
    #[case(Money::idr(0), "Rp 0")]
    #[case(Money::idr(999), "Rp 999")]
    #[case(Money::idr(1_000), "Rp 1.000")]
    #[case(Money::idr(1_234_567_890), "Rp 1.234.567.890")]
    #[case(Money::idr(-5_000), "-Rp 5.000")]
    #[case(Money::new(123_450, Currency::Usd), "US$ 1.234,50")]
    #[case(Money::new(5, Currency::Myr), "RM 0,05")]
    #[case(Money::idr(i64::MIN), "-Rp 9.223.372.036.854.775.808")]
    fn formats_money(#[case] money: Money, #[case] expected: &str) {
        assert_eq!(money.to_string(), expected);
    }

    #[test]
    fn currency_codes_round_trip() {
        for c in Currency::ALL {
            assert_eq!(Currency::from_code(c.code()), Some(c));
        }
        assert_eq!(Currency::from_code("XXX"), None);
    }
}
