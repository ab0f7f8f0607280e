//! Sips Office's JSON messages against vectors computed outside this code
//! base: the status call, and the cash management (refund, cancel).

use super::*;

// Sips Office (JSON). The expected seals were computed with Worldline's own
// JSON sample kit (github.com/wl-sips/sips-paypage-json-php,
// Common/sealCalculationPaypageJson.php, compute_payment_init_seal with
// HMAC-SHA-256 and key 002001000000001_KEY1, PHP 8.2), on the fields below.
const OFFICE_REQUEST_SEAL: &str = "94576825d86591ce87c13cb64f9d5c8dd3eb0b7816462957c53769b4d5d540e9";
const OFFICE_ANSWER_SEAL: &str = "7798101127dc2fa1ffbda4bb2cbf23477457d6790c74e77f0ca26b930b145e95";

fn office_answer() -> serde_json::Value {
    serde_json::json!({
        "responseCode": "00", "transactionStatus": "TO_CAPTURE", "merchantId": "002001000000001",
        "transactionReference": "PCLCB263320000007", "originAmount": 2000, "currentAmount": 2000,
        "currencyCode": "978", "authorisationId": "761208", "acquirerResponseCode": "00",
        "maskedPan": "4100##########00", "paymentMeanBrand": "VISA", "holderAuthentStatus": "SUCCESS",
        "transactionDateTime": "2026-11-28T10:02:00+01:00",
        "cardData": { "cardProductCode": "F", "cardCorporateIndicator": "N" },
        "keyVersion": "1",
        "seal": OFFICE_ANSWER_SEAL,
    })
}

#[test]
fn a_status_request_is_sealed_as_worldlines_json_kit_seals_it() {
    let request = office::TransactionDataRequest::new("002001000000001", "PCLCB263320000007", "1");
    let body = request.to_sealed_json(&key());
    assert_eq!(
        body,
        serde_json::json!({
            "interfaceVersion": "DR_WS_2.27", "merchantId": "002001000000001",
            "transactionReference": "PCLCB263320000007", "keyVersion": "1", "seal": OFFICE_REQUEST_SEAL,
        })
    );
    let fields = body.as_object().expect("an object");
    assert!(office::verify_json_seal(&key(), fields));
    assert_eq!(office::TransactionDataRequest::from_json(fields).expect("reads"), request);
}

#[test]
fn a_status_answer_sealed_by_worldlines_json_kit_is_verified_and_read_with_its_nested_fields() {
    let answer = office::TransactionData::from_sealed_json(&office_answer(), &key()).expect("verified");
    assert_eq!(answer.verdict(), office::Verdict::Authorised);
    assert_eq!(answer.amount_cents, Some(2000));
    assert_eq!(answer.authorisation_id.as_deref(), Some("761208"));
    let payment = answer.as_payment_response("PCLCB263320000007", "1").expect("authorised");
    assert_eq!(payment.outcome(), Outcome::Accepted);
    assert_eq!(payment.masked_pan.as_deref(), Some("4100##########00"));
}

#[test]
fn a_status_answer_with_a_changed_value_a_wrong_key_or_no_seal_is_refused() {
    let mut changed = office_answer();
    changed["originAmount"] = serde_json::json!(1);
    assert_eq!(office::TransactionData::from_sealed_json(&changed, &key()), Err(SipsError::BadSeal));
    let other_key = Secret::new("002001000000002_KEY1".to_owned());
    assert_eq!(office::TransactionData::from_sealed_json(&office_answer(), &other_key), Err(SipsError::BadSeal));
    let mut unsealed = office_answer();
    unsealed.as_object_mut().expect("an object").remove("seal");
    assert_eq!(office::TransactionData::from_sealed_json(&unsealed, &key()), Err(SipsError::BadSeal));
    assert_eq!(
        office::TransactionData::from_sealed_json(&serde_json::json!(["not", "an", "object"]), &key()),
        Err(SipsError::Malformed("not a JSON object"))
    );
}

#[test]
fn a_status_answer_round_trips_through_its_seal() {
    let answer = office::TransactionData {
        response_code: "00".into(),
        transaction_status: Some("REFUSED".into()),
        merchant_id: Some("002001000000001".into()),
        transaction_reference: Some("PCLCB263320000007".into()),
        amount_cents: Some(2000),
        acquirer_response_code: Some("05".into()),
        ..Default::default()
    };
    let back = office::TransactionData::from_sealed_json(&answer.to_sealed_json(&key(), "1"), &key()).expect("reads");
    assert_eq!(back, answer);
}

#[test]
fn what_each_status_answer_says() {
    use office::Verdict::*;
    let answer = |code: &str, status: Option<&str>| office::TransactionData {
        response_code: code.into(),
        transaction_status: status.map(str::to_owned),
        amount_cents: Some(2000),
        ..Default::default()
    };
    let cases = [
        ("25", None, Unknown),
        ("00", Some("TO_CAPTURE"), Authorised),
        ("00", Some("CAPTURED"), Authorised),
        ("00", Some("TO_VALIDATE"), Authorised),
        ("00", Some("REFUSED"), EndedWithoutPayment),
        ("00", Some("CANCELLED"), EndedWithoutPayment),
        ("00", Some("ABORTED"), EndedWithoutPayment),
        ("00", Some("EXPIRED"), EndedWithoutPayment),
        ("00", Some("PENDING"), Undecided),
        ("00", Some("TO_AUTHORIZE"), Undecided),
        ("00", Some("SOMETHING_NEW"), Undecided),
        ("00", None, Undecided),
        ("99", None, Unavailable),
        ("90", None, Unavailable),
        ("12", None, Unavailable),
    ];
    for (code, status, verdict) in cases {
        assert_eq!(answer(code, status).verdict(), verdict, "{code} {status:?}");
    }
    assert!(answer("00", Some("REFUSED")).as_payment_response("PCLCB263320000007", "1").is_none());
    let no_amount = office::TransactionData { amount_cents: None, ..answer("00", Some("CAPTURED")) };
    assert!(no_amount.as_payment_response("PCLCB263320000007", "1").is_none());
}

/// `answer` with `change` applied, sealed again with the merchant's key: what a
/// bank (or someone holding the key) could send.
fn resealed(change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> serde_json::Value {
    let mut fields = office_answer().as_object().expect("an object").clone();
    change(&mut fields);
    fields.remove("seal");
    let seal = office::json_seal(&key(), &fields);
    fields.insert("seal".into(), serde_json::Value::String(seal));
    serde_json::Value::Object(fields)
}

#[test]
fn a_status_answer_is_read_only_naming_the_merchant_and_the_transaction_asked() {
    let asked = office::TransactionDataRequest::new("002001000000001", "PCLCB263320000007", "1");
    let answer = office::TransactionData::answer_to(&office_answer(), &key(), &asked).expect("the answer asked for");
    assert_eq!(answer.verdict(), office::Verdict::Authorised);
    let other_transaction = office::TransactionDataRequest::new("002001000000001", "PCLCB263320000008", "1");
    assert_eq!(
        office::TransactionData::answer_to(&office_answer(), &key(), &other_transaction),
        Err(SipsError::NotAsked("transactionReference"))
    );
    let other_merchant = office::TransactionDataRequest::new("002001000000002", "PCLCB263320000007", "1");
    assert_eq!(
        office::TransactionData::answer_to(&office_answer(), &key(), &other_merchant),
        Err(SipsError::NotAsked("merchantId"))
    );
    for name in ["merchantId", "transactionReference"] {
        let unnamed = resealed(|fields| {
            fields.remove(name);
        });
        assert!(office::TransactionData::from_sealed_json(&unnamed, &key()).is_ok(), "sealed without {name}");
        let refused = office::TransactionData::answer_to(&unnamed, &key(), &asked);
        assert_eq!(refused, Err(SipsError::Malformed(name)));
    }
}

#[test]
fn a_status_answer_with_a_renamed_key_is_refused_though_its_seal_still_holds() {
    // `transactionStatus` renamed to a name that sorts at the same place: the
    // values, in the same order, keep the seal whole.
    let mut renamed = office_answer();
    let fields = renamed.as_object_mut().expect("an object");
    let status = fields.remove("transactionStatus").expect("a status");
    fields.insert("transactionStatut".into(), status);
    assert!(office::verify_json_seal(&key(), fields), "the seal does not see the new name");
    assert_eq!(
        office::TransactionData::from_sealed_json(&renamed, &key()),
        Err(SipsError::Undocumented("transactionStatut".into()))
    );
    assert!(office::ANSWER_FIELDS.windows(2).all(|pair| pair[0] < pair[1]), "sorted, for the binary search");
}

// Cash management (refund, cancel). The expected seals were computed outside
// this code base with Python's `hmac` (HMAC-SHA-256, key 002001000000001_KEY1)
// over the values in the alphabetical order of their names, `keyVersion` and
// `seal` left out: for the request
// "978" "CR_WS_2.27" "002001000000001" "2000" "BACK_OFFICE" "PCLCB263320000007",
// for the answer "00" "761208" "0" "CREDITED" "2026-12-07T10:00:00+01:00" "00".
const CASH_REQUEST_SEAL: &str = "1bf38b9adaa4ef7e8d829c09b41c7ba00ca69fc0dcad3f41e13a523aae16d9af";
const CASH_ANSWER_SEAL: &str = "8b532f48784a100d4be93f4dff8a0389216468756b372e60ebf994b3c4962e5b";

fn cash_answer() -> serde_json::Value {
    serde_json::json!({
        "responseCode": "00", "acquirerResponseCode": "00", "authorisationId": "761208",
        "newAmount": 0, "newStatus": "CREDITED", "operationDateTime": "2026-12-07T10:00:00+01:00",
        "keyVersion": "1", "seal": CASH_ANSWER_SEAL,
    })
}

#[test]
fn a_refund_request_is_sealed_over_its_values_in_the_order_of_their_names_and_read_back() {
    let request = cash::CashRequest::new("002001000000001", "PCLCB263320000007", 2000, "1");
    let body = request.to_sealed_json(&key());
    assert_eq!(
        body,
        serde_json::json!({
            "currencyCode": "978", "interfaceVersion": "CR_WS_2.27", "merchantId": "002001000000001",
            "operationAmount": 2000, "operationOrigin": "BACK_OFFICE",
            "transactionReference": "PCLCB263320000007", "keyVersion": "1", "seal": CASH_REQUEST_SEAL,
        })
    );
    let fields = body.as_object().expect("an object");
    assert!(office::verify_json_seal(&key(), fields));
    assert_eq!(cash::CashRequest::from_json(fields).expect("reads"), request);
}

#[test]
fn a_refund_request_without_a_positive_whole_amount_is_malformed() {
    let body = cash::CashRequest::new("002001000000001", "PCLCB263320000007", 2000, "1").to_sealed_json(&key());
    for amount in [serde_json::json!(0), serde_json::json!(-5), serde_json::json!(12.5), serde_json::json!("1e3")] {
        let mut fields = body.as_object().expect("an object").clone();
        fields.insert("operationAmount".into(), amount.clone());
        assert_eq!(cash::CashRequest::from_json(&fields), Err(SipsError::Malformed("operationAmount")), "{amount}");
    }
    let mut fields = body.as_object().expect("an object").clone();
    fields.insert("operationAmount".into(), serde_json::json!("1500"));
    assert_eq!(cash::CashRequest::from_json(&fields).expect("cents as text").amount_cents, 1500);
    fields.remove("transactionReference");
    assert_eq!(cash::CashRequest::from_json(&fields), Err(SipsError::Malformed("transactionReference")));
}

#[test]
fn a_refund_answer_is_verified_then_read_and_one_changed_unsealed_or_with_an_undocumented_field_is_refused() {
    let answer = cash::CashAnswer::from_sealed_json(&cash_answer(), &key()).expect("verified");
    assert_eq!(answer.verdict(), cash::CashVerdict::Done);
    assert_eq!(answer.new_amount_cents, Some(0));
    assert_eq!(answer.new_status.as_deref(), Some("CREDITED"));
    assert_eq!(answer.authorisation_id.as_deref(), Some("761208"));
    assert_eq!(cash::CashAnswer::from_sealed_json(&answer.to_sealed_json(&key(), "1"), &key()), Ok(answer));

    let mut changed = cash_answer();
    changed["newAmount"] = serde_json::json!(1500);
    assert_eq!(cash::CashAnswer::from_sealed_json(&changed, &key()), Err(SipsError::BadSeal));
    let mut unsealed = cash_answer();
    unsealed.as_object_mut().expect("an object").remove("seal");
    assert_eq!(cash::CashAnswer::from_sealed_json(&unsealed, &key()), Err(SipsError::BadSeal));
    let mut extra = cash_answer().as_object().expect("an object").clone();
    extra.remove("seal");
    extra.insert("transactionStatus".into(), serde_json::json!("CAPTURED"));
    let seal = office::json_seal(&key(), &extra);
    extra.insert("seal".into(), serde_json::Value::String(seal));
    assert_eq!(
        cash::CashAnswer::from_sealed_json(&serde_json::Value::Object(extra), &key()),
        Err(SipsError::Undocumented("transactionStatus".into()))
    );
}

#[test]
fn each_refund_answer_code_has_its_verdict_and_each_status_its_operation() {
    let verdict = |code: &str| cash::CashAnswer { response_code: code.into(), ..Default::default() }.verdict();
    assert_eq!(verdict("00"), cash::CashVerdict::Done);
    assert_eq!(verdict("24"), cash::CashVerdict::NotAllowed);
    assert_eq!(verdict("25"), cash::CashVerdict::UnknownTransaction);
    for code in ["90", "97", "99"] {
        assert_eq!(verdict(code), cash::CashVerdict::Unavailable, "{code}");
    }
    for code in ["03", "12", "30", "34", "40"] {
        assert_eq!(verdict(code), cash::CashVerdict::Rejected, "{code}");
    }
    assert_eq!(cash::Operation::for_status("TO_CAPTURE"), Some(cash::Operation::Cancel));
    assert_eq!(cash::Operation::for_status("CAPTURED"), Some(cash::Operation::Refund));
    for status in ["REFUSED", "CANCELLED", "PENDING", "EXPIRED", ""] {
        assert_eq!(cash::Operation::for_status(status), None, "{status}");
    }
    assert_eq!(cash::Operation::Refund.path(), "/rs-services/v2/cashManagement/refund");
    assert_eq!(cash::Operation::Cancel.path(), "/rs-services/v2/cashManagement/cancel");
}
