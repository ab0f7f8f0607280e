//! The server functions' addresses, as their `#[server]` attributes name
//! them: a test posts to the function, not to a string that could drift.

use leptos::server_fn::ServerFn;

/// `SignIn`.
pub const SIGN_IN: &str = <app::api::auth::SignIn as ServerFn>::PATH;
/// `StartPayment`.
pub const START_PAYMENT: &str = <app::api::pay::StartPayment as ServerFn>::PATH;
/// `AgentSignIn`.
pub const AGENT_SIGN_IN: &str = <app::api::agent::sign_in::AgentSignIn as ServerFn>::PATH;
/// `SignOut`.
pub const SIGN_OUT: &str = <app::api::auth::SignOut as ServerFn>::PATH;
/// `AgentRefund`.
pub const AGENT_REFUND: &str = <app::api::agent::refunds::AgentRefund as ServerFn>::PATH;
/// `AbandonPayment`.
pub const ABANDON_PAYMENT: &str = <app::api::payments::AbandonPayment as ServerFn>::PATH;
/// `KeepSession`.
pub const KEEP_SESSION: &str = <app::api::auth::KeepSession as ServerFn>::PATH;
/// `FindReference`.
pub const FIND_REFERENCE: &str = <app::api::pay::FindReference as ServerFn>::PATH;
/// `IssueAvis`.
pub const ISSUE_AVIS: &str = <app::api::agent::avis::IssueAvis as ServerFn>::PATH;
/// `AgentResolveDiscrepancy`.
pub const RESOLVE_DISCREPANCY: &str = <app::api::agent::reconciliation::AgentResolveDiscrepancy as ServerFn>::PATH;
/// `DeleteMessage`.
pub const DELETE_MESSAGE: &str = <app::api::messages::DeleteMessage as ServerFn>::PATH;
/// `SignOutEverywhere`.
pub const SIGN_OUT_EVERYWHERE: &str = <app::api::auth::SignOutEverywhere as ServerFn>::PATH;
/// `MarkRegularised`.
pub const MARK_REGULARISED: &str = <app::api::agent::payments::MarkRegularised as ServerFn>::PATH;
/// `AgentSignOutEverywhere`.
pub const AGENT_SIGN_OUT_EVERYWHERE: &str = <app::api::agent::sign_in::AgentSignOutEverywhere as ServerFn>::PATH;
