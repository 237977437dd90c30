//! Benchmarks of every call and of the functions other pallets call (slash, set_failing,
//! reserve, eligible_nodes, pay_node), at their worst cases.

use super::*;
use crate::Pallet as Providers;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use icn_primitives::currency::ICNT;
use sp_runtime::{traits::Bounded, Perbill};

const PER_UNIT: Balance = 1_000 * ICNT;
const SEED: u32 = 0;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	T::Currency::set_balance(&who, 1_000_000_000 * ICNT);
	who
}

fn name(s: &[u8]) -> Name {
	BoundedVec::truncate_from(s.to_vec())
}

fn countries<T: Config>(c: u32) -> BoundedVec<CountryCode, T::MaxCountries> {
	let codes: Vec<CountryCode> = (0..c)
		.map(|i| CountryCode([b'A' + (i / 26 % 26) as u8, b'A' + (i % 26) as u8]))
		.collect();
	BoundedVec::truncate_from(codes)
}

/// A region listing `DE` and a storage cluster in it; returns the cluster.
fn topology<T: Config>() -> ClusterId {
	let region = NextRegionId::<T>::get();
	let mut c = countries::<T>(T::MaxCountries::get().saturating_sub(1)).into_inner();
	c.insert(0, CountryCode(*b"DE"));
	Providers::<T>::create_region(
		RawOrigin::Root.into(),
		name(b"EU-W"),
		BoundedVec::truncate_from(c),
		PER_UNIT,
		Perbill::one(),
	)
	.expect("region");
	let cluster = NextClusterId::<T>::get();
	Providers::<T>::create_cluster(
		RawOrigin::Root.into(),
		region,
		name(b"FRA-1"),
		ResourceKind::Storage,
		10 * ICNT,
		500,
	)
	.expect("cluster");
	cluster
}

fn spec(cluster: ClusterId, capacity: u32) -> NodeSpec {
	let endpoint =
		"https://s3.eu-central-1.example.com/icn-benchmark-bucket/some/longer/path/prefix";
	NodeSpec::new(cluster, capacity)
		.with_endpoint(endpoint)
		.with_audit(AuditObject::new(
			"audit/object-0123456789abcdef.bin",
			64 * 1024 * 1024,
			[7; 32],
		))
		.with_price(5 * ICNT)
}

/// `l` fresh Links owned by `who`.
fn links<T: Config>(who: &T::AccountId, l: u32) -> BoundedVec<LinkId, T::MaxLinksPerNode> {
	let ids: Vec<LinkId> = (0..l)
		.map(|_| {
			let id = NextLinkId::<T>::get();
			Providers::<T>::do_mint_link(who).expect("mint");
			id
		})
		.collect();
	BoundedVec::truncate_from(ids)
}

/// A fully collateralized node of `provider` backed by `l` Links and ICNT for the rest.
fn node<T: Config>(provider: &T::AccountId, cluster: ClusterId, l: u32) -> NodeId {
	let value = Params::<T>::get().link_collateral_value;
	// Enough capacity for the Links to count in full.
	let capacity = (value.saturating_mul(l.into()) / PER_UNIT) as u32 + 10;
	let own = PER_UNIT * Balance::from(capacity) - value * Balance::from(l);
	let id = NextNodeId::<T>::get();
	let links = links::<T>(provider, l);
	Providers::<T>::register_node(
		RawOrigin::Signed(provider.clone()).into(),
		spec(cluster, capacity),
		own,
		links,
	)
	.expect("register");
	id
}

fn delegators<T: Config>(node: NodeId, d: u32) {
	let amount = Params::<T>::get().min_delegation.max(ICNT);
	for i in 0..d {
		let who = funded::<T>("delegator", i);
		Providers::<T>::delegate(RawOrigin::Signed(who).into(), node, amount).expect("delegate");
	}
}

/// `who` delegates 1,000 ICNT to `node` next to another delegator, then the node's
/// delegators are credited a reward and slashed: settling `who`'s delegation pays its part
/// of the slash to the treasury and moves its rewards into `unclaimed` (the worst case of
/// every call that settles a delegation).
fn owing<T: Config>(node: NodeId, who: &T::AccountId) {
	delegators::<T>(node, 1);
	Providers::<T>::delegate(RawOrigin::Signed(who.clone()).into(), node, 1_000 * ICNT)
		.expect("delegate");
	let pot = Providers::<T>::pot();
	T::Currency::set_balance(&pot, T::Currency::minimum_balance().saturating_add(100 * ICNT));
	Providers::<T>::do_credit_delegators(node, 100 * ICNT).expect("credit");
	let backing = Nodes::<T>::get(node).map(|n| Providers::<T>::backing(&n)).expect("node");
	Providers::<T>::do_slash_from(node, Perbill::one(), backing.saturating_add(10 * ICNT))
		.expect("slash");
}

fn set_block<T: Config>(n: BlockNumberFor<T>) {
	frame_system::Pallet::<T>::set_block_number(n);
}

fn last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(<T as frame_system::Config>::RuntimeEvent::from(
		event,
	));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_region(c: Linear<1, { T::MaxCountries::get() }>) {
		let countries = countries::<T>(c);
		let region = NextRegionId::<T>::get();
		#[extrinsic_call]
		_(
			RawOrigin::Root,
			name(b"REGION-NAME-OF-32-BYTES-XXXXXXXX"),
			countries,
			PER_UNIT,
			Perbill::one(),
		);
		last_event::<T>(Event::RegionCreated { region });
	}

	#[benchmark]
	fn update_region(c: Linear<1, { T::MaxCountries::get() }>) {
		let cluster = topology::<T>();
		let region = Clusters::<T>::get(cluster).expect("cluster").region;
		let countries = countries::<T>(c);
		#[extrinsic_call]
		_(RawOrigin::Root, region, countries, 2 * PER_UNIT, Perbill::one());
		last_event::<T>(Event::RegionUpdated { region });
	}

	#[benchmark]
	fn create_cluster() {
		let cluster = topology::<T>();
		let region = Clusters::<T>::get(cluster).expect("cluster").region;
		#[extrinsic_call]
		_(
			RawOrigin::Root,
			region,
			name(b"CLUSTER-NAME-OF-32-BYTES-XXXXXXX"),
			ResourceKind::Storage,
			ICNT,
			100,
		);
		last_event::<T>(Event::ClusterCreated { cluster: cluster + 1, region });
	}

	#[benchmark]
	fn update_cluster() {
		let cluster = topology::<T>();
		#[extrinsic_call]
		_(RawOrigin::Root, cluster, 2 * ICNT, 200);
		last_event::<T>(Event::ClusterUpdated { cluster });
	}

	#[benchmark]
	fn set_params() {
		let params = ProviderParams::default();
		#[extrinsic_call]
		_(RawOrigin::Root, params.clone());
		last_event::<T>(Event::ParamsSet { params });
	}

	#[benchmark]
	fn mint_link() {
		let owner: T::AccountId = account("owner", 0, SEED);
		let link = NextLinkId::<T>::get();
		#[extrinsic_call]
		_(RawOrigin::Root, owner.clone());
		last_event::<T>(Event::LinkMinted { link, owner });
	}

	#[benchmark]
	fn register_node(l: Linear<0, { T::MaxLinksPerNode::get() }>) {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let value = Params::<T>::get().link_collateral_value;
		let capacity = (value.saturating_mul(l.into()) / PER_UNIT) as u32 + 10;
		let own = PER_UNIT * Balance::from(capacity) - value * Balance::from(l);
		let links = links::<T>(&provider, l);
		let id = NextNodeId::<T>::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), spec(cluster, capacity), own, links);
		assert_eq!(Nodes::<T>::get(id).expect("node").status, NodeStatus::Active);
	}

	#[benchmark]
	fn add_collateral(l: Linear<0, { T::MaxLinksPerNode::get() }>) {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		let links = links::<T>(&provider, l);
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), id, PER_UNIT, links);
		assert_eq!(Nodes::<T>::get(id).expect("node").links.len() as u32, l);
	}

	#[benchmark]
	fn update_node() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		let s = spec(cluster, 5);
		let update = NodeUpdate {
			capacity: Some(5),
			reservation_price: Some(ICNT),
			endpoint: Some(s.endpoint),
			audit: Some(s.audit),
			commission: Some(Perbill::from_percent(3)),
		};
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), id, update);
		last_event::<T>(Event::NodeUpdated { node: id });
	}

	#[benchmark]
	fn extend_commitment() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), id, 2);
	}

	#[benchmark]
	fn delegate() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		let who = funded::<T>("delegator", 10_000);
		owing::<T>(id, &who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), id, 1_000 * ICNT);
		last_event::<T>(Event::Delegated { node: id, delegator: who, amount: 1_000 * ICNT });
	}

	#[benchmark]
	fn undelegate() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		let who = funded::<T>("delegator", 10_000);
		owing::<T>(id, &who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, 100 * ICNT);
	}

	#[benchmark]
	fn withdraw_unbonded() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		let who = funded::<T>("delegator", 10_000);
		owing::<T>(id, &who);
		let all = Providers::<T>::delegation_info(id, &who).expect("delegation").active;
		Providers::<T>::undelegate(RawOrigin::Signed(who.clone()).into(), id, all)
			.expect("undelegate");
		set_block::<T>(BlockNumberFor::<T>::max_value() / 2u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), id);
		assert!(Delegations::<T>::get(id, &who).is_none());
	}

	#[benchmark]
	fn claim_rewards() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		let who = funded::<T>("delegator", 10_000);
		owing::<T>(id, &who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), id);
		assert_eq!(Providers::<T>::delegation_info(id, &who).expect("delegation").claimable, 0);
	}

	#[benchmark]
	fn apply_slash() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		let who = funded::<T>("delegator", 10_000);
		owing::<T>(id, &who);
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), id, who.clone());
		assert_eq!(
			Providers::<T>::delegation_info(id, &who).expect("delegation").unapplied_slash,
			0
		);
	}

	#[benchmark]
	fn start_exit() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		set_block::<T>(BlockNumberFor::<T>::max_value() / 4u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), id);
	}

	#[benchmark]
	fn finish_exit(l: Linear<0, { T::MaxLinksPerNode::get() }>) {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, l);
		delegators::<T>(id, 1);
		set_block::<T>(BlockNumberFor::<T>::max_value() / 4u32.into());
		Providers::<T>::start_exit(RawOrigin::Signed(provider.clone()).into(), id).expect("exit");
		set_block::<T>(BlockNumberFor::<T>::max_value() / 2u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), id);
		assert!(Nodes::<T>::get(id).is_none());
	}

	#[benchmark]
	fn slash(l: Linear<0, { T::MaxLinksPerNode::get() }>) {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, l);
		delegators::<T>(id, 1);
		// Everything pays: own ICNT, then every Link, then the delegators' pool.
		let delegated = DelegationPools::<T>::get(id).expect("pool").value;
		let base = Nodes::<T>::get(id)
			.map(|n| Providers::<T>::backing(&n).saturating_add(delegated))
			.expect("node");
		#[block]
		{
			Providers::<T>::do_slash_from(id, Perbill::one(), base).expect("slash");
		}
		let n = Nodes::<T>::get(id).expect("node");
		let pool = DelegationPools::<T>::get(id).expect("pool");
		assert_eq!((n.collateral, n.links.len(), pool.value), (0, 0, 0));
	}

	#[benchmark]
	fn set_failing() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		#[block]
		{
			<Providers<T> as ProviderSlashing>::set_failing(id, true).expect("failing");
		}
		assert_eq!(Nodes::<T>::get(id).expect("node").status, NodeStatus::Failing);
	}

	#[benchmark]
	fn reserve() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		#[block]
		{
			<Providers<T> as CapacityLedger<T::AccountId>>::reserve(id, 1).expect("reserve");
		}
		assert_eq!(Nodes::<T>::get(id).expect("node").booked, 1);
	}

	#[benchmark]
	fn eligible_nodes(n: Linear<1, { T::MaxNodesPerCluster::get() }>) {
		let cluster = topology::<T>();
		for i in 0..n {
			let provider = funded::<T>("provider", i);
			node::<T>(&provider, cluster, 0);
		}
		let offers;
		#[block]
		{
			offers = <Providers<T> as CapacityLedger<T::AccountId>>::eligible_nodes(cluster);
		}
		assert_eq!(offers.len() as u32, n);
	}

	#[benchmark]
	fn pay_node() {
		let cluster = topology::<T>();
		let provider = funded::<T>("provider", 0);
		let id = node::<T>(&provider, cluster, 0);
		Providers::<T>::do_slash(id, Perbill::from_percent(10)).expect("slash");
		let payer = funded::<T>("payer", 0);
		#[block]
		{
			<Providers<T> as NodeRewards<T::AccountId>>::pay_node(id, &payer, ICNT).expect("pay");
		}
		assert_eq!(Nodes::<T>::get(id).expect("node").status, NodeStatus::UnderCollateralized);
	}

	impl_benchmark_test_suite!(Providers, crate::mock::new_test_ext(), crate::mock::Test);
}
