//! How durations read, in every report and on the terminal.

/// Seconds since the epoch of a results timestamp (RFC 3339, as `started_at`); 0 when
/// it cannot be read.
pub fn unix_seconds(timestamp: &str) -> i64 {
    humantime::parse_rfc3339_weak(timestamp.trim())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64)
}

/// A latency in microseconds, in milliseconds: two decimals under 10 ms (`3.42 ms`),
/// whole milliseconds above (`633 ms`, `9502 ms`).
pub fn latency_text(us: u64) -> String {
    if us < 9_995 {
        let hundredths = (us + 5) / 10;
        return format!("{}.{:02} ms", hundredths / 100, hundredths % 100);
    }
    format!("{} ms", (us + 500) / 1000)
}

/// Milliseconds (budgets, step durations) as [`latency_text`] writes them.
pub fn ms_text(ms: u64) -> String {
    latency_text(ms.saturating_mul(1000))
}

/// A duration for a sentence: `633 ms` under a second, else seconds with one decimal
/// when needed (`9.5 s`, `2 s`).
pub fn prose_duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms} ms");
    }
    let tenths = (ms + 50) / 100;
    if tenths.is_multiple_of(10) {
        format!("{} s", tenths / 10)
    } else {
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_read_in_milliseconds() {
        assert_eq!(latency_text(0), "0.00 ms");
        assert_eq!(latency_text(3_421), "3.42 ms");
        assert_eq!(latency_text(9_994), "9.99 ms");
        assert_eq!(latency_text(9_996), "10 ms");
        assert_eq!(latency_text(10_000), "10 ms");
        assert_eq!(latency_text(633_400), "633 ms");
        assert_eq!(latency_text(9_502_000), "9502 ms");
        assert_eq!(ms_text(1118), "1118 ms");
    }

    #[test]
    fn durations_in_sentences_read_naturally() {
        assert_eq!(prose_duration(633), "633 ms");
        assert_eq!(prose_duration(1000), "1 s");
        assert_eq!(prose_duration(9502), "9.5 s");
        assert_eq!(prose_duration(1949), "1.9 s");
        assert_eq!(prose_duration(1950), "2 s");
    }
}
