//! The store's unit tests, one file per area; `support` holds what they share.

mod access;
mod attacks;
mod attempts;
mod audit;
mod backup;
mod concerns;
mod demo;
mod evidence;
mod governor;
mod incident_list;
mod incidents;
mod keyfile;
mod kinds;
mod page_format;
mod records;
mod restricted;
mod seen;
mod start;
pub(crate) mod support;
mod transfers;
mod vault;
