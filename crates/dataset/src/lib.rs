//! A synthetic national-scale dataset for benchmarks: `server dataset
//! --persons N` adds N insured persons with 5 créances each (references,
//! dates and amounts of the real shape), in large multi-row inserts.
//!
//! Person `i` has a NIR made from `i` (`nir_of`, valid parts and key), the password
//! `Bench-2026` (one Argon2id hash shared by all: hashing a million passwords
//! would take hours and measures nothing), and créances whose balance keeps
//! them open to online payment.

use anyhow::Context;
use app::domain::Nir;
use app::ssr::Store;
use app::ssr::infra::password;
use std::time::Instant;

/// The password of every generated person.
pub const PASSWORD: &str = "Bench-2026";
/// The start of every generated person's id.
const ID_PREFIX: &str = "bench-";
/// Créances per person.
pub const CREANCES: u64 = 5;
const CAISSES: [&str; 3] = ["381", "631", "751"];
/// Persons per statement: PostgreSQL takes large statements in its stride;
/// SQLite spends time quadratic in the number of parameters of one statement,
/// so it gets small ones (the transaction around many of them is what counts).
const BATCH_POSTGRES: u64 = 1_000;
const BATCH_SQLITE: u64 = 40;
const STATEMENTS_PER_TRANSACTION: u64 = 25;

/// The NIR (with key) of generated person `i`: a man born in January of
/// year `i / 10^8`, department `i / 10^6`, commune and rank from the rest, so
/// every number up to 10^10 gets a NIR of its own with valid parts.
pub fn nir_of(i: u64) -> String {
    let i = i % 10_000_000_000;
    let body = format!("1{:02}01{:02}{:06}", i / 100_000_000, (i / 1_000_000) % 100, i % 1_000_000);
    let nir = Nir::parse(&body).map(|n| n.key()).unwrap_or_default();
    format!("{body}{nir:02}")
}

/// The reference of créance `j` of generated person `i`.
pub fn reference_of(i: u64, j: u64) -> String {
    let caisse = CAISSES[usize::try_from(i % 3).unwrap_or(0)];
    format!("{caisse}25{:03}{:08}F", 100 + j, i)
}

/// How many persons are generated already (the next one's number).
pub async fn generated(store: &Store) -> anyhow::Result<u64> {
    use sqlx::Row;
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM persons WHERE id LIKE $1")
        .bind(format!("{ID_PREFIX}%"))
        .fetch_one(store.pool())
        .await
        .context("counting the generated persons")?
        .try_get("n")?;
    Ok(u64::try_from(count)?)
}

/// Adds persons `from..from + count`; returns how long it took.
pub async fn generate(store: &Store, from: u64, count: u64) -> anyhow::Result<std::time::Duration> {
    let started = Instant::now();
    let hash = password::hash(PASSWORD.to_owned()).await?;
    // SQLite looks `$N` parameters up by name, in linear time: with thousands of
    // them per statement that dominates; `?N` is numbered directly.
    let sign = if store.engine() == app::ssr::infra::db::Engine::Sqlite { '?' } else { '$' };
    let p = |n: u64| format!("{sign}{n}");
    let batch = if store.engine() == app::ssr::infra::db::Engine::Sqlite { BATCH_SQLITE } else { BATCH_POSTGRES };
    let mut next = from;
    let end = from + count;
    let mut tx = store.write().await.context("starting a batch")?;
    let mut statements = 0;
    while next < end {
        let batch_end = (next + batch).min(end);
        let mut persons = String::from(
            "INSERT INTO persons (id, nir, first_name, last_name, birth_date, password_hash, caisse_code, last_sign_in_at, \
             created_at, published_password) VALUES ",
        );
        let mut avis = String::from(
            "INSERT INTO avis (reference, person_id, caisse_code, kind, issued_on, initial_cents, restant_cents, \
             balance_at_issue_cents, online_payable, closed_at, created_at) VALUES ",
        );
        let mut n = 0;
        let mut a = 0;
        for i in next..batch_end {
            if i > next {
                persons.push(',');
            }
            let values: Vec<String> = (1..=7).map(|k| p(n + k)).collect();
            // The password is in this file: published.
            persons.push_str(&format!("({},NULL,0,1)", values.join(",")));
            n += 7;
            for _ in 0..CREANCES {
                if a > 0 {
                    avis.push(',');
                }
                avis.push_str(&format!(
                    "({},{},{},'PF_FR',{},5000,{},12500,1,NULL,0)",
                    p(a + 1),
                    p(a + 2),
                    p(a + 3),
                    p(a + 4),
                    p(a + 5)
                ));
                a += 5;
            }
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(persons));
        for i in next..batch_end {
            let nir = nir_of(i);
            query = query
                .bind(format!("{ID_PREFIX}{i}"))
                .bind(nir[..13].to_owned())
                .bind(format!("Personne{}", i % 1000))
                .bind(format!("BENCH{i}"))
                .bind("1980-01-01")
                .bind(hash.clone())
                .bind(CAISSES[usize::try_from(i % 3).unwrap_or(0)]);
        }
        query.execute(tx.conn()).await.context("inserting persons")?;
        let mut query = sqlx::query(sqlx::AssertSqlSafe(avis));
        for i in next..batch_end {
            for j in 0..CREANCES {
                // Dates spread over 2014–2025, restant dû 20 € to 30 €.
                let day = (i * 7 + j * 131) % 4000;
                let year = 2014 + day / 365;
                let date = format!("{year}-{:02}-{:02}", 1 + (day % 365) / 31 % 12, 1 + day % 28);
                let restant = i64::try_from(2000 + (i * 13 + j * 17) % 1000).unwrap_or(2500);
                query = query
                    .bind(reference_of(i, j))
                    .bind(format!("{ID_PREFIX}{i}"))
                    .bind(CAISSES[usize::try_from(i % 3).unwrap_or(0)])
                    .bind(date)
                    .bind(restant);
            }
        }
        query.execute(tx.conn()).await.context("inserting créances")?;
        statements += 1;
        if statements % STATEMENTS_PER_TRANSACTION == 0 {
            tx.commit().await.context("committing a batch")?;
            tx = store.write().await.context("starting a batch")?;
        }
        next = batch_end;
    }
    tx.commit().await.context("committing the last batch")?;
    // Fresh statistics for the planner, as the database's own maintenance would
    // eventually gather them. On PostgreSQL, VACUUM as well: otherwise the
    // autovacuum of millions of freshly inserted rows starts a little later and
    // takes a core away from whatever is measured next.
    let maintenance = match store.engine() {
        app::ssr::infra::db::Engine::Postgres => "VACUUM (ANALYZE)",
        app::ssr::infra::db::Engine::Sqlite => "ANALYZE",
    };
    let mut conn = store.maintenance_connection().await.context("a connection for the maintenance")?;
    let done = sqlx::Executor::execute(&mut conn, maintenance).await.context("vacuuming and analysing the tables");
    let _ = sqlx::Connection::close(conn).await;
    done?;
    Ok(started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identifiers_are_well_formed() {
        for i in [0, 1, 999_999, 1_000_000, 123_456_789, 9_999_999_999] {
            assert!(Nir::parse(&nir_of(i)).is_ok(), "person {i}: {}", nir_of(i));
        }
        let nirs: std::collections::HashSet<String> = (0..3_000_000).step_by(997).map(nir_of).collect();
        assert_eq!(nirs.len(), (0..3_000_000).step_by(997).count(), "one NIR each");
        assert!(app::domain::AvisReference::parse(&reference_of(123_456, 4)).is_ok());
        assert_ne!(reference_of(1, 0), reference_of(1, 1));
    }
}
