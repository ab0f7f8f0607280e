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

/// A page's data: the answer of its server function `F` (which answers `T`).
pub struct PageData<T> {
    pub(super) resource: Resource<Encoded, PageCodec>,
    answer: PhantomData<fn() -> T>,
}

impl<T> Clone for PageData<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for PageData<T> {}

/// The page's data: its server function called with `arguments`, and again
/// whenever they change or `reloads` counts one more (an action that changed
/// what the page shows).
#[track_caller]
pub fn page_data<F>(
    arguments: impl Fn() -> F + Send + Sync + 'static,
    reloads: impl Fn() -> usize + Send + Sync + 'static,
) -> PageData<F::Output>
where
    F: ServerFn<Error = AppError> + Serialize + DeserializeOwned + Send + 'static,
    F::Output: Serialize,
{
    let key: Box<dyn Fn() -> Key + Send + Sync> =
        Box::new(move || (crate::codec::encode(&arguments()).unwrap_or_default(), reloads()));
    PageData { resource: encoded(key, loader::<F>()), answer: PhantomData }
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
    let path = F::PATH;
    Arc::new(move |arguments| Box::pin(call(path, arguments)))
}

/// Calls the server function at `path` with `arguments` in postcard, as the
/// server functions' own client does: an error status is the error it
/// sends; a redirect tells the router.
#[cfg(not(feature = "ssr"))]
async fn call(path: &'static str, arguments: Vec<u8>) -> Encoded {
    use server_fn::client::Client;
    use server_fn::error::FromServerFnError;
    use server_fn::request::ClientReq;
    use server_fn::response::ClientRes;
    type Browser = server_fn::client::browser::BrowserClient;
    type Request = <Browser as Client<AppError>>::Request;
    let content = crate::codec::CONTENT_TYPE;
    let request = <Request as ClientReq<AppError>>::try_new_post_bytes(path, content, content, arguments.into())?;
    let response = <Browser as Client<AppError>>::send(request).await?;
    type Response = <Browser as Client<AppError>>::Response;
    let status = <Response as ClientRes<AppError>>::status(&response);
    let location = <Response as ClientRes<AppError>>::location(&response);
    let redirect = <Response as ClientRes<AppError>>::has_redirect(&response);
    let body = <Response as ClientRes<AppError>>::try_into_bytes(response).await?;
    if (400..=599).contains(&status) {
        return Err(AppError::de(body));
    }
    if (300..=399).contains(&status) || redirect {
        server_fn::redirect::call_redirect_hook(&location);
    }
    Ok(body.to_vec())
}
