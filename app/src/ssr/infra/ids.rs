//! The ids of the accounts: an insured person's and an agent's are types of
//! their own, so that one is never passed for the other, nor any text for
//! either. Stored as text; bound and read back as themselves.

macro_rules! account_id {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl sqlx::Type<sqlx::Any> for $ty {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <str as sqlx::Type<sqlx::Any>>::type_info()
            }
        }

        impl sqlx::Encode<'_, sqlx::Any> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Any>>::encode(self.0.as_str(), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $ty {
            fn decode(value: <sqlx::Any as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                Ok($ty(<String as sqlx::Decode<sqlx::Any>>::decode(value)?))
            }
        }
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
