//! How the app in the browser calls a server function: one function for
//! every call, whatever the function, so that the browser's WebAssembly
//! holds it once. It does what the server functions' own client does: an
//! error status is the error the server sent ([`crate::codec`]), a redirect
//! tells the router; and, unlike it, a refusal that names a page to go to
//! (`serverfnredirect`) tells the router too. On the server a function's
//! body runs in place: this module is the browser's alone.

use crate::error::AppError;

/// Posts `body` (of type `content_type`) to the server function at `path`;
/// its answer, still in postcard.
pub async fn call(path: &str, content_type: &str, body: bytes::Bytes) -> Result<Vec<u8>, AppError> {
    use server_fn::client::Client;
    use server_fn::error::FromServerFnError;
    use server_fn::request::ClientReq;
    use server_fn::response::ClientRes;
    type Browser = server_fn::client::browser::BrowserClient;
    type Request = <Browser as Client<AppError>>::Request;
    type Response = <Browser as Client<AppError>>::Response;
    let accepts = crate::codec::CONTENT_TYPE;
    let request = <Request as ClientReq<AppError>>::try_new_post_bytes(path, content_type, accepts, body)?;
    let response = <Browser as Client<AppError>>::send(request).await?;
    let status = <Response as ClientRes<AppError>>::status(&response);
    let location = <Response as ClientRes<AppError>>::location(&response);
    let redirect = <Response as ClientRes<AppError>>::has_redirect(&response);
    let body = <Response as ClientRes<AppError>>::try_into_bytes(response).await?;
    let refused = (400..=599).contains(&status);
    if (300..=399).contains(&status) || redirect {
        server_fn::redirect::call_redirect_hook(&location);
        if refused {
            // Refused, with the page to go to instead (the sign-in page, or
            // step 1 saying why a step 2 cannot be shown): the router goes
            // there, and this call, left behind with its page, never ends,
            // so that no error shows in between.
            std::future::pending::<()>().await;
        }
    }
    if refused {
        return Err(AppError::de(body));
    }
    Ok(body.to_vec())
}
