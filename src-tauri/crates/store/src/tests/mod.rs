//! The store's unit tests, one file per area; `support` holds what they share.

mod audit;
mod backup;
mod evidence;
mod governor;
mod incidents;
mod page_format;
mod records;
mod start;
pub(crate) mod support;
mod vault;
