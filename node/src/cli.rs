//! Command-line interface of `icn-node`.

/// Subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys (Aura, GRANDPA, `icno`).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Sign a message with a secret key URI, e.g. a HyperNode's proof that its `icno` key
	/// signs for its owner (`sign --suri <phrase> --hex --message 0x<payload>`; see
	/// docs/hypernode.md).
	Sign(sc_cli::SignCmd),

	/// Build a chain specification.
	/// Deprecated upstream in favour of `export-chain-spec`, kept for zombienet and scripts.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Export the genesis state (header) of the chain.
	ExportGenesisState(ExportGenesisHeadCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Sub-commands concerned with benchmarking (pallet, overhead, extrinsic, storage,
	/// machine): a node built with `scripts/build.sh --benchmark-cli`.
	#[cfg(feature = "benchmark-cli")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// `benchmark machine`: this machine against the reference hardware for validators.
	/// The weight benchmarks need a node built with `scripts/build.sh --benchmark-cli`.
	#[cfg(not(feature = "benchmark-cli"))]
	#[command(subcommand)]
	Benchmark(crate::machine::BenchmarkCmd),

	/// Db meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// `icn-node export-genesis-state`: print the genesis block header (hex, SCALE) of a chain.
#[derive(Debug, Clone, clap::Parser)]
pub struct ExportGenesisHeadCmd {
	/// Output file name, or stdout if unspecified.
	#[arg()]
	pub output: Option<std::path::PathBuf>,

	/// Write raw bytes instead of hex.
	#[arg(long)]
	pub raw: bool,

	#[allow(missing_docs)]
	#[command(flatten)]
	pub shared_params: sc_cli::SharedParams,
}

impl sc_cli::CliConfiguration for ExportGenesisHeadCmd {
	fn shared_params(&self) -> &sc_cli::SharedParams {
		&self.shared_params
	}
}

/// How a development node seals blocks instead of Aura slots (`--sealing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealing {
	/// A block as soon as transactions arrive in the pool (and on `engine_createBlock`).
	Instant,
	/// A block every this many milliseconds, empty or not.
	Interval(u64),
}

impl std::str::FromStr for Sealing {
	type Err = String;

	fn from_str(s: &str) -> Result<Self, Self::Err> {
		match s {
			"instant" => Ok(Self::Instant),
			ms => match ms.parse::<u64>() {
				Ok(0) => Err("the interval must be at least 1 ms".into()),
				Ok(ms) => Ok(Self::Interval(ms)),
				Err(_) => Err(format!("`{ms}` is neither `instant` nor a number of milliseconds")),
			},
		}
	}
}

/// The `icn-node` command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A subcommand; without one, the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Blocks on demand, for development chains (`--dev`, `--chain local`; refused on a live
	/// chain): `instant` seals a block as soon as transactions arrive, a number seals one
	/// every that many milliseconds (`--sealing 1000`). Each block is finalized at once and
	/// carries a valid Aura slot and timestamp (at least one slot after its parent's), so
	/// every pallet behaves as on a real chain: eras and months keep their length in blocks.
	/// `engine_createBlock` / `engine_finalizeBlock` (JSON-RPC) seal on request.
	#[arg(long, value_name = "instant|MS")]
	pub sealing: Option<Sealing>,

	#[allow(missing_docs)]
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,
}
