//! The sync protocol's platform side (`docs/sync.md`): push ([`push::apply_batch`]) and
//! the change feed ([`pull::page`]). HTTP lives in `api::sync`; rows in [`rows`].

pub mod pull;
pub mod push;
pub mod rows;
