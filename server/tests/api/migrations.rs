//! A database made by an earlier version is brought up to date without losing
//! a row: each migration is run on a database holding the data of the one
//! before, on both engines.

use crate::helpers::*;
use app::ssr::Store;
use sqlx::Row;
use std::borrow::Cow;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../app/migrations");

/// The migrator stopped before `version`.
fn migrations_before(version: i64) -> sqlx::migrate::Migrator {
    let mut migrator = sqlx::migrate::Migrator::DEFAULT;
    migrator.migrations = Cow::Owned(MIGRATOR.migrations.iter().filter(|m| m.version < version).cloned().collect());
    migrator
}

async fn a_payment_with_its_allocation_and_message_survives_the_money_received_migration(engine: Engine) {
    let (url, guard) = scratch_database(engine).await;
    let store = Store::connect(&url, 2).await.expect("store");
    let mut conn = store.maintenance_connection().await.expect("connection");
    migrations_before(20261128000001).run(&mut conn).await.expect("the first schema");
    for statement in [
        "INSERT INTO caisses (code, name) VALUES ('381', 'CPAM de l''Isère')",
        "INSERT INTO persons (id, nir, first_name, last_name, birth_date, password_hash, caisse_code, created_at) \
         VALUES ('p1', '1830201053123', 'Pierre', 'BELAGE', '1983-02-25', 'x', '381', 0)",
        "INSERT INTO avis (reference, person_id, caisse_code, kind, issued_on, initial_cents, restant_cents, \
         balance_at_issue_cents, online_payable, created_at) VALUES ('3811907400001234F', 'p1', '381', 'PF_FR', \
         '2019-03-15', 8709, 6709, 12000, 1, 0)",
        "INSERT INTO payment_attempts (id, transaction_reference, person_id, caisse_code, amount_cents, status, \
         created_at, expires_at, authorisation_id) VALUES ('a1', 'PCLCB193310000001', 'p1', '381', 2000, 'accepted', 0, 0, '761208')",
        "INSERT INTO attempt_lines (attempt_id, avis_reference, planned_cents) VALUES ('a1', '3811907400001234F', 2000)",
        "INSERT INTO payments (id, attempt_id, person_id, caisse_code, amount_cents, accepted_at, status, applied_at, \
         excess_cents) VALUES ('pay1', 'a1', 'p1', '381', 2000, 1, 'applied', 2, 0)",
        "INSERT INTO allocations (payment_id, avis_reference, amount_cents) VALUES ('pay1', '3811907400001234F', 2000)",
        "INSERT INTO messages (id, person_id, payment_id, sender, subject, body, sent_at, delete_after) \
         VALUES ('m1', 'p1', 'pay1', 'Assurance Maladie', 'Accusé', 'Bonjour', 1, 2)",
        "INSERT INTO kiosk_answers (id, received_at, channel, transaction_reference, response_code, outcome) \
         VALUES ('k1', 1, 'automatic', 'PCLCB193310000001', '00', 'applied')",
    ] {
        sqlx::query(statement).execute(&mut conn).await.expect(statement);
    }
    MIGRATOR.run(&mut conn).await.expect("every migration");
    let payment = sqlx::query(
        "SELECT attempt_id, authorisation_id, status, applied_at, regularisation FROM payments WHERE id = 'pay1'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("the payment is kept");
    assert_eq!(payment.try_get::<String, _>("attempt_id").expect("attempt"), "a1");
    assert_eq!(
        payment.try_get::<String, _>("authorisation_id").expect("authorisation"),
        "761208",
        "taken from its attempt"
    );
    assert_eq!(payment.try_get::<String, _>("status").expect("status"), "applied");
    assert_eq!(payment.try_get::<Option<i64>, _>("applied_at").expect("applied_at"), Some(2));
    assert_eq!(payment.try_get::<Option<String>, _>("regularisation").expect("flag"), None);
    let count = |sql: &'static str| sqlx::query(sql);
    for sql in [
        "SELECT COUNT(*) FROM allocations WHERE payment_id = 'pay1' AND amount_cents = 2000",
        "SELECT COUNT(*) FROM messages WHERE payment_id = 'pay1' AND subject = 'Accusé'",
        "SELECT COUNT(*) FROM kiosk_answers WHERE id = 'k1' AND authorisation_id IS NULL",
    ] {
        let n: i64 = count(sql).fetch_one(&mut conn).await.expect(sql).try_get(0).expect("a number");
        assert_eq!(n, 1, "{sql}");
    }
    // The references follow the rebuilt table: a message or an allocation of
    // a payment that does not exist is refused, a second payment of the
    // attempt under another authorisation is not.
    assert!(
        sqlx::query(
            "INSERT INTO allocations (payment_id, avis_reference, amount_cents) VALUES ('nope', '3811907400001234F', 1)"
        )
        .execute(&mut conn)
        .await
        .is_err()
    );
    const PAYMENT: &str = "INSERT INTO payments (id, attempt_id, authorisation_id, person_id, caisse_code, amount_cents, \
                           accepted_at, status, regularisation) VALUES ($1, 'a1', $2, 'p1', '381', 2000, 3, 'received', $3)";
    let insert = |id: &'static str, number: &'static str, flag: Option<&'static str>| {
        sqlx::query(PAYMENT).bind(id).bind(number).bind(flag)
    };
    insert("pay2", "999999", Some("second_authorisation"))
        .execute(&mut conn)
        .await
        .expect("a second authorisation of the attempt");
    assert!(
        insert("pay3", "999999", Some("second_authorisation")).execute(&mut conn).await.is_err(),
        "one payment per authorisation"
    );
    // A first payment is one per attempt, whatever number it carries (or none).
    for number in ["", "123456"] {
        assert!(insert("pay4", number, None).execute(&mut conn).await.is_err(), "a second first payment ({number:?})");
        assert!(insert("pay4", number, Some("after_refused")).execute(&mut conn).await.is_err(), "{number:?}, flagged");
    }
    if engine == Engine::Sqlite {
        let broken = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut conn).await.expect("check");
        assert!(broken.is_empty(), "no dangling reference");
    }
    drop(conn);
    store.close().await;
    guard.remove().await;
}

#[tokio::test]
async fn sqlite_a_payment_with_its_allocation_and_message_survives_the_money_received_migration() {
    a_payment_with_its_allocation_and_message_survives_the_money_received_migration(Engine::Sqlite).await;
}

#[tokio::test]
async fn postgres_a_payment_with_its_allocation_and_message_survives_the_money_received_migration() {
    a_payment_with_its_allocation_and_message_survives_the_money_received_migration(Engine::Postgres).await;
}

/// An upgrade on a day that already has references: PostgreSQL's transaction
/// sequence, made at the first start of this build, goes on after the numbers
/// the day counters gave, so no reference comes twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_transaction_sequence_starts_after_the_numbers_the_day_counters_gave() {
    let (url, guard) = scratch_database(Engine::Postgres).await;
    let store = Store::connect(&url, 2).await.expect("store");
    store.migrate().await.expect("migrations");
    // As an earlier build left it: no sequence, 41 references given today.
    for statement in
        ["DROP SEQUENCE transaction_sequence", "INSERT INTO counters (name, value) VALUES ('txref-26331', 41)"]
    {
        sqlx::query(statement).execute(store.pool()).await.expect(statement);
    }
    store.migrate().await.expect("the sequence made");
    store.migrate().await.expect("and kept when it exists");
    store.close().await;

    let app = spawn_on_url(url, &[]).await;
    app.sign_in_as_pierre().await;
    let first = app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
    assert!(first.ends_with("0000042"), "{first}");
    app.cleanup().await;
    guard.remove().await;
}
