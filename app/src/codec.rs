//! How server functions' answers (and their errors) cross the wire: JSON, read in the browser
//! with the same `serde_json::from_str` that reads the data a page was
//! hydrated with. The browser's WebAssembly then holds each type's decoder
//! once, not twice (`serde_json::from_slice`, the framework's default, is
//! another instantiation of every decoder).

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;
use server_fn::codec::Post;
use server_fn::{ContentType, Decodes, Encodes, Format, FormatType};

/// JSON, decoded from text.
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        // Not UTF-8: decoded as the empty text, which is no JSON value (an error).
        serde_json::from_str(std::str::from_utf8(&bytes).unwrap_or_default())
    }
}

/// Answers as [`JsonText`] in the body of a `POST` (the arguments come as a form).
pub type Json = Post<JsonText>;
