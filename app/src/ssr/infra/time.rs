//! Instants shown the French way, in Europe/Paris.

use jiff::{Timestamp, tz::TimeZone};

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap_or(TimeZone::UTC)
}

fn zoned(ms: i64) -> jiff::Zoned {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH).to_zoned(paris())
}

/// «11/09/2017».
pub fn date_fr(ms: i64) -> String {
    zoned(ms).strftime("%d/%m/%Y").to_string()
}

/// «11/09/2017 à 15:54».
pub fn date_time_fr(ms: i64) -> String {
    zoned(ms).strftime("%d/%m/%Y à %H:%M").to_string()
}

/// «15:54».
pub fn time_fr(ms: i64) -> String {
    zoned(ms).strftime("%H:%M").to_string()
}

/// The Paris calendar date of an instant: (year, day of year).
pub fn year_and_day(ms: i64) -> (i16, i16) {
    let z = zoned(ms);
    (z.year(), z.day_of_year())
}

/// The Paris calendar date of an instant.
pub fn paris_date(ms: i64) -> crate::domain::IssueDate {
    let z = zoned(ms);
    let (year, month, day) = (u16::try_from(z.year()), u8::try_from(z.month()), u8::try_from(z.day()));
    match (year, month, day) {
        (Ok(y), Ok(m), Ok(d)) => crate::domain::IssueDate::new(y, m, d).unwrap_or(crate::domain::IssueDate::EPOCH),
        _ => crate::domain::IssueDate::EPOCH,
    }
}

/// Unix milliseconds of midnight, Paris time, on `date`.
pub fn start_of_day(date: crate::domain::IssueDate) -> i64 {
    paris_ms(
        i16::try_from(date.year()).unwrap_or(1970),
        i8::try_from(date.month()).unwrap_or(1),
        i8::try_from(date.day()).unwrap_or(1),
        0,
        0,
    )
}

/// Unix milliseconds of the midnight, Paris time, that ends `date` (23 or 25
/// hours after its start on the days the clocks change).
pub fn end_of_day(date: crate::domain::IssueDate) -> i64 {
    let civil = jiff::civil::Date::new(
        i16::try_from(date.year()).unwrap_or(1970),
        i8::try_from(date.month()).unwrap_or(1),
        i8::try_from(date.day()).unwrap_or(1),
    );
    civil
        .ok()
        .and_then(|d| d.tomorrow().ok())
        .and_then(|d| d.to_zoned(paris()).ok())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or_else(|| start_of_day(date) + 24 * 3600 * 1000)
}

/// Unix milliseconds of a Paris wall-clock time, for fixtures.
pub fn paris_ms(year: i16, month: i8, day: i8, hour: i8, minute: i8) -> i64 {
    jiff::civil::date(year, month, day)
        .at(hour, minute, 0, 0)
        .to_zoned(paris())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or_default()
}

/// The instant `months` calendar months after `ms`, Paris time (message retention).
pub fn add_months(ms: i64, months: i32) -> i64 {
    zoned(ms).checked_add(jiff::Span::new().months(months)).map(|z| z.timestamp().as_millisecond()).unwrap_or(ms)
}

/// «11 sept. 2017», as the bank kiosk writes a transaction date.
pub fn short_date_fr(ms: i64) -> String {
    const MONTHS: [&str; 12] =
        ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
    let z = zoned(ms);
    let month = MONTHS[usize::try_from(z.month() - 1).unwrap_or(0)];
    format!("{} {month} {}", z.day(), z.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_time_in_summer_and_winter() {
        let summer = paris_ms(2017, 9, 11, 15, 54);
        assert_eq!(date_time_fr(summer), "11/09/2017 à 15:54");
        assert_eq!(summer, 1_505_138_040_000);
        let winter = paris_ms(2019, 1, 5, 8, 59);
        assert_eq!(date_fr(winter), "05/01/2019");
        assert_eq!(time_fr(winter), "08:59");
    }

    #[test]
    fn day_of_year_follows_paris() {
        // 11/09/2017 is the 254th day (seed: PCLCB172540000004).
        assert_eq!(year_and_day(paris_ms(2017, 9, 11, 10, 0)), (2017, 254));
        // 00:30 in Paris on 1 January is still 31 December in UTC.
        assert_eq!(year_and_day(paris_ms(2018, 1, 1, 0, 30)), (2018, 1));
    }

    #[test]
    fn calendar_days_in_paris() {
        let late_evening = paris_ms(2019, 3, 15, 23, 30);
        assert_eq!(paris_date(late_evening).to_string(), "15/03/2019");
        assert_eq!(start_of_day(paris_date(late_evening)), paris_ms(2019, 3, 15, 0, 0));
        // 31 March 2019 lasted 23 hours in Paris.
        let change = paris_date(paris_ms(2019, 3, 31, 12, 0));
        assert_eq!(end_of_day(change) - start_of_day(change), 23 * 3600 * 1000);
    }

    #[test]
    fn six_months_later() {
        let sent = paris_ms(2018, 7, 5, 8, 59);
        assert_eq!(date_fr(add_months(sent, 6)), "05/01/2019");
    }

    #[test]
    fn kiosk_short_date() {
        assert_eq!(short_date_fr(paris_ms(2017, 9, 11, 15, 54)), "11 sept. 2017");
    }
}
