//! The `[usage]` section of the config file: the price per TB-month that the Usage view's
//! cost estimate uses (`price_per_tb`, US dollars per 10^12 bytes a month; without it,
//! Backblaze's list price). Read with the rest of the file (`accounts/file.rs`), checked
//! here; a bad value names its line and the value.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

/// `[usage]`, checked.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UsageConfig {
    /// US dollars per TB-month; None = the list price.
    pub price_per_tb: Option<f64>,
}

// The price is checked to be finite: equality is total.
impl Eq for UsageConfig {}

/// `[usage]` as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUsage {
    price_per_tb: Option<Spanned<toml::Value>>,
}

/// The most a TB-month may cost here: beyond it the value is surely a typo.
const MAX_PRICE: f64 = 1_000_000.0;

/// Checks `[usage]`; the error is the value's place in the file and what is wrong.
pub fn check(raw: RawUsage) -> Result<UsageConfig, (Range<usize>, String)> {
    let Some(price) = raw.price_per_tb else {
        return Ok(UsageConfig::default());
    };
    let span = price.span();
    let value = price.into_inner();
    let number = match &value {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    };
    match number {
        Some(p) if p.is_finite() && (0.0..=MAX_PRICE).contains(&p) => Ok(UsageConfig {
            price_per_tb: Some(p),
        }),
        _ => Err((
            span,
            format!(
                "price_per_tb must be a number of US dollars per TB-month, 0 or more \
                 (e.g. 6 or 5.5), got {value}"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::accounts::load_text as load;

    #[test]
    fn the_price_is_read_as_integer_or_decimal() {
        let l = load("[usage]\nprice_per_tb = 5.5\n");
        assert_eq!(l.error, None);
        assert_eq!(l.config.usage.price_per_tb, Some(5.5));
        let l = load("[ui]\ntimes = \"utc\"\n[usage]\nprice_per_tb = 7\n");
        assert_eq!(l.config.usage.price_per_tb, Some(7.0));
        assert!(l.config.utc);
        assert_eq!(
            load("[usage]\nprice_per_tb = 0\n")
                .config
                .usage
                .price_per_tb,
            Some(0.0)
        );
    }

    #[test]
    fn without_the_section_or_the_key_there_is_no_price() {
        assert_eq!(load("").config.usage.price_per_tb, None);
        assert_eq!(load("[usage]\n").config.usage.price_per_tb, None);
    }

    #[test]
    fn a_bad_price_names_the_file_the_line_and_the_value() {
        for (value, shown) in [
            ("\"six\"", "\"six\""),
            ("-1", "-1"),
            ("nan", "nan"),
            ("inf", "inf"),
            ("1e9", "1000000000.0"),
            ("true", "true"),
        ] {
            let l = load(&format!(
                "[ui]\ntimes = \"utc\"\n\n[usage]\nprice_per_tb = {value}\n"
            ));
            let e = l.error.expect("refused");
            assert_eq!(e.line, Some(5), "{value}");
            let text = e.to_string();
            assert!(
                text.contains("config.toml, line 5: price_per_tb must be a number"),
                "{text}"
            );
            assert!(text.ends_with(&format!("got {shown}")), "{text}");
            assert_eq!(l.config.usage.price_per_tb, None, "the defaults are used");
        }
        let e = load("[usage]\nprice = 6\n").error.expect("refused");
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("unknown key `price`"), "{}", e.message);
    }
}
