//! The ids of the accounts: an insured person's and an agent's are types of
//! their own, so that one is never passed for the other, nor any text for
//! either. Stored as text; bound and read back as themselves.

macro_rules! account_id {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $ty(String);

        impl $ty {
            /// The id `id`, as stored.
            pub fn new(id: impl Into<String>) -> $ty {
                $ty(id.into())
            }

            /// As stored.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        $crate::stored_as_text!($ty, |id| id.as_str(), |text| Ok::<_, std::convert::Infallible>($ty::new(text)));
    };
}

account_id!(
    /// An insured person's id (`persons.id`).
    PersonId
);

account_id!(
    /// A back-office agent's id (`agents.id`).
    AgentId
);
