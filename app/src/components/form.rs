//! Forms that post to a server function.
//!
//! Each is a real `<form method="post">` to the function's address, so it works
//! before the app is live and without JavaScript: the server answers with a
//! redirect, and the next page shows what it said. Once the app is live the
//! browser sends the call itself ([`ServerForm`]): no new document, the
//! button says «Chargement…» while it is under way, a second press sends
//! nothing, and a refusal ([`Refusal`]) shows next to the fields at once.

use crate::error::{AppError, FieldErrors};
use leptos::prelude::*;
use leptos::web_sys::SubmitEvent;
use serde::Serialize;
use serde::de::DeserializeOwned;
use server_fn::codec::PostUrl;
use server_fn::{Http, ServerFn};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

/// What every form's call is: its fields, URL-encoded as the browser posts
/// them without JavaScript, and what came of it: the function's answer, still
/// in postcard (read by [`FormAction::outcome`]), or why it failed.
type Calls = Action<String, Result<Vec<u8>, AppError>>;

/// Sends a form's fields.
type Sender = Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = Result<Vec<u8>, AppError>> + Send>> + Send + Sync>;

/// The calls of the forms posting to the server function `F`. Every form's
/// action is of one type and built by one function that is not generic
/// ([`calls`]), so the browser's WebAssembly holds that code once, and the
/// fields go as the form has them (no decoding into `F` and encoding again
/// in the browser): the server reads them as it does without JavaScript.
pub struct FormAction<F> {
    calls: Calls,
    function: PhantomData<fn() -> F>,
}

impl<F> Clone for FormAction<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for FormAction<F> {}

impl<F> FormAction<F>
where
    // A form's function: its fields URL-encoded, as without JavaScript.
    F: ServerFn<Protocol = Http<PostUrl, crate::codec::Postcard>, Error = AppError> + DeserializeOwned + 'static,
    F::Output: Serialize,
{
    /// No call yet.
    #[track_caller]
    #[allow(clippy::new_without_default)]
    pub fn new() -> FormAction<F> {
        FormAction { calls: calls(sender::<F>()), function: PhantomData }
    }
}

impl<F> FormAction<F> {
    /// Sends `fields` (URL-encoded).
    pub fn dispatch(&self, fields: String) {
        self.calls.dispatch(fields);
    }

    /// A call is under way.
    pub fn pending(&self) -> Memo<bool> {
        self.calls.pending()
    }

    /// What the last call came to (none before the first): the answer in
    /// postcard, or why it failed.
    pub fn value(&self) -> MappedSignal<Option<Result<Vec<u8>, AppError>>> {
        self.calls.value()
    }

    /// What the last call answered, when it succeeded: the outcome the page
    /// shows in place. Read once, not followed: a page that loads its data
    /// again after the action ([`crate::pages::PageData::reload_after`]) is
    /// drawn again then, and reads it.
    pub fn outcome(&self) -> Option<F::Output>
    where
        F: ServerFn,
        F::Output: DeserializeOwned,
    {
        self.calls.value().with_untracked(|value| match value {
            Some(Ok(answer)) => crate::codec::decode(answer).ok(),
            _ => None,
        })
    }

    /// How many calls have been sent.
    pub fn version(&self) -> RwSignal<usize> {
        self.calls.version()
    }
}

/// The one action type of every form.
#[track_caller]
fn calls(send: Sender) -> Calls {
    Action::new(move |fields: &String| send(fields.clone()))
}

/// In the browser: the fields posted to `F`'s address.
#[cfg(not(feature = "ssr"))]
fn sender<F: ServerFn>() -> Sender {
    send_to(F::PATH)
}

/// The fields posted to `path` (not generic: compiled once).
#[cfg(not(feature = "ssr"))]
fn send_to(path: &'static str) -> Sender {
    Arc::new(move |fields| {
        Box::pin(async move {
            let form = "application/x-www-form-urlencoded";
            crate::components::call::call(path, form, fields.into()).await
        })
    })
}

/// On the server (where nothing dispatches a form): `F`'s body, run in place.
#[cfg(feature = "ssr")]
fn sender<F>() -> Sender
where
    F: ServerFn<Error = AppError> + DeserializeOwned + 'static,
    F::Output: Serialize,
{
    Arc::new(|fields| {
        Box::pin(async move {
            let call: F = serde_qs::from_str(&fields).map_err(|_| AppError::BadRequest)?;
            let answer = call.run_body().await?;
            crate::codec::encode(&answer).map_err(|_| AppError::Unavailable)
        })
    })
}

/// What a form says of its last refusal: the message of each refused field,
/// and a message for the form as a whole (the service unavailable, offline…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refusal {
    /// The refused fields.
    pub fields: FieldErrors,
    /// A message about the whole form.
    pub form: Option<String>,
}

impl Refusal {
    /// The refusal in a server function's answer (none for a success).
    pub fn of<T>(result: &Result<T, AppError>) -> Refusal {
        match result {
            Ok(_) => Refusal::default(),
            Err(AppError::Invalid(fields)) => Refusal { fields: fields.clone(), form: None },
            Err(other) => Refusal { fields: FieldErrors::default(), form: Some(other.to_string()) },
        }
    }

    /// The message of `field`.
    pub fn field(&self, field: &str) -> Option<String> {
        self.fields.get(field)
    }

    /// The error summary's lines, fields in the form's `order`, then those
    /// the page has no field for (a row gone since the form was sent: their
    /// message all the same, without a link), then the form's message: (the
    /// id of the field to go to, or empty; the message).
    pub fn summary(&self, order: &[&str]) -> Vec<(String, String)> {
        let mut lines = self.fields.in_order(order);
        let unlinked = self.fields.others(order).chain(self.form.iter());
        lines.extend(unlinked.map(|message| (String::new(), message.clone())));
        lines
    }
}

/// The refusal a form shows: that of its last call from the browser, or else
/// what the server said on the page after a post without JavaScript
/// (`posted`).
pub fn refusal<F>(action: FormAction<F>, posted: FieldErrors) -> Memo<Refusal> {
    refusal_of(action.calls, posted)
}

fn refusal_of(calls: Calls, posted: FieldErrors) -> Memo<Refusal> {
    Memo::new(move |_| match calls.value().read().as_ref() {
        Some(result) => Refusal::of(result),
        None => Refusal { fields: posted.clone(), form: None },
    })
}

/// How many calls of `action` have succeeded. A page whose data must be
/// loaded again after the action keys it on this, not on the action's
/// version: a refused or failed call (the server unavailable, the network
/// gone) then leaves the page as it is, with the form and its message in
/// place ([`ActionError`]), instead of loading it again into an error page.
pub fn successes<F>(action: FormAction<F>) -> Memo<usize> {
    successes_of(action.calls)
}

fn successes_of(calls: Calls) -> Memo<usize> {
    let count = StoredValue::new(0usize);
    Memo::new(move |_| {
        if calls.value().with(|value| matches!(value, Some(Ok(_)))) {
            count.update_value(|n| *n += 1);
        }
        count.get_value()
    })
}

/// Why the last call of `action` failed, in French, where the form is
/// (read out at once); nothing after a success. For the forms without
/// fields of their own (a button behind a confirmation).
#[component]
pub fn ActionError<F: 'static>(action: FormAction<F>) -> impl IntoView {
    action_error(action.calls)
}

fn action_error(calls: Calls) -> impl IntoView {
    let message =
        move || calls.value().with(|value| value.as_ref().and_then(|r| r.as_ref().err()).map(ToString::to_string));
    view! { <p class="action-error" role="alert">{message}</p> }
}

/// A form posting to `F` through `action` (see the module documentation).
/// `check` runs in the browser before the call: `false` sends nothing (the
/// form then shows why itself).
#[component]
pub fn ServerForm<F, C>(
    /// The call.
    action: FormAction<F>,
    /// The form's classes.
    #[prop(optional)]
    class: &'static str,
    /// The browser's own check of the fields before sending.
    #[prop(optional)]
    check: Option<Callback<(), bool>>,
    /// The browser posts the form itself and loads the answer as a new
    /// document, even once the app is live (signing out on a public terminal:
    /// nothing of the person stays in the browser's memory).
    #[prop(optional)]
    document: bool,
    /// The form's fields and buttons.
    children: TypedChildren<C>,
) -> impl IntoView
where
    F: ServerFn + 'static,
    C: IntoView + 'static,
{
    let calls = action.calls;
    let children = children.into_inner();
    view! {
        <form
            method="post"
            action=F::url()
            class=class
            novalidate
            on:submit=move |event| submit(&event, calls, check, document)
        >
            {children()}
        </form>
    }
}

/// A form sent: by the app, its fields as the form has them (the button
/// pressed among them), unless `document`, a call under way, or `check`
/// says no.
fn submit(event: &SubmitEvent, calls: Calls, check: Option<Callback<(), bool>>, document: bool) {
    #[cfg(feature = "hydrate")]
    {
        if document {
            return;
        }
        event.prevent_default();
        if calls.pending().get_untracked() || check.is_some_and(|check| !check.run(())) {
            return;
        }
        let fields = leptos::form::form_data_from_event(event)
            .ok()
            .and_then(|data| leptos::web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok());
        match fields {
            Some(fields) => {
                calls.dispatch(String::from(fields.to_string()));
            }
            // The browser posts the form itself, as without JavaScript.
            None => {
                use leptos::wasm_bindgen::JsCast;
                if let Some(form) = event.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok()) {
                    let _ = form.submit();
                }
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, calls, check, document);
}

/// A form's submit button: while `pending`, it says «Chargement…» and is
/// marked disabled (it keeps the focus; the form sends nothing twice).
#[component]
pub fn SubmitButton(
    /// Its label.
    label: &'static str,
    /// The call is under way.
    #[prop(into)]
    pending: Signal<bool>,
    /// Extra classes.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class=format!("button {class}")
            aria-disabled=move || if pending.get() { "true" } else { "false" }
        >
            {move || if pending.get() { "Chargement…" } else { label }}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::Refusal;
    use crate::error::{AppError, FieldErrors};
    use std::collections::BTreeMap;

    fn fields(pairs: &[(&str, &str)]) -> FieldErrors {
        FieldErrors::from(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<BTreeMap<_, _>>())
    }

    #[test]
    fn a_refusal_lists_its_fields_in_the_forms_order_then_those_without_a_field_then_its_own_message() {
        let refused: Result<(), AppError> = Err(AppError::Invalid(fields(&[("amount", "a"), ("selected", "s")])));
        let refusal = Refusal::of(&refused);
        assert_eq!(refusal.field("amount").as_deref(), Some("a"));
        assert_eq!(
            refusal.summary(&["selected", "amount"]),
            vec![("selected".to_owned(), "s".to_owned()), ("amount".to_owned(), "a".to_owned())]
        );
        // A field the page no longer has (its row gone): still said, without a link.
        assert_eq!(
            refusal.summary(&["amount"]),
            vec![("amount".to_owned(), "a".to_owned()), (String::new(), "s".to_owned())]
        );
        let offline = Refusal::of(&Err::<(), _>(AppError::Offline));
        assert!(offline.fields.is_empty());
        assert_eq!(offline.summary(&["nir"]), vec![(String::new(), AppError::Offline.to_string())]);
        assert_eq!(Refusal::of(&Ok::<(), AppError>(())), Refusal::default());
    }
}
