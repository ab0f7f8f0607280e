//! One Resource and one form the way the product has them (feature `lean`;
//! the product's `codec.rs`, `pages/data.rs`, `components/form.rs` and
//! `components/call.rs`): the answers in postcard, the page's resource
//! holding the answer still encoded and decoded where it is shown, the
//! form's fields posted as the browser has them by one action type.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use server_fn::codec::Post;
use server_fn::{ContentType, Decodes, Encodes, Format, FormatType, ServerFn};

/// postcard.
pub struct Binary;

impl ContentType for Binary {
    const CONTENT_TYPE: &'static str = "application/x-postcard";
}

impl FormatType for Binary {
    const FORMAT_TYPE: Format = Format::Binary;
}

impl<T: serde::Serialize> Encodes<T> for Binary {
    type Error = postcard::Error;

    fn encode(output: &T) -> Result<bytes::Bytes, Self::Error> {
        postcard::to_allocvec(output).map(Into::into)
    }
}

impl<T: serde::de::DeserializeOwned> Decodes<T> for Binary {
    type Error = postcard::Error;

    fn decode(bytes: bytes::Bytes) -> Result<T, Self::Error> {
        postcard::from_bytes(&bytes)
    }
}

impl<T: serde::Serialize> Encoder<T> for Binary {
    type Error = postcard::Error;
    type Encoded = Vec<u8>;

    fn encode(value: &T) -> Result<Vec<u8>, Self::Error> {
        postcard::to_allocvec(value)
    }
}

impl<T: serde::de::DeserializeOwned> Decoder<T> for Binary {
    type Error = postcard::Error;
    type Encoded = [u8];

    fn decode(bytes: &[u8]) -> Result<T, Self::Error> {
        postcard::from_bytes(bytes)
    }
}

/// The page's data.
#[server(prefix = "/api", endpoint = "total-postcard", input = Post<Binary>, output = Post<Binary>)]
pub async fn total_lean() -> Result<Vec<u8>, ServerFnError> {
    postcard::to_allocvec(&super::Tally { value: 1 }).map_err(ServerFnError::new)
}

/// The form's action.
#[server(prefix = "/api", endpoint = "ajouter-postcard", output = Post<Binary>)]
pub async fn add_lean(by: u32) -> Result<(), ServerFnError> {
    let _ = by;
    Ok(())
}

/// Posts `body` to `path`; the answer's bytes.
async fn call(path: &'static str, content_type: &'static str, body: Vec<u8>) -> Result<Vec<u8>, ServerFnError> {
    use server_fn::client::Client;
    use server_fn::request::ClientReq;
    use server_fn::response::ClientRes;
    type Browser = server_fn::client::browser::BrowserClient;
    type Request = <Browser as Client<ServerFnError>>::Request;
    type Response = <Browser as Client<ServerFnError>>::Response;
    let request =
        <Request as ClientReq<ServerFnError>>::try_new_post_bytes(path, content_type, content_type, body.into())?;
    let response = <Browser as Client<ServerFnError>>::send(request).await?;
    let status = <Response as ClientRes<ServerFnError>>::status(&response);
    let bytes = <Response as ClientRes<ServerFnError>>::try_into_bytes(response).await?;
    if status >= 400 { Err(ServerFnError::new(status)) } else { Ok(bytes.to_vec()) }
}

/// The page's data: one resource holding the answer still encoded.
pub fn data() -> impl IntoView {
    let tally: Resource<Result<Vec<u8>, ServerFnError>, Binary> = Resource::new_with_options(
        || (),
        |_| async move {
            #[cfg(feature = "ssr")]
            return total_lean().await;
            #[cfg(not(feature = "ssr"))]
            return call(TotalLean::PATH, Binary::CONTENT_TYPE, Vec::new()).await;
        },
        false,
    );
    view! {
        <Suspense fallback=|| "Chargement…">
            {move || Suspend::new(async move {
                tally.await.ok().and_then(|bytes| postcard::from_bytes::<super::Tally>(&bytes).ok()).map(|tally| view! { <p>{tally.value}</p> })
            })}
        </Suspense>
    }
}

/// A form posting its fields as they are through one action type.
pub fn form() -> impl IntoView {
    let add: Action<String, Result<Vec<u8>, ServerFnError>> = Action::new(|fields: &String| {
        call(AddLean::PATH, "application/x-www-form-urlencoded", fields.clone().into_bytes())
    });
    let submit = move |event: leptos::web_sys::SubmitEvent| {
        event.prevent_default();
        if let Some(fields) = leptos::form::form_data_from_event(&event)
            .ok()
            .and_then(|data| leptos::web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok())
        {
            add.dispatch(String::from(fields.to_string()));
        }
    };
    view! {
        <form method="post" action=AddLean::PATH on:submit=submit>
            <label>"Ajouter " <input type="number" name="by" /></label>
            <button>"AJOUTER"</button>
        </form>
        <p>{move || add.pending().get().then_some("Chargement…")}</p>
    }
}
