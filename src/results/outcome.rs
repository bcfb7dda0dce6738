//! What became of a step, as closed sets: the outcome, why a step errored or failed
//! ([`ErrorKind`]) and why it was not sent ([`SkipReason`]). Each serialises as a
//! stable snake_case token; nothing downstream reads meaning out of a message.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Sent, every check held, within the warn budget.
    Passed,
    /// Sent, every check held, but slower than the warn budget.
    Slow,
    /// Sent, and a check was false.
    Failed,
    /// Could not be checked: refused, timeout, template error, unreadable body.
    Error,
    /// `pending`: not sent, reported as Not Tested.
    NotTested,
    /// `requires_env` unmet: not sent, reported as Not Configured.
    NotConfigured,
    /// Not sent because of `when`, a filter, `--fail-fast` or an interruption.
    Skipped,
}

impl Outcome {
    /// The snake_case token of the JSON results (`not_configured`), as a constant: the
    /// history's column and the HTML report's CSS classes use the same word.
    pub fn token(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Slow => "slow",
            Outcome::Failed => "failed",
            Outcome::Error => "error",
            Outcome::NotTested => "not_tested",
            Outcome::NotConfigured => "not_configured",
            Outcome::Skipped => "skipped",
        }
    }

    pub const ALL: [Outcome; 7] = [
        Outcome::Passed,
        Outcome::Slow,
        Outcome::Failed,
        Outcome::Error,
        Outcome::NotTested,
        Outcome::NotConfigured,
        Outcome::Skipped,
    ];

    /// Whether the step went to the executor's send path: passed, slow, failed, or an
    /// error (which may have happened before a request left, e.g. a template error;
    /// `StepResult::request` tells whether one did).
    pub fn was_sent(self) -> bool {
        matches!(
            self,
            Outcome::Passed | Outcome::Slow | Outcome::Failed | Outcome::Error
        )
    }

    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Error)
    }
}

/// Why a step failed (a check did not hold) or errored (it could not be checked).
/// Serialised snake_case (`status_mismatch`); JUnit's `type` attribute takes the
/// CamelCase variant name (`StatusMismatch`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    // --- failures: one check did not hold (several: `check_failed`)
    StatusMismatch,
    HeaderMismatch,
    JsonPathMismatch,
    SchemaMismatch,
    BodyMismatch,
    LatencyBudgetExceeded,
    /// An `expect.tls` check on the server's certificate did not hold.
    CertificateMismatch,
    /// More than one check did not hold.
    CheckFailed,
    // --- errors before sending
    /// A template did not render (undefined variable, bad filter, plan var).
    TemplateError,
    /// The request cannot be built: bad method, header, body or multipart part.
    InvalidRequest,
    InvalidUrl,
    /// A file the request needs (a multipart part) cannot be read.
    FileError,
    /// The HTTP client cannot start.
    ClientError,
    // --- transport
    Timeout,
    ConnectTimeout,
    ConnectionRefused,
    DnsError,
    TlsError,
    ConnectionError,
    InvalidRedirect,
    RedirectLoop,
    TooManyRedirects,
    BodyTooLarge,
    BodyReadError,
    /// The body's `Content-Encoding` could not be undone.
    DecodeError,
    // --- after the response
    /// JSONPath or schema checks need JSON and the body is not.
    InvalidJson,
    /// A capture found nothing (and no check failed).
    CaptureError,
}

impl ErrorKind {
    /// The CamelCase token JUnit's `type` attribute carries: `StatusMismatch`.
    pub fn junit_type(self) -> String {
        format!("{self:?}")
    }

    /// The snake_case token of the JSON results: `status_mismatch`.
    pub fn token(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Whether this kind is a check that did not hold (outcome `failed`) rather than
    /// an error.
    pub fn is_check_failure(self) -> bool {
        matches!(
            self,
            ErrorKind::StatusMismatch
                | ErrorKind::HeaderMismatch
                | ErrorKind::JsonPathMismatch
                | ErrorKind::SchemaMismatch
                | ErrorKind::BodyMismatch
                | ErrorKind::LatencyBudgetExceeded
                | ErrorKind::CertificateMismatch
                | ErrorKind::CheckFailed
        )
    }
}

/// Why a step was not sent. Set for every `not_tested`, `not_configured` and
/// `skipped` step.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// `pending:` in the plan (outcome `not_tested`).
    Pending,
    /// A `requires_env` variable is not set (outcome `not_configured`).
    RequiresEnv,
    /// Its `when` condition was false.
    WhenFalse,
    /// Its `for_each` list was empty.
    EmptyForEach,
    /// It uses a value an earlier step failed to capture.
    MissingCapture,
    /// Left out by `--tag` or `--skip-tag`.
    FilteredByTag,
    /// Left out by `--step`.
    FilteredByStep,
    /// `--fail-fast` stopped the run after a failure.
    FailFast,
    /// The run was interrupted (Ctrl-C, SIGTERM) before or while it was sent.
    Interrupted,
}

impl SkipReason {
    /// The outcome a step skipped for this reason has.
    pub fn outcome(self) -> Outcome {
        match self {
            SkipReason::Pending => Outcome::NotTested,
            SkipReason::RequiresEnv => Outcome::NotConfigured,
            _ => Outcome::Skipped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_snake_case_and_junit_types_camel_case() {
        assert_eq!(ErrorKind::StatusMismatch.token(), "status_mismatch");
        for o in Outcome::ALL {
            assert_eq!(serde_json::to_value(o).unwrap(), o.token());
        }
        assert_eq!(ErrorKind::StatusMismatch.junit_type(), "StatusMismatch");
        assert_eq!(
            serde_json::to_value(SkipReason::FilteredByStep).unwrap(),
            "filtered_by_step"
        );
        assert_eq!(SkipReason::Pending.outcome(), Outcome::NotTested);
        assert_eq!(SkipReason::RequiresEnv.outcome(), Outcome::NotConfigured);
        assert_eq!(SkipReason::Interrupted.outcome(), Outcome::Skipped);
    }
}
