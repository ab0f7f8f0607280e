//! `POST /agent/rapprochement/releve`: an agent uploads the bank's daily
//! report (a file field, `multipart/form-data`, with or without JavaScript)
//! and goes back to «Rapprochement bancaire», which says what the import did
//! or, next to its field, why nothing was imported.

use crate::http_policy::{agent_session, error_page, unavailable};
use app::api::agent::reconciliation::FORM;
use app::domain::IssueDate;
use app::routes;
use app::ssr::AppState;
use app::ssr::agents::reconciliation::{self, ImportError, Importer};
use app::ssr::infra::limits::{Call, RetryAfter};
use app::ssr::infra::session::{self, Flash, Session};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, StatusCode};

/// The largest upload: the bank's report of a busy day is a few megabytes.
pub const LARGEST_UPLOAD: usize = 24 << 20;

/// Why a report did not arrive whole.
const CUT: &str = "Le relevé n'a pas pu être reçu en entier : il dépasse 24 Mo ou l'envoi a été interrompu.";

/// The form's fields, as posted.
#[derive(Default)]
struct Posted {
    day: String,
    report: Option<Result<String, &'static str>>,
}

async fn read(mut multipart: Multipart) -> Result<Posted, &'static str> {
    let mut posted = Posted::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(posted),
            Err(_) => return Err(CUT),
        };
        match field.name() {
            Some("jour") => posted.day = field.text().await.map_err(|_| "Le formulaire est incomplet.")?,
            Some("releve") => {
                let named = field.file_name().is_some_and(|name| !name.is_empty());
                let bytes = field.bytes().await.map_err(|_| CUT)?;
                posted.report = Some(match String::from_utf8(bytes.to_vec()) {
                    _ if !named && bytes.is_empty() => Err("Choisissez le fichier du relevé de la banque."),
                    Ok(text) => Ok(text),
                    Err(_) => Err("Le relevé doit être un fichier texte (CSV, UTF-8)."),
                });
            }
            _ => {}
        }
    }
}

/// Imports the uploaded report for the signed-in agent, then back to the page.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (session, agent_id) = match agent_session(&state, &headers).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let Ok(multipart) = multipart else {
        return error_page(StatusCode::BAD_REQUEST, "Le formulaire envoyé n'est pas celui du relevé.").into_response();
    };
    let agent = match app::ssr::agents::agent(&state.store, &agent_id).await {
        Ok(agent) => agent,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "reading the agent failed");
            return unavailable();
        }
    };
    let flash = Flash::new(FORM);
    if let Err(RetryAfter(seconds)) = state.limits.take(Call::BankReport, agent.id.as_str(), state.clock.now_ms()) {
        let message = format!("Trop de relevés importés en peu de temps : réessayez dans {seconds} secondes.");
        return leave(&state, &session, flash.error("releve", message)).await;
    }
    let flash = match read(multipart).await {
        Err(message) => flash.error("releve", message),
        Ok(posted) => {
            let flash = flash.value("jour", posted.day.trim());
            let day = IssueDate::parse_iso(posted.day.trim())
                .map_err(|_| "Indiquez la journée du relevé, par exemple 07/12/2026.");
            let report = posted.report.unwrap_or(Err("Choisissez le fichier du relevé de la banque."));
            match (day, report) {
                (Ok(day), Ok(text)) => {
                    let merchant = &state.settings.kiosk.merchant_id;
                    let now = state.clock.now_ms();
                    match reconciliation::import(&state.store, merchant, day, &text, Importer::Agent(&agent), now).await
                    {
                        Ok(imported) => flash.value("resultat", imported.summary_fr()),
                        Err(ImportError::Malformed(error)) => flash.error("releve", error.to_string()),
                        Err(ImportError::FutureDay) => flash
                            .error("jour", format!("La journée du {day} n'a pas commencé : aucun relevé n'en existe.")),
                        Err(ImportError::Unexpected(error)) => {
                            tracing::error!(error = format!("{error:#}"), "importing a bank report failed");
                            flash.error(
                                "releve",
                                "Le service est momentanément indisponible : le relevé n'a pas été importé. \
                                 Réessayez dans quelques minutes.",
                            )
                        }
                    }
                }
                (day, report) => {
                    flash.errors([("jour", day.err().map(str::to_owned)), ("releve", report.err().map(str::to_owned))])
                }
            }
        }
    };
    leave(&state, &session, flash).await
}

/// Back to the page, with `flash`.
async fn leave(state: &AppState, session: &Session, flash: Flash) -> Response {
    if let Err(error) = session::put_flash(&state.store, &session.id_hash, &flash).await {
        tracing::warn!(%error, "leaving the import's outcome failed");
        return unavailable();
    }
    Redirect::to(routes::AGENT_RECONCILIATION).into_response()
}
