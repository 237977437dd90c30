//! `icn-node`: the ICN Chain node.

#![warn(missing_docs)]

#[cfg(feature = "benchmark-cli")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
#[cfg(not(feature = "benchmark-cli"))]
mod machine;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
