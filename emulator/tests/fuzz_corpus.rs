//! The fuzz targets (`emulator/fuzz/`) on stable: every committed corpus
//! input goes through the same target function as under libFuzzer, plus a
//! short property test over mutated corpus inputs. Fuzzing proper needs
//! nightly: `emulator/fuzz/run.sh`.

#[path = "../fuzz/harness.rs"]
mod harness;

use proptest::prelude::*;
use std::path::PathBuf;

fn corpus(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target)
}

fn inputs(target: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(corpus(target)).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    files.into_iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn request_decoder_corpus() {
    assert!(harness::run_corpus(&corpus("request_decoder"), harness::request_decoder) >= 10);
}

#[test]
fn expression_parser_corpus() {
    assert!(harness::run_corpus(&corpus("expression_parser"), harness::expression_parser) >= 10);
}

#[test]
fn partiql_parser_corpus() {
    assert!(harness::run_corpus(&corpus("partiql_parser"), harness::partiql_parser) >= 10);
}

#[test]
fn whole_request_corpus() {
    assert!(harness::run_corpus(&corpus("whole_request"), harness::whole_request) >= 10);
}

/// A corpus input with a few bytes overwritten, inserted or removed.
fn mutated(target: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let seeds = inputs(target);
    (0..seeds.len(), prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6))
        .prop_map(move |(i, edits)| {
            let mut data = seeds[i].clone();
            for (at, byte, how) in edits {
                if data.is_empty() {
                    data.push(byte);
                    continue;
                }
                let at = at.index(data.len());
                match how {
                    0 => data[at] = byte,
                    1 => data.insert(at, byte),
                    _ => {
                        data.remove(at);
                    }
                }
            }
            data
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_expressions(data in mutated("expression_parser")) {
        harness::expression_parser(&data);
    }

    #[test]
    fn mutated_whole_requests(data in mutated("whole_request")) {
        harness::whole_request(&data);
    }

    #[test]
    fn mutated_partiql_statements(data in mutated("partiql_parser")) {
        harness::partiql_parser(&data);
    }

    #[test]
    fn mutated_http_requests(data in mutated("request_decoder")) {
        harness::request_decoder(&data);
    }
}
