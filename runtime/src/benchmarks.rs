//! The runtime's benchmark list, run by `icn-node benchmark pallet`.

use frame_benchmarking::baseline;

use crate::Runtime;

impl frame_system_benchmarking::Config for Runtime {}
impl baseline::Config for Runtime {}
impl pallet_transaction_payment::BenchmarkConfig for Runtime {}

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	// The transaction extensions every transaction pays (docs/benchmarks.md "Transaction
	// extensions"): frame_system's, the fee payment and the SLA pool check.
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_icn_sla_extensions, SlaExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_icn_vesting, Vesting]
	[pallet_icn_providers, Providers]
	[pallet_icn_marketplace, Marketplace]
	[pallet_icn_sla, Sla]
	[pallet_preimage, Preimage]
	[pallet_scheduler, Scheduler]
	[pallet_referenda, Referenda]
	[pallet_conviction_voting, ConvictionVoting]
	[pallet_treasury, Treasury]
	[pallet_collective, Council]
	[pallet_utility, Utility]
	[pallet_multisig, Multisig]
	[pallet_proxy, Proxy]
);
