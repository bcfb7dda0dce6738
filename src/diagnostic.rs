//! A problem located in a file: a plan error, a load error, a note. The one type the
//! plan layer reports with and the results model stores (`load_errors`), and the one
//! place that writes `file:line:column`. Neutral: it imports neither plan nor results.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Diagnostic {
    /// The file as the user named it (relative when given so).
    pub file: String,
    /// 1-based.
    pub line: u32,
    /// 1-based.
    pub column: u32,
    /// One line: what is wrong, then what to do about it.
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

    /// `file:line:column`
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }

    /// `file:line:column: note: message`, for findings that are not errors.
    pub fn as_note(&self) -> String {
        format!("{}: note: {}", self.location(), self.message)
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_located() {
        let d = Diagnostic::new("plans/a.yaml", (3, 7), "bad\n  thing");
        assert_eq!(d.to_string(), "plans/a.yaml:3:7: bad thing");
        assert_eq!(d.as_note(), "plans/a.yaml:3:7: note: bad thing");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"file": "plans/a.yaml", "line": 3, "column": 7, "message": "bad thing"})
        );
    }
}
