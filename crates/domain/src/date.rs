//! Calendar dates as the business writes them: «15/03/2019».

use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar date (no time, no time zone), such as the date an avis was issued.
/// Ordered chronologically; stored and sent as ISO 8601 (`2019-03-15`), shown as
/// `15/03/2019`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IssueDate {
    year: u16,
    month: u8,
    day: u8,
}

/// Why a text is not an ISO date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("date invalide (attendu AAAA-MM-JJ)")]
pub struct DateError;

impl IssueDate {
    /// 1 January 1970.
    pub const EPOCH: IssueDate = IssueDate { year: 1970, month: 1, day: 1 };

    /// A date from its parts, if it exists in the calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, DateError> {
        let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(DateError),
        };
        if (1..=9999).contains(&year) && (1..=days_in_month).contains(&day) {
            Ok(IssueDate { year, month, day })
        } else {
            Err(DateError)
        }
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse_iso(input: &str) -> Result<Self, DateError> {
        let bytes = input.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(DateError);
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, DateError> {
            let part = &input[range];
            if part.bytes().all(|b| b.is_ascii_digit()) { part.parse().map_err(|_| DateError) } else { Err(DateError) }
        };
        let month = u8::try_from(number(5..7)?).map_err(|_| DateError)?;
        let day = u8::try_from(number(8..10)?).map_err(|_| DateError)?;
        IssueDate::new(number(0..4)?, month, day)
    }

    /// `YYYY-MM-DD`.
    pub fn to_iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }
}

/// `dd/mm/yyyy`.
impl fmt::Display for IssueDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

impl TryFrom<String> for IssueDate {
    type Error = DateError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        IssueDate::parse_iso(&value)
    }
}

impl From<IssueDate> for String {
    fn from(value: IssueDate) -> Self {
        value.to_iso()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shows_the_french_way() {
        let date = IssueDate::parse_iso("2019-03-15").expect("valid");
        assert_eq!(date.to_string(), "15/03/2019");
        assert_eq!(date.to_iso(), "2019-03-15");
        assert_eq!((date.year(), date.month(), date.day()), (2019, 3, 15));
        assert_eq!(String::from(date), "2019-03-15");
        assert_eq!(IssueDate::try_from("2019-03-15".to_owned()), Ok(date));
    }

    #[test]
    fn orders_chronologically() {
        let older = IssueDate::parse_iso("2014-02-20").expect("valid");
        let newer = IssueDate::parse_iso("2016-05-12").expect("valid");
        assert!(older < newer);
    }

    #[test]
    fn refuses_dates_that_do_not_exist() {
        for input in [
            "2019-02-29",
            "2019-13-01",
            "2019-00-10",
            "2019-04-31",
            "19-03-15",
            "2019/03/15",
            "2019-3-15",
            "",
            "2019-03-15x",
            "2019-03x15",
            "2019x03-15",
        ] {
            assert_eq!(IssueDate::parse_iso(input), Err(DateError), "{input:?}");
        }
        assert!(IssueDate::parse_iso("2020-02-29").is_ok());
        assert!(IssueDate::parse_iso("1900-02-29").is_err());
        assert!(IssueDate::parse_iso("2000-02-29").is_ok());
    }

    proptest! {
        #[test]
        fn iso_round_trip(year in 1u16..=9999, month in 1u8..=12, day in 1u8..=28) {
            let date = IssueDate::new(year, month, day).expect("exists");
            prop_assert_eq!(IssueDate::parse_iso(&date.to_iso()), Ok(date));
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = IssueDate::parse_iso(&input);
        }
    }
}
