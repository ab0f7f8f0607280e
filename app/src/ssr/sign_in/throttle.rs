//! Sign-in throttling, counted three ways within 15 minutes: an account from
//! one address (5 tries), one address whatever the account (20), and one
//! account whatever the address (50, a ceiling against many addresses). Past
//! half of any of them, each try waits before it is checked, longer at each
//! try ([`wait_before`]: 0.5 s, then 1, 2, at most 4); beyond any of them,
//! further tries are refused until its window has passed. So a
//! stranger who knows a NIR and tries five passwords is slowed, from their
//! address, while the person signs in from theirs; an IPv6 client counts per
//! /64 (one subscriber's network), not per address it can pick at will. A
//! successful sign-in gives its try back (and starts the account's counts
//! again), so only failures, and tries still in progress, use the allowance.
//!
//! The count and the check are one statement per subject (an upsert that
//! returns the new count), on a row every server instance shares: twenty
//! simultaneous wrong passwords get five checks, whatever the number of
//! instances, on SQLite (one writer) and on PostgreSQL (the row's lock).

use crate::ssr::infra::clock::millis;
use crate::ssr::infra::db::Store;
use anyhow::Context;
use sqlx::Row;
use std::net::IpAddr;
use std::time::Duration;

/// Tries allowed for one account from one address in a window.
pub const MAX_TRIES: i64 = 5;
/// Tries allowed from one address in a window, whatever the accounts.
pub const MAX_ADDRESS_TRIES: i64 = 20;
/// Tries allowed for one account in a window, whatever the addresses.
pub const MAX_ACCOUNT_TRIES: i64 = 50;
/// Tries allowed from a browser known to the account (`device`) in a window:
/// counted apart from everything else.
pub const MAX_DEVICE_TRIES: i64 = 10;
/// The window, 15 minutes.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest wait before a try is checked.
pub const MAX_WAIT: Duration = Duration::from_secs(4);
/// The refusal, in French (persons and agents).
pub const TOO_MANY: &str = "Trop de tentatives de connexion. Pour votre sécurité, veuillez réessayer dans 15 minutes.";

/// What a sign-in is counted under: from an unknown browser, its account from
/// its address, its address, its account, each with its allowance; from a
/// browser known to the account, that device alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subjects {
    /// An unknown browser.
    Unknown {
        /// The account from the address.
        pair: String,
        /// The address (an IPv6 /64).
        address: String,
        /// The account.
        account: String,
    },
    /// A browser where the account signed in before (its device token's hash).
    Device(String),
}

/// The network a client is counted under: an IPv4 address as it is (an
/// IPv4-mapped IPv6 one too), an IPv6 address by its /64; anything else as
/// given, `unknown` when there is nothing.
pub fn network_of(address: Option<&str>) -> String {
    let Some(address) = address else { return "unknown".to_owned() };
    match address.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => format!("{}/64", std::net::Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => address.to_owned(),
    }
}

impl Subjects {
    /// The subjects of a sign-in to `account` from `address`, in a browser
    /// the account does not know.
    pub fn new(account: &str, address: Option<&str>) -> Subjects {
        let network = network_of(address);
        Subjects::Unknown {
            pair: format!("pair:{network}|{account}"),
            address: format!("address:{network}"),
            account: format!("account:{account}"),
        }
    }

    /// The subject of a sign-in from the account's known device `hash`.
    pub fn device(hash: &str) -> Subjects {
        Subjects::Device(format!("device:{hash}"))
    }

    /// Each subject with its allowance, the narrowest first.
    fn all(&self) -> Vec<(&str, i64)> {
        match self {
            Subjects::Unknown { pair, address, account } => vec![
                (pair.as_str(), MAX_TRIES),
                (address.as_str(), MAX_ADDRESS_TRIES),
                (account.as_str(), MAX_ACCOUNT_TRIES),
            ],
            Subjects::Device(device) => vec![(device.as_str(), MAX_DEVICE_TRIES)],
        }
    }
}

/// How long the `tries`-th try of a subject allowed `allowed` waits before it
/// is checked: nothing for the first half of the allowance, then 0.5 s,
/// doubling at each try, at most [`MAX_WAIT`]. A person who mistypes once or
/// twice never waits; a guesser is slowed before being refused.
pub fn wait_before(tries: i64, allowed: i64) -> Duration {
    let past_half = tries - allowed / 2;
    if past_half <= 0 {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(past_half - 1).unwrap_or(u32::MAX).min(3);
    Duration::from_millis(500 << doublings).min(MAX_WAIT)
}

/// Takes a try for every subject: `Some(wait)`, how long the try waits before
/// it is checked (the longest of its subjects'); `None` when one of them has
/// used its tries for the window (the tries just taken are then given back).
pub async fn take(store: &Store, subjects: &Subjects, now: i64) -> anyhow::Result<Option<Duration>> {
    let mut taken = Vec::new();
    let mut wait = Duration::ZERO;
    for (subject, allowed) in subjects.all() {
        let tries: i64 = sqlx::query(
            "INSERT INTO sign_in_throttle (subject, window_start, tries) VALUES ($1, $2, 1) \
             ON CONFLICT (subject) DO UPDATE SET \
               tries = CASE WHEN sign_in_throttle.window_start <= $3 THEN 1 ELSE sign_in_throttle.tries + 1 END, \
               window_start = CASE WHEN sign_in_throttle.window_start <= $3 THEN $2 ELSE sign_in_throttle.window_start END \
             RETURNING tries",
        )
        .bind(subject)
        .bind(now)
        .bind(now - millis(WINDOW))
        .fetch_one(store.pool())
        .await
        .context("counting a sign-in try")?
        .try_get("tries")?;
        if tries > allowed {
            give_back_tries(store, &taken).await?;
            // This subject's try is not given back: it is over the limit anyway.
            return Ok(None);
        }
        wait = wait.max(wait_before(tries, allowed));
        taken.push(subject);
    }
    Ok(Some(wait))
}

/// Gives back the tries a sign-in took that could not be checked (the
/// service was too busy): it counts neither as a failure nor as a success.
pub async fn give_back(store: &Store, subjects: &Subjects) -> anyhow::Result<()> {
    give_back_tries(store, &subjects.all().into_iter().map(|(subject, _)| subject).collect::<Vec<_>>()).await
}

async fn give_back_tries(store: &Store, subjects: &[&str]) -> anyhow::Result<()> {
    for subject in subjects {
        sqlx::query("UPDATE sign_in_throttle SET tries = tries - 1 WHERE subject = $1 AND tries > 0")
            .bind(subject)
            .execute(store.pool())
            .await
            .context("giving a sign-in try back")?;
    }
    Ok(())
}

/// A successful sign-in: the account's (or the device's) counts start again,
/// the address gets its try back.
pub async fn succeeded(store: &Store, subjects: &Subjects) -> anyhow::Result<()> {
    let (cleared, given_back): (Vec<&str>, Vec<&str>) = match subjects {
        Subjects::Unknown { pair, address, account } => (vec![pair, account], vec![address]),
        Subjects::Device(device) => (vec![device], Vec::new()),
    };
    for subject in cleared {
        sqlx::query("DELETE FROM sign_in_throttle WHERE subject = $1")
            .bind(subject)
            .execute(store.pool())
            .await
            .context("clearing an account's tries")?;
    }
    give_back_tries(store, &given_back).await
}

/// Removes the counts whose window has passed.
pub async fn purge(store: &Store, now: i64) -> anyhow::Result<u64> {
    Ok(sqlx::query("DELETE FROM sign_in_throttle WHERE window_start <= $1")
        .bind(now - millis(WINDOW))
        .execute(store.pool())
        .await
        .context("purging sign-in counts")?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::infra::db::ScratchStore;

    async fn tries(store: &Store, subject: &str) -> Option<i64> {
        sqlx::query("SELECT tries FROM sign_in_throttle WHERE subject = $1")
            .bind(subject)
            .fetch_optional(store.pool())
            .await
            .expect("query")
            .map(|row| row.get(0))
    }

    #[tokio::test]
    async fn five_tries_for_an_account_from_an_address_in_the_window_then_none_until_it_has_passed() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        // Written out, not the module's constants: the rule, not its value.
        const FIFTEEN_MINUTES: i64 = 15 * 60 * 1000;
        let pierre = Subjects::new("1830201053123", Some("203.0.113.7"));
        for i in 0..5 {
            assert!(take(store, &pierre, 1_000 + i).await.expect("take").is_some(), "try {}", i + 1);
        }
        assert!(take(store, &pierre, 2_000).await.expect("take").is_none(), "the sixth");
        // The window counts from the first try: just before it ends, still refused.
        assert!(take(store, &pierre, 1_000 + FIFTEEN_MINUTES - 1).await.expect("take").is_none());
        assert!(take(store, &pierre, 1_000 + FIFTEEN_MINUTES).await.expect("take").is_some(), "a new window");
        assert_eq!(tries(store, "pair:203.0.113.7|1830201053123").await, Some(1));
    }

    #[test]
    fn past_half_of_an_allowance_each_try_waits_longer_up_to_four_seconds() {
        let ms = |tries, allowed| wait_before(tries, allowed).as_millis();
        // An account from an address (5): the first two never wait.
        assert_eq!([1, 2, 3, 4, 5].map(|tries| ms(tries, 5)), [0, 0, 500, 1000, 2000]);
        // An address (20): from its eleventh try, at most four seconds.
        assert_eq!([10, 11, 12, 13, 14, 20].map(|tries| ms(tries, 20)), [0, 500, 1000, 2000, 4000, 4000]);
        assert_eq!([25, 26, 50, i64::MAX].map(|tries| ms(tries, 50)), [0, 500, 4000, 4000]);
    }

    #[tokio::test]
    async fn a_try_waits_as_long_as_its_most_used_subject_asks() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        // Eleven accounts tried from one address: its eleventh try waits half a second…
        for i in 0..10 {
            assert_eq!(
                take(store, &Subjects::new(&format!("n{i}"), Some("10.9.9.9")), 0).await.expect("take"),
                Some(Duration::ZERO)
            );
        }
        let pierre = Subjects::new("pierre", Some("10.9.9.9"));
        assert_eq!(take(store, &pierre, 0).await.expect("take"), Some(Duration::from_millis(500)));
        assert_eq!(take(store, &pierre, 0).await.expect("take"), Some(Duration::from_millis(1000)), "the address's");
        // …and Pierre's third from there, the pair's third, waits as long as the address's thirteenth.
        assert_eq!(take(store, &pierre, 0).await.expect("take"), Some(Duration::from_millis(2000)));
        // Elsewhere, nothing waits.
        assert_eq!(take(store, &Subjects::new("eva", Some("10.8.8.8")), 0).await.expect("take"), Some(Duration::ZERO));
    }

    #[tokio::test]
    async fn a_stranger_who_used_the_tries_of_an_account_leaves_them_whole_for_another_address() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        let stranger = Subjects::new("1830201053123", Some("198.51.100.9"));
        for _ in 0..5 {
            assert!(take(store, &stranger, 0).await.expect("take").is_some());
        }
        assert!(take(store, &stranger, 0).await.expect("take").is_none(), "the stranger is slowed");
        let person = Subjects::new("1830201053123", Some("203.0.113.7"));
        assert!(take(store, &person, 0).await.expect("take").is_some(), "the person, elsewhere, is not");
    }

    #[tokio::test]
    async fn an_address_has_twenty_tries_over_all_accounts_and_an_account_fifty_over_all_addresses() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        for i in 0..20 {
            assert!(
                take(store, &Subjects::new(&format!("n{i}"), Some("10.9.9.9")), 0).await.expect("take").is_some(),
                "{i}"
            );
        }
        assert!(
            take(store, &Subjects::new("eva", Some("10.9.9.9")), 0).await.expect("take").is_none(),
            "the address's 21st"
        );
        assert_eq!(tries(store, "account:eva").await, None, "the account, after the address, is not counted");
        assert_eq!(tries(store, "pair:10.9.9.9|eva").await, Some(0), "and the pair's try is given back");
        for i in 0..50 {
            assert!(
                take(store, &Subjects::new("pierre", Some(&format!("10.0.{i}.1"))), 0).await.expect("take").is_some(),
                "{i}"
            );
        }
        assert!(
            take(store, &Subjects::new("pierre", Some("10.1.0.1")), 0).await.expect("take").is_none(),
            "the account's 51st"
        );
        assert_eq!(tries(store, "address:10.1.0.1").await, Some(0), "given back");
    }

    #[tokio::test]
    async fn a_try_given_back_or_a_success_frees_the_allowance() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        let from = Subjects::new("pierre", Some("10.0.0.1"));
        for _ in 0..5 {
            assert!(take(store, &from, 0).await.expect("take").is_some());
        }
        give_back(store, &from).await.expect("give back");
        let counts = || async {
            [
                tries(store, "pair:10.0.0.1|pierre").await,
                tries(store, "address:10.0.0.1").await,
                tries(store, "account:pierre").await,
            ]
        };
        assert_eq!(counts().await, [Some(4); 3]);
        assert!(take(store, &from, 0).await.expect("take").is_some(), "the try given back is free again");
        succeeded(store, &from).await.expect("success");
        assert_eq!(counts().await, [None, Some(4), None], "the account starts again, the address gets this try back");
        // Never below zero.
        let fresh = Subjects::new("eva", None);
        assert!(take(store, &fresh, 0).await.expect("take").is_some());
        give_back(store, &fresh).await.expect("give back");
        give_back(store, &fresh).await.expect("give back");
        assert_eq!(tries(store, "account:eva").await, Some(0));
    }

    #[tokio::test]
    async fn the_purge_removes_the_counts_whose_window_has_passed() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        assert!(take(store, &Subjects::new("old", None), 0).await.expect("take").is_some());
        assert!(take(store, &Subjects::new("new", None), 10).await.expect("take").is_some());
        assert_eq!(purge(store, millis(WINDOW) - 1).await.expect("purge"), 0);
        // Old's pair and account, and the address they share (its window began with old's try).
        assert_eq!(purge(store, millis(WINDOW)).await.expect("purge"), 3);
        assert_eq!((tries(store, "account:old").await, tries(store, "account:new").await), (None, Some(1)));
    }

    #[test]
    fn a_sign_in_is_counted_under_its_account_from_its_network_its_network_and_its_account() {
        let subjects = Subjects::new("1830201053123", Some("203.0.113.7"));
        let names = |s: &Subjects| -> Vec<String> {
            s.all().into_iter().map(|(subject, allowed)| format!("{subject} {allowed}")).collect()
        };
        assert_eq!(
            names(&subjects),
            ["pair:203.0.113.7|1830201053123 5", "address:203.0.113.7 20", "account:1830201053123 50"]
        );
        let unknown = Subjects::new("agent:agent.isere", None);
        assert_eq!(names(&unknown)[0], "pair:unknown|agent:agent.isere 5");
        // One IPv6 subscriber's /64 is one network, whatever address it picks.
        let a = Subjects::new("n", Some("2001:db8:1:2:aaaa::1"));
        let b = Subjects::new("n", Some("2001:db8:1:2:ffff:1:2:3"));
        assert_eq!(a, b);
        assert_eq!(names(&a)[1], "address:2001:db8:1:2::/64 20");
        assert_ne!(a, Subjects::new("n", Some("2001:db8:1:3::1")), "the next /64 is another");
        // A browser the account knows: its device alone, with its own allowance.
        assert_eq!(names(&Subjects::device("ab12")), ["device:ab12 10"]);
        assert_eq!(network_of(Some("::ffff:203.0.113.7")), "203.0.113.7", "an IPv4 client through an IPv6 socket");
    }
}
