//! Errors in plans, located as `file:line:column: message`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl Diagnostic {
    /// One line per diagnostic: line breaks in `message` become spaces.
    pub fn new(file: &str, (line, column): (u32, u32), message: impl Into<String>) -> Diagnostic {
        let message: String = message.into();
        let message = if message.contains('\n') {
            message.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            message
        };
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}
