//! Sips Office, asked server to server: what became of a transaction
//! (`getTransactionData`), and money given back on one (`cancel`, `refund`).
//! Each answer is trusted only with our seal; the status answer must also name
//! our merchant and the transaction asked about.

use crate::domain::TransactionReference;
use crate::ssr::KioskSettings;
use anyhow::Context;
use sips::cash::{CashAnswer, CashRequest, Operation};
use sips::office::{GET_TRANSACTION_DATA_PATH, TransactionData, TransactionDataRequest};
use std::sync::OnceLock;
use std::time::Duration;

/// How long the bank is given to answer.
const BANK_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the connection to Sips Office may take to open.
const BANK_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The largest answer read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .connect_timeout(BANK_CONNECT_TIMEOUT)
            .timeout(BANK_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    })
}

/// Asks Sips Office what became of `reference`; the answer is trusted only
/// with our seal, our merchant and this reference.
pub async fn ask_bank(kiosk: &KioskSettings, reference: &TransactionReference) -> anyhow::Result<TransactionData> {
    let request = TransactionDataRequest::new(&kiosk.merchant_id, reference.as_str(), &kiosk.key_version);
    let value = post(kiosk, GET_TRANSACTION_DATA_PATH, &request.to_sealed_json(&kiosk.secret_key)).await?;
    TransactionData::answer_to(&value, &kiosk.secret_key, &request)
        .map_err(|error| anyhow::anyhow!("the bank's status answer is refused: {error}"))
}

/// Asks Sips Office to give `cents` back on `reference` by `operation`; the
/// answer is trusted only with our seal. An error means the bank's word is
/// not known (no answer, or one that cannot be trusted): the operation may or
/// may not have been done, and only the status call can tell.
pub async fn give_back(
    kiosk: &KioskSettings,
    operation: Operation,
    reference: &TransactionReference,
    cents: i64,
) -> anyhow::Result<CashAnswer> {
    let request = CashRequest::new(&kiosk.merchant_id, reference.as_str(), cents, &kiosk.key_version);
    let value = post(kiosk, operation.path(), &request.to_sealed_json(&kiosk.secret_key)).await?;
    CashAnswer::from_sealed_json(&value, &kiosk.secret_key)
        .map_err(|error| anyhow::anyhow!("the bank's answer to {operation:?} is refused: {error}"))
}

/// Posts `body` to the Sips Office `path`; its JSON answer.
async fn post(kiosk: &KioskSettings, path: &str, body: &serde_json::Value) -> anyhow::Result<serde_json::Value> {
    let url = format!("{}{path}", kiosk.office_url);
    let response = client()
        .post(&url)
        .header(reqwest::header::ACCEPT, "application/json")
        .json(body)
        .send()
        .await
        .with_context(|| format!("calling the bank's {path}"))?
        .error_for_status()
        .with_context(|| format!("the bank's {path} answered an error"))?;
    let bytes = read_bounded(response).await?;
    serde_json::from_slice(&bytes).with_context(|| format!("the bank's answer to {path} is not JSON"))
}

/// The answer's body, read chunk by chunk and refused past [`MAX_ANSWER_BYTES`],
/// whether or not it announced its length.
async fn read_bounded(mut response: reqwest::Response) -> anyhow::Result<Vec<u8>> {
    if response.content_length().is_some_and(|length| length > MAX_ANSWER_BYTES as u64) {
        anyhow::bail!("the bank's answer is too large");
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.context("reading the bank's answer")? {
        anyhow::ensure!(bytes.len() + chunk.len() <= MAX_ANSWER_BYTES, "the bank's answer is too large");
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
