//! `ispdesk-domain`: the pure types and rules that the desktop app and the hosted platform
//! share — identifiers, money, roles and the permission matrix, staff and company rules,
//! validation errors.
//!
//! This crate does no I/O: no database, no network, no clock reads (callers pass `now`).
//! Everything here is deterministic and unit-tested in place. Types that cross to the UI
//! derive `ts_rs::TS`; their TypeScript is generated into `ui/src/lib/bindings/`.

pub mod bandwidth;
pub mod company;
pub mod customer;
pub mod ids;
pub mod ip_pool;
pub mod money;
pub mod network;
pub mod permission;
pub mod plan;
pub mod provisioning;
pub mod radius;
pub mod router;
pub mod staff;
pub mod sync;
pub mod time;
pub mod validation;

pub use company::{CompanyInput, CompanyProfile};
pub use ids::*;
pub use money::{Currency, Money};
pub use permission::{Permission, Role};
pub use validation::{FieldError, ValidationCode, Validator};
