//! A page's data, read through one resource type for every page.
//!
//! A resource's code (its asynchronous value, its future, what hydrates it)
//! is compiled once for each type it holds and each function it is built
//! with. Every page's resource here holds the same thing, its server
//! function's answer still encoded (`Encoded`), and is built by one
//! function that is not generic ([`encoded`]): the browser's WebAssembly has
//! that code once, not once per page. Each page decodes its answer into its
//! own type where it is shown ([`super::with_data`]).
//!
//! In the browser the answer comes from the page's server function, called
//! with its arguments in postcard ([`crate::codec::Postcard`]); on the server,
//! for the first page, from the function's body run in place.

use crate::codec::PageCodec;
use crate::components::form::{FormAction, successes};
use crate::error::AppError;
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use server_fn::ServerFn;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

/// A server function's answer, still in postcard.
pub(super) type Encoded = Result<Vec<u8>, AppError>;

/// What a page's resource is keyed on: its server function's arguments in
/// postcard, and how many times the page asked to load its data again.
type Key = (Vec<u8>, usize);

/// Loads an answer from the arguments in postcard.
type Load = Arc<dyn Fn(Vec<u8>) -> Pin<Box<dyn Future<Output = Encoded> + Send>> + Send + Sync>;

/// A page's data: its server function's answer, a `T` still encoded until the
/// page shows it ([`super::with_data`]).
pub struct PageData<T> {
    pub(super) handle: PageHandle,
    answer: PhantomData<fn() -> T>,
}

/// A page's data whatever its type: what a route holds between creating the
/// page's data and showing the page ([`PageData::handle`], [`PageData::typed`]).
#[derive(Clone, Copy)]
pub struct PageHandle {
    pub(super) resource: Resource<Encoded, PageCodec>,
    /// How many times an action asked to load the data again.
    reloads: RwSignal<usize>,
}

impl<T> Clone for PageData<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for PageData<T> {}

impl<T> PageData<T> {
    /// The data, its type left for [`PageData::typed`] to give back.
    pub fn handle(self) -> PageHandle {
        self.handle
    }

    /// The data `handle` holds, created by `create` (the function that
    /// created it, which also names its type); created now if there is none.
    pub fn typed(handle: Option<PageHandle>, create: fn() -> PageData<T>) -> PageData<T> {
        handle.map_or_else(create, |handle| PageData { handle, answer: PhantomData })
    }

    /// Loads the data again after each success of `action` (an action that
    /// changed what the page shows). A refused or failed call leaves it as it
    /// is, with the form and its message in place.
    pub fn reload_after<F>(self, action: FormAction<F>) {
        reload_on(self.handle.reloads, successes(action));
    }
}

/// Counts one more reload of `reloads` each time `done` counts one more.
fn reload_on(reloads: RwSignal<usize>, done: Memo<usize>) {
    Effect::watch(move || done.get(), move |_, _, _| reloads.update(|n| *n += 1), false);
}

/// The page's data: its server function called with `arguments`, and again
/// whenever they change or an action asks for it ([`PageData::reload_after`]).
#[track_caller]
pub fn page_data<F>(arguments: impl Fn() -> F + Send + Sync + 'static) -> PageData<F::Output>
where
    F: ServerFn<Error = AppError> + Serialize + DeserializeOwned + Send + 'static,
    F::Output: Serialize,
{
    page_data_from(arguments, loader::<F>())
}

/// The page's data, loaded by `load`.
#[track_caller]
fn page_data_from<F, T>(arguments: impl Fn() -> F + Send + Sync + 'static, load: Load) -> PageData<T>
where
    F: Serialize,
{
    let reloads = RwSignal::new(0);
    let key: Box<dyn Fn() -> Key + Send + Sync> =
        Box::new(move || (crate::codec::encode(&arguments()).unwrap_or_default(), reloads.get()));
    PageData { handle: PageHandle { resource: encoded(key, load), reloads }, answer: PhantomData }
}

/// A page's data that its actions answer: each of them, once it has changed
/// what the page shows, answers the page's data as it now is, and the page
/// shows that ([`AnsweredPage::shown_after`]) instead of asking for it again.
pub struct AnsweredPage<T> {
    /// The data.
    pub data: PageData<T>,
    /// The answer of the last action, until the data's next load takes it.
    given: StoredValue<Option<Vec<u8>>>,
}

impl<T> Clone for AnsweredPage<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for AnsweredPage<T> {}

impl<T> AnsweredPage<T> {
    /// Shows what each success of `action` answers: its server function
    /// answers the page's own data as the action left it, which the page's
    /// next load takes in place of a call. A refused or failed call leaves the
    /// page as it is, with the form and its message in place.
    pub fn shown_after<F>(self, action: FormAction<F>)
    where
        F: ServerFn<Output = T>,
    {
        show_answers(self.given, self.data.handle.reloads, action.value());
    }
}

/// Keeps each answer `answers` brings in `given`, and loads the data again
/// (from it).
fn show_answers(given: StoredValue<Option<Vec<u8>>>, reloads: RwSignal<usize>, answers: MappedSignal<Option<Encoded>>) {
    Effect::watch(
        move || answers.get(),
        move |answer, _, _| {
            if let Some(Ok(page)) = answer {
                given.set_value(Some(page.clone()));
                reloads.update(|n| *n += 1);
            }
        },
        false,
    );
}

/// As [`page_data`], for a page whose actions answer its data
/// ([`AnsweredPage`]).
#[track_caller]
pub fn answered_page_data<F>(arguments: impl Fn() -> F + Send + Sync + 'static) -> AnsweredPage<F::Output>
where
    F: ServerFn<Error = AppError> + Serialize + DeserializeOwned + Send + 'static,
    F::Output: Serialize,
{
    let given = StoredValue::new(None::<Vec<u8>>);
    let load = loader::<F>();
    let load: Load = Arc::new(move |arguments| match given.try_update_value(Option::take).flatten() {
        Some(answer) => Box::pin(std::future::ready(Ok(answer))),
        None => load(arguments),
    });
    AnsweredPage { data: page_data_from(arguments, load), given }
}

/// The one resource of every page.
#[track_caller]
fn encoded(key: Box<dyn Fn() -> Key + Send + Sync>, load: Load) -> Resource<Encoded, PageCodec> {
    Resource::new_with_options(key, move |(arguments, _)| load(arguments), false)
}

/// On the server: `F`'s body, run in place, its answer encoded.
#[cfg(feature = "ssr")]
fn loader<F>() -> Load
where
    F: ServerFn<Error = AppError> + Serialize + DeserializeOwned + Send + 'static,
    F::Output: Serialize,
{
    Arc::new(|arguments| {
        Box::pin(async move {
            let call: F = crate::codec::decode(&arguments).map_err(|_| AppError::BadRequest)?;
            let answer = call.run_body().await?;
            crate::codec::encode(&answer).map_err(|_| AppError::Unavailable)
        })
    })
}

/// In the browser: `F` called at its address.
#[cfg(not(feature = "ssr"))]
fn loader<F>() -> Load
where
    F: ServerFn<Error = AppError> + Serialize + DeserializeOwned + Send + 'static,
    F::Output: Serialize,
{
    load_from(F::PATH)
}

/// The answer of the function at `path` (not generic: compiled once).
#[cfg(not(feature = "ssr"))]
fn load_from(path: &'static str) -> Load {
    Arc::new(move |arguments| {
        Box::pin(crate::components::call::call(path, crate::codec::CONTENT_TYPE, arguments.into()))
    })
}
