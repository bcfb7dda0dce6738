//! The executor: schedules plans, renders requests, sends them, checks, captures.

pub mod check;
