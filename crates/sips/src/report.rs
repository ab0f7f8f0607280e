//! The bank's daily transaction report, which the caisse reconciles with what
//! it recorded: one line per operation on the merchant's transactions that
//! day, `;`-separated, UTF-8, a header line first.
//!
//! ```text
//! operationDateTime;merchantId;transactionReference;operationType;operationAmount;currencyCode;authorisationId;transactionStatus
//! 2026-12-07T10:15:03+01:00;211000021310001;PCLCB20261207000000042;DEBIT;2000;978;123456;CAPTURED
//! 2026-12-08T09:02:11+01:00;211000021310001;PCLCB20261207000000042;CREDIT;500;978;123456;CAPTURED
//! ```
//!
//! Modelled on Worldline's public description of its reconciliation reports
//! (a line per operation with its date, merchant, transaction reference,
//! direction, amount, currency, authorisation and status); the column names
//! are Sips 2.0's field names and the amounts are in cents as in its
//! messages. What could not be confirmed from public material, so is this
//! project's assumption: the exact column set and order, the header line,
//! the `DEBIT` / `CREDIT` values of `operationType` (money taken from the
//! card, money given back to it: a cancellation before the capture is a
//! `CREDIT` too), and the report being one file per merchant and day.

use std::fmt;

/// The header line, the columns in their order.
pub const HEADER: &str = "operationDateTime;merchantId;transactionReference;operationType;operationAmount;currencyCode;authorisationId;transactionStatus";

/// Lines a report may hold (a day of a busy caisse is far below).
pub const MAX_LINES: usize = 200_000;

/// Characters a line may hold.
const MAX_LINE: usize = 512;

/// Which way money went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Taken from the card: a payment.
    Debit,
    /// Given back to it: a refund or a cancellation.
    Credit,
}

impl Direction {
    /// As the report writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Debit => "DEBIT",
            Direction::Credit => "CREDIT",
        }
    }
}

/// One operation of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// When, as Sips writes dates: `2026-12-07T10:15:03+01:00`.
    pub at: String,
    /// The merchant.
    pub merchant_id: String,
    /// The transaction.
    pub transaction_reference: String,
    /// Money taken or given back.
    pub direction: Direction,
    /// How much, in cents.
    pub amount_cents: i64,
    /// ISO 4217 numeric (`978`).
    pub currency_code: String,
    /// The authorisation the operation is on.
    pub authorisation_id: String,
    /// The transaction's status at the bank (`CAPTURED`, `TO_CAPTURE`, `CANCELLED`…).
    pub status: String,
}

/// Why a report cannot be read: the line (from 1, the header's) and what is
/// wrong with it, in French, for the agent who imports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError {
    /// The line, counted from 1.
    pub line: usize,
    /// What is wrong, in French.
    pub reason: String,
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ligne {} : {}.", self.line, self.reason)
    }
}

impl std::error::Error for ReportError {}

/// The report of `lines`, header first, each line ended by `\n`.
pub fn write(lines: &[ReportLine]) -> String {
    let mut text = String::with_capacity(HEADER.len() + 1 + lines.len() * 96);
    text.push_str(HEADER);
    text.push('\n');
    for line in lines {
        let amount = line.amount_cents.to_string();
        let fields = [
            line.at.as_str(),
            &line.merchant_id,
            &line.transaction_reference,
            line.direction.as_str(),
            &amount,
            &line.currency_code,
            &line.authorisation_id,
            &line.status,
        ];
        text.push_str(&fields.join(";"));
        text.push('\n');
    }
    text
}

/// Reads a report: every line or none (the first error, with its line).
/// Line ends may be `\n` or `\r\n`; a UTF-8 byte-order mark and empty lines
/// at the end are allowed.
pub fn parse(text: &str) -> Result<Vec<ReportLine>, ReportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = text.split('\n').map(|row| row.strip_suffix('\r').unwrap_or(row)).enumerate();
    let refuse = |line: usize, reason: String| ReportError { line, reason };
    match rows.next() {
        Some((_, header)) if header == HEADER => {}
        _ => return Err(refuse(1, format!("l'en-tête doit être « {HEADER} »"))),
    }
    let rows: Vec<(usize, &str)> = rows.map(|(i, row)| (i + 1, row)).collect();
    let last = rows.iter().rposition(|(_, row)| !row.is_empty()).map_or(0, |at| at + 1);
    if last > MAX_LINES {
        return Err(refuse(MAX_LINES + 2, format!("un relevé compte au plus {MAX_LINES} opérations")));
    }
    rows[..last].iter().map(|&(line, row)| parse_line(row).map_err(|reason| refuse(line, reason))).collect()
}

fn parse_line(row: &str) -> Result<ReportLine, String> {
    if row.len() > MAX_LINE {
        return Err(format!("une ligne compte au plus {MAX_LINE} caractères"));
    }
    let fields: Vec<&str> = row.split(';').collect();
    let [at, merchant, reference, direction, amount, currency, authorisation, status] = fields[..] else {
        return Err(format!("8 champs séparés par « ; » attendus, {} trouvés", fields.len()));
    };
    if !is_date_time(at) {
        return Err(format!("« {at} » n'est pas une date et heure (2026-12-07T10:15:03+01:00)"));
    }
    if merchant.is_empty() || !merchant.bytes().all(|b| b.is_ascii_digit()) || merchant.len() > 15 {
        return Err(format!("« {merchant} » n'est pas un identifiant de commerçant (15 chiffres au plus)"));
    }
    if reference.is_empty() || reference.len() > 35 || !reference.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("« {reference} » n'est pas une référence de transaction"));
    }
    let direction = match direction {
        "DEBIT" => Direction::Debit,
        "CREDIT" => Direction::Credit,
        other => return Err(format!("le sens « {other} » n'est ni DEBIT ni CREDIT")),
    };
    let amount_cents = match amount.parse::<i64>() {
        Ok(cents) if cents > 0 && amount.bytes().all(|b| b.is_ascii_digit()) && amount.len() <= 12 => cents,
        _ => return Err(format!("le montant « {amount} » n'est pas un nombre de centimes positif")),
    };
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("« {currency} » n'est pas un code de devise (3 chiffres)"));
    }
    if authorisation.len() > 10 || !authorisation.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("« {authorisation} » n'est pas un numéro d'autorisation"));
    }
    if status.is_empty() || status.len() > 32 || !status.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        return Err(format!("« {status} » n'est pas un état de transaction"));
    }
    Ok(ReportLine {
        at: at.to_owned(),
        merchant_id: merchant.to_owned(),
        transaction_reference: reference.to_owned(),
        direction,
        amount_cents,
        currency_code: currency.to_owned(),
        authorisation_id: authorisation.to_owned(),
        status: status.to_owned(),
    })
}

/// `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`, each part within its range.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let number = |from: usize, to: usize| -> Option<u32> {
        let part = text.get(from..to)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
    };
    let shape = bytes.len() >= 20
        && bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && bytes.get(10) == Some(&b'T')
        && bytes.get(13) == Some(&b':')
        && bytes.get(16) == Some(&b':');
    let offset = match &text.get(19..) {
        Some("Z") => true,
        Some(zone)
            if zone.len() == 6 && (zone.starts_with('+') || zone.starts_with('-')) && zone.as_bytes()[3] == b':' =>
        {
            number(20, 22).is_some_and(|h| h <= 14) && number(23, 25).is_some_and(|m| m < 60)
        }
        _ => false,
    };
    shape
        && offset
        && number(0, 4).is_some()
        && number(5, 7).is_some_and(|m| (1..=12).contains(&m))
        && number(8, 10).is_some_and(|d| (1..=31).contains(&d))
        && number(11, 13).is_some_and(|h| h < 24)
        && number(14, 16).is_some_and(|m| m < 60)
        && number(17, 19).is_some_and(|s| s < 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(direction: Direction, amount_cents: i64) -> ReportLine {
        ReportLine {
            at: "2026-12-07T10:15:03+01:00".to_owned(),
            merchant_id: "211000021310001".to_owned(),
            transaction_reference: "PCLCB20261207000000042".to_owned(),
            direction,
            amount_cents,
            currency_code: "978".to_owned(),
            authorisation_id: "123456".to_owned(),
            status: "CAPTURED".to_owned(),
        }
    }

    #[test]
    fn a_report_reads_back_as_written() {
        let lines = vec![line(Direction::Debit, 2000), line(Direction::Credit, 500)];
        let text = write(&lines);
        assert_eq!(
            text.lines().nth(1),
            Some("2026-12-07T10:15:03+01:00;211000021310001;PCLCB20261207000000042;DEBIT;2000;978;123456;CAPTURED")
        );
        assert_eq!(parse(&text), Ok(lines.clone()));
        let windows = format!("\u{feff}{}\r\n\r\n", text.trim_end().replace('\n', "\r\n"));
        assert_eq!(parse(&windows), Ok(lines), "a byte-order mark, CRLF and empty lines at the end");
        assert_eq!(parse(&format!("{HEADER}\n")), Ok(Vec::new()), "a day without operations");
    }

    #[test]
    fn a_malformed_report_names_its_first_wrong_line_and_says_what_is_wrong_in_french() {
        let good = "2026-12-07T10:15:03+01:00;211000021310001;PCLCB20261207000000042;DEBIT;2000;978;123456;CAPTURED";
        let with = |row: &str| format!("{HEADER}\n{good}\n{row}\n{good}\n");
        let error = |text: &str| parse(text).expect_err("refused").to_string();
        assert!(error("date;merchant\n").starts_with("Ligne 1 : l'en-tête doit être"));
        assert!(error("").starts_with("Ligne 1 :"));
        for (row, says) in [
            (
                "2026-12-07T10:15:03+01:00;211000021310001;PCLCB1;DEBIT;2000;978;123456",
                "8 champs séparés par « ; » attendus, 7 trouvés",
            ),
            ("07/12/2026 10:15;211000021310001;PCLCB1;DEBIT;2000;978;123456;CAPTURED", "n'est pas une date et heure"),
            (
                "2026-13-07T10:15:03+01:00;211000021310001;PCLCB1;DEBIT;2000;978;123456;CAPTURED",
                "n'est pas une date et heure",
            ),
            (
                "2026-12-07T10:15:03;211000021310001;PCLCB1;DEBIT;2000;978;123456;CAPTURED",
                "n'est pas une date et heure",
            ),
            (
                "2026-12-07T10:15:03+01:00;2110000213100011;PCLCB1;DEBIT;2000;978;123456;CAPTURED",
                "identifiant de commerçant",
            ),
            (
                "2026-12-07T10:15:03+01:00;211000021310001;PCLCB-1;DEBIT;2000;978;123456;CAPTURED",
                "référence de transaction",
            ),
            ("2026-12-07T10:15:03+01:00;211000021310001;;DEBIT;2000;978;123456;CAPTURED", "référence de transaction"),
            (
                "2026-12-07T10:15:03+01:00;211000021310001;PCLCB1;REFUND;2000;978;123456;CAPTURED",
                "le sens « REFUND » n'est ni DEBIT ni CREDIT",
            ),
            (
                "2026-12-07T10:15:03+01:00;211000021310001;PCLCB1;DEBIT;20,00;978;123456;CAPTURED",
                "le montant « 20,00 »",
            ),
            ("2026-12-07T10:15:03+01:00;211000021310001;PCLCB1;DEBIT;0;978;123456;CAPTURED", "le montant « 0 »"),
            ("2026-12-07T10:15:03+01:00;211000021310001;PCLCB1;DEBIT;+20;978;123456;CAPTURED", "le montant « +20 »"),
            ("2026-12-07T10:15:03+01:00;211000021310001;PCLCB1;DEBIT;2000;EUR;123456;CAPTURED", "code de devise"),
            (
                "2026-12-07T10:15:03+01:00;211000021310001;PCLCB1;DEBIT;2000;978;12 456;CAPTURED",
                "numéro d'autorisation",
            ),
            ("2026-12-07T10:15:03+01:00;211000021310001;PCLCB1;DEBIT;2000;978;123456;captured", "état de transaction"),
        ] {
            let said = error(&with(row));
            assert!(said.starts_with("Ligne 3 : ") && said.contains(says) && said.ends_with('.'), "{row}: {said}");
        }
        let long = format!("{good}{}", ";".repeat(MAX_LINE));
        assert!(error(&with(&long)).contains("au plus 512 caractères"));
        let empty_inside = format!("{HEADER}\n{good}\n\n{good}\n");
        assert!(error(&empty_inside).starts_with("Ligne 3 : 8 champs"), "an empty line between operations");
    }

    #[test]
    fn a_report_holds_at_most_its_number_of_lines() {
        let row = "2026-12-07T10:15:03Z;211000021310001;PCLCB1;DEBIT;2000;978;;CAPTURED\n";
        let full = format!("{HEADER}\n{}", row.repeat(MAX_LINES));
        assert_eq!(parse(&full).map(|lines| lines.len()), Ok(MAX_LINES));
        let over = format!("{full}{row}");
        assert!(parse(&over).expect_err("refused").to_string().contains("au plus 200000 opérations"));
    }
}
