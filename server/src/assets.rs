//! The built front-end files (`/pkg`): their names, and how long a browser may
//! keep them.
//!
//! A release build (`cargo leptos build --release --precompress`) gives the
//! JavaScript, the WebAssembly and the stylesheet versioned names
//! (`payer-creance.<hash>.wasm`), lists the hashes in `hash.txt` beside the
//! server binary, and writes a brotli and a gzip copy of each file, which the
//! file handler sends to a browser that accepts them. A versioned file never
//! changes: the browser may keep it a year without asking again. Without
//! `hash.txt` (a development build), the names are plain and the browser
//! revalidates them.

use std::sync::OnceLock;

/// The site's output name (cargo-leptos `name`).
pub const OUTPUT_NAME: &str = "payer-creance";

/// What the build left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assets {
    /// The files have versioned names.
    pub versioned: bool,
    /// The stylesheet's address.
    pub stylesheet: String,
}

static ASSETS: OnceLock<Assets> = OnceLock::new();

impl Assets {
    /// Reads `hash.txt` beside the running binary, once.
    pub fn get() -> &'static Assets {
        ASSETS.get_or_init(|| {
            let hashes = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
                .and_then(|path| std::fs::read_to_string(path).ok());
            Assets::from_hash_file(hashes.as_deref())
        })
    }

    /// From the content of `hash.txt` (`css: <hash>` lines), if any.
    pub fn from_hash_file(hashes: Option<&str>) -> Assets {
        let css_hash = hashes.and_then(|text| {
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(file, _)| file.trim() == "css")
                .map(|(_, h)| h.trim())
        });
        let stylesheet = match css_hash {
            Some(hash) => format!("/pkg/{OUTPUT_NAME}.{hash}.css"),
            None => format!("/pkg/{OUTPUT_NAME}.css"),
        };
        Assets { versioned: hashes.is_some(), stylesheet }
    }

    /// The `Cache-Control` of a static file at `path`, if it is one.
    pub fn cache_control(&self, path: &str) -> Option<&'static str> {
        if path.starts_with("/pkg/") {
            Some(if self.versioned { "public, max-age=31536000, immutable" } else { "no-cache" })
        } else if path == "/sw.js" {
            // The browser checks the service worker for a new version at each visit.
            Some("no-cache")
        } else if path.starts_with("/images/")
            || path.starts_with("/icons/")
            || matches!(path, "/favicon.ico" | "/manifest.webmanifest" | "/hors-ligne.css")
        {
            Some("public, max-age=86400")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Assets;

    #[test]
    fn a_release_build_has_versioned_names_kept_a_year() {
        let assets = Assets::from_hash_file(Some("js: abc\nwasm: def\ncss: Qx9-w_1\n"));
        assert!(assets.versioned);
        assert_eq!(assets.stylesheet, "/pkg/payer-creance.Qx9-w_1.css");
        assert_eq!(assets.cache_control("/pkg/payer-creance.def.wasm"), Some("public, max-age=31536000, immutable"));
        assert_eq!(assets.cache_control("/images/avis-reference.svg"), Some("public, max-age=86400"));
        assert_eq!(assets.cache_control("/icons/icon-192.png"), Some("public, max-age=86400"));
        assert_eq!(assets.cache_control("/manifest.webmanifest"), Some("public, max-age=86400"));
        assert_eq!(assets.cache_control("/sw.js"), Some("no-cache"));
        assert_eq!(assets.cache_control("/accueil"), None);
    }

    #[test]
    fn a_development_build_has_plain_names_revalidated() {
        let assets = Assets::from_hash_file(None);
        assert!(!assets.versioned);
        assert_eq!(assets.stylesheet, "/pkg/payer-creance.css");
        assert_eq!(assets.cache_control("/pkg/payer-creance.wasm"), Some("no-cache"));
    }
}
