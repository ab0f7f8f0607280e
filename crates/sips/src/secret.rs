//! Values that must never reach a log: their `Debug` and `Display` are masked.

use std::fmt;

/// A secret value. Read it with [`Secret::expose`], only where it is used.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The secret itself.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(*****)")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("*****")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_shows_its_value() {
        let secret = Secret::new("002001000000001_KEY1".to_owned());
        assert_eq!(format!("{secret:?} {secret}"), "Secret(*****) *****");
        assert_eq!(secret.expose(), "002001000000001_KEY1");
    }
}
