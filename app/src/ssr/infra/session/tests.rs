//! The sessions' store, tested on SQLite: what a request reads, slides and ends.

use super::*;
use crate::ssr::infra::db::ScratchStore;
use crate::ssr::infra::ids::PersonId;

#[test]
fn stores_only_the_hash() {
    let token = new_token();
    let hashed = hash_token(&token);
    assert_eq!(hashed.len(), 64);
    assert!(!hashed.contains(&token));
}

const IDLE: std::time::Duration = std::time::Duration::from_secs(30 * 60);
const IDLE_MS: i64 = crate::ssr::infra::clock::millis(IDLE);
const LIMITS: Limits = Limits::idle(IDLE);

/// A scratch database with one person, `p1`.
async fn with_a_person() -> ScratchStore {
    let scratch = ScratchStore::new().await;
    scratch.add_person("p1").await;
    scratch
}

/// The live session of `token`, slid as a request slides it.
async fn find(store: &Store, now_ms: i64, limits: Limits, token: &str) -> Result<Option<Session>, sqlx::Error> {
    read(store, &Key::new(token, now_ms, limits), true).await
}

async fn last_seen(store: &Store) -> i64 {
    sqlx::query("SELECT last_seen_at FROM sessions").fetch_one(store.pool()).await.expect("a row").get(0)
}

#[tokio::test]
async fn a_session_is_found_by_its_token_only_and_ends_when_deleted() {
    let scratch = with_a_person().await;
    let store = &scratch.store;
    let token = create(store, 1_000, IDLE, &Owner::Person(PersonId::new("p1")), Some(500)).await.expect("created");
    let session = find(store, 1_001, LIMITS, &token).await.expect("query").expect("live");
    assert_eq!(
        (session.owner, session.previous_sign_in_at, session.flash),
        (Owner::Person(PersonId::new("p1")), Some(500), None)
    );
    assert_eq!(session.id_hash, hash_token(&token));
    assert!(find(store, 1_001, LIMITS, &new_token()).await.expect("query").is_none(), "another token");
    delete(store, &session.id_hash).await.expect("deleted");
    assert!(find(store, 1_002, LIMITS, &token).await.expect("query").is_none());
}

#[tokio::test]
async fn a_session_ends_after_the_idle_timeout_and_each_request_after_a_minute_extends_it() {
    let scratch = with_a_person().await;
    let store = &scratch.store;
    const SIGNED_IN_AT: i64 = 1_800_000_000_000;
    let token = create(store, SIGNED_IN_AT, IDLE, &Owner::Person(PersonId::new("p1")), None).await.expect("created");
    // Written out, not the module's constant: the rule, not its value.
    const A_MINUTE: i64 = 60 * 1000;
    // Within the minute, no write.
    assert!(find(store, SIGNED_IN_AT + A_MINUTE, LIMITS, &token).await.expect("query").is_some());
    assert_eq!(last_seen(store).await, SIGNED_IN_AT);
    // After it, the expiry slides.
    assert!(find(store, SIGNED_IN_AT + A_MINUTE + 1, LIMITS, &token).await.expect("query").is_some());
    assert_eq!(last_seen(store).await, SIGNED_IN_AT + A_MINUTE + 1);
    let extended = SIGNED_IN_AT + A_MINUTE + IDLE_MS;
    assert!(find(store, extended, LIMITS, &token).await.expect("query").is_some(), "extended");
    // Left alone for the idle timeout: gone.
    let idle_from = last_seen(store).await;
    assert!(find(store, idle_from + IDLE_MS, LIMITS, &token).await.expect("query").is_none());
    assert_eq!(purge_expired(store, idle_from + IDLE_MS - 1).await.expect("purge"), 0);
    assert_eq!(purge_expired(store, idle_from + IDLE_MS).await.expect("purge"), 1);
}

#[tokio::test]
async fn a_session_ends_after_twelve_hours_however_active() {
    let scratch = with_a_person().await;
    let store = &scratch.store;
    const SIGNED_IN_AT: i64 = 1_800_000_000_000;
    let token = create(store, SIGNED_IN_AT, IDLE, &Owner::Person(PersonId::new("p1")), None).await.expect("created");
    const TWELVE_HOURS: i64 = 12 * 60 * 60 * 1000;
    let mut now = SIGNED_IN_AT;
    while now + 10 * 60 * 1000 <= SIGNED_IN_AT + TWELVE_HOURS {
        now += 10 * 60 * 1000;
        assert!(find(store, now, LIMITS, &token).await.expect("query").is_some(), "active at {now}");
    }
    assert!(find(store, SIGNED_IN_AT + TWELVE_HOURS + 1, LIMITS, &token).await.expect("query").is_none());
}

#[tokio::test]
async fn a_session_with_a_shorter_lifetime_ends_at_it_however_active() {
    let scratch = with_a_person().await;
    let store = &scratch.store;
    const SIGNED_IN_AT: i64 = 1_800_000_000_000;
    const MINUTE: i64 = 60 * 1000;
    let short = Limits { idle: Duration::from_secs(3 * 60), lifetime: Duration::from_secs(15 * 60) };
    let token =
        create(store, SIGNED_IN_AT, short.idle, &Owner::Person(PersonId::new("p1")), None).await.expect("created");
    for minute in (2..=14).step_by(2) {
        let now = SIGNED_IN_AT + minute * MINUTE;
        assert!(find(store, now, short, &token).await.expect("query").is_some(), "active at {minute} min");
    }
    assert!(find(store, SIGNED_IN_AT + 15 * MINUTE, short, &token).await.expect("query").is_some());
    assert!(find(store, SIGNED_IN_AT + 15 * MINUTE + 1, short, &token).await.expect("query").is_none());
    assert!(
        find(store, SIGNED_IN_AT + 15 * MINUTE + 1, LIMITS, &token).await.expect("query").is_some(),
        "the limit is the request's: an ordinary one lets it live"
    );
}

#[tokio::test]
async fn a_flash_is_taken_once_by_its_own_form() {
    let scratch = with_a_person().await;
    let store = &scratch.store;
    let token = create(store, 0, IDLE, &Owner::Person(PersonId::new("p1")), None).await.expect("created");
    let flash = Flash::new("selection").value("amount", "12").error("amount", "Trop peu.");
    let session = find(store, 1, LIMITS, &token).await.expect("query").expect("live");
    put_flash(store, &session.id_hash, &flash).await.expect("put");
    let session = find(store, 2, LIMITS, &token).await.expect("query").expect("live");
    assert_eq!(session.flash.as_ref(), Some(&flash));
    assert_eq!(take_flash(store, &session, "reference").await.expect("take"), None, "another form's");
    assert_eq!(take_flash(store, &session, "selection").await.expect("take"), Some(flash));
    let session = find(store, 3, LIMITS, &token).await.expect("query").expect("live");
    assert_eq!(session.flash, None, "taken once");
}

#[tokio::test]
async fn a_visitors_session_of_an_earlier_version_is_no_session() {
    let scratch = ScratchStore::new().await;
    let token = new_token();
    sqlx::query(
        "INSERT INTO sessions (id_hash, created_at, last_seen_at, expires_at, flash) VALUES ($1, 0, 0, 100000, NULL)",
    )
    .bind(hash_token(&token))
    .execute(scratch.store.pool())
    .await
    .expect("a row");
    assert!(find(&scratch.store, 1, LIMITS, &token).await.expect("query").is_none());
}
