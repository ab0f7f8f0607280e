//! How the app in the browser calls a server function: one function for
//! every call, whatever the function, so that the browser's WebAssembly
//! holds it once. It does what the server functions' own client does: an
//! error status is the error the server sent ([`crate::codec`]), a redirect
//! tells the router. On the server a function's body runs in place: this
//! module is the browser's alone.

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
    if (400..=599).contains(&status) {
        return Err(AppError::de(body));
    }
    if (300..=399).contains(&status) || redirect {
        server_fn::redirect::call_redirect_hook(&location);
    }
    Ok(body.to_vec())
}
