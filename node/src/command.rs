//! Parses the command line and runs the node or one of its subcommands.

use crate::{
	chain_spec,
	cli::{Cli, ExportGenesisHeadCmd, Subcommand},
	service,
};
use codec::Encode;
use icn_runtime::opaque::Block;
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;
use sp_runtime::traits::{Block as BlockT, Hash as HashT, HashingFor};

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"ICN Chain Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/icn-chain/icn-chain/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			// No default chain: an operator who forgets `--chain` gets an error, not a
			// local test network.
			"" => return Err(
				"no chain given: pass --chain <file> (a chain spec such as chain-specs/staging-raw.json), \
				 --chain local, --chain staging-preset or --dev"
					.into(),
			),
			"dev" => Box::new(chain_spec::development_chain_spec()?),
			"local" => Box::new(chain_spec::local_chain_spec()?),
			"staging-preset" => Box::new(chain_spec::staging_chain_spec()?),
			path => Box::new(chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path))?),
		})
	}
}

impl ExportGenesisHeadCmd {
	/// Builds the chain's genesis storage and prints the genesis header.
	fn run(&self, chain_spec: &dyn sc_service::ChainSpec) -> sc_cli::Result<()> {
		let storage = chain_spec.build_storage()?;
		if !storage.children_default.is_empty() {
			return Err("genesis with child tries is not supported by export-genesis-state".into());
		}
		let state_version = icn_runtime::VERSION.state_version();
		let state_root =
			HashingFor::<Block>::trie_root(storage.top.into_iter().collect(), state_version);
		let block: Block = sc_chain_spec::construct_genesis_block(state_root, state_version);
		let header = block.header().encode();
		let output = if self.raw { header } else { format!("0x{}", hex(&header)).into_bytes() };
		match &self.output {
			Some(path) => std::fs::write(path, output)?,
			None => {
				use std::io::Write;
				std::io::stdout().write_all(&output)?;
			},
		}
		Ok(())
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses and runs the command line.
pub fn run() -> sc_cli::Result<()> {
	let cli = Cli::from_args();
	// ICN's own SS58 prefix (122, `ic…` addresses) in `key` output, logs and JSON-RPC: sp-core
	// decodes a prefix the SS58 registry does not list only when it is the process's default.
	icn_runtime::genesis::use_icn_addresses();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::Sign(cmd)) => cmd.run(),
		#[allow(deprecated)]
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		},
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.chain)?;
			cmd.run(chain_spec)
		},
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, false)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } =
					service::new_partial(&config, false)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		},
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } =
					service::new_partial(&config, false)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		},
		Some(Subcommand::ExportGenesisState(cmd)) => {
			let chain_spec =
				cli.load_spec(&cmd.shared_params.chain_id(cmd.shared_params.is_dev()))?;
			cmd.run(&*chain_spec)
		},
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, false)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		},
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config, false)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		},
		#[cfg(feature = "benchmark-cli")]
		Some(Subcommand::Benchmark(cmd)) => crate::benchmarking::run(&cli, cmd),
		#[cfg(not(feature = "benchmark-cli"))]
		Some(Subcommand::Benchmark(crate::machine::BenchmarkCmd::Machine(cmd))) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(&config, crate::machine::reference_hardware()))
		},
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		},
		None => {
			let runner = cli.create_runner(&cli.run)?;
			let sealing = cli.sealing;
			runner.run_node_until_exit(|config| async move {
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<Block, <Block as BlockT>::Hash>,
					>(config, sealing)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config, sealing)
							.map_err(sc_cli::Error::Service)
					},
				}
			})
		},
	}
}
