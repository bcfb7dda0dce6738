//! Credentials stay with their origin: `Authorization`, `Proxy-Authorization` and a
//! step's `Cookie` go along a same-origin redirect and are dropped on a hop to another
//! origin (two loopback origins, 127.0.0.1 and localhost on different ports, both
//! directions); the redirect trace says so.

use crate::common;

use common::server::TestServer;
use common::{unindent, Workspace};
use planrun::results::Outcome;

// The expected credentials are templates: a value written as is in `expect` would be
// shown as written (issue 10), a rendered one is masked like the header it checks.
const PLAN: &str = "
    name: redirects
    vars: { bearer: Bearer tok-secret-123, cookie: session=cookie-secret-456 }
    defaults:
      follow_redirects: true
      headers:
        Authorization: Bearer tok-secret-123
        Proxy-Authorization: Basic cHJveHk6cHc=
        Cookie: session=cookie-secret-456
    steps:
      - name: same origin
        request:
          url: \"{{ a }}/redirect?to={{ a }}/echo\"
        expect:
          status: 200
          json:
            $.headers.authorization: \"{{ bearer }}\"
            $.headers['proxy-authorization']: Basic cHJveHk6cHc=
            $.headers.cookie: \"{{ cookie }}\"
      - name: a to b
        request:
          url: \"{{ a }}/redirect?to={{ b }}/echo\"
        expect:
          status: 200
          json:
            $.headers.authorization: { exists: false }
            $.headers['proxy-authorization']: { exists: false }
            $.headers.cookie: { exists: false }
            $.headers['accept-encoding']: \"gzip, deflate, br, zstd\"
      - name: b to a
        request:
          url: \"{{ b }}/redirect?to={{ a }}/echo\"
        expect:
          status: 200
          json:
            $.headers.authorization: { exists: false }
            $.headers.cookie: { exists: false }
      - name: b to a and back to b
        request:
          url: \"{{ b }}/redirect?to={{ a }}/redirect%3Fto%3D{{ b }}/echo\"
        expect:
          status: 200
          json:
            $.headers.authorization: \"{{ bearer }}\"
";

#[test]
fn credentials_follow_same_origin_redirects_only() {
    let a = TestServer::start();
    let b = TestServer::start();
    let a_url = a.base_url();
    let b_url = format!("http://localhost:{}", b.addr.port());
    let ws = Workspace::new("http-redirects");
    ws.write("plans/r.yaml", &unindent(PLAN));
    let out = ws.run(&[
        "plans",
        "--var",
        &format!("a={a_url}"),
        "--var",
        &format!("b={b_url}"),
    ]);
    for name in ["same origin", "a to b", "b to a", "b to a and back to b"] {
        assert_eq!(out.step(name).outcome, Outcome::Passed, "{name}\n{out}");
    }
    let same = out.step("same origin").response.as_ref().unwrap();
    assert_eq!(same.redirects.len(), 1);
    assert!(same.redirects[0].credentials_dropped.is_empty());

    let cross = out.step("a to b").response.as_ref().unwrap();
    assert_eq!(cross.redirects.len(), 1);
    assert_eq!(cross.redirects[0].status, 302);
    assert_eq!(cross.redirects[0].location, format!("{b_url}/echo"));
    assert_eq!(
        cross.redirects[0].credentials_dropped,
        ["Authorization", "Proxy-Authorization", "Cookie"]
    );
    // The trace is in the JUnit output too, in words.
    assert!(
        out.junit.contains(&format!(
            "redirect 302 -&gt; {b_url}/echo (another origin: Authorization, Proxy-Authorization, Cookie not sent)"
        )) || out.junit.contains(&format!(
            "redirect 302 -> {b_url}/echo (another origin: Authorization, Proxy-Authorization, Cookie not sent)"
        )),
        "{}",
        out.junit
    );
    // Back on the first origin, the step's credentials are its own again.
    let back = out.step("b to a and back to b").response.as_ref().unwrap();
    assert_eq!(back.redirects.len(), 2);
    assert_eq!(back.redirects[0].credentials_dropped.len(), 3);
    assert!(back.redirects[1].credentials_dropped.is_empty());
    // Nothing secret leaked into the reports.
    for text in [&out.json, &out.junit, &out.markdown] {
        assert!(!text.contains("tok-secret-123"));
        assert!(!text.contains("cookie-secret-456"));
    }
}
