//! Reading and writing columns: rows read into typed values by column name, JSON text
//! columns, and the error a stored value that does not read becomes.

use rusqlite::types::FromSqlError;
use rusqlite::Row;

/// A stored value that could not be read: carried through rusqlite's conversion error and
/// turned into [`StoreError::Corrupt`] with its message (which never holds case data).
#[derive(Debug)]
pub(crate) struct Unreadable(pub &'static str);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Unreadable {}

/// A column read failed because its text is not what was stored.
pub(crate) fn unreadable(what: &'static str) -> FromSqlError {
    FromSqlError::Other(Box::new(Unreadable(what)))
}

/// A row whose column holds a value that is not what was stored: the vault is damaged.
pub(crate) fn corrupt(what: &'static str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        Box::new(Unreadable(what)),
    )
}

/// A value read from a row.
pub(crate) trait FromRow: Sized {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self>;
}

/// Every row of a prepared query, each read as `T`.
pub(crate) fn collect<T: FromRow>(
    stmt: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
) -> crate::Result<Vec<T>> {
    let rows = stmt.query_map(params, |r| T::from_row(r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// JSON in a text column: what is written, and what is read back.
pub(crate) mod json {
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use crate::{Result, StoreError};

    /// `value` as the JSON text stored for it; `what` names it in the error.
    pub(crate) fn to_text<T: Serialize + ?Sized>(value: &T, what: &'static str) -> Result<String> {
        serde_json::to_string(value).map_err(|_| StoreError::Encoding(what))
    }

    /// Stored JSON text read back; text that does not read means the vault is damaged.
    pub(crate) fn from_text<T: DeserializeOwned>(text: &str, what: &'static str) -> Result<T> {
        serde_json::from_str(text).map_err(|_| StoreError::Corrupt(what))
    }
}
