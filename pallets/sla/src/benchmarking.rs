//! Benchmarks of every call and hook step, at their worst cases.

use super::*;
use crate::Pallet as Sla;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{traits::Get, weights::WeightMeter};
use frame_system::RawOrigin;

fn hypernode<T: Config>(i: u32) -> T::AccountId {
	let owner: T::AccountId = account("hypernode", i, 0);
	Sla::<T>::do_register(owner.clone(), owner.clone(), *b"DE", BoundedVec::truncate_from(b"oracle.example.com".to_vec()))
		.expect("register");
	let link = T::BenchmarkHelper::link(&owner);
	Sla::<T>::do_stake(&owner, link).expect("stake");
	owner
}

/// Starts era 1 with the registered HyperNodes.
fn era_one<T: Config>() {
	let era_blocks: u32 = T::EraBlocks::get();
	frame_system::Pallet::<T>::set_block_number(era_blocks.into());
	Sla::<T>::start_era(1);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_hypernode() {
		let owner: T::AccountId = account("owner", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), owner.clone(), *b"DE", BoundedVec::truncate_from(b"oracle.example.com".to_vec()));
		assert!(HyperNodes::<T>::contains_key(&owner));
	}

	#[benchmark]
	fn stake_link() {
		let owner = hypernode::<T>(0);
		let link = T::BenchmarkHelper::link(&owner);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), link);
		assert_eq!(HyperNodes::<T>::get(&owner).expect("registered").links.len(), 2);
	}

	#[benchmark]
	fn unstake_link() {
		let owner = hypernode::<T>(0);
		let link = HyperNodes::<T>::get(&owner).expect("registered").links[0];
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), link);
		assert!(HyperNodes::<T>::get(&owner).expect("registered").links.is_empty());
	}

	#[benchmark]
	fn deregister_hypernode(l: Linear<1, { T::MaxLinksPerHyperNode::get() }>) {
		let owner = hypernode::<T>(0);
		for _ in 1..l {
			let link = T::BenchmarkHelper::link(&owner);
			Sla::<T>::do_stake(&owner, link).expect("stake");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()));
		assert!(!HyperNodes::<T>::contains_key(&owner));
	}

	#[benchmark]
	fn submit_report(n: Linear<1, { T::MaxReportResults::get() }>) {
		// One HyperNode: every node is assigned to it.
		let owner = hypernode::<T>(0);
		let nodes = T::BenchmarkHelper::probe_nodes(n);
		era_one::<T>();
		let results: Vec<(NodeId, ProbeOutcome)> =
			nodes.iter().map(|node| (*node, ProbeOutcome::Ok { latency_ms: 20 })).collect();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), 1, BoundedVec::truncate_from(results));
		assert!(Reported::<T>::contains_key(1, &owner));
	}

	#[benchmark]
	fn cancel_slash() {
		let max = T::MaxSlashesPerEra::get();
		let slashes: Vec<(NodeId, Perbill)> = (0..max).map(|n| (n.into(), Perbill::from_percent(1))).collect();
		PendingSlashes::<T>::insert(1, BoundedVec::truncate_from(slashes));
		let last: NodeId = max.saturating_sub(1).into();
		#[extrinsic_call]
		_(RawOrigin::Root, 1, last);
		assert_eq!(PendingSlashes::<T>::get(1).len() as u32, max - 1);
	}

	#[benchmark]
	fn set_params() {
		#[extrinsic_call]
		_(RawOrigin::Root, SlaParams::default());
	}

	#[benchmark]
	fn on_initialize_idle() {
		era_one::<T>();
		let era_blocks: u32 = T::EraBlocks::get();
		let n: frame_system::pallet_prelude::BlockNumberFor<T> = (era_blocks + 1).into();
		#[block]
		{
			<Sla<T> as frame_support::traits::Hooks<_>>::on_initialize(n);
		}
		assert_eq!(CurrentEra::<T>::get(), Some(1));
	}

	#[benchmark]
	fn start_era(h: Linear<0, { T::MaxHyperNodes::get() }>) {
		// HyperNodes of the genesis count towards the bound.
		let existing = HyperNodeCount::<T>::get();
		let added = h.min(T::MaxHyperNodes::get().saturating_sub(existing));
		for i in 0..added {
			hypernode::<T>(i);
		}
		let active = HyperNodes::<T>::iter_values().filter(|n| n.is_active()).count() as u32;
		#[block]
		{
			Sla::<T>::start_era(1);
		}
		assert_eq!(EraOracles::<T>::get(1).len() as u32, active);
	}

	#[benchmark]
	fn aggregate_node() {
		// Five oracles all reporting, the node failing its fourth era in a row: a slash pends.
		for i in 0..5 {
			hypernode::<T>(i);
		}
		let node = T::BenchmarkHelper::probe_nodes(1)[0];
		era_one::<T>();
		let oracles = EraOracles::<T>::get(1);
		let reports: Vec<(u32, ProbeOutcome)> =
			(0..oracles.len() as u32).map(|i| (i, ProbeOutcome::Failed(ProbeFailure::Timeout))).collect();
		Reports::<T>::insert(1, node, BoundedVec::truncate_from(reports));
		let mut window = SlaWindow::default();
		for era in 0..3 {
			window.record(era, EraVerdict::Failed);
		}
		NodeSla::<T>::insert(node, window);
		Aggregation::<T>::put((1, node));
		let era_blocks: u32 = T::EraBlocks::get();
		frame_system::Pallet::<T>::set_block_number((2 * era_blocks).into());
		CurrentEra::<T>::put(2);
		let mut meter = WeightMeter::with_limit(T::WeightInfo::aggregate_node());
		#[block]
		{
			Sla::<T>::aggregate(&mut meter);
		}
		assert_eq!(PendingSlashes::<T>::get(1).len(), 1);
	}

	#[benchmark]
	fn apply_slash() {
		// Worst case: the own collateral is gone already, so the slash takes from every
		// delegator of the node.
		let node = T::BenchmarkHelper::probe_nodes(1)[0];
		T::Slashing::slash(node, Perbill::from_percent(100)).expect("pre-slash");
		PendingSlashes::<T>::insert(1, BoundedVec::truncate_from(alloc::vec![(node, Perbill::from_percent(100))]));
		let era_blocks: u32 = T::EraBlocks::get();
		frame_system::Pallet::<T>::set_block_number((3 * era_blocks).into());
		CurrentEra::<T>::put(3);
		Aggregation::<T>::put((2, <T::Targets as SlaTargets>::next_node_id()));
		let mut meter = WeightMeter::with_limit(T::WeightInfo::apply_slash());
		#[block]
		{
			Sla::<T>::aggregate(&mut meter);
		}
		assert!(PendingSlashes::<T>::get(1).is_empty());
	}

	#[benchmark]
	fn finalize_era() {
		// The most oracles in the era, each checked for accuracy.
		let existing = HyperNodeCount::<T>::get();
		for i in 0..T::MaxHyperNodes::get().saturating_sub(existing) {
			hypernode::<T>(i);
		}
		let era_blocks: u32 = T::EraBlocks::get();
		frame_system::Pallet::<T>::set_block_number((2 * era_blocks).into());
		Sla::<T>::start_era(2);
		frame_system::Pallet::<T>::set_block_number((3 * era_blocks).into());
		CurrentEra::<T>::put(3);
		Aggregation::<T>::put((2, <T::Targets as SlaTargets>::next_node_id()));
		let mut meter = WeightMeter::with_limit(T::WeightInfo::finalize_era());
		#[block]
		{
			Sla::<T>::aggregate(&mut meter);
		}
		assert_eq!(FinalizedEra::<T>::get(), Some(2));
	}

	impl_benchmark_test_suite!(Sla, crate::mock::new_test_ext(), crate::mock::Test);
}
