//! The demonstration data of the specification, loaded into an empty database.

use crate::domain::{EligibilityPolicy, Euros};
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::{Store, WriteTx, new_id};
use crate::ssr::infra::ids::PersonId;
use crate::ssr::infra::password;
use crate::ssr::infra::time::paris_ms;
use anyhow::Context;
use sqlx::Row;

struct DemoPerson {
    nir: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    birth_date: &'static str,
    password: &'static str,
    caisse: &'static str,
    last_sign_in: Option<(i16, i8, i8, i8, i8)>,
    closed_by_caisse: bool,
    /// (reference, date d'émission, initial, restant), in cents.
    avis: &'static [(&'static str, &'static str, i64, i64)],
}

const CAISSES: [(&str, &str); 3] =
    [("381", "CPAM de l'Isère"), ("631", "CPAM du Puy-de-Dôme"), ("751", "CPAM de Paris")];

const PERSONS: [DemoPerson; 4] = [
    DemoPerson {
        nir: "1830201053123",
        first_name: "Pierre",
        last_name: "BELAGE",
        birth_date: "1983-02-25",
        password: "Belage-2019",
        caisse: "381",
        last_sign_in: Some((2017, 9, 11, 15, 54)),
        closed_by_caisse: false,
        avis: &[
            ("3811907400001234F", "2019-03-15", 8_709, 8_709),
            ("3811701200010075F", "2016-05-12", 5_000, 1_250),
            ("3811702400012980F", "2015-09-12", 5_000, 660),
            ("3811708600076602F", "2014-02-20", 5_000, 2_890),
            ("3811708600079999F", "2020-02-20", 5_000, 1_036),
        ],
    },
    DemoPerson {
        nir: "2901063113045",
        first_name: "Eva",
        last_name: "DUPONT",
        birth_date: "1990-10-31",
        password: "Dupont-1990",
        caisse: "631",
        last_sign_in: None,
        closed_by_caisse: false,
        avis: &[
            ("6311632600000408F", "2016-11-21", 700, 700),
            ("6311631200000297F", "2016-11-07", 380, 380),
            ("6311605000001187F", "2016-02-19", 5_000, 4_500),
            ("6311612100002201F", "2016-04-30", 5_000, 5_000),
        ],
    },
    DemoPerson {
        nir: "1750538185012",
        first_name: "Paul",
        last_name: "MARTIN",
        birth_date: "1975-05-12",
        password: "Martin-1975",
        caisse: "381",
        last_sign_in: None,
        closed_by_caisse: false,
        avis: &[
            ("3811810100004242F", "2018-04-11", 6_000, 6_000),
            ("3811820000004243F", "2018-07-19", 6_000, 6_000),
            ("3811830000004244F", "2018-10-27", 6_000, 6_000),
        ],
    },
    DemoPerson {
        nir: "2680975056088",
        first_name: "Jeanne",
        last_name: "ROUX",
        birth_date: "1968-09-09",
        password: "Roux-1968",
        caisse: "751",
        last_sign_in: None,
        closed_by_caisse: true,
        avis: &[("7511900500000777F", "2019-01-05", 12_000, 12_000)],
    },
];

/// How many accounts a message names before it counts the rest.
const NAMED: i64 = 5;

/// The accounts whose password is published (the demonstration's, the
/// benchmark dataset's), for a public site's refusal to start: the first few
/// named (an agent's login, a person's name and NIR), then how many more.
/// Empty when there is none.
pub async fn published_accounts(store: &Store) -> anyhow::Result<Vec<String>> {
    let agents = sqlx::query("SELECT login FROM agents WHERE published_password = 1 ORDER BY login LIMIT $1")
        .bind(NAMED)
        .fetch_all(store.pool())
        .await
        .context("reading the agents with a published password")?;
    let mut named: Vec<String> = agents
        .iter()
        .map(|row| row.try_get::<String, _>("login").map(|login| format!("agent {login}")))
        .collect::<Result<_, _>>()?;
    let persons = sqlx::query(
        "SELECT first_name, last_name, nir FROM persons WHERE published_password = 1 ORDER BY nir LIMIT $1",
    )
    .bind(NAMED)
    .fetch_all(store.pool())
    .await
    .context("reading the persons with a published password")?;
    for row in &persons {
        let (first, last, nir): (String, String, String) =
            (row.try_get("first_name")?, row.try_get("last_name")?, row.try_get("nir")?);
        named.push(format!("{first} {last} (NIR {nir})"));
    }
    let total: i64 = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM agents WHERE published_password = 1) \
              + (SELECT COUNT(*) FROM persons WHERE published_password = 1) AS n",
    )
    .fetch_one(store.pool())
    .await
    .context("counting the accounts with a published password")?
    .try_get("n")?;
    let more = total - i64::try_from(named.len()).unwrap_or(total);
    if more > 0 {
        named.push(format!("and {more} more"));
    }
    Ok(named)
}

/// A fresh password for a copy of a demonstration person: never the published
/// one, so a copy made for a training session or a test is nobody's way in.
fn fresh_password() -> String {
    use rand::Rng;
    use rand::distributions::Alphanumeric;
    let tail: String = rand::thread_rng().sample_iter(&Alphanumeric).take(12).map(char::from).collect();
    format!("Essai-{tail}")
}

/// Loads the demonstration data if the database holds no person yet. Returns
/// true when it loaded them.
pub async fn load_if_empty(store: &Store, policy: &EligibilityPolicy, now_ms: i64) -> anyhow::Result<bool> {
    let persons: i64 = sqlx::query("SELECT COUNT(*) AS n FROM persons")
        .fetch_one(store.pool())
        .await
        .context("counting persons")?
        .try_get("n")?;
    if persons > 0 {
        return Ok(false);
    }
    let passwords: Vec<&'static str> =
        PERSONS.iter().map(|p| p.password).chain(AGENTS.iter().map(|a| a.password)).collect();
    let mut hashes = Vec::with_capacity(passwords.len());
    for secret in passwords {
        hashes.push(password::hash(secret.to_owned()).await?);
    }

    let mut tx = store.write().await.context("starting the demo transaction")?;
    add_caisses(&mut tx).await?;
    for (person, hash) in PERSONS.iter().zip(&hashes) {
        let person_id = PersonId::new(new_id());
        let last_sign_in = person.last_sign_in.map(|(y, m, d, h, min)| paris_ms(y, m, d, h, min));
        sqlx::query(
            "INSERT INTO persons (id, nir, first_name, last_name, birth_date, password_hash, caisse_code, last_sign_in_at, \
             created_at, published_password) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
        )
        .bind(&person_id)
        .bind(person.nir)
        .bind(person.first_name)
        .bind(person.last_name)
        .bind(person.birth_date)
        .bind(hash)
        .bind(person.caisse)
        .bind(last_sign_in)
        .bind(now_ms)
        .execute(tx.conn())
        .await?;
        let references: Vec<String> = person.avis.iter().map(|a| a.0.to_owned()).collect();
        insert_avis(&mut tx, person, &person_id, &references, policy, now_ms).await?;
        audit::record(
            tx.conn(),
            now_ms,
            Entry {
                actor: Actor::System,
                caisse_code: Some(person.caisse),
                entity: Entity::Person,
                entity_id: person_id.as_str(),
                action: Action::DemoLoaded,
                detail: serde_json::json!({ "avis": person.avis.len() }),
            },
        )
        .await?;
    }
    for (agent, hash) in AGENTS.iter().zip(&hashes[PERSONS.len()..]) {
        sqlx::query(
            "INSERT INTO agents (id, login, display_name, password_hash, caisse_code, created_at, published_password) \
             VALUES ($1, $2, $3, $4, $5, $6, 1)",
        )
        .bind(new_id())
        .bind(agent.login)
        .bind(agent.display_name)
        .bind(hash)
        .bind(agent.caisse)
        .bind(now_ms)
        .execute(tx.conn())
        .await?;
    }
    tx.commit().await.context("committing the demo data")?;
    Ok(true)
}

/// The sign-in and letter of a person made by [`add_person_like`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewPerson {
    /// The NIR with its key, as typed on the sign-in page.
    pub nir: String,
    /// The password.
    pub password: String,
    /// «PRÉNOM NOM».
    pub name: String,
    /// The person's avis references, in the template's order (the first is
    /// "their letter").
    pub references: Vec<String>,
}

/// Adds a new person shaped like the demonstration person `template` (`pierre`,
/// `eva`, `paul` or `jeanne`): same names, créances and amounts, but a fresh NIR,
/// fresh references and a fresh password (returned once, stored hashed). For
/// training sessions and end-to-end tests, where each run needs its own
/// untouched data.
pub async fn add_person_like(
    store: &Store,
    template: &str,
    policy: &EligibilityPolicy,
    now_ms: i64,
) -> anyhow::Result<NewPerson> {
    use rand::Rng;
    let person = PERSONS
        .iter()
        .find(|p| p.first_name.eq_ignore_ascii_case(template))
        .with_context(|| format!("no demonstration person named {template}"))?;
    let fresh = fresh_password();
    let hash = {
        let password = fresh.clone();
        tokio::task::spawn_blocking(move || password::hash_blocking(&password))
            .await
            .context("joining the hashing task")??
    };
    let (nir, references) = {
        let mut rng = rand::thread_rng();
        // Sex, year and month of the template (valid parts), then a random
        // department, commune and rank.
        let body = format!("{}{:08}", &person.nir[..5], rng.gen_range(0..100_000_000u64));
        let references: Vec<String> = person
            .avis
            .iter()
            .map(|(reference, ..)| {
                format!("{}{:08}{}", &reference[..8], rng.gen_range(0..100_000_000u64), &reference[16..])
            })
            .collect();
        (body, references)
    };
    let nir = crate::domain::Nir::parse(&nir).context("a generated NIR")?;
    let person_id = PersonId::new(new_id());
    let mut tx = store.write().await.context("starting the transaction")?;
    // Its caisse, in a database that has no demonstration data.
    add_caisses(&mut tx).await?;
    sqlx::query(
        "INSERT INTO persons (id, nir, first_name, last_name, birth_date, password_hash, caisse_code, last_sign_in_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)",
    )
    .bind(&person_id)
    .bind(nir.as_str())
    .bind(person.first_name)
    .bind(person.last_name)
    .bind(person.birth_date)
    .bind(&hash)
    .bind(person.caisse)
    .bind(now_ms)
    .execute(tx.conn())
    .await
    .context("inserting the person")?;
    insert_avis(&mut tx, person, &person_id, &references, policy, now_ms).await?;
    tx.commit().await.context("committing the person")?;
    Ok(NewPerson {
        nir: format!("{} {:02}", nir.as_str(), nir.key()),
        password: fresh,
        name: format!("{} {}", person.first_name, person.last_name).to_uppercase(),
        references,
    })
}

/// Adds the demonstration's caisses, those a database does not have yet.
async fn add_caisses(tx: &mut WriteTx) -> anyhow::Result<()> {
    for (code, name) in CAISSES {
        sqlx::query("INSERT INTO caisses (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING")
            .bind(code)
            .bind(name)
            .execute(tx.conn())
            .await
            .context("adding the caisses")?;
    }
    Ok(())
}

/// Inserts the avis of `person` under `references` (one per template avis).
async fn insert_avis(
    tx: &mut WriteTx,
    person: &DemoPerson,
    person_id: &PersonId,
    references: &[String],
    policy: &EligibilityPolicy,
    now_ms: i64,
) -> anyhow::Result<()> {
    // The balance when the avis were issued: everything the person owed.
    let balance = Euros::from_cents(person.avis.iter().map(|a| a.3).sum());
    let open = policy.is_open_online(balance);
    for ((_, issued_on, initial, restant), reference) in person.avis.iter().zip(references) {
        sqlx::query(
            "INSERT INTO avis (reference, person_id, caisse_code, kind, issued_on, initial_cents, restant_cents, \
             balance_at_issue_cents, online_payable, closed_at, created_at) \
             VALUES ($1, $2, $3, 'PF_FR', $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(reference)
        .bind(person_id)
        .bind(person.caisse)
        .bind(*issued_on)
        .bind(*initial)
        .bind(*restant)
        .bind(balance.cents())
        .bind(i64::from(open))
        .bind(person.closed_by_caisse.then_some(now_ms))
        .bind(now_ms)
        .execute(tx.conn())
        .await
        .context("inserting an avis")?;
    }
    Ok(())
}

struct DemoAgent {
    login: &'static str,
    display_name: &'static str,
    password: &'static str,
    caisse: &'static str,
}

/// The caisse de l'Isère's agents: two, since a refund asked by one must be
/// approved by another.
const AGENTS: [DemoAgent; 2] = [
    DemoAgent { login: "agent.isere", display_name: "Agent CPAM de l'Isère", password: "Agent-381", caisse: "381" },
    DemoAgent {
        login: "superviseur.isere",
        display_name: "Superviseur CPAM de l'Isère",
        password: "Superviseur-381",
        caisse: "381",
    },
];
