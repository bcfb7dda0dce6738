//! Which commit a run tested, when that can be known.

use std::process::{Command, Stdio};

/// `GITHUB_SHA`, then `CI_COMMIT_SHA` (GitLab), then `git rev-parse HEAD` in the
/// current folder; `None` outside a repository without those variables.
pub fn git_commit(env: &[(String, String)]) -> Option<String> {
    for name in ["GITHUB_SHA", "CI_COMMIT_SHA"] {
        if let Some((_, v)) = env.iter().find(|(k, v)| k == name && !v.trim().is_empty()) {
            return Some(v.trim().to_string());
        }
    }
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let sha = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !sha.is_empty()).then_some(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_variables_win_in_order() {
        let env = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            git_commit(&env(&[("CI_COMMIT_SHA", "bbb"), ("GITHUB_SHA", "aaa")])).as_deref(),
            Some("aaa")
        );
        assert_eq!(
            git_commit(&env(&[("GITHUB_SHA", " "), ("CI_COMMIT_SHA", "bbb")])).as_deref(),
            Some("bbb")
        );
    }
}
