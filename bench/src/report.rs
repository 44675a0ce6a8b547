//! `ddb-bench report`: turns the JSON lines of one or more runs into
//! Markdown tables (one per phase, one row per target).

use serde_json::Value;

fn ms(us: Option<f64>) -> String {
    match us {
        None => "-".into(),
        Some(u) => {
            let m = u / 1000.0;
            if m < 1.0 {
                format!("{m:.3}")
            } else if m < 100.0 {
                format!("{m:.1}")
            } else {
                format!("{m:.0}")
            }
        }
    }
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}")).unwrap_or_else(|| "-".into())
}

fn mib(kb: Option<u64>) -> String {
    kb.map(|k| format!("{:.1}", k as f64 / 1024.0)).unwrap_or_else(|| "-".into())
}

fn f(v: &Value, k: &str) -> Option<f64> {
    v.get(k).and_then(Value::as_f64)
}

fn u(v: &Value, k: &str) -> Option<u64> {
    v.get(k).and_then(Value::as_u64)
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Markdown for the JSON lines in `text` (other lines are ignored).
pub fn render(text: &str) -> String {
    let lines: Vec<Value> = text
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut targets: Vec<String> = Vec::new();
    for l in &lines {
        let t = s(l, "target").to_string();
        if !t.is_empty() && !targets.contains(&t) {
            targets.push(t);
        }
    }
    let mut out = String::new();

    // Startup and memory.
    let mem: Vec<&Value> = lines.iter().filter(|l| s(l, "type") == "server").collect();
    if !mem.is_empty() {
        out.push_str("### Startup and memory\n\n");
        out.push_str(
            "Startup: spawn of the server command to the first successful ListTables (median of the runs). ",
        );
        out.push_str("RSS: VmRSS of the server process.\n\n");
        out.push_str(
            "| target | startup (ms) | idle RSS (MiB) | RSS after loading (MiB) | RSS at end (MiB) |\n",
        );
        out.push_str("|---|---:|---:|---:|---:|\n");
        for t in &targets {
            if let Some(m) = mem.iter().find(|m| s(m, "target") == t) {
                out.push_str(&format!(
                    "| {t} | {} | {} | {} | {} |\n",
                    num(f(m, "startup_ms"), 1),
                    mib(u(m, "idle_rss_kb")),
                    mib(u(m, "after_load_rss_kb")),
                    mib(u(m, "final_rss_kb"))
                ));
            }
        }
        out.push('\n');
    }

    // One table per phase, in the order they first appear.
    let phases: Vec<&Value> = lines.iter().filter(|l| s(l, "type") == "phase").collect();
    let mut names: Vec<String> = Vec::new();
    for p in &phases {
        let n = s(p, "phase").to_string();
        if !names.contains(&n) {
            names.push(n);
        }
    }
    if !names.is_empty() {
        out.push_str("### Summary: ops/s (server CPU µs per op)\n\n");
        out.push_str("Details, latencies and errors per phase below. `failed`: every request failed.\n\n");
        out.push_str(&format!("| target | {} |\n", names.join(" | ")));
        out.push_str(&format!("|---|{}\n", "---:|".repeat(names.len())));
        for t in &targets {
            let cells: Vec<String> = names
                .iter()
                .map(|n| match phases.iter().find(|p| s(p, "target") == t && s(p, "phase") == n) {
                    None => "".to_string(),
                    Some(r) if u(r, "ops").unwrap_or(0) == 0 => "failed".to_string(),
                    Some(r) => match f(r, "server_cpu_us_per_op") {
                        Some(c) => format!("{} ({c:.0})", num(f(r, "ops_per_s"), 0)),
                        None => num(f(r, "ops_per_s"), 0),
                    },
                })
                .collect();
            out.push_str(&format!("| {t} | {} |\n", cells.join(" | ")));
        }
        out.push('\n');
    }
    for name in &names {
        let rows: Vec<&&Value> = phases.iter().filter(|p| s(p, "phase") == name).collect();
        let unit = match name.as_str() {
            "Scan" => " (one op = one full scan, paginated to the end)",
            "TransactWriteItems" => " (one op = one transaction of 4 puts)",
            "BatchWriteItem" => " (one op = one batch of 25 puts)",
            _ => "",
        };
        out.push_str(&format!("### {name}{unit}\n\n"));
        out.push_str("| target | conc. | ops | ops/s | p50 (ms) | p99 (ms) | errors | server CPU (µs/op) | client CPU (µs/op) |\n");
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        let mut notes = Vec::new();
        for t in &targets {
            for r in rows.iter().filter(|r| s(r, "target") == t) {
                let errors = u(r, "errors").unwrap_or(0);
                let ops = u(r, "ops").unwrap_or(0);
                let ops_s = if ops == 0 { "-".to_string() } else { num(f(r, "ops_per_s"), 0) };
                out.push_str(&format!(
                    "| {t} | {} | {ops} | {ops_s} | {} | {} | {errors} | {} | {} |\n",
                    u(r, "concurrency").unwrap_or(0),
                    ms(f(r, "p50_us")),
                    ms(f(r, "p99_us")),
                    num(f(r, "server_cpu_us_per_op"), 1),
                    num(f(r, "client_cpu_us_per_op"), 1),
                ));
                if errors > 0 {
                    let e = s(r, "first_error").replace('|', "\\|").replace('\n', " ");
                    notes.push(format!(
                        "- {t}: {errors} errors; first: `{}`",
                        crate::runner::truncate(&e, 200)
                    ));
                }
                if let Some(n) = u(r, "items_per_scan") {
                    notes.push(format!(
                        "- {t}: {n} items and {} pages per full scan",
                        u(r, "pages_per_scan").unwrap_or(0)
                    ));
                }
                if u(r, "unprocessed_items").unwrap_or(0) > 0 {
                    notes
                        .push(format!("- {t}: {} unprocessed items", u(r, "unprocessed_items").unwrap_or(0)));
                }
            }
        }
        if !notes.is_empty() {
            out.push('\n');
            out.push_str(&notes.join("\n"));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_a_row_per_target() {
        let text = r#"{"type":"phase","target":"a","phase":"GetItem","concurrency":16,"ops":10,"errors":0,"ops_per_s":100.0,"p50_us":120.0,"p99_us":1500.0,"server_cpu_us_per_op":12.5}
{"type":"phase","target":"b","phase":"GetItem","concurrency":16,"ops":0,"errors":200,"first_error":"HTTP 400: x|y"}
{"type":"server","target":"a","startup_ms":3.2,"idle_rss_kb":2048}"#;
        let md = super::render(text);
        assert!(md.contains("| a | 16 | 10 | 100 | 0.120 | 1.5 | 0 | 12.5 | - |"), "{md}");
        assert!(md.contains("| b | 16 | 0 | - |"), "{md}");
        assert!(md.contains("x\\|y"), "{md}");
        assert!(md.contains("| a | 3.2 | 2.0 |"), "{md}");
    }
}
