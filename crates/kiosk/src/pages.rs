//! The simulator's pages, in French, self-contained (their own stylesheet).

use super::cards::{CardErrors, CardForm};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sips::{PaymentResponse, SealedForm};

/// What every page of a session shows.
pub struct Summary {
    /// The merchant's name.
    pub merchant_label: String,
    /// «Identifiant du commerçant».
    pub merchant_id: String,
    /// Amount in cents.
    pub amount_cents: i64,
    /// «Référence de la transaction».
    pub transaction_reference: String,
}

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn paris(now: i64) -> jiff::Zoned {
    Timestamp::from_millisecond(now)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(TimeZone::get("Europe/Paris").unwrap_or(TimeZone::UTC))
}

/// The day in Paris.
pub fn paris_day(now: i64) -> jiff::civil::Date {
    paris(now).date()
}

/// ISO 8601 with the Paris offset, as Sips writes `transactionDateTime`.
pub fn iso_date_time(now: i64) -> String {
    paris(now).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// (year, month) in Paris.
pub fn year_month(now: i64) -> (i32, u32) {
    let z = paris(now);
    (i32::from(z.year()), u32::try_from(z.month()).unwrap_or(1))
}

/// «11 sept. 2017» from an ISO `transactionDateTime`.
fn short_date(iso: &str) -> String {
    const MONTHS: [&str; 12] =
        ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
    let parts: Vec<&str> = iso.get(..10).unwrap_or_default().split('-').collect();
    match parts.as_slice() {
        [year, month, day] => {
            let month: usize = month.parse().unwrap_or(1);
            let day: u32 = day.parse().unwrap_or(1);
            format!("{day} {} {year}", MONTHS[month.clamp(1, 12) - 1])
        }
        _ => String::new(),
    }
}

/// «1 234,50 €»: U+202F between thousands, a comma, U+00A0 before the sign.
fn euros(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() * 2);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    format!("{grouped},{:02}\u{a0}€", cents % 100)
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} – Paiement sécurisé (simulation)</title><link rel=\"icon\" href=\"data:,\">\
         <link rel=\"stylesheet\" href=\"/kiosque.css\"></head>\
         <body><header class=\"k-header\"><p class=\"k-brand\">worldline <span>e-payment services</span></p>\
         <p class=\"k-sim\">Kiosque de simulation</p></header><main id=\"contenu\" class=\"k-main\">{body}</main></body></html>",
        esc(title)
    )
}

fn details(summary: &Summary, extra: &str) -> String {
    format!(
        "<p class=\"k-merchant\">{}</p>\
         <p class=\"k-amount\">Montant de la transaction : <strong>{}</strong></p>\
         <section class=\"k-box\" aria-labelledby=\"details-title\"><h2 id=\"details-title\">Détails de la transaction</h2><dl>\
         {extra}\
         <div><dt>Référence de la transaction :</dt><dd>{}</dd></div>\
         <div><dt>Identifiant du commerçant :</dt><dd>{}</dd></div></dl></section>",
        esc(&summary.merchant_label),
        euros(summary.amount_cents),
        esc(&summary.transaction_reference),
        esc(&summary.merchant_id),
    )
}

fn field_error(id: &str, error: Option<&str>) -> String {
    error
        .map(|e| format!("<p class=\"k-error\" id=\"{id}\"><span class=\"k-hidden\">Erreur : </span>{}</p>", esc(e)))
        .unwrap_or_default()
}

/// The card page.
pub fn card_form(id: &str, summary: &Summary, form: &CardForm, errors: &CardErrors, today: (i32, u32)) -> String {
    let (year_now, _) = today;
    let option = |value: String, label: String, selected: bool| {
        format!("<option value=\"{value}\"{}>{label}</option>", if selected { " selected" } else { "" })
    };
    let months: String = std::iter::once(option(String::new(), "--".into(), form.month.is_empty()))
        .chain((1..=12).map(|m| option(format!("{m:02}"), format!("{m:02}"), form.month == format!("{m:02}"))))
        .collect();
    let years: String = std::iter::once(option(String::new(), "----".into(), form.year.is_empty()))
        .chain((year_now..=year_now + 10).map(|y| option(y.to_string(), y.to_string(), form.year == y.to_string())))
        .collect();
    let described = |name: &str, error: Option<&str>| {
        if error.is_some() {
            format!(" aria-invalid=\"true\" aria-describedby=\"{name}-error\"")
        } else {
            String::new()
        }
    };
    let summary_errors: Vec<&str> = [errors.number, errors.expiry, errors.cvv].into_iter().flatten().collect();
    let error_summary = if summary_errors.is_empty() {
        String::new()
    } else {
        format!(
            "<div class=\"k-alert\" role=\"alert\"><p>Veuillez corriger les informations de la carte :</p><ul>{}</ul></div>",
            summary_errors.iter().map(|e| format!("<li>{}</li>", esc(e))).collect::<String>()
        )
    };
    let body = format!(
        "<h1>Paiement par carte</h1>{details}{error_summary}\
         <form method=\"post\" action=\"/paiement/{id}\" class=\"k-box\" novalidate>\
         <h2>Informations de la carte</h2><p>Veuillez saisir les informations de votre paiement</p>\
         <div class=\"k-field\"><label for=\"card_number\">Numéro de carte :</label>{number_error}\
         <input id=\"card_number\" name=\"card_number\" inputmode=\"numeric\" autocomplete=\"cc-number\" value=\"{number}\"{number_aria}></div>\
         <fieldset class=\"k-field\"><legend>Date d'expiration :</legend>{expiry_error}\
         <label for=\"month\">Mois :</label><select id=\"month\" name=\"month\" autocomplete=\"cc-exp-month\"{expiry_aria}>{months}</select> \
         <label for=\"year\">Année :</label><select id=\"year\" name=\"year\" autocomplete=\"cc-exp-year\"{expiry_aria}>{years}</select></fieldset>\
         <div class=\"k-field\"><label for=\"cvv\">Cryptogramme visuel :</label>{cvv_error}\
         <input id=\"cvv\" name=\"cvv\" inputmode=\"numeric\" autocomplete=\"cc-csc\" maxlength=\"4\" class=\"k-short\"{cvv_aria}></div>\
         <p class=\"k-note\">Selon votre établissement bancaire, vous pourrez être redirigé vers la page d'authentification \
         de votre banque avant la validation de votre paiement.</p>\
         <div class=\"k-actions\"><button type=\"submit\" name=\"action\" value=\"valider\">Valider</button>\
         <button type=\"submit\" name=\"action\" value=\"annuler\" class=\"k-secondary\" formnovalidate>Annuler</button></div>\
         </form>",
        details = details(summary, ""),
        number = esc(&form.card_number),
        number_error = field_error("card_number-error", errors.number),
        number_aria = described("card_number", errors.number),
        expiry_error = field_error("month-error", errors.expiry),
        expiry_aria = described("month", errors.expiry),
        cvv_error = field_error("cvv-error", errors.cvv),
        cvv_aria = described("cvv", errors.cvv),
    );
    page("Paiement par carte", &body)
}

/// The 3-D Secure page.
pub fn three_ds(id: &str, summary: &Summary) -> String {
    let body = format!(
        "<h1>Authentification 3-D Secure</h1>{}\
         <form method=\"post\" action=\"/paiement/{id}/3ds\" class=\"k-box\">\
         <p>Votre banque vous demande de confirmer ce paiement.</p>\
         <div class=\"k-actions\"><button type=\"submit\" name=\"action\" value=\"valider\">Valider</button>\
         <button type=\"submit\" name=\"action\" value=\"annuler\" class=\"k-secondary\">Annuler</button></div></form>",
        details(summary, "")
    );
    page("Authentification 3-D Secure", &body)
}

/// The answer page, with «Continuer»: the sealed normal return, posted to `url`.
pub fn result(id: &str, summary: &Summary, response: &PaymentResponse, url: &str, back: &SealedForm) -> String {
    let accepted = response.response_code == "00";
    let mut extra = String::new();
    if let Some(at) = &response.transaction_date_time {
        extra.push_str(&format!("<div><dt>Date de la transaction :</dt><dd>{}</dd></div>", esc(&short_date(at))));
    }
    if let Some(pan) = &response.masked_pan {
        extra.push_str(&format!("<div><dt>Numéro de carte :</dt><dd>{}</dd></div>", esc(pan)));
    }
    if let Some(authorisation) = response.authorisation_id.as_ref().filter(|_| accepted) {
        extra.push_str(&format!("<div><dt>Numéro d'autorisation :</dt><dd>{}</dd></div>", esc(authorisation)));
    }
    let (title, message) = match response.response_code.as_str() {
        "00" => (
            "Paiement accepté",
            "<p class=\"k-ok\">Votre paiement a été accepté.</p><p>Nous vous conseillons de conserver vos informations de paiement.</p>",
        ),
        "17" => ("Paiement annulé", "<p class=\"k-ko\">Votre paiement a été annulé.</p>"),
        "97" => ("Paiement expiré", "<p class=\"k-ko\">Le délai de paiement est dépassé.</p>"),
        _ => ("Paiement refusé", "<p class=\"k-ko\">Votre paiement a été refusé.</p>"),
    };
    let print = if accepted {
        format!("<a class=\"k-link\" href=\"/paiement/{id}/recu\">Imprimer le reçu du paiement</a>")
    } else {
        String::new()
    };
    let body = format!(
        "<h1>{title}</h1>{details}<section class=\"k-box\" aria-labelledby=\"info-title\"><h2 id=\"info-title\">Informations de paiement</h2>\
         <div role=\"status\">{message}</div></section>\
         <form method=\"post\" action=\"{url}\" class=\"k-actions\">\
         <input type=\"hidden\" name=\"Data\" value=\"{data}\"><input type=\"hidden\" name=\"Encode\" value=\"{encode}\">\
         <input type=\"hidden\" name=\"InterfaceVersion\" value=\"{version}\"><input type=\"hidden\" name=\"Seal\" value=\"{seal}\">\
         {print}<button type=\"submit\">Continuer</button></form>",
        details = details(summary, &extra),
        url = esc(url),
        data = esc(&back.data),
        encode = esc(&back.encode),
        version = esc(&back.interface_version),
        seal = esc(&back.seal),
    );
    page(title, &body)
}

/// A printable receipt.
pub fn receipt(id: &str, summary: &Summary, response: &PaymentResponse) -> String {
    let at = response.transaction_date_time.as_deref().map(short_date).unwrap_or_default();
    let body = format!(
        "<h1>Reçu du paiement</h1>{}<p>Votre paiement a été accepté.</p>\
         <p class=\"k-note\">Utilisez la fonction d'impression de votre navigateur pour imprimer ce reçu.</p>\
         <p><a class=\"k-link\" href=\"/paiement/{id}\">Retour</a></p>",
        details(
            summary,
            &format!(
                "<div><dt>Date de la transaction :</dt><dd>{}</dd></div><div><dt>Numéro de carte :</dt><dd>{}</dd></div>\
                 <div><dt>Numéro d'autorisation :</dt><dd>{}</dd></div>",
                esc(&at),
                esc(response.masked_pan.as_deref().unwrap_or_default()),
                esc(response.authorisation_id.as_deref().unwrap_or_default()),
            )
        )
    );
    page("Reçu du paiement", &body)
}

/// A refusal of the request itself.
pub fn error(message: &str) -> String {
    page(
        "Erreur",
        &format!("<h1>Paiement impossible</h1><div class=\"k-alert\" role=\"alert\"><p>{}</p></div>", esc(message)),
    )
}

/// The simulator's stylesheet.
pub const STYLESHEET: &str = "\
body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;background:#f2f4f7;color:#1b1b1f;line-height:1.5}\
.k-header{background:#46beaa;color:#002a2a;padding:.5rem 1rem;display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap}\
.k-brand{font-weight:700;font-size:1.3rem;margin:0}.k-brand span{font-weight:400;font-size:.9rem}.k-sim{margin:0;font-weight:600}\
.k-main{max-width:36rem;margin:0 auto;padding:1rem}\
h1{font-size:1.4rem;color:#003a3a}h2{font-size:1.1rem;margin-top:0}\
.k-merchant{font-weight:700;font-size:1.1rem;margin:.25rem 0}.k-amount{font-size:1.1rem}\
.k-box{background:#fff;border-radius:6px;padding:1rem;margin:1rem 0;box-shadow:0 1px 3px rgba(0,0,0,.15)}\
dl{margin:0}dl div{display:flex;flex-wrap:wrap;gap:.25rem;margin:.25rem 0}dt{font-weight:600}dd{margin:0}\
.k-field{margin:1rem 0;border:0;padding:0}.k-field label,.k-field legend{display:block;font-weight:600}\
.k-field select+label{display:inline;margin-left:.5rem}\
input,select{font:inherit;min-height:44px;padding:.25rem .5rem;border:2px solid #5b6573;border-radius:4px;box-sizing:border-box}\
input{width:100%;max-width:20rem}.k-short{max-width:6rem}\
.k-actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:1rem 0}\
button{font:inherit;font-weight:700;min-height:44px;min-width:44px;padding:.5rem 1.5rem;border-radius:4px;border:2px solid #00615a;background:#00615a;color:#fff;cursor:pointer}\
button.k-secondary{background:#fff;color:#00615a}\
:focus-visible{outline:3px solid #1b1b1f;outline-offset:2px}\
.k-error{color:#a4262c;font-weight:600;margin:.25rem 0}.k-alert{border:3px solid #a4262c;background:#fff;padding:.5rem 1rem;border-radius:6px}\
.k-ok{color:#1d6b33;font-weight:700}.k-ko{color:#a4262c;font-weight:700}.k-note{color:#4a4f5c;font-size:.95rem}\
.k-link{color:#00524c;font-weight:600;min-height:44px;display:inline-flex;align-items:center}\
.k-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}\
@media print{.k-header,.k-actions,.k-note a{display:none}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_dates() {
        assert_eq!(esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(short_date("2017-09-11T15:54:00+02:00"), "11 sept. 2017");
        assert_eq!(iso_date_time(1_505_138_040_000), "2017-09-11T15:54:00+02:00");
        assert_eq!(euros(2000), "20,00\u{a0}€");
        assert_eq!(euros(123_450), "1\u{202f}234,50\u{a0}€");
    }
}
