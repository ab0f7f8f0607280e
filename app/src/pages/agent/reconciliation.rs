//! «Rapprochement bancaire»: import the bank's report of a day, see what it
//! and the service's records do not agree on, close each discrepancy with a
//! comment.

use super::{AgentLayout, AgentSection};
use crate::api::agent::reconciliation::{AgentResolveDiscrepancy, DiscrepancyItem, ReconciliationView, ReportItem};
use crate::components::error_summary::{ErrorSummary, FieldMessage};
use crate::components::field::TextField;
use crate::components::form::{FormAction, ServerForm, SubmitButton, refusal};
use crate::components::table::{Cell, DataTable, Row};
use crate::pages::{answered_page_data, with_data};
use crate::routes;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

/// The page; closing or recording a discrepancy answers it as it now is,
/// shown as it comes.
#[component]
pub fn AgentReconciliationPage() -> impl IntoView {
    let close = FormAction::<AgentResolveDiscrepancy>::new();
    let page = answered_page_data(|| crate::api::agent::reconciliation::AgentReconciliationPage {});
    page.shown_after(close);
    let data = page.data;
    view! {
        <Title text="Rapprochement bancaire – Espace agents" />
        {with_data(data, move |view| view! { <Reconciliation view close /> })}
    }
}

#[component]
fn Reconciliation(view: ReconciliationView, close: FormAction<AgentResolveDiscrepancy>) -> impl IntoView {
    let ReconciliationView { header, yesterday, reports, open, resolved, upload, closing } = view;
    let result = Some(upload.value("resultat")).filter(|r| !r.is_empty());
    let day = Some(upload.value("jour")).filter(|d| !d.is_empty()).unwrap_or(yesterday);
    let (day_error, report_error) = (upload.error("jour"), upload.error("releve"));
    let summary = [("jour", day_error.clone()), ("releve", report_error.clone())]
        .into_iter()
        .filter_map(|(field, error)| error.map(|e| (field.to_owned(), e)))
        .collect::<Vec<_>>();
    let has_report_error = report_error.is_some();
    let refused = refusal(close, closing.errors.clone());
    // The comment field of each open discrepancy, which the summary links to.
    let fields: Vec<String> = open.iter().map(|item| format!("commentaire-{}", item.id)).collect();
    view! {
        <AgentLayout header current=AgentSection::Reconciliation>
            <h1>"Rapprochement bancaire"</h1>
            <p>
                "Le relevé quotidien de la banque est comparé à ce que le service a enregistré le même jour : "
                "paiements acceptés (moins ce qui en a été annulé avant la remise) et remboursements effectués. "
                "Chaque écart est à examiner, puis à clore avec ce que vous avez constaté."
            </p>
            {result.map(|result| view! {
                <div class="banner banner--success" role="status"><p>{result}</p></div>
            })}
            <ErrorSummary errors=Signal::stored(summary) />
            <form class="form" method="post" action=routes::AGENT_BANK_REPORT_UPLOAD enctype="multipart/form-data">
                <fieldset class="form-group">
                    <legend class="form-group__title">"Importer un relevé"</legend>
                    <TextField
                        name="jour"
                        label="Journée du relevé"
                        kind="date"
                        hint="Par exemple 07/12/2026 : la journée dont la banque a envoyé les opérations."
                        value=day
                        error=Signal::stored(day_error)
                    />
                    <div class="field" class:field--error=has_report_error>
                        <label class="field__label" for="releve">"Relevé de la banque (fichier CSV)"</label>
                        <p class="field__hint" id="releve-hint">
                            "Importer deux fois le même fichier ne change rien."
                        </p>
                        <FieldMessage id="releve-error".to_owned() message=Signal::stored(report_error) />
                        <input
                            class="input"
                            id="releve"
                            name="releve"
                            type="file"
                            accept=".csv,text/csv"
                            aria-describedby="releve-hint releve-error"
                            aria-invalid=if has_report_error { "true" } else { "false" }
                            required
                        />
                    </div>
                    <button class="button" type="submit">"Importer le relevé"</button>
                </fieldset>
            </form>
            <h2>"Écarts à examiner"</h2>
            <ErrorSummary
                errors=Signal::derive(move || {
                    let order: Vec<&str> = fields.iter().map(String::as_str).collect();
                    refused.with(|r| r.summary(&order))
                })
                refused=close.version()
            />
            {if open.is_empty() {
                Either::Left(view! { <p>"Aucun écart à examiner."</p> })
            } else {
                Either::Right(view! {
                    <DataTable
                        caption="Écarts à examiner".to_owned()
                        columns=vec![
                            ("Journée", false),
                            ("Écart", false),
                            ("Transaction", false),
                            ("Sens", false),
                            ("Banque", true),
                            ("Enregistré", true),
                            ("Suite", false),
                        ]
                    >
                        {open
                            .into_iter()
                            .map(|item| {
                                let key = format!("commentaire-{}", item.id);
                                let typed = if closing.value("ecart") == item.id {
                                    closing.value("commentaire")
                                } else {
                                    String::new()
                                };
                                let error = Signal::derive({
                                    let key = key.clone();
                                    move || refused.with(|r| r.field(&key))
                                });
                                open_row(item, key, typed, error, close)
                            })
                            .collect_view()}
                    </DataTable>
                })
            }}
            <h2>"Relevés importés"</h2>
            <Reports reports />
            <h2>"Écarts résolus"</h2>
            <Resolved resolved />
        </AgentLayout>
    }
}

/// The transaction: a link to its payment's page when it is one of the service's.
fn transaction(item: &DiscrepancyItem) -> impl IntoView + use<> {
    let reference = item.transaction_reference.clone();
    let authorisation = format!("Autorisation {}", item.authorisation_id);
    view! {
        {match item.payment_page.clone() {
            Some(page) => Either::Left(view! { <a href=page>{reference}</a> }),
            None => Either::Right(reference),
        }}
        <br />
        <span class="muted">{authorisation}</span>
    }
}

fn open_row(
    item: DiscrepancyItem,
    key: String,
    typed: String,
    error: Signal<Option<String>>,
    close: FormAction<AgentResolveDiscrepancy>,
) -> impl IntoView {
    let has_error = move || error.with(Option::is_some);
    let error_id = format!("{key}-error");
    let link = transaction(&item);
    let DiscrepancyItem { id, day, kind, direction, bank, recorded, recordable, .. } = item;
    // Money taken on one of the caisse's transactions: recorded from the bank's line.
    let record = recordable.then(|| {
        let id = id.clone();
        view! {
            <ServerForm action=close class="inline-form">
                <input type="hidden" name="ecart" value=id />
                <input type="hidden" name="suite" value="enregistrer" />
                <SubmitButton label="Enregistrer le paiement" class="button--secondary" pending=close.pending() />
            </ServerForm>
        }
    });
    view! {
        <Row>
            <Cell label="Journée">{day}</Cell>
            <Cell label="Écart">{kind}</Cell>
            <Cell label="Transaction" class="mono">{link}</Cell>
            <Cell label="Sens">{direction}</Cell>
            <Cell label="Banque" class="num">{bank.to_string()}</Cell>
            <Cell label="Enregistré" class="num">{recorded.to_string()}</Cell>
            <Cell label="Suite">
                <ServerForm action=close class="inline-form">
                    <input type="hidden" name="ecart" value=id />
                    <input type="hidden" name="suite" value="clore" />
                    <div class="field" class:field--error=has_error>
                        <label class="field__label" for=key.clone()>"Commentaire"</label>
                        <FieldMessage id=error_id.clone() message=error />
                        <input
                            class="input"
                            id=key
                            name="commentaire"
                            type="text"
                            maxlength="500"
                            value=typed
                            aria-describedby=error_id
                            aria-invalid=move || if has_error() { "true" } else { "false" }
                            required
                        />
                    </div>
                    <SubmitButton label="Clore l'écart" pending=close.pending() />
                </ServerForm>
                {record}
            </Cell>
        </Row>
    }
}

#[component]
fn Reports(reports: Vec<ReportItem>) -> impl IntoView {
    if reports.is_empty() {
        return Either::Left(view! { <p>"Aucun relevé importé."</p> });
    }
    Either::Right(view! {
        <DataTable
            caption="Relevés importés".to_owned()
            columns=vec![
                ("Journée", false),
                ("Opérations", true),
                ("Rapprochées", true),
                ("Écarts", true),
                ("Importé le", false),
            ]
        >
            {reports
                .into_iter()
                .map(|report| view! {
                    <Row>
                        <Cell label="Journée">{report.day}</Cell>
                        <Cell label="Opérations" class="num">{report.operations}</Cell>
                        <Cell label="Rapprochées" class="num">{report.matched}</Cell>
                        <Cell label="Écarts" class="num">{report.found}</Cell>
                        <Cell label="Importé le">{report.imported}</Cell>
                    </Row>
                })
                .collect_view()}
        </DataTable>
    })
}

#[component]
fn Resolved(resolved: Vec<DiscrepancyItem>) -> impl IntoView {
    if resolved.is_empty() {
        return Either::Left(view! { <p>"Aucun écart résolu."</p> });
    }
    Either::Right(view! {
        <DataTable
            caption="Écarts résolus".to_owned()
            columns=vec![
                ("Journée", false),
                ("Écart", false),
                ("Transaction", false),
                ("Banque", true),
                ("Enregistré", true),
                ("Résolution", false),
            ]
        >
            {resolved
                .into_iter()
                .map(|item| {
                    let link = transaction(&item);
                    let DiscrepancyItem { day, kind, bank, recorded, resolution, .. } = item;
                    view! {
                        <Row>
                            <Cell label="Journée">{day}</Cell>
                            <Cell label="Écart">{kind}</Cell>
                            <Cell label="Transaction" class="mono">{link}</Cell>
                            <Cell label="Banque" class="num">{bank.to_string()}</Cell>
                            <Cell label="Enregistré" class="num">{recorded.to_string()}</Cell>
                            <Cell label="Résolution">{resolution.unwrap_or_default()}</Cell>
                        </Row>
                    }
                })
                .collect_view()}
        </DataTable>
    })
}
