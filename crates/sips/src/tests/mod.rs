//! The codec against vectors computed outside this code base.

use crate::*;

/// Sips Office's JSON calls: the status call and the cash management.
mod office_calls;

fn key() -> Secret<String> {
    Secret::new("002001000000001_KEY1".to_owned())
}

fn request() -> PaymentRequest {
    PaymentRequest {
        amount_cents: 2000,
        merchant_id: "002001000000001".into(),
        key_version: "1".into(),
        normal_return_url: "http://127.0.0.1:3000/paiement/retour".into(),
        automatic_response_url: "http://127.0.0.1:3000/paiement/reponse-automatique".into(),
        transaction_reference: "PCLCB172540000004".into(),
        order_id: "PCLCB172540000004".into(),
        response_encoding: String::new(),
    }
}

fn response() -> PaymentResponse {
    PaymentResponse {
        response_code: "00".into(),
        acquirer_response_code: Some("00".into()),
        authorisation_id: Some("761208".into()),
        amount_cents: 2000,
        currency_code: None,
        transaction_date_time: Some("2017-09-11T15:54:00+02:00".into()),
        transaction_reference: "PCLCB172540000004".into(),
        masked_pan: Some("4100##########00".into()),
        payment_mean_brand: Some("VISA".into()),
        holder_authent_status: Some("NOT_PARTICIPATING".into()),
        key_version: Some("1".into()),
        merchant_id: Some("002001000000001".into()),
        other: Vec::new(),
    }
}

// The expected seals below were computed outside this code base, with
//   printf '%s' "$DATA" | openssl dgst -sha256 -hmac 002001000000001_KEY1
// and checked again with Python's hmac.new(key, data, hashlib.sha256).hexdigest().
const REQUEST_SEAL: &str = "5d85beddc7b6dc7058326d78d35b6242bebcfa706a80b203d0b1f8cfba4cec98";
const RESPONSE_SEAL: &str = "dd7d1b61ec5d4af9ff8069cfb157549ab6f78ec40c5d480606177bbf6312b16b";
// base64 of the response Data (Python's base64.b64encode), and the seal of that text.
const RESPONSE_BASE64: &str = "cmVzcG9uc2VDb2RlPTAwfGFjcXVpcmVyUmVzcG9uc2VDb2RlPTAwfGF1dGhvcmlzYXRpb25JZD03NjEyMDh8YW1vdW50PTIwMDB8dHJhbnNhY3Rpb25EYXRlVGltZT0yMDE3LTA5LTExVDE1OjU0OjAwKzAyOjAwfHRyYW5zYWN0aW9uUmVmZXJlbmNlPVBDTENCMTcyNTQwMDAwMDA0fG1hc2tlZFBhbj00MTAwIyMjIyMjIyMjIzAwfHBheW1lbnRNZWFuQnJhbmQ9VklTQXxob2xkZXJBdXRoZW50U3RhdHVzPU5PVF9QQVJUSUNJUEFUSU5HfGtleVZlcnNpb249MXxtZXJjaGFudElkPTAwMjAwMTAwMDAwMDAwMQ==";
const RESPONSE_BASE64_SEAL: &str = "f4187b80fabce721f25d22eed0d4aee61ba820d147914d7d2fbcfc9445b84d76";

#[test]
fn request_data_and_seal_match_independent_vectors() {
    let data = request().to_data().expect("encodes");
    assert_eq!(
        data,
        "amount=2000|currencyCode=978|merchantId=002001000000001|keyVersion=1|\
         normalReturnUrl=http://127.0.0.1:3000/paiement/retour|\
         automaticResponseUrl=http://127.0.0.1:3000/paiement/reponse-automatique|\
         transactionReference=PCLCB172540000004|orderChannel=INTERNET|orderId=PCLCB172540000004"
    );
    assert_eq!(seal(&key(), &data), REQUEST_SEAL);
}

#[test]
fn response_seal_matches_independent_vector() {
    let data = response().to_data().expect("encodes");
    assert_eq!(seal(&key(), &data), RESPONSE_SEAL);
    assert!(verify_seal(&key(), &data, RESPONSE_SEAL));
    assert!(verify_seal(&key(), &data, &RESPONSE_SEAL.to_uppercase()));
}

#[test]
fn request_round_trip() {
    let data = request().to_data().expect("encodes");
    let back = PaymentRequest::from_fields(&DataFields::parse(&data).expect("parses")).expect("reads");
    assert_eq!(back, request());
}

#[test]
fn response_round_trip_through_a_sealed_form() {
    let data = response().to_data().expect("encodes");
    let form =
        SealedForm { seal: seal(&key(), &data), data, interface_version: "HP_2.0".into(), encode: String::new() };
    let fields = form.open(&key()).expect("opens");
    assert_eq!(PaymentResponse::from_fields(&fields).expect("reads"), response());
}

#[test]
fn opens_a_base64_response_sealed_on_its_encoded_text() {
    let form = SealedForm {
        data: RESPONSE_BASE64.into(),
        seal: RESPONSE_BASE64_SEAL.into(),
        interface_version: "HP_2.0".into(),
        encode: "base64".into(),
    };
    let fields = form.open(&key()).expect("opens");
    assert_eq!(PaymentResponse::from_fields(&fields).expect("reads"), response());
}

#[test]
fn refuses_forged_or_tampered_messages() {
    let data = response().to_data().expect("encodes");
    let good = seal(&key(), &data);
    for (data, seal, encode) in [
        (data.replace("amount=2000", "amount=200"), good.clone(), ""),
        (data.clone(), "0".repeat(64), ""),
        (data.clone(), "not hex".into(), ""),
        (data.clone(), String::new(), ""),
        (data.clone(), good[..62].to_owned(), ""),
    ] {
        let form = SealedForm { data, seal, interface_version: "HP_2.0".into(), encode: encode.into() };
        assert_eq!(form.open(&key()), Err(SipsError::BadSeal));
    }
    let other_key = Secret::new("another key".to_owned());
    let form = SealedForm { data, seal: good, interface_version: String::new(), encode: String::new() };
    assert_eq!(form.open(&other_key), Err(SipsError::BadSeal));
}

#[test]
fn refuses_malformed_data() {
    for data in ["amount", "=1", "amount=1|amount=2", "a-b=1", "a b=1", "amount=1|x"] {
        assert!(matches!(DataFields::parse(data), Err(SipsError::Malformed(_))), "{data:?}");
    }
    let fields = DataFields::parse("responseCode=0A|amount=1|transactionReference=X").expect("parses");
    assert!(PaymentResponse::from_fields(&fields).is_err());
    let fields = DataFields::parse("responseCode=00|amount=-1|transactionReference=X").expect("parses");
    assert!(PaymentResponse::from_fields(&fields).is_err());
    let fields = DataFields::parse("responseCode=00|amount=1|transactionReference=X|maskedPan=4100000000000000")
        .expect("parses");
    assert_eq!(PaymentResponse::from_fields(&fields), Err(SipsError::Malformed("maskedPan")));
    assert!(encode_data(&[("orderId", "a|b")]).is_err());
}

#[test]
fn an_amount_has_one_to_twelve_digits_and_a_masked_pan_at_most_ten() {
    let amount_of = |amount: &str| {
        let data = format!("responseCode=00|amount={amount}|transactionReference=X");
        PaymentResponse::from_fields(&DataFields::parse(&data).expect("parses")).map(|r| r.amount_cents)
    };
    assert_eq!(amount_of("000000002000"), Ok(2000));
    assert_eq!(amount_of("999999999999"), Ok(999_999_999_999));
    for bad in ["", "0000000002000", "12a", "+1"] {
        assert_eq!(amount_of(bad), Err(SipsError::Malformed("amount")), "{bad:?}");
    }
    // The first six and the last four digits: ten, the most a masked PAN shows.
    let pan = |masked: &str| {
        let data = format!("responseCode=00|amount=1|transactionReference=X|maskedPan={masked}");
        PaymentResponse::from_fields(&DataFields::parse(&data).expect("parses")).map(|r| r.masked_pan)
    };
    assert_eq!(pan("410000######1234"), Ok(Some("410000######1234".to_owned())));
    assert_eq!(pan("4100001######1234"), Err(SipsError::Malformed("maskedPan")));
}

#[test]
fn response_codes() {
    assert_eq!(Outcome::from_response_code("00"), Outcome::Accepted);
    assert_eq!(Outcome::from_response_code("05"), Outcome::Refused);
    assert_eq!(Outcome::from_response_code("17"), Outcome::Cancelled);
    assert_eq!(Outcome::from_response_code("54"), Outcome::Refused);
    assert_eq!(Outcome::from_response_code("97"), Outcome::Expired);
}

#[test]
fn the_request_form_carries_the_request_data_and_its_seal() {
    let form = request().seal("http://127.0.0.1:3001/paiement", &key(), "HP_2.20").expect("seals");
    assert_eq!(form.url, "http://127.0.0.1:3001/paiement");
    assert_eq!(form.data, request().to_data().expect("encodes"));
    assert_eq!(form.seal, REQUEST_SEAL);
    assert_eq!(form.interface_version, "HP_2.20");
    assert_eq!(form.seal_algorithm, "HMAC-SHA-256");
}

#[test]
fn a_sealed_answer_is_sealed_on_its_text_as_posted() {
    let plain = SealedForm::seal_response(&response(), &key(), "HP_2.20", Encoding::Plain).expect("seals");
    assert_eq!(plain.seal, RESPONSE_SEAL);
    assert_eq!(plain.encode, "");
    let base64 = SealedForm::seal_response(&response(), &key(), "HP_2.20", Encoding::Base64).expect("seals");
    assert_eq!((base64.data.as_str(), base64.seal.as_str()), (RESPONSE_BASE64, RESPONSE_BASE64_SEAL));
    assert_eq!(base64.encode, "base64");
    let url_safe = SealedForm::seal_response(&response(), &key(), "HP_2.20", Encoding::Base64Url).expect("seals");
    assert_eq!(url_safe.encode, "base64url");
    for form in [plain, base64, url_safe] {
        let fields = form.open(&key()).expect("opens");
        assert_eq!(PaymentResponse::from_fields(&fields).expect("reads"), response());
    }
}

#[test]
fn a_sealed_answer_posts_its_four_fields() {
    let form = SealedForm::seal_response(&response(), &key(), "HP_2.20", Encoding::Base64).expect("seals");
    let fields = form.fields();
    let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["Data", "Encode", "InterfaceVersion", "Seal"]);
    assert_eq!(fields[0].1, RESPONSE_BASE64);
    assert_eq!(fields[1].1, "base64");
    assert_eq!(fields[2].1, "HP_2.20");
    assert_eq!(fields[3].1, RESPONSE_BASE64_SEAL);
}

/// An answer with the field set Worldline documents for Paypage POST: fields
/// this codec does not read, fields without a value sent as `null`, grouped
/// keys, a JSON `returnContext`. Its known fields are read; `null` is absent.
const WORLDLINE_SHAPED_ANSWER: &str = "captureDay=0|captureMode=AUTHOR_CAPTURE|currencyCode=978\
|merchantId=002001000000001|orderChannel=INTERNET|responseCode=05|transactionDateTime=2026-11-27T10:00:00+01:00\
|transactionReference=PCLCB263310000042|keyVersion=1|acquirerResponseCode=05|amount=2000|authorisationId=null\
|guaranteeIndicator=N|cardCSCResultCode=4E|panExpiryDate=202812|paymentMeanBrand=VISA|paymentMeanType=CARD\
|customerIpAddress=192.0.2.10|maskedPan=4100##########00|orderId=null|returnContext={\"avis\": \"3811907400001234F\"}\
|holderAuthentRelegation=N|holderAuthentStatus=3D_FAILURE|transactionOrigin=INTERNET|paymentPattern=ONE_SHOT\
|customerMobilePhone=null|mandateAuthentMethod=null|mandateUsage=null|transactionActors=null|mandateId=null\
|captureLimitDate=20261127|dccStatus=null|dccResponseCode=null|dccAmount=null|dccCurrencyCode=null\
|statementReference=null|panEntryMode=MANUAL|walletType=null|holderAuthentMethod=NOT_SPECIFIED\
|s10TransactionReference.s10TransactionId=42|s10TransactionReference.s10TransactionIdDate=20261127\
|billingAddress.city=null";

#[test]
fn an_answer_with_worldlines_whole_field_set_is_read_and_null_is_absent() {
    let fields = DataFields::parse(WORLDLINE_SHAPED_ANSWER).expect("parses");
    assert_eq!(fields.get("s10TransactionReference.s10TransactionId"), Some("42"));
    assert_eq!(fields.get("returnContext"), Some("{\"avis\": \"3811907400001234F\"}"));
    let response = PaymentResponse::from_fields(&fields).expect("reads");
    assert_eq!(response.transaction_reference, "PCLCB263310000042");
    assert_eq!(response.response_code, "05");
    assert_eq!(response.amount_cents, 2000);
    assert_eq!(response.authorisation_id, None, "authorisationId=null is no authorisation");
    assert_eq!(response.currency_code.as_deref(), Some("978"));
    assert_eq!(response.merchant_id.as_deref(), Some("002001000000001"));
    assert_eq!(response.key_version.as_deref(), Some("1"));
    assert_eq!(response.masked_pan.as_deref(), Some("4100##########00"));
    let sealed = SealedForm {
        data: WORLDLINE_SHAPED_ANSWER.to_owned(),
        seal: seal(&key(), WORLDLINE_SHAPED_ANSWER),
        encode: String::new(),
        interface_version: "HP_2.24".to_owned(),
    };
    let opened = sealed.open(&key()).and_then(|fields| PaymentResponse::from_fields(&fields));
    assert_eq!(opened.map(|r| r.authorisation_id), Ok(None), "and through a sealed form");
}
