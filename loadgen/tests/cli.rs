//! The `icn-loadgen` binary's command line (this test also makes the test build produce the
//! binary `scripts/bench.sh load` runs).

use std::process::Command;

fn loadgen(args: &[&str]) -> std::process::Output {
	Command::new(env!("CARGO_BIN_EXE_icn-loadgen"))
		.args(args)
		.output()
		.expect("icn-loadgen runs")
}

#[test]
fn help_lists_the_scenarios() {
	let out = loadgen(&["--help"]);
	assert!(out.status.success());
	let help = String::from_utf8_lossy(&out.stdout);
	for scenario in ["transfer", "book", "report"] {
		assert!(help.contains(scenario), "{scenario} missing from --help:\n{help}");
	}
}

#[test]
fn an_unknown_scenario_is_refused_with_the_valid_ones() {
	let out = loadgen(&["--scenario", "mint"]);
	assert_eq!(out.status.code(), Some(2));
	let err = String::from_utf8_lossy(&out.stderr);
	assert!(err.contains("invalid value 'mint'") && err.contains("transfer"), "{err}");
}

#[test]
fn no_node_at_the_url_is_an_error_not_a_hang() {
	// Port 1 on loopback: nothing listens, the connection is refused at once.
	let out = loadgen(&["--url", "ws://127.0.0.1:1", "--txs", "1"]);
	assert!(!out.status.success());
	let err = String::from_utf8_lossy(&out.stderr);
	assert!(!err.is_empty(), "no error message");
}
