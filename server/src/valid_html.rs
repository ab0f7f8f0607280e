//! Pages sent as valid HTML (RGAA criterion 8.2), whatever the renderer
//! writes: the same document for the browser, without what the HTML standard
//! calls parse errors.
//!
//! The renderer marks the places it hydrates with empty comments written
//! `<!>` (a parse error: an empty comment is `<!---->`, which the browser
//! reads as the same comment node); it gives its preload links a
//! `crossorigin` whose value is the page's nonce (not a valid value; the
//! browser reads it as `anonymous`, the empty value); and it writes the data
//! the page hydrates with after `</html>` (the browser puts it at the end of
//! `body`, where it is written here). Each change leaves the document the
//! browser builds as it was, so hydration finds what it expects.

/// The page `html`, valid.
pub fn valid(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 512);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("<!>") {
            out.push_str("<!---->");
            rest = after;
        } else if rest.starts_with("<link ") {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            out.push_str(&anonymous_crossorigin(&rest[..end]));
            rest = &rest[end..];
        } else if rest.starts_with("<script") {
            // A script's text is not markup: copied as it is, up to its end tag.
            let end = rest.find("</script>").map_or(rest.len(), |i| i + "</script>".len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    close_at_the_end(out)
}

/// A `<link …>` tag whose `crossorigin` has a value other than the valid
/// ones, with the empty value (anonymous) instead.
fn anonymous_crossorigin(tag: &str) -> String {
    const ATTRIBUTE: &str = "crossorigin=\"";
    let Some(start) = tag.find(ATTRIBUTE).map(|i| i + ATTRIBUTE.len()) else { return tag.to_owned() };
    let Some(length) = tag[start..].find('"') else { return tag.to_owned() };
    match &tag[start..start + length] {
        "" | "anonymous" | "use-credentials" => tag.to_owned(),
        _ => format!("{}{}", &tag[..start], &tag[start + length..]),
    }
}

/// `</body></html>` moved to the end, after what the renderer wrote past it.
fn close_at_the_end(html: String) -> String {
    const CLOSE: &str = "</body></html>";
    match html.find(CLOSE) {
        Some(at) if at + CLOSE.len() < html.trim_end().len() => {
            let mut out = String::with_capacity(html.len());
            out.push_str(&html[..at]);
            out.push_str(html[at + CLOSE.len()..].trim_end());
            out.push_str(CLOSE);
            out
        }
        _ => html,
    }
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn the_renderers_empty_markers_become_empty_comments() {
        assert_eq!(valid("<p>a<!></p><!><!>"), "<p>a<!----></p><!----><!---->");
        assert_eq!(valid("<p><!--<() />--></p>"), "<p><!--<() />--></p>", "a real comment stays");
    }

    #[test]
    fn a_preload_links_nonce_as_crossorigin_becomes_anonymous_and_valid_values_stay() {
        assert_eq!(
            valid(r#"<link rel="preload" href="/pkg/a.wasm" crossorigin="kTMzrmC5" as="fetch">"#),
            r#"<link rel="preload" href="/pkg/a.wasm" crossorigin="" as="fetch">"#
        );
        for value in ["", "anonymous", "use-credentials"] {
            let tag = format!(r#"<link rel="modulepreload" crossorigin="{value}">"#);
            assert_eq!(valid(&tag), tag);
        }
        assert_eq!(valid(r#"<img crossorigin="x">"#), r#"<img crossorigin="x">"#, "only links");
    }

    #[test]
    fn the_data_written_after_the_document_ends_is_moved_inside_its_body() {
        let page = "<html><body><main>x</main></body></html><script>__R=[\"<!>\"];</script>\n";
        assert_eq!(valid(page), "<html><body><main>x</main><script>__R=[\"<!>\"];</script></body></html>");
        let ended = "<html><body><main>x</main></body></html>\n";
        assert_eq!(valid(ended), ended, "nothing after: unchanged");
    }

    #[test]
    fn a_scripts_text_is_not_rewritten() {
        let page = r#"<script>var s="<!>";document.write('<link crossorigin="n">')</script><!>"#;
        assert_eq!(valid(page), r#"<script>var s="<!>";document.write('<link crossorigin="n">')</script><!---->"#);
    }
}
