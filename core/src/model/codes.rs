//! Closed vocabularies (roles, modes, dimensions, ...) as Rust enums with stable string codes.
//! The codes are what is stored and sent; an unknown code is a typed error, never a panic or a
//! silent default.

/// Declares a code enum: variants, their stable codes, parsing, SQLite and serde conversions,
/// and (with the `uniffi` feature) an FFI enum.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident as $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// Every code, in declaration order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The stable code stored and sent for this value.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// The value for `code`, or [`crate::Error::UnknownCode`].
            pub fn parse(code: &str) -> crate::Result<Self> {
                match code {
                    $($code => Ok(Self::$variant),)+
                    other => Err(crate::Error::unknown_code($kind, other)),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(self.code().as_bytes())))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::parse(s).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }

        impl From<$name> for rusqlite::types::Value {
            fn from(v: $name) -> Self {
                rusqlite::types::Value::Text(v.code().to_owned())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use code_enum;

/// Serialises a list of codes as the JSON array stored in a TEXT column.
pub(crate) fn codes_json<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

/// Reads a JSON array column back; anything unreadable is a damaged row.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Reads a JSON array column of a joined row that may be missing (a profile this device does
/// not hold): empty then.
pub(crate) fn json_list<T: serde::de::DeserializeOwned, I: rusqlite::RowIndex>(
    r: &rusqlite::Row<'_>,
    column: I,
) -> rusqlite::Result<Vec<T>> {
    r.get::<_, Option<String>>(column)?
        .map_or(Ok(Vec::new()), |json| from_json(&json))
}
