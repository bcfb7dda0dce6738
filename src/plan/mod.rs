//! The plan language: types as written in YAML, loading and validation.
//! Knows nothing of HTTP.

pub mod alerting;
pub mod capture;
pub mod discover;
pub mod duration;
pub mod expect;
pub mod hint;
pub mod id;
pub mod jsonpath;
pub mod load;
pub mod matcher;
pub mod model;
pub mod proxy;
pub(crate) mod resolved;
pub mod schema;
pub mod size;
pub mod types;
pub mod validate;
pub mod yaml;
