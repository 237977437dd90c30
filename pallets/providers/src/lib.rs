//! # Hardware providers (protocol §3, §5)
//!
//! Hardware Providers (HPs) contribute enterprise storage to clusters of regions; this
//! pallet keeps the topology, the nodes, their collateral and their delegations.
//!
//! - **Topology** (root): regions carry an ISO 3166 country list, the collateral per
//!   capacity unit and a reward weight; clusters carry their resource kind, maximum price per
//!   unit-era and SLA latency bound.
//! - **Nodes**: any account registers a node in a cluster with its capacity, location,
//!   storage endpoint (validated; private hosts only where the chain allows them), audit
//!   object, reservation price, hardware class and a 36-month commitment.
//! - **Collateral**: `collateral_per_unit × capacity`, 100 % before the node is `Active`:
//!   ICNT held with the `HpCollateral` hold, and ICN Link NFTs counted at
//!   `link_collateral_value` each, locked while they back the node.
//! - **Delegation**: ICNT held with `HpDelegation`; undelegated ICNT stays held and
//!   slashable through the unbonding delay.
//! - **Life cycle**: `Registered → Active → (Failing / UnderCollateralized) → Exiting →`
//!   removed. Exit needs the commitment over and nothing booked; funds come back after the
//!   unbonding delay, longer than the slashing exposure window.
//! - **For other pallets** ([`icn_primitives::providers`]): [`ProviderSlashing`] (own
//!   ICNT first, then own Links, then delegators pro rata, all to the Protocol Treasury
//!   with `transfer_on_hold` — nothing minted or burned; a Link's value beyond the due comes
//!   back as held ICNT), [`CapacityLedger`] (free capacity,
//!   reserve/release, eligible nodes cheapest first) and [`NodeRewards`] (shares, payment
//!   with diversion into collateral while under-collateralized).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(test)]
mod attacks;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod endpoint;
pub mod links;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

/// Set-up helpers for the benchmarks of pallets built on this one (the marketplace, the SLA
/// oracle): bookable nodes with their collateral and delegators.
#[cfg(feature = "runtime-benchmarks")]
pub mod bench_helpers {
	use super::*;
	use frame_support::{
		traits::{fungible::Mutate, Get},
		BoundedVec,
	};
	use frame_system::RawOrigin;
	use icn_primitives::currency::ICNT;

	/// Registers `nodes` fully collateralized nodes of `units` units in `cluster`, each by its
	/// own new provider, priced 1 ICNT (+1 planck per node) per unit-era, with the most
	/// delegators a node may have if `delegators`; returns their ids.
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
				let spec = NodeSpec {
					cluster,
					capacity: units,
					location,
					endpoint: BoundedVec::truncate_from(b"https://s3.example.com/bench".to_vec()),
					audit: AuditObject {
						path: BoundedVec::truncate_from(b"audit/object.bin".to_vec()),
						size: 4096,
						chunk_size: AUDIT_CHUNK_SIZE,
						root: [1; 32],
					},
					reservation_price: ICNT.saturating_add(i.into()).min(cluster_info.max_price),
					hardware: HardwareClass::Enterprise,
					commission: sp_runtime::Perbill::from_percent(10),
				};
				Pallet::<T>::register_node(
					RawOrigin::Signed(hp).into(),
					spec,
					per_unit.saturating_mul(units.into()),
					BoundedVec::new(),
				)
				.expect("benchmark node registers");
				if delegators {
					delegate::<T>(id, T::MaxDelegatorsPerNode::get());
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
			T::Currency::set_balance(
				&hp,
				region.collateral_per_unit.saturating_add(1_000_000 * ICNT),
			);
			let spec = NodeSpec {
				cluster,
				capacity: 1,
				location,
				endpoint: BoundedVec::truncate_from(b"https://s3.example.com/filler".to_vec()),
				audit: AuditObject {
					path: BoundedVec::truncate_from(b"audit/object.bin".to_vec()),
					size: 4096,
					chunk_size: AUDIT_CHUNK_SIZE,
					root: [2; 32],
				},
				reservation_price: cluster_info.max_price,
				hardware: HardwareClass::Enterprise,
				commission: sp_runtime::Perbill::from_percent(10),
			};
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
		let first = Nodes::<T>::get(node).map(|n| n.delegators).unwrap_or(0);
		for i in first..first.saturating_add(d) {
			let seed = u32::try_from(node).unwrap_or(u32::MAX).wrapping_mul(1000).wrapping_add(i);
			let who: T::AccountId = frame_benchmarking::account("bench-delegator", seed, 7);
			T::Currency::set_balance(&who, min.saturating_mul(10));
			Pallet::<T>::delegate(RawOrigin::Signed(who).into(), node, min)
				.expect("benchmark delegation");
		}
	}
}

pub use icn_primitives::providers::{
	CapacityLedger, ClusterId, EraIndex, LinkId, LinkRegistry, NodeId, NodeOffer, NodeRewards,
	ProbeTarget, ProviderSlashing, RegionId, RewardShares, SlaTargets, SlashOutcome, SlashQueue,
};
pub use links::NftLinks;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use icn_primitives::{
	clock::{ChainClock, EraLengthCheck, MONTH_SCALE},
	Balance,
};

/// The shortest unbonding delay, in eras: a failure in era `e` is aggregated during `e + 1`,
/// its slash pends there and is applied when `e + 1` is aggregated, during `e + 2`; one era
/// more is the margin for an aggregation that runs late. Stake still unbonding when the slash
/// lands pays its part (and exits and withdrawals also wait for pending slashes).
pub const MIN_UNBONDING_ERAS: u32 = 4;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::{string::String, vec::Vec};
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Preservation, Restriction},
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		helpers_128bit::multiply_by_rational_with_rounding,
		traits::{AccountIdConversion, Saturating, UniqueSaturatedInto, Zero},
		Perbill, Rounding,
	};

	/// The in-code storage version.
	/// 1: `ProviderParams` has `max_commission` ([`migrations::v1`]).
	/// 2: `ProviderParams` has `audit_bytes_per_unit` ([`migrations::v2`]).
	pub(crate) const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds ICNT.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A provider's own node collateral.
		#[codec(index = 0)]
		HpCollateral,
		/// ICNT delegated to a provider node (network collateral).
		#[codec(index = 1)]
		HpDelegation,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// ICNT: balances with holds.
		type Currency: Inspect<Self::AccountId, Balance = Balance>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;

		/// ICN Link NFTs.
		type Links: LinkRegistry<Self::AccountId>;

		/// The Protocol Treasury, where slashed ICNT and seized Links go.
		type Treasury: Get<Self::AccountId>;

		/// This pallet's id; its account owns and administers the Links collection.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The chain's era and month clocks (protocol §1): commitments count months, a node is
		/// probed from the era after it became active, and the unbonding delay must span
		/// [`MIN_UNBONDING_ERAS`] eras (the slashing exposure, §4.4).
		type Clock: ChainClock;

		/// The most countries a region lists.
		#[pallet::constant]
		type MaxCountries: Get<u32>;

		/// The most Links backing one node.
		#[pallet::constant]
		type MaxLinksPerNode: Get<u32>;

		/// The most nodes in one cluster.
		#[pallet::constant]
		type MaxNodesPerCluster: Get<u32>;
		/// Slashes pending for a node (the SLA oracle): exits and withdrawals wait for them.
		type SlashQueue: SlashQueue;

		/// The most nodes of one provider.
		#[pallet::constant]
		type MaxNodesPerProvider: Get<u32>;

		/// The most delegators of one node.
		#[pallet::constant]
		type MaxDelegatorsPerNode: Get<u32>;

		/// The most chunks of an audit object (its `.hashes` object is 32 bytes per chunk).
		#[pallet::constant]
		type MaxAuditChunks: Get<u32>;

		/// Weights of this pallet's calls and of the functions other pallets call.
		type WeightInfo: WeightInfo;
	}

	/// The regions.
	#[pallet::storage]
	pub type Regions<T: Config> = StorageMap<_, Blake2_128Concat, RegionId, Region<T>>;

	/// The id the next region gets.
	#[pallet::storage]
	pub type NextRegionId<T> = StorageValue<_, RegionId, ValueQuery>;

	/// The clusters.
	#[pallet::storage]
	pub type Clusters<T> = StorageMap<_, Blake2_128Concat, ClusterId, Cluster>;

	/// The id the next cluster gets.
	#[pallet::storage]
	pub type NextClusterId<T> = StorageValue<_, ClusterId, ValueQuery>;

	/// The nodes.
	#[pallet::storage]
	pub type Nodes<T: Config> = StorageMap<_, Blake2_128Concat, NodeId, Node<T>>;

	/// The id the next node gets.
	#[pallet::storage]
	pub type NextNodeId<T> = StorageValue<_, NodeId, ValueQuery>;

	/// A raise of a node's commission and the block from which it applies (the unbonding
	/// delay after it was asked for, so delegators can leave first).
	#[pallet::storage]
	pub type PendingCommission<T: Config> =
		StorageMap<_, Twox64Concat, NodeId, (Perbill, BlockNumberFor<T>)>;

	/// The first era each node is probed in: the era after it first became probe-able
	/// (fully collateralized). No entry: probed since before this was recorded.
	#[pallet::storage]
	pub type ProbedFrom<T> = StorageMap<_, Twox64Concat, NodeId, EraIndex>;

	/// The nodes of each cluster.
	#[pallet::storage]
	pub type ClusterNodes<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		ClusterId,
		BoundedVec<NodeId, T::MaxNodesPerCluster>,
		ValueQuery,
	>;

	/// The nodes of each provider.
	#[pallet::storage]
	pub type ProviderNodes<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<NodeId, T::MaxNodesPerProvider>,
		ValueQuery,
	>;

	/// Delegations: node → delegator → stake.
	#[pallet::storage]
	pub type Delegations<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		NodeId,
		Blake2_128Concat,
		T::AccountId,
		Delegation<BlockNumberFor<T>>,
	>;

	/// The node each locked Link backs.
	#[pallet::storage]
	pub type LinkBacking<T> = StorageMap<_, Blake2_128Concat, LinkId, NodeId>;

	/// The id the next minted Link gets.
	#[pallet::storage]
	pub type NextLinkId<T> = StorageValue<_, LinkId, ValueQuery>;

	/// The protocol parameters.
	#[pallet::storage]
	pub type Params<T> = StorageValue<_, ProviderParams, ValueQuery>;

	/// A region of the genesis.
	#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
	#[serde(rename_all = "camelCase", deny_unknown_fields)]
	pub struct RegionGenesis {
		/// Its name (`EU-W`).
		pub name: String,
		/// ISO 3166-1 alpha-2 codes (`DE`).
		pub countries: Vec<String>,
		/// Collateral per capacity unit, planck.
		pub collateral_per_unit: Balance,
		/// Reward weight.
		pub reward_weight: Perbill,
	}

	/// A cluster of the genesis.
	#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
	#[serde(rename_all = "camelCase", deny_unknown_fields)]
	pub struct ClusterGenesis {
		/// Its region (index in the genesis regions).
		pub region: RegionId,
		/// Its name (`FRA-1`).
		pub name: String,
		/// What it sells.
		pub kind: ResourceKind,
		/// Maximum price per unit-era, planck.
		pub max_price: Balance,
		/// Latency bound, ms.
		pub latency_bound_ms: u32,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Protocol parameters (`None`: the production defaults).
		pub params: Option<ProviderParams>,
		/// Regions, ids 0, 1, … in order.
		pub regions: Vec<RegionGenesis>,
		/// Clusters, ids 0, 1, … in order.
		pub clusters: Vec<ClusterGenesis>,
		/// ICN Links minted at genesis: each account receives that many.
		pub links: Vec<(T::AccountId, u32)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.params {
				if let Err(e) = Pallet::<T>::check_params(params) {
					panic!("invalid provider parameters {params:?}: {e:?}");
				}
				Params::<T>::put(params);
			}
			if let Err(e) = T::Links::create_collection(&Pallet::<T>::account_id()) {
				panic!("creating the ICN Links collection failed: {e:?}");
			}
			for r in &self.regions {
				let name: Name = r
					.name
					.as_bytes()
					.to_vec()
					.try_into()
					.unwrap_or_else(|_| panic!("region name {:?} is too long", r.name));
				let countries: Vec<CountryCode> = r
					.countries
					.iter()
					.map(|c| match c.as_bytes() {
						[a, b] if CountryCode([*a, *b]).is_well_formed() => CountryCode([*a, *b]),
						_ => panic!("region {:?}: {c:?} is not an ISO 3166 alpha-2 code", r.name),
					})
					.collect();
				let countries = countries
					.try_into()
					.unwrap_or_else(|_| panic!("region {:?} lists too many countries", r.name));
				Pallet::<T>::insert_region(Region {
					name,
					countries,
					collateral_per_unit: r.collateral_per_unit,
					reward_weight: r.reward_weight,
				});
			}
			for c in &self.clusters {
				assert!(
					Regions::<T>::contains_key(c.region),
					"cluster {:?}: unknown region {}",
					c.name,
					c.region
				);
				let name: Name = c
					.name
					.as_bytes()
					.to_vec()
					.try_into()
					.unwrap_or_else(|_| panic!("cluster name {:?} is too long", c.name));
				Pallet::<T>::insert_cluster(Cluster {
					region: c.region,
					name,
					kind: c.kind,
					max_price: c.max_price,
					latency_bound_ms: c.latency_bound_ms,
				});
			}
			for (who, count) in &self.links {
				for _ in 0..*count {
					if let Err(e) = Pallet::<T>::do_mint_link(who) {
						panic!("minting a genesis Link to {who:?} failed: {e:?}");
					}
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A region was created.
		RegionCreated { region: RegionId },
		/// A region's countries or parameters changed.
		RegionUpdated { region: RegionId },
		/// A cluster was created.
		ClusterCreated { cluster: ClusterId, region: RegionId },
		/// A cluster's price or latency bound changed.
		ClusterUpdated { cluster: ClusterId },
		/// The protocol parameters changed.
		ParamsSet { params: ProviderParams },
		/// An ICN Link was minted.
		LinkMinted { link: LinkId, owner: T::AccountId },
		/// A node was registered.
		NodeRegistered { node: NodeId, provider: T::AccountId, cluster: ClusterId, capacity: u32 },
		/// Collateral was added to a node: ICNT held and Links locked.
		CollateralAdded { node: NodeId, amount: Balance, links: Vec<LinkId> },
		/// A node's status changed.
		NodeStatusChanged { node: NodeId, status: NodeStatus<BlockNumberFor<T>> },
		/// A node's capacity, price, endpoint, audit object or commission changed.
		NodeUpdated { node: NodeId },
		/// A node's commission rises to `commission` from block `at` (a lower one applies at
		/// once).
		CommissionScheduled { node: NodeId, commission: Perbill, at: BlockNumberFor<T> },
		/// A node's commitment was extended.
		CommitmentExtended { node: NodeId, until: BlockNumberFor<T> },
		/// ICNT was delegated to a node.
		Delegated { node: NodeId, delegator: T::AccountId, amount: Balance },
		/// A delegation started unbonding.
		Undelegated {
			node: NodeId,
			delegator: T::AccountId,
			amount: Balance,
			unlock_at: BlockNumberFor<T>,
		},
		/// Unbonded ICNT was released to the delegator.
		Withdrawn { node: NodeId, delegator: T::AccountId, amount: Balance },
		/// A node started its exit.
		NodeExiting { node: NodeId, unlock_at: BlockNumberFor<T> },
		/// A node left: its collateral, Links and delegations were released.
		NodeExited { node: NodeId, collateral: Balance, links: Vec<LinkId>, delegated: Balance },
		/// A node was slashed to the treasury.
		NodeSlashed { node: NodeId, fraction: Perbill, outcome: SlashOutcome },
		/// A delegator's stake was slashed.
		DelegatorSlashed { node: NodeId, delegator: T::AccountId, amount: Balance },
		/// The SLA oracle marked a node failing or recovered.
		NodeFailing { node: NodeId, failing: bool },
		/// Capacity of a node was booked.
		CapacityReserved { node: NodeId, units: u32 },
		/// Booked capacity of a node was freed.
		CapacityReleased { node: NodeId, units: u32 },
		/// A reward was paid to a node's provider; `diverted` of it went into collateral.
		RewardPaid { node: NodeId, amount: Balance, diverted: Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No such region.
		UnknownRegion,
		/// No such cluster.
		UnknownCluster,
		/// No such node.
		UnknownNode,
		/// A country code is not two upper-case letters.
		BadCountryCode,
		/// A region must list at least one country.
		NoCountries,
		/// A name is empty.
		EmptyName,
		/// The node's location is not one of its region's countries.
		LocationNotInRegion,
		/// The capacity is zero.
		ZeroCapacity,
		/// The endpoint is not `http://` or `https://`.
		EndpointScheme,
		/// The endpoint's host is malformed.
		EndpointHost,
		/// The endpoint's port is not 1–65535.
		EndpointPort,
		/// The endpoint has user info, a query, a fragment, `..` or bad characters.
		EndpointSyntax,
		/// The endpoint is loopback, private or link-local, and this chain does not allow it.
		PrivateEndpoint,
		/// The audit object's chunk size is not 4096.
		BadChunkSize,
		/// The audit object is empty.
		EmptyAuditObject,
		/// The audit object has more chunks than allowed.
		AuditObjectTooLarge,
		/// The audit object is smaller than the node's capacity requires
		/// (`audit_bytes_per_unit` per unit, up to the largest audit object).
		AuditObjectTooSmall,
		/// The audit path is empty, absolute, has `..`, a query, or bad characters.
		BadAuditPath,
		/// Only enterprise hardware may register.
		EnterpriseHardwareRequired,
		/// The provider has the most nodes allowed.
		TooManyNodes,
		/// The cluster has the most nodes allowed.
		ClusterFull,
		/// The node has the most Links allowed.
		TooManyLinks,
		/// A Link is listed twice.
		DuplicateLink,
		/// No such Link.
		UnknownLink,
		/// The Link belongs to someone else.
		NotLinkOwner,
		/// The Link already backs something.
		LinkInUse,
		/// Only the node's provider may do this.
		NotProvider,
		/// The node is exiting.
		NodeExiting,
		/// The node is already exiting.
		AlreadyExiting,
		/// The node is not exiting.
		NotExiting,
		/// The node's commitment has not ended.
		CommitmentNotEnded,
		/// Capacity of the node is booked.
		CapacityBooked,
		/// The collateral does not cover the capacity.
		InsufficientCollateral,
		/// An extension of zero periods.
		ZeroExtension,
		/// A delegation below the minimum.
		BelowMinimumDelegation,
		/// The node has the most delegators allowed.
		TooManyDelegators,
		/// No delegation of this account to this node.
		NotDelegated,
		/// Undelegating more than is delegated.
		NotEnoughDelegated,
		/// Nothing is unbonding.
		NothingToWithdraw,
		/// The unbonding delay has not passed.
		StillUnbonding,
		/// The node cannot be booked (not active, under-collateralized, exiting or too
		/// expensive for its cluster).
		NotBookable,
		/// Fewer free units than requested.
		InsufficientCapacity,
		/// Releasing more units than are booked.
		NotBooked,
		/// Nothing to add.
		NothingToAdd,
		/// An id counter ran out.
		Overflow,
		/// The month or commitment length overflows the block number.
		CommitmentOverflow,
		/// The unbonding delay is shorter than the slashing exposure window
		/// ([`MIN_UNBONDING_ERAS`] eras).
		UnbondingTooShort,
		/// The commitment or its extension step is zero months.
		ZeroCommitment,
		/// A slash of the node is pending: exits and withdrawals wait until it is applied (or
		/// cancelled).
		SlashPending,
		/// The commission is above the highest allowed (`max_commission`).
		CommissionTooHigh,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Creates a region (root).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_region(countries.len() as u32))]
		pub fn create_region(
			origin: OriginFor<T>,
			name: Name,
			countries: BoundedVec<CountryCode, T::MaxCountries>,
			collateral_per_unit: Balance,
			reward_weight: Perbill,
		) -> DispatchResult {
			ensure_root(origin)?;
			ensure!(!name.is_empty(), Error::<T>::EmptyName);
			Self::check_countries(&countries)?;
			let region =
				Self::insert_region(Region { name, countries, collateral_per_unit, reward_weight })
					.ok_or(Error::<T>::Overflow)?;
			Self::deposit_event(Event::RegionCreated { region });
			Ok(())
		}

		/// Changes a region's countries and parameters (root). Nodes already located in a
		/// country no longer listed keep their registration; a higher collateral per unit
		/// makes the region's nodes unbookable until topped up.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_region(countries.len() as u32))]
		pub fn update_region(
			origin: OriginFor<T>,
			region: RegionId,
			countries: BoundedVec<CountryCode, T::MaxCountries>,
			collateral_per_unit: Balance,
			reward_weight: Perbill,
		) -> DispatchResult {
			ensure_root(origin)?;
			Self::check_countries(&countries)?;
			Regions::<T>::try_mutate(region, |r| -> DispatchResult {
				let r = r.as_mut().ok_or(Error::<T>::UnknownRegion)?;
				r.countries = countries;
				r.collateral_per_unit = collateral_per_unit;
				r.reward_weight = reward_weight;
				Ok(())
			})?;
			Self::deposit_event(Event::RegionUpdated { region });
			Ok(())
		}

		/// Creates a cluster in a region (root).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::create_cluster())]
		pub fn create_cluster(
			origin: OriginFor<T>,
			region: RegionId,
			name: Name,
			kind: ResourceKind,
			max_price: Balance,
			latency_bound_ms: u32,
		) -> DispatchResult {
			ensure_root(origin)?;
			ensure!(!name.is_empty(), Error::<T>::EmptyName);
			ensure!(Regions::<T>::contains_key(region), Error::<T>::UnknownRegion);
			let cluster =
				Self::insert_cluster(Cluster { region, name, kind, max_price, latency_bound_ms })
					.ok_or(Error::<T>::Overflow)?;
			Self::deposit_event(Event::ClusterCreated { cluster, region });
			Ok(())
		}

		/// Changes a cluster's maximum price and latency bound (root).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::update_cluster())]
		pub fn update_cluster(
			origin: OriginFor<T>,
			cluster: ClusterId,
			max_price: Balance,
			latency_bound_ms: u32,
		) -> DispatchResult {
			ensure_root(origin)?;
			Clusters::<T>::try_mutate(cluster, |c| -> DispatchResult {
				let c = c.as_mut().ok_or(Error::<T>::UnknownCluster)?;
				c.max_price = max_price;
				c.latency_bound_ms = latency_bound_ms;
				Ok(())
			})?;
			Self::deposit_event(Event::ClusterUpdated { cluster });
			Ok(())
		}

		/// Sets the protocol parameters (root).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: ProviderParams) -> DispatchResult {
			ensure_root(origin)?;
			Self::check_params(&params)?;
			Params::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}

		/// Mints the next ICN Link to `owner` (root: the node sale).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::mint_link())]
		pub fn mint_link(origin: OriginFor<T>, owner: T::AccountId) -> DispatchResult {
			ensure_root(origin)?;
			Self::do_mint_link(&owner)
		}

		/// Registers a node of the caller, holding `collateral` ICNT and locking `links` as its
		/// collateral: together they must cover `collateral_per_unit × capacity`
		/// (`InsufficientCollateral` otherwise), and the node is `Active` at once.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::register_node(links.len() as u32))]
		pub fn register_node(
			origin: OriginFor<T>,
			spec: NodeSpec,
			collateral: Balance,
			links: BoundedVec<LinkId, T::MaxLinksPerNode>,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			let cluster = Clusters::<T>::get(spec.cluster).ok_or(Error::<T>::UnknownCluster)?;
			let region = Regions::<T>::get(cluster.region).ok_or(Error::<T>::UnknownRegion)?;
			ensure!(spec.capacity > 0, Error::<T>::ZeroCapacity);
			ensure!(spec.location.is_well_formed(), Error::<T>::BadCountryCode);
			ensure!(region.countries.contains(&spec.location), Error::<T>::LocationNotInRegion);
			Self::check_endpoint(&spec.endpoint)?;
			Self::check_audit(&spec.audit)?;
			Self::check_audit_covers(&spec.audit, spec.capacity)?;
			ensure!(
				spec.hardware == HardwareClass::Enterprise,
				Error::<T>::EnterpriseHardwareRequired
			);
			ensure!(
				spec.commission <= Params::<T>::get().max_commission,
				Error::<T>::CommissionTooHigh
			);
			// The whole collateral up front: a node's place in its cluster (and its storage)
			// costs what the protocol says, so nobody fills a cluster with empty nodes.
			let links_value =
				Params::<T>::get().link_collateral_value.saturating_mul(links.len() as Balance);
			ensure!(
				collateral.saturating_add(links_value)
					>= region.collateral_per_unit.saturating_mul(spec.capacity.into()),
				Error::<T>::InsufficientCollateral
			);

			let id = NextNodeId::<T>::get();
			NextNodeId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
			ProviderNodes::<T>::try_mutate(&provider, |nodes| nodes.try_push(id))
				.map_err(|_| Error::<T>::TooManyNodes)?;
			ClusterNodes::<T>::try_mutate(spec.cluster, |nodes| nodes.try_push(id))
				.map_err(|_| Error::<T>::ClusterFull)?;

			let now = frame_system::Pallet::<T>::block_number();
			let commitment_end = Self::after_months(now, Params::<T>::get().commitment_months)?;
			let mut node = Node::<T> {
				provider: provider.clone(),
				cluster: spec.cluster,
				capacity: spec.capacity,
				booked: 0,
				location: spec.location,
				endpoint: spec.endpoint,
				audit: spec.audit,
				reservation_price: spec.reservation_price,
				hardware: spec.hardware,
				commission: spec.commission,
				commitment_end,
				status: NodeStatus::Registered,
				failing: false,
				collateral: 0,
				links: BoundedVec::new(),
				delegated: 0,
				delegators: 0,
				registered_at: now,
			};
			Self::deposit_event(Event::NodeRegistered {
				node: id,
				provider,
				cluster: spec.cluster,
				capacity: spec.capacity,
			});
			if collateral > 0 || !links.is_empty() {
				Self::do_add_collateral(id, &mut node, collateral, links)?;
			}
			Self::refresh_status(id, &mut node);
			Nodes::<T>::insert(id, node);
			Ok(())
		}

		/// Adds collateral to the caller's node: `amount` ICNT held and `links` locked. A node
		/// whose collateral now covers its requirement becomes `Active` again.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::add_collateral(links.len() as u32))]
		pub fn add_collateral(
			origin: OriginFor<T>,
			node: NodeId,
			amount: Balance,
			links: BoundedVec<LinkId, T::MaxLinksPerNode>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Self::provider_node(&who, node)?;
			ensure!(!matches!(record.status, NodeStatus::Exiting { .. }), Error::<T>::NodeExiting);
			ensure!(amount > 0 || !links.is_empty(), Error::<T>::NothingToAdd);
			Self::do_add_collateral(node, &mut record, amount, links)?;
			Self::refresh_status(node, &mut record);
			Nodes::<T>::insert(node, record);
			Ok(())
		}

		/// Changes the caller's node: capacity (not below what is booked; a larger capacity
		/// must already be covered by collateral), price, endpoint, audit object, commission.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::update_node())]
		pub fn update_node(
			origin: OriginFor<T>,
			node: NodeId,
			update: NodeUpdate,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Self::provider_node(&who, node)?;
			ensure!(!matches!(record.status, NodeStatus::Exiting { .. }), Error::<T>::NodeExiting);
			// A new audit object, or more capacity, must be covered by the audit object (a
			// smaller capacity only lowers what it must cover).
			let audit_checked =
				update.audit.is_some() || update.capacity.is_some_and(|c| c > record.capacity);
			if let Some(capacity) = update.capacity {
				ensure!(capacity > 0, Error::<T>::ZeroCapacity);
				ensure!(capacity >= record.booked, Error::<T>::CapacityBooked);
				if capacity > record.capacity {
					let required = Self::collateral_for(record.cluster, capacity);
					ensure!(Self::backing(&record) >= required, Error::<T>::InsufficientCollateral);
				}
				record.capacity = capacity;
			}
			if let Some(price) = update.reservation_price {
				record.reservation_price = price;
			}
			if let Some(endpoint) = update.endpoint {
				Self::check_endpoint(&endpoint)?;
				record.endpoint = endpoint;
			}
			if let Some(audit) = update.audit {
				Self::check_audit(&audit)?;
				record.audit = audit;
			}
			if audit_checked {
				Self::check_audit_covers(&record.audit, record.capacity)?;
			}
			// A pending raise that is due applies first (and its entry goes).
			if let Some((commission, at)) = PendingCommission::<T>::get(node) {
				if frame_system::Pallet::<T>::block_number() >= at {
					record.commission = commission;
					PendingCommission::<T>::remove(node);
				}
			}
			if let Some(commission) = update.commission {
				ensure!(
					commission <= Params::<T>::get().max_commission,
					Error::<T>::CommissionTooHigh
				);
				if commission <= record.commission {
					// Lower (or the same): at once, and any raise still pending is dropped.
					record.commission = commission;
					PendingCommission::<T>::remove(node);
				} else {
					// Higher: after the unbonding delay, so its delegators can leave first.
					let at = Self::after_unbonding();
					PendingCommission::<T>::insert(node, (commission, at));
					Self::deposit_event(Event::CommissionScheduled { node, commission, at });
				}
			}
			Self::deposit_event(Event::NodeUpdated { node });
			Self::refresh_status(node, &mut record);
			Nodes::<T>::insert(node, record);
			Ok(())
		}

		/// Extends the caller's node commitment by `periods` extension steps (6 months each).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::extend_commitment())]
		pub fn extend_commitment(
			origin: OriginFor<T>,
			node: NodeId,
			periods: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Self::provider_node(&who, node)?;
			ensure!(periods > 0, Error::<T>::ZeroExtension);
			ensure!(!matches!(record.status, NodeStatus::Exiting { .. }), Error::<T>::NodeExiting);
			let months = Params::<T>::get()
				.extension_months
				.checked_mul(periods)
				.ok_or(Error::<T>::CommitmentOverflow)?;
			// An ended commitment extends from now, a running one from its end.
			let now = frame_system::Pallet::<T>::block_number();
			let from = record.commitment_end.max(now);
			record.commitment_end = Self::after_months(from, months)?;
			Self::deposit_event(Event::CommitmentExtended { node, until: record.commitment_end });
			Nodes::<T>::insert(node, record);
			Ok(())
		}

		/// Delegates `amount` ICNT of the caller to `node` (held with `HpDelegation`).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::delegate())]
		pub fn delegate(origin: OriginFor<T>, node: NodeId, amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			ensure!(!matches!(record.status, NodeStatus::Exiting { .. }), Error::<T>::NodeExiting);
			let mut delegation = match Delegations::<T>::get(node, &who) {
				Some(d) => d,
				None => {
					ensure!(
						record.delegators < T::MaxDelegatorsPerNode::get(),
						Error::<T>::TooManyDelegators
					);
					record.delegators = record.delegators.saturating_add(1);
					Delegation::default()
				},
			};
			ensure!(
				delegation.active.saturating_add(amount) >= Params::<T>::get().min_delegation
					&& amount > 0,
				Error::<T>::BelowMinimumDelegation
			);
			T::Currency::hold(&HoldReason::HpDelegation.into(), &who, amount)?;
			delegation.active = delegation.active.saturating_add(amount);
			record.delegated = record.delegated.saturating_add(amount);
			Delegations::<T>::insert(node, &who, delegation);
			Nodes::<T>::insert(node, record);
			Self::deposit_event(Event::Delegated { node, delegator: who, amount });
			Ok(())
		}

		/// Starts unbonding `amount` of the caller's delegation to `node`. It stays held (and
		/// slashable) for the unbonding delay; a new undelegation restarts the delay.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::undelegate())]
		pub fn undelegate(origin: OriginFor<T>, node: NodeId, amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut delegation =
				Delegations::<T>::get(node, &who).ok_or(Error::<T>::NotDelegated)?;
			ensure!(amount > 0 && amount <= delegation.active, Error::<T>::NotEnoughDelegated);
			let rest = delegation.active - amount;
			ensure!(
				rest == 0 || rest >= Params::<T>::get().min_delegation,
				Error::<T>::BelowMinimumDelegation
			);
			let unlock_at = Self::after_unbonding();
			delegation.active = rest;
			delegation.unbonding = delegation.unbonding.saturating_add(amount);
			delegation.unlock_at = unlock_at;
			Delegations::<T>::insert(node, &who, delegation);
			Self::deposit_event(Event::Undelegated { node, delegator: who, amount, unlock_at });
			Ok(())
		}

		/// Releases the caller's unbonded delegation to `node` once the delay has passed.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>, node: NodeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut delegation =
				Delegations::<T>::get(node, &who).ok_or(Error::<T>::NotDelegated)?;
			ensure!(delegation.unbonding > 0, Error::<T>::NothingToWithdraw);
			ensure!(
				frame_system::Pallet::<T>::block_number() >= delegation.unlock_at,
				Error::<T>::StillUnbonding
			);
			// Unbonding stake is slashable until withdrawn: not while a slash is pending.
			ensure!(!T::SlashQueue::is_pending(node), Error::<T>::SlashPending);
			let amount = delegation.unbonding;
			T::Currency::release(&HoldReason::HpDelegation.into(), &who, amount, Precision::Exact)?;
			delegation.unbonding = 0;
			let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			record.delegated = record.delegated.saturating_sub(amount);
			if delegation.active == 0 {
				Delegations::<T>::remove(node, &who);
				record.delegators = record.delegators.saturating_sub(1);
			} else {
				Delegations::<T>::insert(node, &who, delegation);
			}
			Nodes::<T>::insert(node, record);
			Self::deposit_event(Event::Withdrawn { node, delegator: who, amount });
			Ok(())
		}

		/// Starts the exit of the caller's node: only after its commitment ended and with
		/// nothing booked. It can no longer be booked; `finish_exit` releases everything after
		/// the unbonding delay (it stays slashable until then).
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::start_exit())]
		pub fn start_exit(origin: OriginFor<T>, node: NodeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Self::provider_node(&who, node)?;
			ensure!(
				!matches!(record.status, NodeStatus::Exiting { .. }),
				Error::<T>::AlreadyExiting
			);
			ensure!(
				frame_system::Pallet::<T>::block_number() >= record.commitment_end,
				Error::<T>::CommitmentNotEnded
			);
			ensure!(record.booked == 0, Error::<T>::CapacityBooked);
			let unlock_at = Self::after_unbonding();
			record.status = NodeStatus::Exiting { unlock_at };
			Nodes::<T>::insert(node, record);
			Self::deposit_event(Event::NodeExiting { node, unlock_at });
			Ok(())
		}

		/// Completes an exit after the unbonding delay (anyone may call): releases the
		/// provider's collateral and Links and every delegation, and removes the node.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::finish_exit(
			T::MaxDelegatorsPerNode::get(),
			T::MaxLinksPerNode::get()
		))]
		pub fn finish_exit(origin: OriginFor<T>, node: NodeId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			let NodeStatus::Exiting { unlock_at } = record.status else {
				return Err(Error::<T>::NotExiting.into());
			};
			ensure!(
				frame_system::Pallet::<T>::block_number() >= unlock_at,
				Error::<T>::StillUnbonding
			);
			ensure!(!T::SlashQueue::is_pending(node), Error::<T>::SlashPending);
			if record.collateral > 0 {
				T::Currency::release(
					&HoldReason::HpCollateral.into(),
					&record.provider,
					record.collateral,
					Precision::Exact,
				)?;
			}
			for link in &record.links {
				T::Links::unlock(*link)?;
				LinkBacking::<T>::remove(link);
			}
			let mut delegators = 0u32;
			let delegations: Vec<_> = Delegations::<T>::drain_prefix(node).collect();
			for (who, d) in delegations {
				T::Currency::release(
					&HoldReason::HpDelegation.into(),
					&who,
					d.total(),
					Precision::Exact,
				)?;
				delegators = delegators.saturating_add(1);
			}
			ProviderNodes::<T>::mutate(&record.provider, |nodes| nodes.retain(|n| *n != node));
			ClusterNodes::<T>::mutate(record.cluster, |nodes| nodes.retain(|n| *n != node));
			Nodes::<T>::remove(node);
			PendingCommission::<T>::remove(node);
			ProbedFrom::<T>::remove(node);
			let links = record.links.len() as u32;
			Self::deposit_event(Event::NodeExited {
				node,
				collateral: record.collateral,
				links: record.links.into_inner(),
				delegated: record.delegated,
			});
			Ok(Some(T::WeightInfo::finish_exit(delegators, links)).into())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The account that owns and administers the Links collection.
		pub fn account_id() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// The block `months` months after block `from`, on the chain's month clock.
		fn after_months(
			from: BlockNumberFor<T>,
			months: u32,
		) -> Result<BlockNumberFor<T>, Error<T>> {
			let units = u64::from(months)
				.checked_mul(MONTH_SCALE)
				.ok_or(Error::<T>::CommitmentOverflow)?;
			let block = T::Clock::months().block_after(from.unique_saturated_into(), units);
			let block: u32 = block.try_into().map_err(|_| Error::<T>::CommitmentOverflow)?;
			Ok(block.into())
		}

		/// The block at which something started now is released.
		fn after_unbonding() -> BlockNumberFor<T> {
			frame_system::Pallet::<T>::block_number()
				.saturating_add(Params::<T>::get().unbonding_delay.into())
		}

		fn insert_region(region: Region<T>) -> Option<RegionId> {
			let id = NextRegionId::<T>::get();
			NextRegionId::<T>::put(id.checked_add(1)?);
			Regions::<T>::insert(id, region);
			Some(id)
		}

		fn insert_cluster(cluster: Cluster) -> Option<ClusterId> {
			let id = NextClusterId::<T>::get();
			NextClusterId::<T>::put(id.checked_add(1)?);
			Clusters::<T>::insert(id, cluster);
			Some(id)
		}

		pub(crate) fn do_mint_link(owner: &T::AccountId) -> DispatchResult {
			let link = NextLinkId::<T>::get();
			NextLinkId::<T>::put(link.checked_add(1).ok_or(Error::<T>::Overflow)?);
			T::Links::mint(link, owner)?;
			Self::deposit_event(Event::LinkMinted { link, owner: owner.clone() });
			Ok(())
		}

		/// Checks protocol parameters: unbonding spans the slashing exposure window
		/// ([`MIN_UNBONDING_ERAS`] of the longest era length in force or set), commitments are
		/// not empty.
		pub fn check_params(params: &ProviderParams) -> Result<(), Error<T>> {
			let eras = T::Clock::eras();
			let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
			let era = eras.era_length_at(now).max(eras.latest_length());
			Self::check_unbonding(params.unbonding_delay, era)?;
			ensure!(
				params.commitment_months > 0 && params.extension_months > 0,
				Error::<T>::ZeroCommitment
			);
			Ok(())
		}

		/// Whether an unbonding delay of `delay` blocks spans [`MIN_UNBONDING_ERAS`] eras of
		/// `era_blocks` blocks.
		fn check_unbonding(delay: u32, era_blocks: u32) -> Result<(), Error<T>> {
			ensure!(
				delay >= era_blocks.saturating_mul(MIN_UNBONDING_ERAS),
				Error::<T>::UnbondingTooShort
			);
			Ok(())
		}

		fn check_countries(countries: &[CountryCode]) -> DispatchResult {
			ensure!(!countries.is_empty(), Error::<T>::NoCountries);
			ensure!(countries.iter().all(CountryCode::is_well_formed), Error::<T>::BadCountryCode);
			Ok(())
		}

		/// Validates a storage endpoint against the chain's `allow_private_endpoints`.
		pub fn check_endpoint(url: &[u8]) -> DispatchResult {
			use endpoint::EndpointError as E;
			endpoint::validate(url, Params::<T>::get().allow_private_endpoints).map_err(
				|e| match e {
					E::BadScheme => Error::<T>::EndpointScheme,
					E::BadHost => Error::<T>::EndpointHost,
					E::BadPort => Error::<T>::EndpointPort,
					E::BadSyntax => Error::<T>::EndpointSyntax,
					E::PrivateHost => Error::<T>::PrivateEndpoint,
				},
			)?;
			Ok(())
		}

		/// The smallest audit object a node of `capacity` units serves: `audit_bytes_per_unit`
		/// per unit, at most the largest audit object allowed.
		pub fn audit_size_for(capacity: u32) -> u64 {
			let largest =
				u64::from(T::MaxAuditChunks::get()).saturating_mul(u64::from(AUDIT_CHUNK_SIZE));
			Params::<T>::get()
				.audit_bytes_per_unit
				.saturating_mul(u64::from(capacity))
				.min(largest)
		}

		/// Whether `audit` is large enough for `capacity` units ([`Self::audit_size_for`]).
		fn check_audit_covers(audit: &AuditObject, capacity: u32) -> DispatchResult {
			ensure!(audit.size >= Self::audit_size_for(capacity), Error::<T>::AuditObjectTooSmall);
			Ok(())
		}

		/// Validates an audit object commitment (protocol §4.2).
		pub fn check_audit(audit: &AuditObject) -> DispatchResult {
			ensure!(audit.chunk_size == AUDIT_CHUNK_SIZE, Error::<T>::BadChunkSize);
			ensure!(audit.size > 0, Error::<T>::EmptyAuditObject);
			ensure!(
				audit.chunks() <= u64::from(T::MaxAuditChunks::get()),
				Error::<T>::AuditObjectTooLarge
			);
			let path = &audit.path[..];
			let good_byte = |c: &u8| c.is_ascii_alphanumeric() || b"-._~/".contains(c);
			ensure!(
				!path.is_empty()
					&& path[0] != b'/'
					&& path.iter().all(good_byte)
					&& !path
						.split(|c| *c == b'/')
						.any(|seg| seg.is_empty() || seg == b"." || seg == b".."),
				Error::<T>::BadAuditPath
			);
			Ok(())
		}

		/// `who`'s node `node`.
		fn provider_node(who: &T::AccountId, node: NodeId) -> Result<Node<T>, DispatchError> {
			let record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			ensure!(&record.provider == who, Error::<T>::NotProvider);
			Ok(record)
		}

		/// Holds `amount` more and locks `links` for `node` (not written).
		fn do_add_collateral(
			id: NodeId,
			node: &mut Node<T>,
			amount: Balance,
			links: BoundedVec<LinkId, T::MaxLinksPerNode>,
		) -> DispatchResult {
			for (i, link) in links.iter().enumerate() {
				ensure!(!links[..i].contains(link), Error::<T>::DuplicateLink);
				let owner = T::Links::owner(*link).ok_or(Error::<T>::UnknownLink)?;
				ensure!(owner == node.provider, Error::<T>::NotLinkOwner);
				ensure!(!T::Links::is_locked(*link), Error::<T>::LinkInUse);
				T::Links::lock(*link).map_err(|_| Error::<T>::LinkInUse)?;
				LinkBacking::<T>::insert(link, id);
				node.links.try_push(*link).map_err(|_| Error::<T>::TooManyLinks)?;
			}
			if amount > 0 {
				T::Currency::hold(&HoldReason::HpCollateral.into(), &node.provider, amount)?;
				node.collateral = node.collateral.saturating_add(amount);
			}
			Self::deposit_event(Event::CollateralAdded {
				node: id,
				amount,
				links: links.into_inner(),
			});
			Ok(())
		}

		/// Collateral a node of `cluster` with `capacity` units needs (0 for an unknown
		/// cluster or region).
		pub fn collateral_for(cluster: ClusterId, capacity: u32) -> Balance {
			Clusters::<T>::get(cluster)
				.and_then(|c| Regions::<T>::get(c.region))
				.map(|r| r.collateral_per_unit.saturating_mul(capacity.into()))
				.unwrap_or_default()
		}

		/// The collateral `node` needs.
		pub fn required_collateral(node: &Node<T>) -> Balance {
			Self::collateral_for(node.cluster, node.capacity)
		}

		/// `node`'s commission now: a pending raise once its block is reached, else its own.
		pub fn commission_of(id: NodeId, node: &Node<T>) -> Perbill {
			match PendingCommission::<T>::get(id) {
				Some((commission, at)) if frame_system::Pallet::<T>::block_number() >= at => {
					commission
				},
				_ => node.commission,
			}
		}

		/// What backs `node`: its held ICNT plus its Links at `link_collateral_value`.
		pub fn backing(node: &Node<T>) -> Balance {
			let links = Params::<T>::get()
				.link_collateral_value
				.saturating_mul(node.links.len() as Balance);
			node.collateral.saturating_add(links)
		}

		/// Recomputes `node`'s status from its collateral and SLA flag (an exiting node stays
		/// exiting) and emits `NodeStatusChanged` if it changed. Does not write the node.
		fn refresh_status(id: NodeId, node: &mut Node<T>) {
			let status = match node.status {
				NodeStatus::Exiting { .. } => node.status,
				_ if Self::backing(node) < Self::required_collateral(node) => {
					if node.status == NodeStatus::Registered {
						NodeStatus::Registered
					} else {
						NodeStatus::UnderCollateralized
					}
				},
				_ if node.failing => NodeStatus::Failing,
				_ => NodeStatus::Active,
			};
			if status != node.status {
				let block: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
				// Probed from the next era: the current one's nodes were fixed at its start
				// (genesis nodes are there from era 0).
				if node.status == NodeStatus::Registered && block > 0 {
					let next: EraIndex = T::Clock::eras().era_of(block).saturating_add(1);
					ProbedFrom::<T>::insert(id, next);
				}
				node.status = status;
				Self::deposit_event(Event::NodeStatusChanged { node: id, status });
			}
		}

		/// Whether `node` may take new bookings: active, fully collateralized (checked live,
		/// so a raised region requirement applies at once) and priced within its cluster's
		/// maximum.
		pub fn is_bookable(node: &Node<T>) -> bool {
			node.status == NodeStatus::Active
				&& Self::backing(node) >= Self::required_collateral(node)
				&& Clusters::<T>::get(node.cluster)
					.is_some_and(|c| node.reservation_price <= c.max_price)
		}

		/// Slashes `fraction` of `node`'s collateral requirement now (see [`ProviderSlashing`]).
		pub fn do_slash(node: NodeId, fraction: Perbill) -> Result<SlashOutcome, DispatchError> {
			let base = Nodes::<T>::get(node)
				.map(|n| Self::required_collateral(&n))
				.ok_or(Error::<T>::UnknownNode)?;
			Self::do_slash_from(node, fraction, base)
		}

		/// Slashes `fraction` of `base` from `node`: its own ICNT, then its Links, then its
		/// delegators' ICNT (see [`ProviderSlashing`] and [`SlashOutcome`]).
		///
		/// A Link goes to the treasury whole; when less than its value was still due, the
		/// treasury pays the difference back into the provider's held collateral, so the slash
		/// never takes more value than owed. If the treasury cannot pay it, the Link stays and
		/// the remainder falls to the delegators.
		pub fn do_slash_from(
			node: NodeId,
			fraction: Perbill,
			base: Balance,
		) -> Result<SlashOutcome, DispatchError> {
			let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			let treasury = T::Treasury::get();
			let mut due = fraction.mul_floor(base);
			let mut outcome = SlashOutcome { due, ..Default::default() };

			// 1. The provider's own ICNT.
			let own = due.min(record.collateral);
			if own > 0 {
				T::Currency::transfer_on_hold(
					&HoldReason::HpCollateral.into(),
					&record.provider,
					&treasury,
					own,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)?;
				record.collateral -= own;
				due -= own;
				outcome.own = own;
			}

			// 2. The provider's Links, each worth `link_collateral_value`; the last one's excess
			// over what is due comes back from the treasury as held collateral.
			let value = Params::<T>::get().link_collateral_value;
			while due > 0 && value > 0 && !record.links.is_empty() {
				let excess = value.saturating_sub(due);
				if excess > 0
					&& T::Currency::reducible_balance(
						&treasury,
						Preservation::Preserve,
						Fortitude::Polite,
					) < excess
				{
					break;
				}
				let Some(link) = record.links.pop() else { break };
				T::Links::seize(link, &treasury)?;
				LinkBacking::<T>::remove(link);
				if excess > 0 {
					T::Currency::transfer_and_hold(
						&HoldReason::HpCollateral.into(),
						&treasury,
						&record.provider,
						excess,
						Precision::Exact,
						Preservation::Preserve,
						Fortitude::Polite,
					)?;
					record.collateral = record.collateral.saturating_add(excess);
					outcome.returned = excess;
				}
				outcome.links_seized = outcome.links_seized.saturating_add(1);
				due = due.saturating_sub(value);
			}

			// 3. Delegators, pro rata to their held stake (active and unbonding), rounded down;
			// the last delegator takes the rounding remainder (at most one planck per
			// delegator), within its stake.
			if due > 0 && record.delegated > 0 {
				let base = record.delegated;
				let take = due.min(base);
				let delegations: Vec<_> = Delegations::<T>::iter_prefix(node).collect();
				let count = delegations.len();
				let mut taken: Balance = 0;
				for (i, (who, mut d)) in delegations.into_iter().enumerate() {
					let stake = d.total();
					let share = if i + 1 == count {
						take.saturating_sub(taken)
					} else {
						multiply_by_rational_with_rounding(take, stake, base, Rounding::Down)
							.unwrap_or(0)
					}
					.min(stake);
					if share == 0 {
						continue;
					}
					T::Currency::transfer_on_hold(
						&HoldReason::HpDelegation.into(),
						&who,
						&treasury,
						share,
						Precision::Exact,
						Restriction::Free,
						Fortitude::Force,
					)?;
					// Active stake first, then unbonding.
					let from_active = share.min(d.active);
					d.active -= from_active;
					d.unbonding = d.unbonding.saturating_sub(share - from_active);
					if d.total() == 0 {
						Delegations::<T>::remove(node, &who);
						record.delegators = record.delegators.saturating_sub(1);
					} else {
						Delegations::<T>::insert(node, &who, d);
					}
					taken = taken.saturating_add(share);
					Self::deposit_event(Event::DelegatorSlashed {
						node,
						delegator: who,
						amount: share,
					});
				}
				record.delegated = record.delegated.saturating_sub(taken);
				due = due.saturating_sub(taken);
				outcome.delegated = taken;
			}

			outcome.uncovered = due;
			frame_support::defensive_assert!(
				outcome.is_exact(value),
				"a slash took other than its due"
			);

			Self::refresh_status(node, &mut record);
			Nodes::<T>::insert(node, record);
			Self::deposit_event(Event::NodeSlashed { node, fraction, outcome });
			Ok(outcome)
		}

		/// The node's record as the runtime API reports it.
		pub fn node_info(
			id: NodeId,
		) -> Option<runtime_api::NodeInfo<T::AccountId, BlockNumberFor<T>>> {
			let node = Nodes::<T>::get(id)?;
			let commission = Self::commission_of(id, &node);
			Some(runtime_api::NodeInfo {
				id,
				region: Clusters::<T>::get(node.cluster).map(|c| c.region).unwrap_or_default(),
				required_collateral: Self::required_collateral(&node),
				backing: Self::backing(&node),
				bookable: Self::is_bookable(&node),
				provider: node.provider,
				cluster: node.cluster,
				capacity: node.capacity,
				booked: node.booked,
				location: node.location,
				endpoint: node.endpoint.into_inner(),
				audit: node.audit,
				reservation_price: node.reservation_price,
				commission,
				commitment_end: node.commitment_end,
				status: node.status,
				failing: node.failing,
				collateral: node.collateral,
				links: node.links.into_inner(),
				delegated: node.delegated,
				delegators: node.delegators,
			})
		}

		/// Checks the pallet's invariants: every account's holds equal the records (own
		/// collateral of its nodes, its delegations), each node's delegated total and count
		/// match its delegations, every backing Link is locked, owned by the provider and
		/// indexed, and the cluster and provider indexes match the nodes. (Always compiled,
		/// so the tests of pallets built on this one check it too.)
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;
			use frame_support::traits::fungible::InspectHold;
			let mut collateral: BTreeMap<T::AccountId, Balance> = BTreeMap::new();
			let mut delegated: BTreeMap<T::AccountId, Balance> = BTreeMap::new();
			for (id, (commission, _)) in PendingCommission::<T>::iter() {
				let node = Nodes::<T>::get(id).ok_or("a pending commission of no node")?;
				ensure!(commission > node.commission, "a pending commission that is no raise");
			}
			for (id, node) in Nodes::<T>::iter() {
				let c = collateral.entry(node.provider.clone()).or_default();
				*c = c.saturating_add(node.collateral);
				let (mut total, mut count) = (0 as Balance, 0u32);
				for (who, d) in Delegations::<T>::iter_prefix(id) {
					ensure!(d.total() > 0, "empty delegation kept");
					total = total.saturating_add(d.total());
					count += 1;
					let e = delegated.entry(who).or_default();
					*e = e.saturating_add(d.total());
				}
				ensure!(
					total == node.delegated,
					"node delegated total differs from its delegations"
				);
				ensure!(
					count == node.delegators,
					"node delegator count differs from its delegations"
				);
				for link in &node.links {
					ensure!(T::Links::is_locked(*link), "a backing Link is not locked");
					ensure!(
						T::Links::owner(*link).as_ref() == Some(&node.provider),
						"a backing Link changed owner"
					);
					ensure!(
						LinkBacking::<T>::get(link) == Some(id),
						"a backing Link is not indexed"
					);
				}
				ensure!(
					ClusterNodes::<T>::get(node.cluster).contains(&id),
					"node missing from its cluster"
				);
				ensure!(
					ProviderNodes::<T>::get(&node.provider).contains(&id),
					"node missing from its provider"
				);
			}
			for (link, id) in LinkBacking::<T>::iter() {
				ensure!(
					Nodes::<T>::get(id).is_some_and(|n| n.links.contains(&link)),
					"stale Link index"
				);
			}
			for (who, amount) in &collateral {
				ensure!(
					T::Currency::balance_on_hold(&HoldReason::HpCollateral.into(), who) == *amount,
					"HpCollateral hold differs from the nodes' collateral"
				);
			}
			for (who, amount) in &delegated {
				ensure!(
					T::Currency::balance_on_hold(&HoldReason::HpDelegation.into(), who) == *amount,
					"HpDelegation hold differs from the delegations"
				);
			}
			let indexed: u32 = ClusterNodes::<T>::iter_values().map(|v| v.len() as u32).sum();
			ensure!(
				indexed as usize == Nodes::<T>::iter_keys().count(),
				"cluster index size differs"
			);
			Ok(())
		}
	}

	/// Eras may not grow beyond what the unbonding delay spans ([`MIN_UNBONDING_ERAS`]).
	impl<T: Config> EraLengthCheck for Pallet<T> {
		fn check(blocks: u32) -> DispatchResult {
			Self::check_unbonding(Params::<T>::get().unbonding_delay, blocks).map_err(Into::into)
		}
	}

	impl<T: Config> ProviderSlashing for Pallet<T> {
		fn slash_from(
			node: NodeId,
			fraction: Perbill,
			base: Balance,
		) -> Result<SlashOutcome, DispatchError> {
			Self::do_slash_from(node, fraction, base)
		}

		fn slash_base(node: NodeId) -> Balance {
			Nodes::<T>::get(node).map(|n| Self::required_collateral(&n)).unwrap_or_default()
		}

		/// Every delegator paying and every Link seized, plus the treasury returning the last
		/// Link's excess: one transfer between two accounts, charged as one more delegator
		/// (its benchmark cannot have both: an excess means nothing is left for delegators).
		fn slash_weight() -> Weight {
			let (d, l) = (T::MaxDelegatorsPerNode::get(), T::MaxLinksPerNode::get());
			T::WeightInfo::slash(d.saturating_add(1), l)
		}

		fn set_failing(node: NodeId, failing: bool) -> DispatchResult {
			let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			if record.failing != failing {
				record.failing = failing;
				Self::deposit_event(Event::NodeFailing { node, failing });
				Self::refresh_status(node, &mut record);
				Nodes::<T>::insert(node, record);
			}
			Ok(())
		}
	}

	impl<T: Config> CapacityLedger<T::AccountId> for Pallet<T> {
		fn free_capacity(node: NodeId) -> u32 {
			Nodes::<T>::get(node)
				.filter(Self::is_bookable)
				.map(|n| n.capacity.saturating_sub(n.booked))
				.unwrap_or(0)
		}

		fn cluster_free_capacity(cluster: ClusterId) -> u64 {
			ClusterNodes::<T>::get(cluster)
				.iter()
				.map(|n| u64::from(Self::free_capacity(*n)))
				.sum()
		}

		fn cluster_usage(cluster: ClusterId) -> (u64, u64) {
			ClusterNodes::<T>::get(cluster)
				.iter()
				.filter_map(|id| Nodes::<T>::get(id))
				.filter(|n| Self::is_bookable(n))
				.fold((0, 0), |(c, b), n| (c + u64::from(n.capacity), b + u64::from(n.booked)))
		}

		fn cluster_max_price(cluster: ClusterId) -> Option<Balance> {
			Clusters::<T>::get(cluster).map(|c| c.max_price)
		}

		fn eligible_nodes(cluster: ClusterId) -> Vec<NodeOffer<T::AccountId>> {
			let mut offers: Vec<NodeOffer<T::AccountId>> = ClusterNodes::<T>::get(cluster)
				.iter()
				.filter_map(|id| Nodes::<T>::get(id).map(|n| (*id, n)))
				.filter(|(_, n)| Self::is_bookable(n) && n.booked < n.capacity)
				.map(|(id, n)| NodeOffer {
					node: id,
					free_units: n.capacity.saturating_sub(n.booked),
					price: n.reservation_price,
					commitment_end: n.commitment_end.unique_saturated_into(),
					provider: n.provider,
				})
				.collect();
			// Cheapest first, then the longest commitment, then the oldest node.
			offers.sort_by(|a, b| {
				a.price
					.cmp(&b.price)
					.then(b.commitment_end.cmp(&a.commitment_end))
					.then(a.node.cmp(&b.node))
			});
			offers
		}

		fn node_offer(node: NodeId) -> Option<NodeOffer<T::AccountId>> {
			let n = Nodes::<T>::get(node).filter(Self::is_bookable)?;
			Some(NodeOffer {
				node,
				free_units: n.capacity.saturating_sub(n.booked),
				price: n.reservation_price,
				commitment_end: n.commitment_end.unique_saturated_into(),
				provider: n.provider,
			})
		}

		fn reserve(node: NodeId, units: u32) -> DispatchResult {
			let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			ensure!(Self::is_bookable(&record), Error::<T>::NotBookable);
			let booked =
				record.booked.checked_add(units).ok_or(Error::<T>::InsufficientCapacity)?;
			ensure!(booked <= record.capacity, Error::<T>::InsufficientCapacity);
			record.booked = booked;
			Nodes::<T>::insert(node, record);
			Self::deposit_event(Event::CapacityReserved { node, units });
			Ok(())
		}

		fn release(node: NodeId, units: u32) -> DispatchResult {
			let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			record.booked = record.booked.checked_sub(units).ok_or(Error::<T>::NotBooked)?;
			Nodes::<T>::insert(node, record);
			Self::deposit_event(Event::CapacityReleased { node, units });
			Ok(())
		}
	}

	impl<T: Config> SlaTargets for Pallet<T> {
		fn next_node_id() -> NodeId {
			NextNodeId::<T>::get()
		}

		fn probe_target(node: NodeId) -> Option<ProbeTarget> {
			let n = Nodes::<T>::get(node)?;
			if n.status == NodeStatus::Registered {
				return None;
			}
			let cluster = Clusters::<T>::get(n.cluster)?;
			Some(ProbeTarget {
				endpoint: n.endpoint.into_inner(),
				path: n.audit.path.into_inner(),
				size: n.audit.size,
				chunk_size: n.audit.chunk_size,
				root: n.audit.root,
				latency_bound_ms: cluster.latency_bound_ms,
				cluster: n.cluster,
				capacity: n.capacity,
				probed_from: ProbedFrom::<T>::get(node).unwrap_or(0),
				priced_within_max: n.reservation_price <= cluster.max_price,
			})
		}
	}

	impl<T: Config> NodeRewards<T::AccountId> for Pallet<T> {
		fn reward_shares(node: NodeId) -> Option<RewardShares<T::AccountId>> {
			let record = Nodes::<T>::get(node)?;
			let delegations = Delegations::<T>::iter_prefix(node)
				.filter(|(_, d)| d.active > 0)
				.map(|(who, d)| (who, d.active))
				.collect();
			// The provider's own stake is all it backs the node with: ICNT and Links.
			Some(RewardShares {
				commission: Self::commission_of(node, &record),
				own_stake: Self::backing(&record),
				provider: record.provider,
				delegations,
			})
		}

		fn delegators(node: NodeId) -> u32 {
			Nodes::<T>::get(node).map(|n| n.delegators).unwrap_or(0)
		}

		fn pay_node(
			node: NodeId,
			payer: &T::AccountId,
			amount: Balance,
		) -> Result<Balance, DispatchError> {
			let record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			T::Currency::transfer(payer, &record.provider, amount, Preservation::Preserve)?;
			Self::credit_node(node, amount)
		}

		fn credit_node(node: NodeId, amount: Balance) -> Result<Balance, DispatchError> {
			let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			let diverted = if record.status == NodeStatus::UnderCollateralized {
				let deficit =
					Self::required_collateral(&record).saturating_sub(Self::backing(&record));
				amount.min(deficit)
			} else {
				Zero::zero()
			};
			if diverted > 0 {
				T::Currency::hold(&HoldReason::HpCollateral.into(), &record.provider, diverted)?;
				record.collateral = record.collateral.saturating_add(diverted);
				Self::refresh_status(node, &mut record);
				Nodes::<T>::insert(node, record);
			}
			Self::deposit_event(Event::RewardPaid { node, amount, diverted });
			Ok(diverted)
		}
	}
}
