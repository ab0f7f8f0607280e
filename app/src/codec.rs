//! How server functions' answers (and their errors) cross the wire, and how a
//! page's data is written into the page for the browser to hydrate with: in
//! postcard, a compact binary form of serde's data model.
//!
//! Why not JSON: the browser only ever reads these, and a decoder is compiled
//! into its WebAssembly once for every type it reads. A JSON decoder of a
//! struct accepts its fields by name, in any order, as a map or a list, with
//! a message for each missing or repeated one, over a parser of text, escapes
//! and numbers; postcard reads the fields in their order, from bytes, and
//! nothing else. The same answers weigh less on the wire too. Answers and
//! errors are one codec ([`Binary`]); a page's data goes into the document
//! as its answer's bytes, in postcard and base64 ([`PageCodec`]), and is
//! decoded by the page like an answer read after a navigation, so each type
//! has one decoder.

use bytes::Bytes;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use server_fn::codec::Post;
use server_fn::{ContentType, Decodes, Encodes, Format, FormatType};

/// postcard, as bytes.
pub struct Binary;

/// The media type of [`Binary`].
pub const CONTENT_TYPE: &str = "application/x-postcard";

impl ContentType for Binary {
    const CONTENT_TYPE: &'static str = CONTENT_TYPE;
}

impl FormatType for Binary {
    const FORMAT_TYPE: Format = Format::Binary;
}

impl<T: Serialize> Encodes<T> for Binary {
    type Error = postcard::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        encode(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for Binary {
    type Error = postcard::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        decode(&bytes)
    }
}

/// `value` in postcard.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_allocvec(value)
}

/// `T` from postcard's `bytes`, every byte read: what is left over is an error.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, postcard::Error> {
    match postcard::take_from_bytes(bytes)? {
        (value, []) => Ok(value),
        _ => Err(postcard::Error::DeserializeBadEncoding),
    }
}

/// [`Binary`] in the body of a `POST`: every server function's answers, and
/// the arguments of those that read a page's data (the others take theirs
/// as a form, which also posts without JavaScript).
pub type Postcard = Post<Binary>;

/// A page's data in the document, for the browser to hydrate the page with
/// (its resource's value, the answer's bytes: `pages/data.rs`), in base64.
pub struct PageCodec;

impl<T: Serialize> Encoder<T> for PageCodec {
    type Error = postcard::Error;
    type Encoded = Vec<u8>;

    fn encode(value: &T) -> Result<Vec<u8>, Self::Error> {
        encode(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageCodec {
    type Error = postcard::Error;
    type Encoded = [u8];

    fn decode(bytes: &[u8]) -> Result<T, Self::Error> {
        decode(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    /// An answer of the shapes the app's have: a sum, a map, text.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Refusal {
        Offline,
        Fields(BTreeMap<String, String>),
    }

    #[test]
    fn an_answer_reads_back_as_itself_and_nothing_else_does() {
        let refused = Refusal::Fields(BTreeMap::from([(
            "nir".to_owned(),
            "Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé.".to_owned(),
        )]));
        let bytes = <Binary as Encodes<Refusal>>::encode(&refused).expect("encoded");
        assert_eq!(<Binary as Decodes<Refusal>>::decode(bytes.clone()).expect("decoded"), refused);
        assert_eq!(decode::<Refusal>(&encode(&Refusal::Offline).expect("encoded")).expect("decoded"), Refusal::Offline);
        // Cut short, or with a byte too many: refused, not read as something else.
        assert!(<Binary as Decodes<Refusal>>::decode(bytes.slice(..bytes.len() - 1)).is_err());
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(<Binary as Decodes<Refusal>>::decode(Bytes::from(longer)).is_err());
        // A page's data in the document: the same bytes.
        assert_eq!(<PageCodec as Encoder<Refusal>>::encode(&refused).expect("encoded"), bytes.to_vec());
        assert_eq!(<PageCodec as Decoder<Refusal>>::decode(&bytes).expect("decoded"), refused);
    }
}
