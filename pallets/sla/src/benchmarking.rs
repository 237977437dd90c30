//! Benchmarks of every call and hook step, at their worst cases.

use super::*;
use crate::Pallet as Sla;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	weights::WeightMeter,
};
use frame_system::RawOrigin;
use icn_primitives::currency::ICNT;

/// `who` can pay a HyperNode's deposit and fees.
fn fund<T: Config>(who: &T::AccountId) {
	T::Currency::set_balance(who, T::HyperNodeDeposit::get().saturating_add(1_000 * ICNT));
}

/// The number of active HyperNodes.
fn active<T: Config>() -> u32 {
	ActiveSet::<T>::count()
}

/// A registered HyperNode with no Link: not active.
fn dormant<T: Config>(i: u32) -> T::AccountId {
	let owner: T::AccountId = account("dormant", i, 0);
	fund::<T>(&owner);
	Sla::<T>::do_register(
		owner.clone(),
		owner.clone(),
		*b"DE",
		BoundedVec::truncate_from(b"oracle.example.com".to_vec()),
	)
	.expect("register");
	owner
}

fn hypernode<T: Config>(i: u32) -> T::AccountId {
	let owner: T::AccountId = account("hypernode", i, 0);
	fund::<T>(&owner);
	Sla::<T>::do_register(
		owner.clone(),
		owner.clone(),
		*b"DE",
		BoundedVec::truncate_from(b"oracle.example.com".to_vec()),
	)
	.expect("register");
	let link = T::BenchmarkHelper::link(&owner);
	Sla::<T>::do_stake(&owner, link).expect("stake");
	owner
}

/// The first block of `era` on the chain's era clock.
fn era_start<T: Config>(era: EraIndex) -> frame_system::pallet_prelude::BlockNumberFor<T> {
	let block = <T::Clock as icn_primitives::clock::ChainClock>::eras().era_start(era);
	u32::try_from(block).unwrap_or(u32::MAX).into()
}

/// Makes era 1 the one being aggregated at `step` (era 2 current).
fn aggregating<T: Config>(step: AggregationStep) {
	frame_system::Pallet::<T>::set_block_number(era_start::<T>(2));
	CurrentEra::<T>::put(2);
	Aggregation::<T>::put((1, step));
}

/// Activates HyperNodes up to `n` active (at most the most allowed); returns how many are.
fn active_hypernodes<T: Config>(n: u32) -> u32 {
	let target = n.min(T::MaxHyperNodes::get());
	let mut i = 0;
	while active::<T>() < target {
		hypernode::<T>(1_000 + i);
		i += 1;
	}
	active::<T>()
}

/// Activates HyperNodes up to a full page of an era's snapshot (what one oracle's read
/// decodes, whatever the number of HyperNodes); returns how many are active.
fn page_of_hypernodes<T: Config>() -> u32 {
	active_hypernodes::<T>(ORACLE_PAGE)
}

/// Starts era 1 with the active HyperNodes, its snapshot copied.
fn era_one<T: Config>() {
	frame_system::Pallet::<T>::set_block_number(era_start::<T>(1));
	Sla::<T>::start_era(1);
	Sla::<T>::copy_snapshot(&mut WeightMeter::new());
	assert!(Sla::<T>::snapshot_ready(1));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_hypernode() {
		// The proof verified; the owner left before, so its accuracy record is read back.
		let owner: T::AccountId = account("owner", 0, 0);
		fund::<T>(&owner);
		let (signer, proof) = T::BenchmarkHelper::signer(&owner);
		DepartedAccuracy::<T>::insert(&owner, (0, 1, 0));
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			signer.clone(),
			*b"DE",
			BoundedVec::truncate_from(b"oracle.example.com".to_vec()),
			proof,
		);
		assert_eq!(Signers::<T>::get(&signer), Some(owner.clone()));
		assert_eq!(HyperNodes::<T>::get(&owner).map(|h| h.due), Some(1));
	}

	#[benchmark]
	fn stake_link() {
		// Its first Link: it joins the active set (a counted map: its size does not matter).
		let owner = dormant::<T>(0);
		let link = T::BenchmarkHelper::link(&owner);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), link);
		assert_eq!(HyperNodes::<T>::get(&owner).expect("registered").links.len(), 1);
		assert!(ActiveSet::<T>::contains_key(&owner));
	}

	#[benchmark]
	fn unstake_link() {
		// Its last Link: it leaves the active set.
		let owner = hypernode::<T>(0);
		let link = HyperNodes::<T>::get(&owner).expect("registered").links[0];
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), link);
		assert!(HyperNodes::<T>::get(&owner).expect("registered").links.is_empty());
		assert!(!ActiveSet::<T>::contains_key(&owner));
	}

	#[benchmark]
	fn deregister_hypernode(l: Linear<1, { T::MaxLinksPerHyperNode::get() }>) {
		// Active, with its place in an era (removed with it).
		let owner = hypernode::<T>(0);
		OracleOf::<T>::insert(&owner, OracleSlot::default());
		for _ in 1..l {
			let link = T::BenchmarkHelper::link(&owner);
			Sla::<T>::do_stake(&owner, link).expect("stake");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()));
		assert!(!HyperNodes::<T>::contains_key(&owner));
	}

	#[benchmark]
	fn clear_hypernode(
		l: Linear<1, { T::MaxLinksPerHyperNode::get() }>,
	) -> Result<(), BenchmarkError> {
		// Removed for low accuracy with `l` Links still staked: they are unstaked and its
		// deposit returned.
		let owner = hypernode::<T>(0);
		for _ in 1..l {
			let link = T::BenchmarkHelper::link(&owner);
			Sla::<T>::do_stake(&owner, link).expect("stake");
		}
		HyperNodes::<T>::mutate(&owner, |h| {
			if let Some(h) = h {
				h.removed = true;
				h.due = 10;
				h.misses = 9;
			}
		});
		ActiveSet::<T>::remove(&owner);
		let origin = <T::AdminOrigin as frame_support::traits::EnsureOrigin<T::RuntimeOrigin>>::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, owner.clone());
		assert!(!HyperNodes::<T>::contains_key(&owner));
		Ok(())
	}

	#[benchmark]
	fn submit_report(n: Linear<1, { T::MaxReportResults::get() }>) {
		// One HyperNode: every node is assigned to it.
		let owner = hypernode::<T>(0);
		let nodes = T::BenchmarkHelper::probe_nodes(n, false);
		era_one::<T>();
		let results: Vec<(NodeId, ProbeOutcome)> =
			nodes.iter().map(|node| (*node, ProbeOutcome::Ok { latency_ms: 20 })).collect();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), 1, BoundedVec::truncate_from(results));
		assert_eq!(OracleOf::<T>::get(&owner).map(|s| s.reported), Some(n));
	}

	#[benchmark]
	fn validate_report(n: Linear<1, { T::MaxReportResults::get() }>) {
		// What `CheckReport` runs in the pool: the dispatch's checks, nothing written.
		let owner = hypernode::<T>(0);
		let nodes = T::BenchmarkHelper::probe_nodes(n, false);
		era_one::<T>();
		let results: Vec<(NodeId, ProbeOutcome)> =
			nodes.iter().map(|node| (*node, ProbeOutcome::Ok { latency_ms: 20 })).collect();
		let checked;
		#[block]
		{
			checked = Sla::<T>::check_report(&owner, 1, &results);
		}
		assert!(checked.is_ok());
	}

	#[benchmark]
	fn cancel_slash() -> Result<(), BenchmarkError> {
		for n in 0..16u32 {
			PendingSlashes::<T>::insert(1, NodeId::from(n), Perbill::from_percent(1));
			PendingSlashBases::<T>::insert(1, NodeId::from(n), 1_000 * ICNT);
		}
		let last: NodeId = 15u32.into();
		let origin = <T::SlashCancelOrigin as frame_support::traits::EnsureOrigin<
			T::RuntimeOrigin,
		>>::try_successful_origin()
		.map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1, last);
		assert_eq!(PendingSlashes::<T>::iter_prefix(1).count(), 15);
		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin = <T::AdminOrigin as frame_support::traits::EnsureOrigin<T::RuntimeOrigin>>::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, SlaParams::default());
		Ok(())
	}

	#[benchmark]
	fn on_initialize_idle() {
		era_one::<T>();
		let n = era_start::<T>(1) + 1u32.into();
		#[block]
		{
			<Sla<T> as frame_support::traits::Hooks<_>>::on_initialize(n);
		}
		assert_eq!(CurrentEra::<T>::get(), Some(1));
	}

	#[benchmark]
	fn start_era() {
		// The snapshot is copied in `on_poll` batches ([`snapshot_oracles`]): this is constant.
		active_hypernodes::<T>(ORACLE_PAGE);
		frame_system::Pallet::<T>::set_block_number(era_start::<T>(1));
		#[block]
		{
			Sla::<T>::start_era(1);
		}
		assert!(!Sla::<T>::snapshot_ready(1));
	}

	#[benchmark]
	fn snapshot_oracles(n: Linear<1, { 2 * ORACLE_PAGE }>) {
		// `n` active HyperNodes (HyperNodes of the genesis count towards it) copied in one
		// batch, over a page's end; each one's place overwritten.
		let copied = active_hypernodes::<T>(n);
		for owner in ActiveSet::<T>::iter_keys().collect::<Vec<_>>() {
			OracleOf::<T>::insert(&owner, OracleSlot::default());
		}
		frame_system::Pallet::<T>::set_block_number(era_start::<T>(1));
		Sla::<T>::start_era(1);
		let mut meter = WeightMeter::new();
		#[block]
		{
			Sla::<T>::copy_snapshot(&mut meter);
		}
		assert!(Sla::<T>::snapshot_ready(1));
		assert_eq!(EraOracleCount::<T>::get(1), copied);
	}

	#[benchmark]
	fn aggregate_nodes(n: Linear<1, 32>) {
		// A page of oracles in the era (the accuracy pages a batch touches are charged apart:
		// `accuracy_page_weight`); each node's five assigned ones all report it down, its
		// fourth failed era in a row: a slash pends.
		page_of_hypernodes::<T>();
		let nodes = T::BenchmarkHelper::probe_nodes(n, false);
		era_one::<T>();
		let count = EraOracleCount::<T>::get(1);
		let seed = EraSeeds::<T>::get(1).expect("era 1 started");
		for node in &nodes {
			let reports: Vec<(u32, ProbeOutcome)> = logic::oracles_for(&seed, *node, count)
				.into_iter()
				.map(|i| (i, ProbeOutcome::Failed(ProbeFailure::Timeout)))
				.collect();
			Reports::<T>::insert(1, node, BoundedVec::truncate_from(reports));
			let mut window = SlaWindow::default();
			for era in 0..3 {
				window.record(era, EraVerdict::Failed);
			}
			NodeSla::<T>::insert(node, window);
			let cluster = T::Targets::probe_target(*node).expect("probed").cluster;
			ClusterUtilization::<T>::insert(cluster, (1, Perbill::zero()));
		}
		// More nodes follow the batch: it ends because the meter does.
		EraNodeBound::<T>::insert(1, nodes[nodes.len() - 1] + 2);
		let first = nodes[0];
		aggregating::<T>(AggregationStep::Nodes(first));
		// Exactly the batch: its fixed part, n nodes and the one accuracy page.
		let mut meter = WeightMeter::with_limit(
			T::WeightInfo::aggregate_nodes(0)
				.saturating_add(Sla::<T>::node_weight().saturating_mul(n.into()))
				.saturating_add(Sla::<T>::accuracy_page_weight()),
		);
		#[block]
		{
			Sla::<T>::aggregate(&mut meter);
		}
		assert_eq!(
			Aggregation::<T>::get(),
			Some((1, AggregationStep::Nodes(first + NodeId::from(n))))
		);
		assert_eq!(PendingSlashes::<T>::iter_prefix(1).count() as u32, n);
	}

	#[benchmark]
	fn measure_cluster() {
		// A full cluster: its usage sums every node.
		let nodes = T::BenchmarkHelper::probe_nodes(T::BenchmarkHelper::max_cluster_nodes(), false);
		let cluster = T::Targets::probe_target(nodes[0]).expect("probed").cluster;
		aggregating::<T>(AggregationStep::Nodes(nodes[0]));
		#[block]
		{
			Sla::<T>::measure_cluster(1, cluster);
		}
		assert_eq!(ClusterUtilization::<T>::get(cluster).map(|(era, _)| era), Some(1));
	}

	#[benchmark]
	fn era_budget() {
		aggregating::<T>(AggregationStep::Budget);
		let mut meter = WeightMeter::with_limit(T::WeightInfo::era_budget());
		#[block]
		{
			Sla::<T>::aggregate(&mut meter);
		}
		assert!(EraRewards::<T>::get(1).node_budget > 0);
	}

	#[benchmark]
	fn reward_nodes(n: Linear<1, 32>) {
		// n nodes, each with a delegator (its delegators' part moves into the pot and is
		// credited to its pool, however many delegate) and under-collateralized after a
		// slash: the provider's part goes into its collateral (a hold, the record written).
		let nodes = T::BenchmarkHelper::probe_nodes(n, true);
		T::Currency::mint_into(&T::Pool::account(), 1_000_000 * ICNT).expect("pool funded");
		for node in &nodes {
			T::Slashing::slash(*node, Perbill::from_percent(10)).expect("slashed");
			RewardPoints::<T>::insert(1, node, 1_000_000_000);
		}
		EraRewards::<T>::insert(
			1,
			EraReward {
				capacity_points: u128::from(n) * 1_000_000_000,
				node_budget: 1_000 * ICNT,
				..Default::default()
			},
		);
		aggregating::<T>(AggregationStep::NodeRewards);
		let mut meter = WeightMeter::with_limit(T::WeightInfo::reward_nodes(n));
		#[block]
		{
			Sla::<T>::aggregate(&mut meter);
		}
		assert_eq!(RewardPoints::<T>::iter_prefix(1).count(), 0);
		assert!(EraRewards::<T>::get(1).node_paid > 0);
	}

	#[benchmark]
	fn reward_hypernode() {
		// A full page of oracles (one page is read, whatever their number); the last one is
		// paid, then removed for low accuracy (its owner and key recorded for the cool-down).
		let active = page_of_hypernodes::<T>();
		era_one::<T>();
		let (owner, _) = Sla::<T>::oracle_at(1, active.saturating_sub(1)).expect("an oracle");
		let min = Params::<T>::get().min_reports_for_accuracy.max(1);
		EraAccuracyPages::<T>::insert(
			1,
			0,
			BoundedVec::truncate_from(alloc::vec![(min, 0u32); active as usize]),
		);
		HyperNodes::<T>::mutate(&owner, |h| {
			if let Some(h) = h {
				h.due = min.saturating_mul(9);
				h.misses = min.saturating_mul(2);
			}
		});
		T::Currency::mint_into(&T::Pool::account(), 1_000_000 * ICNT).expect("pool funded");
		EraRewards::<T>::mutate(1, |r| r.hypernode_budget = 1_000 * ICNT);
		aggregating::<T>(AggregationStep::HyperNodeRewards(active.saturating_sub(1)));
		let mut meter = WeightMeter::with_limit(T::WeightInfo::reward_hypernode());
		#[block]
		{
			Sla::<T>::aggregate(&mut meter);
		}
		assert!(EraRewards::<T>::get(1).hypernode_paid > 0);
		assert!(HyperNodes::<T>::get(&owner).is_some_and(|h| h.removed));
	}

	#[benchmark]
	fn apply_slash() {
		// Worst case: the own collateral is gone already, so the slash takes from every
		// delegator of the node.
		let node = T::BenchmarkHelper::probe_nodes(1, true)[0];
		T::Slashing::slash(node, Perbill::from_percent(100)).expect("pre-slash");
		PendingSlashes::<T>::insert(1, node, Perbill::from_percent(100));
		PendingSlashBases::<T>::insert(1, node, T::Slashing::slash_base(node));
		frame_system::Pallet::<T>::set_block_number(era_start::<T>(3));
		CurrentEra::<T>::put(3);
		Aggregation::<T>::put((2, AggregationStep::Slashes));
		// The step charges its own weight and the slash's (see `slash_step_weight`).
		let mut meter = WeightMeter::with_limit(Sla::<T>::slash_step_weight());
		#[block]
		{
			Sla::<T>::aggregate(&mut meter);
		}
		assert!(PendingSlashes::<T>::iter_prefix(1).next().is_none());
	}

	#[benchmark]
	fn finalize_era() {
		// Constant: the era's accuracy pages (as many as it can have) and reward accounting
		// dropped; its HyperNodes were settled one by one before.
		for page in 0..Sla::<T>::max_pages() {
			EraAccuracyPages::<T>::insert(
				2,
				page,
				BoundedVec::truncate_from(alloc::vec![(1u32, 0u32); ORACLE_PAGE as usize]),
			);
		}
		EraOracleCount::<T>::insert(2, T::MaxHyperNodes::get());
		EraRewards::<T>::insert(2, EraReward { hypernode_budget: 1, ..Default::default() });
		frame_system::Pallet::<T>::set_block_number(era_start::<T>(3));
		CurrentEra::<T>::put(3);
		Aggregation::<T>::put((2, AggregationStep::Finalize));
		let mut meter = WeightMeter::with_limit(T::WeightInfo::finalize_era());
		#[block]
		{
			Sla::<T>::aggregate(&mut meter);
		}
		assert_eq!(FinalizedEra::<T>::get(), Some(2));
		assert_eq!(EraAccuracyPages::<T>::iter_prefix(2).count(), 0);
	}

	impl_benchmark_test_suite!(Sla, crate::mock::new_test_ext(), crate::mock::Test);
}
