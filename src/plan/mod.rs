//! The plan language: types as written in YAML, loading and validation.
//! Knows nothing of HTTP.

pub mod diagnostic;
pub mod discover;
pub mod duration;
pub mod expect;
pub mod jsonpath;
pub mod load;
pub mod matcher;
pub mod model;
pub mod types;
pub mod yaml;
