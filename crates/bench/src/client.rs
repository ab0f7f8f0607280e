//! The requests of the scenarios, as a browser or the bank sends them.

use crate::load::{Call, in_turn};
use anyhow::bail;
use dataset::{PASSWORD, nir_of, reference_of};
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use sips::{Encoding, PaymentResponse, SealedForm, Secret};
use std::sync::Arc;
use tokio::sync::{Mutex, Semaphore};

/// Where the server is and how to reach it.
#[derive(Clone)]
pub struct Ctx {
    pub url: String,
    pub http: reqwest::Client,
    pub pid: u32,
}

/// A signed-in person of the dataset.
#[derive(Clone)]
pub struct Person {
    pub index: u64,
    pub cookie: String,
}

/// Signs person `index` in, as one of many people behind the service's proxy
/// (the scripts start the server with `TRUSTED_PROXIES=127.0.0.1`): each
/// person from an address of their own, as the sign-in throttle counts them.
pub async fn sign_in(ctx: &Ctx, index: u64) -> anyhow::Result<Person> {
    let address = format!("10.{}.{}.{}", (index >> 16) & 255, (index >> 8) & 255, index & 255);
    let response = ctx
        .http
        .post(format!("{}/api/connexion", ctx.url))
        .header(ACCEPT, "text/html")
        .header("Origin", &ctx.url)
        .header("X-Forwarded-For", address)
        .form(&[("nir", nir_of(index)), ("password", PASSWORD.to_owned())])
        .send()
        .await?;
    let cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("pc_session=") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    match cookie {
        Some(cookie) if response.headers().get(LOCATION).is_some_and(|l| l == "/accueil") => {
            Ok(Person { index, cookie })
        }
        _ => bail!("sign-in of person {index} failed: {}", response.status()),
    }
}

pub async fn sign_in_many(ctx: &Ctx, first: u64, count: u64) -> anyhow::Result<Vec<Person>> {
    let gate = Arc::new(Semaphore::new(8));
    let mut tasks = tokio::task::JoinSet::new();
    for index in first..first + count {
        let ctx = ctx.clone();
        let gate = gate.clone();
        tasks.spawn(async move {
            let _permit = gate.acquire().await;
            sign_in(&ctx, index).await
        });
    }
    let mut persons = Vec::new();
    while let Some(result) = tasks.join_next().await {
        persons.push(result??);
    }
    persons.sort_by_key(|p| p.index);
    Ok(persons)
}

/// A server function called as the app in the browser calls it: `POST
/// /api/{endpoint}` with the person's cookie and `body`; its answer if a
/// success.
async fn call(ctx: &Ctx, person: &Person, endpoint: &str, body: Body<'_>) -> anyhow::Result<reqwest::Response> {
    let request =
        ctx.http.post(format!("{}/api/{endpoint}", ctx.url)).header(COOKIE, &person.cookie).header("Origin", &ctx.url);
    let request = match body {
        Body::Form(fields) => request.form(fields),
        Body::Postcard(bytes) => request.header(CONTENT_TYPE, POSTCARD).body(bytes),
    };
    let response = request.send().await?;
    anyhow::ensure!(response.status().is_success(), "{endpoint} answered {}", response.status());
    Ok(response)
}

/// A server function's arguments: a form (an action's), or postcard (a
/// page's data, as the app reads it).
enum Body<'a> {
    Form(&'a [(&'static str, String)]),
    Postcard(Vec<u8>),
}

/// The media type of the app's page-data calls and answers.
const POSTCARD: &str = "application/x-postcard";

/// `text` as postcard writes a string: its length (LEB128), then its bytes.
fn postcard_text(text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() + 2);
    let mut length = text.len();
    while length >= 0x80 {
        bytes.push(u8::try_from(length & 0x7f).unwrap_or_default() | 0x80);
        length >>= 7;
    }
    bytes.push(u8::try_from(length).unwrap_or_default());
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// The header's «Prénom NOM» of a person of the dataset, as postcard writes it.
fn header_name(person: &Person) -> Vec<u8> {
    postcard_text(&format!("Personne{} BENCH{}", person.index % 1000, person.index))
}

/// Step 1's «RECHERCHER» with the person's first reference: the app is told
/// to go to step 2.
pub fn lookup_call(ctx: &Ctx, persons: Arc<Vec<Person>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let person = in_turn(&persons, n).clone();
        Box::pin(async move {
            let reference = reference_of(person.index, 0);
            let fields = [("reference[]", reference.clone())];
            let response = call(&ctx, &person, "rechercher-reference", Body::Form(&fields)).await?;
            let to = response.headers().get(LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default();
            anyhow::ensure!(to.ends_with(&reference), "the lookup did not lead to step 2: {to:?}");
            Ok(())
        })
    })
}

/// A page's data, as the single-page app asks for it on a navigation: the
/// server function at `/api/{endpoint}` with the arguments `arguments(person)`
/// in postcard, answered with data that hold each of `expected(person)`
/// (strings as postcard writes them: the header's name, a reference).
pub fn page_data_call(
    ctx: &Ctx,
    persons: Arc<Vec<Person>>,
    endpoint: &'static str,
    arguments: fn(&Person) -> Vec<u8>,
    expected: fn(&Person) -> Vec<Vec<u8>>,
) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let person = in_turn(&persons, n).clone();
        Box::pin(async move {
            let body = call(&ctx, &person, endpoint, Body::Postcard(arguments(&person))).await?.bytes().await?;
            for wanted in expected(&person) {
                anyhow::ensure!(body.windows(wanted.len()).any(|w| w == wanted), "{endpoint} without what it shows");
            }
            Ok(())
        })
    })
}

/// «Accueil»'s data (no payment to say: `paiement` is `None`): the header
/// and the person's first créance.
pub fn home_data_call(ctx: &Ctx, persons: Arc<Vec<Person>>) -> Call {
    page_data_call(
        ctx,
        persons,
        "page-accueil",
        |_| vec![0],
        |p| vec![header_name(p), postcard_text(&reference_of(p.index, 0))],
    )
}

/// Step 2's data, for the person's first avis: the header and that avis.
pub fn step2_data_call(ctx: &Ctx, persons: Arc<Vec<Person>>) -> Call {
    page_data_call(
        ctx,
        persons,
        "page-payer-selection",
        |p| postcard_text(&reference_of(p.index, 0)),
        |p| vec![header_name(p), postcard_text(&reference_of(p.index, 0))],
    )
}

/// A navigation inside the app, to «Mes paiements» (no arguments): that
/// page's data, with the header.
pub fn navigation_call(ctx: &Ctx, persons: Arc<Vec<Person>>) -> Call {
    page_data_call(ctx, persons, "page-mes-paiements", |_| Vec::new(), |p| vec![header_name(p)])
}

pub fn baseline_call(ctx: &Ctx, persons: Arc<Vec<Person>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let index = in_turn(&persons, n).index;
        Box::pin(async move {
            let response = ctx
                .http
                .get(format!("{}/bench/baseline", ctx.url))
                .query(&[("reference", reference_of(index, 0)), ("person", format!("bench-{index}"))])
                .send()
                .await?;
            anyhow::ensure!(response.status().is_success(), "baseline answered {}", response.status());
            Ok(())
        })
    })
}

pub fn step2_call(ctx: &Ctx, persons: Arc<Vec<Person>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let person = in_turn(&persons, n).clone();
        Box::pin(async move {
            let response = ctx
                .http
                .get(format!("{}/mes-paiements/payer-une-creance/{}", ctx.url, reference_of(person.index, 0)))
                .header(COOKIE, &person.cookie)
                .header(ACCEPT, "text/html")
                .send()
                .await?;
            anyhow::ensure!(response.status().is_success(), "step 2 answered {}", response.status());
            let body = response.text().await?;
            anyhow::ensure!(body.contains("Solde total à payer"), "step 2 without its form");
            Ok(())
        })
    })
}

/// Starts a 16 € payment on line `n / persons` of person `n % persons`;
/// records the transaction reference and who made it.
pub fn pay_call(ctx: &Ctx, persons: Arc<Vec<Person>>, started: Arc<Mutex<Vec<(String, Person)>>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let count = u64::try_from(persons.len()).unwrap_or(1);
        let person = persons[usize::try_from(n % count).unwrap_or(0)].clone();
        let line = (n / count) % dataset::CREANCES;
        let started = started.clone();
        Box::pin(async move {
            let reference = reference_of(person.index, line);
            let response = ctx
                .http
                .post(format!("{}/api/payer", ctx.url))
                .header(COOKIE, &person.cookie)
                .header(ACCEPT, "text/html")
                .header("Origin", &ctx.url)
                .form(&[("reference", reference.as_str()), ("selected[]", reference.as_str()), ("amount", "16")])
                .send()
                .await?;
            let to = response.headers().get(LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default();
            let transaction = to.rsplit('/').next().filter(|t| t.starts_with("PCLCB")).map(str::to_owned);
            match transaction {
                Some(t) => {
                    started.lock().await.push((t, person));
                    Ok(())
                }
                None => bail!("payment not started: {} {to}", response.status()),
            }
        })
    })
}

pub fn sealed_answer(transaction: &str) -> anyhow::Result<Vec<(String, String)>> {
    let response = PaymentResponse {
        response_code: "00".into(),
        acquirer_response_code: Some("00".into()),
        authorisation_id: Some("123456".into()),
        amount_cents: 1600,
        currency_code: Some(sips::CURRENCY_EURO.into()),
        transaction_date_time: None,
        transaction_reference: transaction.to_owned(),
        masked_pan: Some("4100##########00".into()),
        payment_mean_brand: Some("VISA".into()),
        holder_authent_status: None,
        key_version: Some(sips::simulation::KEY_VERSION.into()),
        merchant_id: Some(sips::simulation::MERCHANT_ID.into()),
        other: Vec::new(),
    };
    let secret = Secret::new(sips::simulation::SECRET_KEY.to_owned());
    Ok(SealedForm::seal_response(&response, &secret, "HP_2.20", Encoding::Plain)?.fields())
}

pub fn answer_call(ctx: &Ctx, transactions: Arc<Vec<String>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let transaction = in_turn(&transactions, n).clone();
        Box::pin(async move {
            let response = ctx
                .http
                .post(format!("{}/paiement/reponse-automatique", ctx.url))
                .form(&sealed_answer(&transaction)?)
                .send()
                .await?;
            anyhow::ensure!(response.status().is_success(), "answer refused: {}", response.status());
            Ok(())
        })
    })
}

/// The person's «Accueil» after coming back from the kiosk with `transaction`.
pub async fn home_page(ctx: &Ctx, transaction: &str, person: &Person) -> anyhow::Result<String> {
    let response = ctx
        .http
        .get(format!("{}/accueil?paiement={transaction}", ctx.url))
        .header(COOKIE, &person.cookie)
        .send()
        .await?;
    Ok(response.text().await?)
}
