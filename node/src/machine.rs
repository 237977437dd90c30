//! `icn-node benchmark machine`: is this machine fast enough to validate?
//!
//! The same measurements (`sc-sysinfo`) and the same reference figures as
//! `frame-benchmarking-cli`'s `benchmark machine`, without that crate: it is only compiled into
//! the node built for regenerating weights (`scripts/build.sh --benchmark-cli`, feature
//! `benchmark-cli`), where the full `benchmark` command replaces this one. Validators keep the
//! hardware check in every build (docs/validator.md).

use std::path::Path;

use sc_cli::{CliConfiguration, Result, SharedParams};
use sc_service::Configuration;
use sc_sysinfo::{
	benchmark_cpu, benchmark_cpu_parallelism, benchmark_disk_random_writes,
	benchmark_disk_sequential_writes, benchmark_memory, benchmark_sr25519_verify, ExecutionLimit,
	Metric, Requirement, Requirements, Throughput,
};

/// `icn-node benchmark …` in a node built without the `benchmark-cli` feature.
#[derive(Debug, clap::Subcommand)]
pub enum BenchmarkCmd {
	/// Measure this machine (CPU, memory, disk, signature checks) against Parity's reference
	/// hardware for validators. The weight benchmarks (`pallet`, `overhead`, `extrinsic`,
	/// `storage`, `block`) need a node built with `scripts/build.sh --benchmark-cli`.
	Machine(MachineCmd),
}

/// Measures the hardware and compares it with the reference hardware.
///
/// `--base-path` chooses where the disk benchmarks write.
#[derive(Debug, clap::Parser)]
pub struct MachineCmd {
	#[allow(missing_docs)]
	#[clap(flatten)]
	pub shared_params: SharedParams,

	/// Exit with success even when a requirement is not met.
	#[arg(long)]
	pub allow_fail: bool,

	/// How far below a minimum a score may be and still pass, in percent.
	#[arg(long, default_value_t = 10.0, value_name = "PERCENT")]
	pub tolerance: f64,

	/// Time limit for the signature-verification benchmark.
	#[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
	pub verify_duration: f32,

	/// Time limit for the hash benchmarks.
	#[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
	pub hash_duration: f32,

	/// Time limit for the memory benchmark.
	#[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
	pub memory_duration: f32,

	/// Time limit for each disk benchmark.
	#[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
	pub disk_duration: f32,
}

impl CliConfiguration for MachineCmd {
	fn shared_params(&self) -> &SharedParams {
		&self.shared_params
	}
}

/// Parity's reference hardware for validators: the figures of
/// `frame_benchmarking_cli::SUBSTRATE_REFERENCE_HARDWARE` (frame-benchmarking-cli 64.0.0).
pub fn reference_hardware() -> Requirements {
	let req = |metric, minimum, validator_only| Requirement { metric, minimum, validator_only };
	Requirements(vec![
		req(Metric::Blake2256, Throughput::from_mibs(1000.00), false),
		req(Metric::Blake2256Parallel { num_cores: 8 }, Throughput::from_mibs(1000.00), true),
		req(Metric::Sr25519Verify, Throughput::from_kibs(637.619999744), false),
		req(Metric::MemCopy, Throughput::from_gibs(11.4925205078125003), false),
		req(Metric::DiskSeqWrite, Throughput::from_mibs(950.0), false),
		req(Metric::DiskRndWrite, Throughput::from_mibs(420.0), false),
	])
}

impl MachineCmd {
	/// Runs every benchmark, prints a table and fails if a requirement is not met (unless
	/// `--allow-fail`).
	pub fn run(&self, config: &Configuration, requirements: Requirements) -> Result<()> {
		if !(0.0..=100.0).contains(&self.tolerance) {
			return Err("--tolerance must be between 0 and 100".into());
		}
		// The node does not start, so nothing else creates the database directory.
		let dir = config.database.path().ok_or("no database directory (--base-path)")?;
		std::fs::create_dir_all(dir)?;
		log::info!("Running machine benchmarks in {}…", dir.display());

		let mut rows = Vec::new();
		let (mut passed, mut failed) = (0, 0);
		let mut implausible = false;
		for requirement in &requirements.0 {
			let score = self.measure(&requirement.metric, dir)?;
			let relative = score.as_bytes() / requirement.minimum.as_bytes();
			// As upstream: a score off by a factor of 100 means a broken measurement.
			implausible |= !(0.01..100.0).contains(&relative);
			let ok = relative >= 1.0 - self.tolerance / 100.0;
			if ok {
				passed += 1
			} else {
				failed += 1
			}
			rows.push([
				requirement.metric.category().to_string(),
				requirement.metric.name().to_string(),
				score.to_string(),
				requirement.minimum.to_string(),
				format!("{} ({:>5.1} %)", if ok { "Pass" } else { "FAIL" }, relative * 100.0),
			]);
		}
		println!("{}", table(["Category", "Function", "Score", "Minimum", "Result"], &rows));
		println!(
			"From {} benchmarks in total, {passed} passed and {failed} failed ({:.0}% fault tolerance).",
			passed + failed,
			self.tolerance
		);
		if failed == 0 {
			println!("The hardware meets the requirements.");
		} else {
			println!("The hardware fails to meet the requirements.");
			self.check("one of the benchmarks scored below its requirement")?;
		}
		if implausible {
			self.check("a benchmark result is off by a factor of 100 or more")?;
		}
		if cfg!(debug_assertions) {
			self.check("this is a debug build: its scores mean nothing")?;
		}
		Ok(())
	}

	fn measure(&self, metric: &Metric, dir: &Path) -> Result<Throughput> {
		let limit = ExecutionLimit::from_secs_f32;
		Ok(match metric {
			Metric::Blake2256 => benchmark_cpu(limit(self.hash_duration)),
			Metric::Blake2256Parallel { num_cores } => {
				benchmark_cpu_parallelism(limit(self.hash_duration), *num_cores)
			},
			Metric::Sr25519Verify => benchmark_sr25519_verify(limit(self.verify_duration)),
			Metric::MemCopy => benchmark_memory(limit(self.memory_duration)),
			Metric::DiskSeqWrite => {
				benchmark_disk_sequential_writes(limit(self.disk_duration), dir)?
			},
			Metric::DiskRndWrite => benchmark_disk_random_writes(limit(self.disk_duration), dir)?,
		})
	}

	/// An error, or only a warning with `--allow-fail`.
	fn check(&self, problem: &str) -> Result<()> {
		if self.allow_fail {
			log::warn!("Ignored since --allow-fail is set: {problem}");
			Ok(())
		} else {
			Err(format!("{problem} (--allow-fail to exit with success anyway)").into())
		}
	}
}

/// A plain-text table with aligned columns.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
	let mut widths = header.map(|h| h.chars().count());
	for row in rows {
		for (w, cell) in widths.iter_mut().zip(row) {
			*w = (*w).max(cell.chars().count());
		}
	}
	let line = |cells: Vec<&str>| {
		let padded: Vec<String> =
			cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}", w = *w)).collect();
		format!("| {} |", padded.join(" | "))
	};
	let rule = format!("|{}|", widths.map(|w| "-".repeat(w + 2)).join("|"));
	let mut out = vec![line(header.to_vec()), rule];
	out.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
	out.join("\n")
}
