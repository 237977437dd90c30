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
//!   slashable through the unbonding delay. A node's delegations form one
//!   [`DelegationPool`]: rewards are credited to it and claimed (`claim_rewards`), slashes
//!   lower its value and are applied to each delegation when it is next touched (`pool.rs`).
//! - **Life cycle**: `Registered → Active → (Failing / UnderCollateralized) → Exiting →`
//!   removed. Exit needs the commitment over and nothing booked; funds come back after the
//!   unbonding delay, longer than the slashing exposure window.
//! - **For other pallets** ([`icn_primitives::providers`]): [`ProviderSlashing`] (own
//!   ICNT first, then own Links, then the delegators' pool, all to the Protocol Treasury
//!   with `transfer_on_hold` — nothing minted or burned; a Link's value beyond the due comes
//!   back as held ICNT), [`CapacityLedger`] (free capacity,
//!   reserve/release, eligible nodes cheapest first) and [`NodeRewards`] (shares, payment
//!   with diversion into collateral while under-collateralized).
//!
//! ## Where is what
//! - `lib.rs`: config, storage, events, errors, genesis, and the calls — each checks its
//!   origin and hands over to its `do_*` function;
//! - `dispatchable_impls.rs`: the calls' bodies;
//! - `functions.rs`: checks, backing and collateral, slashing, the runtime API's view and
//!   `try_state`;
//! - `pool.rs`: the delegation calls, the pools' settlement, rewards and invariants;
//! - `impl_traits.rs`: what the pallet serves to the others ([`ProviderSlashing`],
//!   [`CapacityLedger`], [`SlaTargets`], [`NodeRewards`], the era-length check);
//! - `types.rs` (records and parameters), `endpoint.rs` (endpoint URLs), `links.rs` (Links
//!   on `pallet-nfts`), `migrations.rs`, `runtime_api.rs`, `weights.rs`,
//!   `benchmarking.rs` and `bench_helpers.rs`.

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

mod dispatchable_impls;
mod functions;
mod impl_traits;
mod pool;

/// Set-up helpers for the benchmarks of pallets built on this one (the marketplace, the SLA
/// oracle): bookable nodes with their collateral and delegators.
#[cfg(feature = "runtime-benchmarks")]
pub mod bench_helpers;

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
		traits::fungible::{Inspect, Mutate, MutateHold},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;

	/// The in-code storage version.
	/// 1: `ProviderParams` has `max_commission` ([`migrations::v1`]).
	/// 2: `ProviderParams` has `audit_bytes_per_unit` ([`migrations::v2`]).
	/// 3: delegation pools: points and reward indexes ([`migrations::v3`]).
	pub(crate) const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

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

	/// Defaults for test runtimes: `#[derive_impl(config_preludes::TestDefaultConfig)]` on a
	/// mock's `impl Config` leaves it only the types that name the mock's own pallets
	/// (`Currency`, `Links`, `Treasury`, `AdminOrigin`) and what the test changes.
	pub mod config_preludes {
		use super::*;
		use frame_support::derive_impl;

		/// Small bounds, a two-block era clock, no slash queue, unit weights.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		frame_support::parameter_types! {
			/// The runtime's providers pallet id.
			pub const TestProvidersPalletId: PalletId = PalletId(*b"icn/prov");
		}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			#[inject_runtime_type]
			type RuntimeHoldReason = ();
			type PalletId = TestProvidersPalletId;
			type Clock = icn_primitives::clock::FixedClocks<2, 100>;
			type MaxCountries = ConstU32<8>;
			type MaxLinksPerNode = ConstU32<4>;
			type MaxNodesPerCluster = ConstU32<32>;
			type SlashQueue = ();
			type MaxNodesPerProvider = ConstU32<4>;
			type MaxAuditChunks = ConstU32<16_384>;
			type WeightInfo = ();
		}
	}

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// ICNT: balances with holds.
		#[pallet::no_default]
		type Currency: Inspect<Self::AccountId, Balance = Balance>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons.
		#[pallet::no_default_bounds]
		type RuntimeHoldReason: From<HoldReason>;

		/// ICN Link NFTs.
		#[pallet::no_default]
		type Links: LinkRegistry<Self::AccountId>;

		/// The Protocol Treasury, where slashed ICNT and seized Links go.
		#[pallet::no_default]
		type Treasury: Get<Self::AccountId>;

		/// The origin of the administrative calls: regions, clusters, parameters, minting
		/// Links (root, or governance).
		#[pallet::no_default]
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

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

	/// Each node's delegation pool (while it has a delegation; it outlives the node until
	/// the last delegation leaves).
	#[pallet::storage]
	pub type DelegationPools<T> = StorageMap<_, Twox64Concat, NodeId, DelegationPool>;

	/// Delegations: node → delegator → points, held ICNT and reward index.
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
			Pallet::<T>::fund_pot();
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
		/// A node left: its collateral and Links were released; `delegated` stays in its
		/// delegation pool for each delegator to withdraw.
		NodeExited { node: NodeId, collateral: Balance, links: Vec<LinkId>, delegated: Balance },
		/// A node was slashed to the treasury.
		NodeSlashed { node: NodeId, fraction: Perbill, outcome: SlashOutcome },
		/// A delegator's part of its node's slashes was moved from its held ICNT to the
		/// treasury (when its delegation was next touched, or by `apply_slash`).
		DelegatorSlashed { node: NodeId, delegator: T::AccountId, amount: Balance },
		/// A node's delegators were credited `amount` of rewards, claimable from the pot.
		DelegatorsRewarded { node: NodeId, amount: Balance },
		/// A delegator claimed its rewards from the pot.
		RewardsClaimed { node: NodeId, delegator: T::AccountId, amount: Balance },
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
		BadEndpointScheme,
		/// The endpoint's host is malformed.
		BadEndpointHost,
		/// The endpoint's port is not 1–65535.
		BadEndpointPort,
		/// The endpoint has user info, a query, a fragment, `..` or bad characters.
		BadEndpointSyntax,
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
		/// The node is exiting: it takes no updates, collateral, delegations or extensions.
		NodeIsExiting,
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
		/// The node's delegations were slashed to nothing: it takes new delegations once the
		/// old ones have left (`withdraw_unbonded`, or anyone's `apply_slash`).
		NodeStakeWiped,
		/// No rewards to claim.
		NothingToClaim,
		/// The delegation owes no slash.
		NothingToApply,
		/// The node has no active delegation to credit rewards to.
		NoDelegators,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
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
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_create_region(name, countries, collateral_per_unit, reward_weight)
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
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_update_region(region, countries, collateral_per_unit, reward_weight)
		}

		/// Creates a cluster in a region (root).
		#[pallet::call_index(2)]
		pub fn create_cluster(
			origin: OriginFor<T>,
			region: RegionId,
			name: Name,
			kind: ResourceKind,
			max_price: Balance,
			latency_bound_ms: u32,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_create_cluster(region, name, kind, max_price, latency_bound_ms)
		}

		/// Changes a cluster's maximum price and latency bound (root).
		#[pallet::call_index(3)]
		pub fn update_cluster(
			origin: OriginFor<T>,
			cluster: ClusterId,
			max_price: Balance,
			latency_bound_ms: u32,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_update_cluster(cluster, max_price, latency_bound_ms)
		}

		/// Sets the protocol parameters (root).
		#[pallet::call_index(4)]
		pub fn set_params(origin: OriginFor<T>, params: ProviderParams) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_params(params)
		}

		/// Mints the next ICN Link to `owner` (root: the node sale).
		#[pallet::call_index(5)]
		pub fn mint_link(origin: OriginFor<T>, owner: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
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
			Self::do_register_node(provider, spec, collateral, links)
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
			Self::do_add_collateral(who, node, amount, links)
		}

		/// Changes the caller's node: capacity (not below what is booked; a larger capacity
		/// must already be covered by collateral), price, endpoint, audit object, commission.
		#[pallet::call_index(8)]
		pub fn update_node(
			origin: OriginFor<T>,
			node: NodeId,
			update: NodeUpdate,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_node(who, node, update)
		}

		/// Extends the caller's node commitment by `periods` extension steps (6 months each).
		#[pallet::call_index(9)]
		pub fn extend_commitment(
			origin: OriginFor<T>,
			node: NodeId,
			periods: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_extend_commitment(who, node, periods)
		}

		/// Delegates `amount` ICNT of the caller to `node` (held with `HpDelegation`).
		#[pallet::call_index(10)]
		pub fn delegate(origin: OriginFor<T>, node: NodeId, amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_delegate(who, node, amount)
		}

		/// Starts unbonding `amount` of the caller's delegation to `node`. It stays held (and
		/// slashable) for the unbonding delay; a new undelegation restarts the delay.
		#[pallet::call_index(11)]
		pub fn undelegate(origin: OriginFor<T>, node: NodeId, amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_undelegate(who, node, amount)
		}

		/// Releases the caller's unbonded delegation to `node` once the delay has passed.
		#[pallet::call_index(12)]
		pub fn withdraw_unbonded(origin: OriginFor<T>, node: NodeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who, node)
		}

		/// Starts the exit of the caller's node: only after its commitment ended and with
		/// nothing booked. It can no longer be booked; `finish_exit` releases everything after
		/// the unbonding delay (it stays slashable until then).
		#[pallet::call_index(13)]
		pub fn start_exit(origin: OriginFor<T>, node: NodeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_start_exit(who, node)
		}

		/// Completes an exit after the unbonding delay (anyone may call): releases the
		/// provider's collateral and Links and every delegation, and removes the node.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::finish_exit(T::MaxLinksPerNode::get()))]
		pub fn finish_exit(origin: OriginFor<T>, node: NodeId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_finish_exit(node)
		}

		/// Pays the caller's rewards from `node`'s delegators' pool out of the pot. Rewards
		/// accumulate every era the node earns (capacity rewards and booking payments, after
		/// the provider's commission); they stay claimable after the delegation ends.
		#[pallet::call_index(15)]
		pub fn claim_rewards(origin: OriginFor<T>, node: NodeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_rewards(who, node)
		}

		/// Moves `delegator`'s part of `node`'s slashes from its held ICNT to the treasury
		/// (anyone may call: slashes of delegators apply when a delegation is next touched,
		/// and this touches it). A delegation slashed to nothing can then be withdrawn at
		/// once.
		#[pallet::call_index(16)]
		pub fn apply_slash(
			origin: OriginFor<T>,
			node: NodeId,
			delegator: T::AccountId,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_apply_slash(node, delegator)
		}
	}
}
