//! Fuzz targets: every parser of untrusted input, fed arbitrary and
//! near-valid text. `FUZZ_CASES` sets the number of cases per target (2 000 by
//! default, so the suite stays quick; `scripts/fuzz` runs a million each and
//! `docs/FUZZING.md` records the results). A panic fails the target.

use app::domain::{AvisReference, Euros, Nir, validate_payment};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sips::{DataFields, PaymentRequest, PaymentResponse, SealedForm, Secret};

fn runner() -> TestRunner {
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000);
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

/// Arbitrary text, or text built from the characters the parser cares about.
fn text(alphabet: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), proptest::string::string_regex(alphabet).expect("a valid regex")]
}

#[test]
fn fuzz_avis_reference() {
    runner()
        .run(&text("[0-9A-Za-z \u{a0}\u{202f}é-]{0,40}"), |input| {
            if let Ok(reference) = AvisReference::parse(&input) {
                prop_assert_eq!(AvisReference::parse(reference.as_str()), Ok(reference.clone()));
            }
            Ok(())
        })
        .expect("no panic, parse is idempotent");
}

#[test]
fn fuzz_euros() {
    runner()
        .run(&text("[0-9 ,.€\u{a0}\u{202f}eE+-]{0,30}"), |input| {
            if let Ok(amount) = Euros::parse_fr(&input) {
                prop_assert!(amount.cents() >= 0);
                prop_assert_eq!(Euros::parse_fr(&amount.to_string()), Ok(amount));
            }
            Ok(())
        })
        .expect("no panic, display parses back");
}

#[test]
fn fuzz_nir() {
    runner()
        .run(&text("[0-9AaBb ]{0,20}"), |input| {
            if let Ok(nir) = Nir::parse(&input) {
                prop_assert_eq!(Nir::parse(&format!("{}{:02}", nir.as_str(), nir.key())), Ok(nir.clone()));
            }
            Ok(())
        })
        .expect("no panic, the computed key is accepted");
}

#[test]
fn fuzz_sips_data() {
    let key = Secret::new("002001000000001_KEY1".to_owned());
    runner()
        .run(
            &(
                text("[a-zA-Z0-9=|#:+./-]{0,200}"),
                text("[a-f0-9]{0,64}"),
                prop::sample::select(vec!["", "base64", "base64url", "x"]),
            ),
            |(data, seal, encode)| {
                if let Ok(fields) = DataFields::parse(&data) {
                    let _ = PaymentResponse::from_fields(&fields);
                    let _ = PaymentRequest::from_fields(&fields);
                }
                let form = SealedForm {
                    data: data.clone(),
                    seal,
                    interface_version: String::new(),
                    encode: encode.to_owned(),
                };
                let _ = form.open(&key);
                // A correctly sealed message of arbitrary content opens without panicking.
                let sealed = SealedForm { seal: sips::seal(&key, &data), ..form };
                let _ = sealed.open(&key);
                Ok(())
            },
        )
        .expect("no panic");
}

/// The bank's status answer (Sips Office JSON): arbitrary text, and objects
/// made of its field names with arbitrary values, sealed with our key or not.
#[test]
fn fuzz_bank_status_answer() {
    use sips::office::{TransactionData, json_seal};
    let key = Secret::new("002001000000001_KEY1".to_owned());
    let names = prop::sample::select(vec![
        "responseCode",
        "transactionStatus",
        "originAmount",
        "currentAmount",
        "merchantId",
        "transactionReference",
        "authorisationId",
        "cardData",
        "seal",
        "keyVersion",
    ]);
    let value = prop_oneof![
        any::<String>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<bool>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        any::<String>().prop_map(|s| serde_json::json!({ "nested": s, "list": [s, 1] })),
    ];
    runner()
        .run(&(any::<String>(), prop::collection::vec((names, value), 0..10), any::<bool>()), |(text, pairs, seal)| {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
                let _ = TransactionData::from_sealed_json(&value, &key);
            }
            let mut fields: serde_json::Map<String, serde_json::Value> =
                pairs.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
            if seal {
                let sealed = json_seal(&key, &fields);
                fields.insert("seal".into(), sealed.into());
            }
            if let Ok(answer) = TransactionData::from_sealed_json(&serde_json::Value::Object(fields), &key) {
                prop_assert!(seal, "only a message sealed with our key is read");
                let _ = answer.verdict();
                let _ = answer.as_payment_response("PCLCB263320000001", "1");
            }
            Ok(())
        })
        .expect("no panic, nothing unsealed is read");
}

#[test]
fn fuzz_bank_report() {
    let near = proptest::string::string_regex("([0-9A-Z;:+TZé-]{0,120}\r?\n){0,4}").expect("a valid regex");
    let input = prop_oneof![any::<String>(), near.prop_map(|rows| format!("{}\n{rows}", sips::report::HEADER))];
    runner()
        .run(&input, |input| {
            match sips::report::parse(&input) {
                Ok(lines) => prop_assert_eq!(sips::report::parse(&sips::report::write(&lines)), Ok(lines)),
                Err(error) => prop_assert!(error.to_string().starts_with("Ligne ")),
            }
            Ok(())
        })
        .expect("no panic, a report read is written back the same");
}

#[test]
fn fuzz_payment_rules() {
    let lines: Vec<app::domain::CreanceLine> = serde_json::from_str(
        r#"[{"reference":"3811907400001234F","issued_on":"2019-03-15","initial":8709,"restant":8709,"payment_in_progress":false},
            {"reference":"3811701200010075F","issued_on":"2016-05-12","initial":5000,"restant":1250,"payment_in_progress":false}]"#,
    )
    .expect("lines");
    runner()
        .run(
            &(prop::collection::vec(text("[0-9A-Za-z ]{0,20}"), 0..5), text("[0-9,.€ -]{0,12}")),
            |(ticked, amount)| {
                if let Ok(payment) = validate_payment(&lines, &ticked, &amount) {
                    prop_assert_eq!(Euros::sum(payment.allocations.iter().map(|a| a.amount)), Some(payment.amount));
                }
                Ok(())
            },
        )
        .expect("no panic, allocations sum to the amount");
}

/// The server functions' arguments as the framework decodes a form body.
#[test]
fn fuzz_server_function_arguments() {
    use app::api::agent::avis::IssueAvis;
    use app::api::agent::sign_in::AgentSignIn;
    use app::api::auth::SignIn;
    use app::api::pay::{FindReference, StartPayment};
    let decode = serde_qs::Config::new(5, false);
    runner()
        .run(&text("[a-z_\\[\\]%0-9=&A-F.,]{0,120}"), |body| {
            let _ = decode.deserialize_str::<StartPayment>(&body);
            let _ = decode.deserialize_str::<FindReference>(&body);
            let _ = decode.deserialize_str::<SignIn>(&body);
            let _ = decode.deserialize_str::<AgentSignIn>(&body);
            let _ = decode.deserialize_str::<IssueAvis>(&body);
            Ok(())
        })
        .expect("no panic");
}
