//! The sessions' rules, and a session for the other modules' tests.

use super::*;

fn session(reference: &str) -> Session {
    Session::for_test(reference)
}

#[test]
fn a_full_simulator_refuses_a_new_payment_and_takes_one_again_once_a_session_is_forgotten() {
    let mut sessions = Sessions::bounded(2, 10);
    assert_eq!(sessions.open("a".into(), session("R1")), Ok(()));
    assert_eq!(sessions.open("b".into(), session("R2")), Ok(()));
    assert_eq!(sessions.open("c".into(), session("R3")), Err(NotOpened::Full));
    assert_eq!(sessions.open("c".into(), session("R1")), Err(NotOpened::Duplicate), "a reuse is still a reuse");
    sessions.by_id.remove("a");
    assert_eq!(sessions.open("c".into(), session("R3")), Ok(()), "R3 was not taken by the refusal");
}

#[test]
fn the_used_references_are_the_last_ones_the_oldest_forgotten() {
    let mut sessions = Sessions::bounded(100, 3);
    for (i, reference) in ["R1", "R2", "R3", "R4"].into_iter().enumerate() {
        assert_eq!(sessions.open(i.to_string(), session(reference)), Ok(()));
    }
    assert_eq!((sessions.references.len(), sessions.order.len()), (3, 3));
    assert_eq!(sessions.open("x".into(), session("R2")), Err(NotOpened::Duplicate), "still remembered");
    sessions.by_id.clear();
    assert_eq!(sessions.open("y".into(), session("R1")), Ok(()), "the oldest, forgotten");
}

#[test]
fn the_bounds_hold_twenty_thousand_sessions_and_a_million_references() {
    // Written out: the rule, not the constants' value.
    assert_eq!((MAX_SESSIONS, MAX_REFERENCES), (20_000, 1_000_000));
    let sessions = Sessions::default();
    assert_eq!((sessions.max_sessions, sessions.max_references), (20_000, 1_000_000));
}

impl Session {
    /// A session of 20 € for `reference`, on the card page, with no automatic
    /// response.
    pub(crate) fn for_test(reference: &str) -> Session {
        Session {
            request: PaymentRequest {
                amount_cents: 2000,
                merchant_id: sips::simulation::MERCHANT_ID.into(),
                key_version: "1".into(),
                normal_return_url: "http://127.0.0.1:3000/paiement/retour".into(),
                automatic_response_url: String::new(),
                transaction_reference: reference.into(),
                order_id: String::new(),
                response_encoding: String::new(),
            },
            interface_version: "HP_2.20".into(),
            response_encoding: Encoding::Plain,
            echoed: Vec::new(),
            merchant_label: "CPAM".into(),
            created_at: 0,
            finished_at: None,
            stage: Stage::Card,
            given_back: GivenBack::default(),
        }
    }
}
