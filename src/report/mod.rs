//! Reporters: each reads only [`crate::results`].
