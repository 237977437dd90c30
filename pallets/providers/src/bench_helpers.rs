//! Set-up helpers for the benchmarks of pallets built on this one (the marketplace, the SLA
//! oracle): bookable nodes with their collateral and delegators.

use super::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use icn_primitives::currency::ICNT;

/// Registers `nodes` fully collateralized nodes of `units` units in `cluster`, each by its
/// own new provider, priced 1 ICNT (+1 planck per node) per unit-era, with a delegator if
/// `delegators` (its pool is paid as one, however many delegate); returns their ids.
pub fn bookable_nodes<T: Config>(
	cluster: ClusterId,
	nodes: u32,
	units: u32,
	delegators: bool,
) -> alloc::vec::Vec<NodeId> {
	let cluster_info = Clusters::<T>::get(cluster).expect("benchmark cluster exists");
	let region = Regions::<T>::get(cluster_info.region).expect("benchmark region exists");
	let location = *region.countries.first().expect("region has a country");
	let per_unit = region.collateral_per_unit;
	(0..nodes)
		.map(|i| {
			let hp: T::AccountId = frame_benchmarking::account("bench-hp", i, 7);
			T::Currency::set_balance(
				&hp,
				per_unit.saturating_mul(units.into()).saturating_add(1_000_000 * ICNT),
			);
			let id = NextNodeId::<T>::get();
			let spec = NodeSpec::new(cluster, units)
				.with_location(location)
				.with_endpoint("https://s3.example.com/bench")
				.with_price(ICNT.saturating_add(i.into()).min(cluster_info.max_price));
			Pallet::<T>::register_node(
				RawOrigin::Signed(hp).into(),
				spec,
				per_unit.saturating_mul(units.into()),
				BoundedVec::new(),
			)
			.expect("benchmark node registers");
			if delegators {
				delegate::<T>(id, 1);
			}
			id
		})
		.collect()
}

/// Fills `cluster` up to the most nodes a cluster may have with bookable one-unit nodes at
/// the cluster's maximum price (dearer than any other, so a quote reads them all and
/// needs none of them: its worst case).
pub fn fill_cluster<T: Config>(cluster: ClusterId) {
	let cluster_info = Clusters::<T>::get(cluster).expect("benchmark cluster exists");
	let region = Regions::<T>::get(cluster_info.region).expect("benchmark region exists");
	let location = *region.countries.first().expect("region has a country");
	let present = ClusterNodes::<T>::decode_len(cluster).unwrap_or(0) as u32;
	for i in present..T::MaxNodesPerCluster::get() {
		let hp: T::AccountId = frame_benchmarking::account("bench-filler", i, 7);
		T::Currency::set_balance(&hp, region.collateral_per_unit.saturating_add(1_000_000 * ICNT));
		let spec = NodeSpec::new(cluster, 1)
			.with_location(location)
			.with_endpoint("https://s3.example.com/filler")
			.with_audit(AuditObject::new("audit/object.bin", 4096, [2; 32]))
			.with_price(cluster_info.max_price);
		Pallet::<T>::register_node(
			RawOrigin::Signed(hp).into(),
			spec,
			region.collateral_per_unit,
			BoundedVec::new(),
		)
		.expect("filler node registers");
	}
}

/// Adds `d` delegators of the minimum delegation to `node`, each a new funded account.
pub fn delegate<T: Config>(node: NodeId, d: u32) {
	let min = Params::<T>::get().min_delegation.max(ICNT);
	let first = DelegationPools::<T>::get(node).map(|p| p.delegators).unwrap_or(0);
	for i in first..first.saturating_add(d) {
		let seed = u32::try_from(node).unwrap_or(u32::MAX).wrapping_mul(1000).wrapping_add(i);
		let who: T::AccountId = frame_benchmarking::account("bench-delegator", seed, 7);
		T::Currency::set_balance(&who, min.saturating_mul(10));
		Pallet::<T>::delegate(RawOrigin::Signed(who).into(), node, min)
			.expect("benchmark delegation");
	}
}
