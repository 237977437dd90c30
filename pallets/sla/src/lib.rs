//! # SLA oracle (protocol §4)
//!
//! HyperNodes probe Hardware Providers' storage endpoints and report on chain; the chain
//! aggregates the reports into per-era verdicts, SLA scores and slashes.
//!
//! - **HyperNodes** register with an `icno` signing key (an sr25519 key in their node's
//!   keystore; its account signs the reports), a location and an address, and are active with
//!   at least one ICN Link staked (locked through [`LinkRegistry`], so a Link backing a
//!   provider node cannot be staked too).
//! - **Eras**: at each era's first block the era's randomness (the parent block hash) is
//!   fixed, and the active HyperNodes ([`ActiveSet`], up to `MaxHyperNodes`) are copied in
//!   `on_poll` batches into the era's snapshot: pages of [`ORACLE_PAGE`]
//!   ([`EraOraclePages`]), each HyperNode's place in [`OracleOf`], so that no report, node or
//!   step reads a list that grows with their number. Every probe-able provider node gets
//!   `k = min(#oracles, 5)` of them ([`logic::oracles_for`]).
//! - **Reports**: the off-chain worker ([`offchain`]) of each HyperNode probes its nodes over
//!   HTTP and sends one signed `submit_report` per era; accepted reports pay no fee, and
//!   the [`CheckReport`] transaction extension refuses invalid ones in the pool already.
//! - **Aggregation** of an era runs in `on_poll` during the next eras, node by node with a
//!   cursor and a weight budget: quorum `⌈2k/3⌉`, majority and median latency
//!   ([`logic::verdict`]); the sliding-window score ([`logic::SlaWindow`]); the repair window
//!   (three failed eras in a row are free, then 1 %, 2 %, 4 %, 8 %, 10 % of the node's
//!   collateral) with each slash **applied one era later** through [`ProviderSlashing`],
//!   cancellable by root in between; HyperNode accuracy (in pages, [`EraAccuracyPages`]),
//!   and removal below 90 %.
//! - **Rewards** (protocol §4.4), after the slashes: the era's budget is what the
//!   Network-rewards schedule released during it ([`RewardsPool::released_budget`]; its TGE
//!   part spread over 12 months), paid out of the pool account, never minted. `node_share`
//!   (80 %) goes to provider nodes pro rata to committed capacity × (1 − the cluster's
//!   utilization), only for a passed era with a score at or above `sla_target` (the SLA
//!   multiplier: 0 below, 1 at target), shared with delegators after the provider's
//!   commission ([`RewardShares::split`]) and diverted into collateral while the node is
//!   under-collateralized ([`NodeRewards::pay_node`]); the rest goes to HyperNodes pro rata to
//!   staked Links × accuracy. Whatever is not paid stays in the pool.
//! - The marketplace reads the verdicts through [`SlaResults`].
//!
//! ## Where is what
//! - `lib.rs`: config, storage, events, errors, genesis, hooks, and the calls — each checks
//!   its origin and hands over to its `do_*` function;
//! - `dispatchable_impls.rs`: the calls' bodies;
//! - `era.rs`: the per-era work (start, aggregation, utilization, rewards, slashes,
//!   finalization, pruning) that the hooks run;
//! - `functions.rs`: the HyperNode registry, report checks, assignments, the runtime API's
//!   view and `try_state`;
//! - `impl_traits.rs`: what the pallet serves to the others ([`SlashQueue`],
//!   [`SlaResults`]);
//! - `logic.rs` (pure: assignment, verdicts, scores), `offchain.rs` (the worker),
//!   `extension.rs` (the pool check), `migrations.rs`, `runtime_api.rs`, `weights.rs`,
//!   `benchmarking.rs`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(test)]
mod attacks;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod extension;
pub mod logic;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod offchain;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod weights;

mod dispatchable_impls;
mod era;
mod functions;
mod impl_traits;

pub use extension::CheckReport;
pub use icn_primitives::providers::{
	CapacityLedger, ClusterId, EraIndex, LinkId, LinkRegistry, NodeId, NodeRewards,
	ProviderSlashing, RewardShares, RewardsPool, SettledEras, SlaResults, SlaTargets, SlashQueue,
};
use icn_primitives::Balance;
pub use logic::{EraVerdict, ProbeFailure, ProbeOutcome, SlaWindow};
pub use pallet::*;
pub use weights::{ExtensionWeightInfo, WeightInfo};

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::ConstU32, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::{KeyTypeId, Perbill};

/// The key type of HyperNode report-signing keys in the node's keystore.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"icno");

/// The `icno` application crypto: sr25519 keys whose accounts sign HyperNode reports.
pub mod crypto {
	use super::KEY_TYPE;
	use sp_runtime::{
		app_crypto::{app_crypto, sr25519},
		MultiSignature, MultiSigner,
	};
	app_crypto!(sr25519, KEY_TYPE);

	/// Signs reports with the keystore's `icno` keys, as `MultiSignature`s.
	pub struct OracleAuthId;
	impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for OracleAuthId {
		type RuntimeAppPublic = Public;
		type GenericSignature = sp_core::sr25519::Signature;
		type GenericPublic = sp_core::sr25519::Public;
	}
}

/// Longest HyperNode address (an FQDN or IP), bytes.
pub const MAX_ADDRESS_LEN: u32 = 253;

/// A registered HyperNode.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct HyperNode<T: pallet::Config> {
	/// The account whose `icno` key signs its reports.
	pub signer: T::AccountId,
	/// ISO 3166-1 alpha-2 location.
	pub location: [u8; 2],
	/// FQDN or IP.
	pub address: BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>>,
	/// Links staked to it.
	pub links: BoundedVec<LinkId, T::MaxLinksPerHyperNode>,
	/// Removed for low accuracy (stays out of the active set until it re-registers).
	pub removed: bool,
	/// Reports due in the current accuracy window.
	pub due: u32,
	/// Of those, missing or disagreeing with the verdict.
	pub misses: u32,
	/// ICNT held from the owner while it is registered (`HoldReason::HyperNodeDeposit`;
	/// 0 for registrations older than the deposit).
	pub deposit: Balance,
}

impl<T: pallet::Config> HyperNode<T> {
	/// Active: at least one Link staked and not removed.
	pub fn is_active(&self) -> bool {
		!self.links.is_empty() && !self.removed
	}

	/// Accuracy in the current window (1 with nothing due yet).
	pub fn accuracy(&self) -> Perbill {
		if self.due == 0 {
			Perbill::one()
		} else {
			Perbill::from_rational(self.due.saturating_sub(self.misses), self.due)
		}
	}
}

/// Governance-set SLA parameters (protocol §4.4).
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlaParams {
	/// Consecutive failed eras that are not slashed (3).
	pub grace_eras: u32,
	/// Slash of the first slashed era (1 %); doubles each further consecutive failure.
	pub slash_base: Perbill,
	/// Largest slash per era (10 %).
	pub slash_cap: Perbill,
	/// Lowest HyperNode accuracy before removal (90 %).
	pub min_accuracy: Perbill,
	/// Reports due before accuracy can remove a HyperNode.
	pub min_reports_for_accuracy: u32,
	/// Eras of one accuracy window (720).
	pub accuracy_window: u32,
	/// The SLA score target (99.95 %): a node below it earns no capacity reward.
	pub sla_target: Perbill,
	/// Provider nodes' part of each era's reward budget (80 %); HyperNodes get the rest.
	pub node_share: Perbill,
}

impl Default for SlaParams {
	fn default() -> Self {
		Self {
			grace_eras: 3,
			slash_base: Perbill::from_percent(1),
			slash_cap: Perbill::from_percent(10),
			min_accuracy: Perbill::from_percent(90),
			min_reports_for_accuracy: 20,
			accuracy_window: logic::SCORE_WINDOW,
			sla_target: Perbill::from_parts(999_500_000),
			node_share: Perbill::from_percent(80),
		}
	}
}

/// An era's reward accounting (protocol §4.4).
#[derive(
	Clone,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct EraReward {
	/// Σ capacity × 10⁹ of the nodes aggregated: what a node's reward points are a part of.
	pub capacity_points: u128,
	/// Links staked to the era's active HyperNodes when it started.
	pub links: u32,
	/// The provider nodes' part of the budget.
	pub node_budget: Balance,
	/// The HyperNodes' part of the budget.
	pub hypernode_budget: Balance,
	/// Paid to provider nodes (and their delegators) so far.
	pub node_paid: Balance,
	/// Paid to HyperNodes so far.
	pub hypernode_paid: Balance,
}

/// Oracles per page of an era's snapshot ([`EraOraclePages`], [`EraAccuracyPages`]).
pub const ORACLE_PAGE: u32 = 256;

/// A HyperNode's place in an era's snapshot and its report there so far ([`OracleOf`]).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct OracleSlot {
	/// The era.
	pub era: EraIndex,
	/// Its index among the era's oracles.
	pub index: u32,
	/// Node results it reported in the era (all parts of its report together).
	pub reported: u32,
	/// The last node of its report so far: a further part must start after it.
	pub up_to: Option<NodeId>,
	/// The last era it reported in and the node results of that era so far (kept when a
	/// new era's snapshot overwrites the rest; what monitoring reads).
	pub last_report: Option<(EraIndex, u32)>,
}

/// Where the aggregation of an era is.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum AggregationStep {
	/// Aggregating the nodes from this one on.
	Nodes(NodeId),
	/// Applying the slashes pending from the era before.
	Slashes,
	/// Setting the era's reward budget.
	Budget,
	/// Paying provider nodes.
	NodeRewards,
	/// Settling the era's HyperNodes (accuracy counted, reward paid, removal for low
	/// accuracy) from this index on, one per step.
	HyperNodeRewards(u32),
	/// Closing the era.
	Finalize,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Mutate, MutateHold},
		weights::WeightMeter,
	};
	use frame_system::{offchain::CreateSignedTransaction, pallet_prelude::*};
	use sp_runtime::traits::{IdentifyAccount, Verify};

	/// Reward points of a whole capacity unit (utilization and multiplier scale them down).
	pub(crate) const POINTS_PER_UNIT: u128 = 1_000_000_000;

	/// The most reward entries one block's reward batch reads.
	pub(crate) const MAX_REWARD_BATCH: u32 = 4_096;

	/// Failure records removed per block at most.
	pub(crate) const FAILURE_PRUNE_BATCH: u32 = 512;

	/// Eras of failure records `node_sla` shows (the last one finalized and nine before).
	pub(crate) const NODE_SLA_VIEW: u32 = 10;

	/// What every node of an era's aggregation batch shares, read once per batch.
	pub(crate) struct EraContext<'a> {
		pub(crate) era: EraIndex,
		pub(crate) params: &'a SlaParams,
	}

	/// 1: pending slashes by (era, node), no longer a bounded list per era
	/// ([`migrations::v1`]). 2: registrations hold a deposit, only active HyperNodes count
	/// against `MaxHyperNodes` ([`migrations::v2`]). 3: the active set is a map and each
	/// era's snapshot and accuracy counters are pages ([`migrations::v3`]).
	pub(crate) const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	/// Why the pallet holds ICNT.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A HyperNode registration's deposit.
		HyperNodeDeposit,
	}

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		CreateSignedTransaction<Call<Self>> + frame_system::Config<RuntimeEvent: From<Event<Self>>>
	{
		/// The `icno` keys the off-chain worker signs reports with.
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;
		/// Provider nodes to probe.
		type Targets: SlaTargets;
		/// Slashing provider nodes.
		type Slashing: ProviderSlashing;
		/// ICN Links.
		type Links: LinkRegistry<Self::AccountId>;
		/// The chain's era clock (protocol §1).
		type Clock: icn_primitives::clock::ChainClock;
		/// The most **active** HyperNodes (Links staked); registrations are not capped, each
		/// holds [`Config::HyperNodeDeposit`].
		#[pallet::constant]
		type MaxHyperNodes: Get<u32>;
		/// ICNT held from a HyperNode's owner while it is registered (returned when it
		/// deregisters).
		#[pallet::constant]
		type HyperNodeDeposit: Get<Balance>;
		/// Sets parameters and clears dormant registrations (in the runtime: root or the
		/// protocol administration referendum track).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Cancels a pending slash before it is applied: a wrong oracle majority must be
		/// correctable within the deferral (one era), faster than a referendum decides (in the
		/// runtime: root, the protocol administration track, or a council majority).
		type SlashCancelOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The hold reason of this runtime.
		type RuntimeHoldReason: From<HoldReason>;
		/// The most Links staked to one HyperNode.
		#[pallet::constant]
		type MaxLinksPerHyperNode: Get<u32>;
		/// The most node results in one report.
		#[pallet::constant]
		type MaxReportResults: Get<u32>;
		/// Eras a HyperNode removed for low accuracy waits before its owner or its key may
		/// register again.
		#[pallet::constant]
		type RemovalCooldown: Get<u32>;
		/// How far the marketplace has settled: failure records are kept until then.
		type Settlement: SettledEras;
		/// Most weight aggregation may use in one block.
		#[pallet::constant]
		type AggregationWeightPerBlock: Get<Weight>;
		/// ICNT, as rewards are paid and deposits held.
		type Currency: Mutate<Self::AccountId, Balance = Balance>
			+ MutateHold<Self::AccountId, Balance = Balance, Reason = Self::RuntimeHoldReason>;
		/// Provider nodes' capacity and their clusters' utilization.
		type Capacity: CapacityLedger<Self::AccountId>;
		/// Paying provider nodes and their delegators.
		type Rewards: NodeRewards<Self::AccountId>;
		/// The network-rewards pool and its released budget.
		type Pool: RewardsPool<Self::AccountId>;
		/// The signature proving that a HyperNode's signing key is held by its owner
		/// (`MultiSignature`: verified against the signer's account).
		type SignerProof: Parameter + Verify<Signer: IdentifyAccount<AccountId = Self::AccountId>>;
		/// Weights.
		type WeightInfo: WeightInfo;
		/// Weight of the `CheckSlaReport` transaction extension on every other transaction.
		type ExtensionWeightInfo: ExtensionWeightInfo;
		/// Benchmark set-up: Links and probe-able provider nodes.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::SignerProof>;
	}

	/// Benchmark set-up the runtime provides.
	#[cfg(feature = "runtime-benchmarks")]
	pub trait BenchmarkHelper<AccountId, Proof> {
		/// Mints a new Link to `owner`.
		fn link(owner: &AccountId) -> LinkId;
		/// A new signing account and its proof for `owner` (a key the benchmark holds).
		fn signer(owner: &AccountId) -> (AccountId, Proof);
		/// Registers `n` probe-able provider nodes of one cluster (fully collateralized, with
		/// a delegator if `delegators`: the worst to slash and to pay); returns them.
		fn probe_nodes(n: u32, delegators: bool) -> Vec<NodeId>;
		/// The most nodes one cluster may have.
		fn max_cluster_nodes() -> u32;
	}

	/// The HyperNodes, by owner account.
	#[pallet::storage]
	pub type HyperNodes<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, HyperNode<T>>;

	/// Signing account → HyperNode owner.
	#[pallet::storage]
	pub type Signers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// Number of registered HyperNodes (active or not).
	#[pallet::storage]
	pub type HyperNodeCount<T> = StorageValue<_, u32, ValueQuery>;

	/// The active HyperNodes (a Link staked, not removed) and how many Links each has
	/// staked: what each era's snapshot is copied from, at most `MaxHyperNodes`.
	#[pallet::storage]
	pub type ActiveSet<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, u32, OptionQuery>;

	/// The current era (its snapshot is taken, or being copied: [`SnapshotCursor`]).
	#[pallet::storage]
	pub type CurrentEra<T> = StorageValue<_, EraIndex, OptionQuery>;

	/// Each era's oracles in pages of [`ORACLE_PAGE`]: the era's active HyperNodes with the
	/// Links each had staked when it was copied (what the era's HyperNode rewards are shared
	/// by). Oracle `i` of an era is entry `i % ORACLE_PAGE` of page `i / ORACLE_PAGE`;
	/// reports name oracles by index. Reading one oracle decodes one page, whatever the
	/// number of HyperNodes.
	#[pallet::storage]
	pub type EraOraclePages<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		EraIndex,
		Twox64Concat,
		u32,
		BoundedVec<(T::AccountId, u32), ConstU32<ORACLE_PAGE>>,
		ValueQuery,
	>;

	/// How many oracles each era has (final once its snapshot is copied).
	#[pallet::storage]
	pub type EraOracleCount<T> = StorageMap<_, Twox64Concat, EraIndex, u32, ValueQuery>;

	/// Each HyperNode's place in the latest era it was copied into and its report there so
	/// far: what a report is checked against in one read (overwritten each era, removed when
	/// it deregisters).
	#[pallet::storage]
	pub type OracleOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, OracleSlot>;

	/// The era whose snapshot is still being copied from [`ActiveSet`] (in `on_poll`
	/// batches) and the last HyperNode copied. Reports of that era wait until it is done.
	#[pallet::storage]
	pub type SnapshotCursor<T: Config> =
		StorageValue<_, (EraIndex, Option<T::AccountId>), OptionQuery>;

	/// Each era's randomness: the hash of the block before its first.
	#[pallet::storage]
	pub type EraSeeds<T> = StorageMap<_, Twox64Concat, EraIndex, [u8; 32]>;

	/// Each era's provider nodes: those with an id below this bound (the next node id when
	/// the era started). Nodes registered during an era are probed from the next one, so no
	/// HyperNode is held to report a node that did not exist when it probed.
	#[pallet::storage]
	pub type EraNodeBound<T> = StorageMap<_, Twox64Concat, EraIndex, NodeId>;

	/// Reports: era → node → (oracle index, outcome).
	#[pallet::storage]
	pub type Reports<T> = StorageDoubleMap<
		_,
		Twox64Concat,
		EraIndex,
		Twox64Concat,
		NodeId,
		BoundedVec<(u32, ProbeOutcome), ConstU32<{ logic::MAX_ORACLES_PER_NODE }>>,
		ValueQuery,
	>;

	/// Aggregation: the era being aggregated and where it is.
	#[pallet::storage]
	pub type Aggregation<T> = StorageValue<_, (EraIndex, AggregationStep), OptionQuery>;

	/// Each era's reward accounting, until the era is finalized.
	#[pallet::storage]
	pub type EraRewards<T> = StorageMap<_, Twox64Concat, EraIndex, EraReward, ValueQuery>;

	/// Each HyperNode's reports due and missed in an era, in pages as [`EraOraclePages`]
	/// (by oracle index), counted while the era's nodes are aggregated; added to its accuracy
	/// window when its reward is paid.
	#[pallet::storage]
	pub type EraAccuracyPages<T> = StorageDoubleMap<
		_,
		Twox64Concat,
		EraIndex,
		Twox64Concat,
		u32,
		BoundedVec<(u32, u32), ConstU32<ORACLE_PAGE>>,
		ValueQuery,
	>;

	/// Reward points of the nodes that earned a capacity reward in an era, until paid.
	#[pallet::storage]
	pub type RewardPoints<T> =
		StorageDoubleMap<_, Twox64Concat, EraIndex, Twox64Concat, NodeId, u128>;

	/// Each cluster's utilization (booked / capacity) and the era it was measured for.
	#[pallet::storage]
	pub type ClusterUtilization<T> = StorageMap<_, Twox64Concat, ClusterId, (EraIndex, Perbill)>;

	/// The last era fully aggregated.
	#[pallet::storage]
	pub type FinalizedEra<T> = StorageValue<_, EraIndex, OptionQuery>;

	/// Each node's SLA window.
	#[pallet::storage]
	pub type NodeSla<T> = StorageMap<_, Twox64Concat, NodeId, SlaWindow>;

	/// Nodes whose era is refunded to builders (what the marketplace reads): a failed era, or
	/// one nobody could verify although oracles were assigned (too few reports).
	#[pallet::storage]
	pub type Failures<T> = StorageDoubleMap<_, Twox64Concat, EraIndex, Twox64Concat, NodeId, ()>;

	/// Slashes computed for a failed era, by era and node: applied when the next era is
	/// aggregated, as many as there are (none is ever dropped).
	#[pallet::storage]
	pub type PendingSlashes<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EraIndex, Twox64Concat, NodeId, Perbill>;

	/// The collateral requirement each pending slash is a fraction of, fixed when it became
	/// pending (a node lowering its capacity before the slash lands does not shrink it).
	#[pallet::storage]
	pub type PendingSlashBases<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EraIndex, Twox64Concat, NodeId, Balance>;

	/// The oldest era whose failure records are still kept: they go once the marketplace has
	/// settled the era and it left `node_sla`'s view (a batch per block, this era until all
	/// of its records are gone).
	#[pallet::storage]
	pub type FailurePruning<T> = StorageValue<_, EraIndex, OptionQuery>;

	/// HyperNodes removed for low accuracy: by owner and by signing account, the era of the
	/// removal. Neither registers again before the cool-down has passed.
	#[pallet::storage]
	pub type Removals<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, EraIndex>;

	/// The accuracy record of a HyperNode that deregistered (by owner): restored if it
	/// registers again within the same accuracy window, so leaving wipes nothing.
	#[pallet::storage]
	pub type DepartedAccuracy<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (u32, u32, u32)>;

	/// The SLA parameters.
	#[pallet::storage]
	pub type Params<T> = StorageValue<_, SlaParams, ValueQuery>;

	/// A HyperNode of the genesis.
	#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
	#[serde(rename_all = "camelCase", deny_unknown_fields)]
	pub struct HyperNodeGenesis<AccountId> {
		/// Its owner.
		pub owner: AccountId,
		/// The account of its `icno` key.
		pub signer: AccountId,
		/// ISO 3166-1 alpha-2 location.
		pub location: alloc::string::String,
		/// FQDN or IP.
		pub address: alloc::string::String,
		/// Links of the owner staked to it.
		pub links: Vec<LinkId>,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters (`None`: the protocol's defaults).
		pub params: Option<SlaParams>,
		/// HyperNodes registered at genesis.
		pub hypernodes: Vec<HyperNodeGenesis<T::AccountId>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(p) = &self.params {
				Params::<T>::put(p);
			}
			for h in &self.hypernodes {
				let location = match h.location.as_bytes() {
					[a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => [*a, *b],
					_ => panic!(
						"HyperNode location {:?} is not an ISO 3166 alpha-2 code",
						h.location
					),
				};
				let address = BoundedVec::try_from(h.address.as_bytes().to_vec())
					.unwrap_or_else(|_| panic!("HyperNode address {:?} is too long", h.address));
				if let Err(e) =
					Pallet::<T>::do_register(h.owner.clone(), h.signer.clone(), location, address)
				{
					panic!("genesis HyperNode {:?}: {e:?}", h.owner);
				}
				for link in &h.links {
					if let Err(e) = Pallet::<T>::do_stake(&h.owner, *link) {
						panic!("genesis HyperNode {:?} staking Link {link}: {e:?}", h.owner);
					}
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A HyperNode registered (its signer proved it holds the key).
		HyperNodeRegistered { owner: T::AccountId, signer: T::AccountId },
		/// A HyperNode deregistered; its Links were unstaked and its deposit returned.
		HyperNodeDeregistered { owner: T::AccountId },
		/// The admin origin cleared a dormant registration: its Links were unstaked and its
		/// `deposit` returned.
		HyperNodeCleared { owner: T::AccountId, deposit: Balance },
		/// A Link was staked to a HyperNode.
		LinkStaked { owner: T::AccountId, link: LinkId },
		/// A Link was unstaked.
		LinkUnstaked { owner: T::AccountId, link: LinkId },
		/// A HyperNode was removed from the active set for low accuracy.
		HyperNodeRemoved { owner: T::AccountId, accuracy: Perbill },
		/// An era's snapshot is copied: it has this many oracles (active HyperNodes), and
		/// its reports are taken from now on.
		EraStarted { era: EraIndex, oracle_count: u32 },
		/// A HyperNode's report for an era was accepted.
		ReportAccepted { owner: T::AccountId, era: EraIndex, results: u32 },
		/// A node's era verdict.
		NodeVerdict { node: NodeId, era: EraIndex, verdict: EraVerdict, reports: u32 },
		/// A slash was computed for a failed era; it applies after the next era.
		SlashPending { node: NodeId, era: EraIndex, fraction: Perbill },
		/// A pending slash was cancelled by governance.
		SlashCancelled { node: NodeId, era: EraIndex },
		/// A pending slash was applied.
		SlashApplied { node: NodeId, era: EraIndex, fraction: Perbill },
		/// A slash could not be applied (the node left).
		SlashSkipped { node: NodeId, era: EraIndex },
		/// An era's aggregation finished.
		EraFinalized { era: EraIndex },
		/// An era's reward budget, as released by the network-rewards schedule.
		EraBudget { era: EraIndex, nodes: Balance, hypernodes: Balance },
		/// A node's capacity reward for an era (its delegators' parts included).
		NodeRewarded { era: EraIndex, node: NodeId, amount: Balance },
		/// A HyperNode's reward for an era.
		HyperNodeRewarded { era: EraIndex, owner: T::AccountId, amount: Balance },
		/// An era's rewards are paid; `unspent` stays in the pool.
		EraRewardsPaid { era: EraIndex, paid: Balance, unspent: Balance },
		/// The parameters changed.
		ParamsSet { params: SlaParams },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account already has a HyperNode.
		AlreadyRegistered,
		/// The signing account already signs for a HyperNode.
		SignerInUse,
		/// No such HyperNode.
		NotRegistered,
		/// The active set is full (`MaxHyperNodes` HyperNodes with Links staked).
		TooManyHyperNodes,
		/// The location is not two upper-case letters.
		BadLocation,
		/// The address is empty.
		EmptyAddress,
		/// The HyperNode has the most Links allowed.
		TooManyLinks,
		/// No such Link.
		UnknownLink,
		/// The Link belongs to someone else.
		NotLinkOwner,
		/// The Link already backs something (a provider node or a HyperNode).
		LinkInUse,
		/// The Link is not staked to this HyperNode.
		LinkNotStaked,
		/// The sender signs for no HyperNode active in this era.
		NotAnOracle,
		/// Reports are taken for the current era only.
		WrongEra,
		/// This HyperNode already reported these nodes this era (a further part of its report
		/// must start after the last node it reported).
		DuplicateReport,
		/// A node is not assigned to this HyperNode this era.
		NotAssigned,
		/// A node is listed twice or out of order: a report lists each node once, in
		/// ascending node order (as the worker sends them).
		DuplicateNode,
		/// An empty report.
		EmptyReport,
		/// No pending slash of that node for that era.
		NoPendingSlash,
		/// A parameter is out of range.
		BadParams,
		/// The proof is not the signer key's signature over the owner and this chain's
		/// genesis hash ([`Pallet::signer_proof_payload`]).
		BadSignerProof,
		/// The owner or the signing key belongs to a HyperNode removed for low accuracy whose
		/// cool-down has not passed.
		RemovedRecently,
		/// The HyperNode is active (Links staked, not removed): only a dormant registration
		/// can be cleared.
		HyperNodeActive,
		/// The era's snapshot of HyperNodes is still being copied (it takes a block or two
		/// at the start of an era with thousands of HyperNodes): report once it is done.
		SnapshotPending,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			let era = Self::era_of(n);
			if CurrentEra::<T>::get().is_some_and(|current| current >= era) {
				return T::WeightInfo::on_initialize_idle();
			}
			Self::start_era(era);
			// The benchmark starts an era with nothing to prune: the pruning of the era four
			// back (its snapshot pages) is charged on top. The snapshot itself is copied in
			// `on_poll`.
			T::WeightInfo::start_era().saturating_add(Self::prune_weight())
		}

		fn on_poll(_n: BlockNumberFor<T>, meter: &mut WeightMeter) {
			let budget = T::AggregationWeightPerBlock::get().min(meter.remaining());
			let mut local = WeightMeter::with_limit(budget);
			// The current era's snapshot first: its reports wait for it.
			Self::copy_snapshot(&mut local);
			Self::aggregate(&mut local);
			Self::prune_failures(&mut local);
			meter.consume(local.consumed());
		}

		fn offchain_worker(n: BlockNumberFor<T>) {
			offchain::run::<T>(n);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Registers the caller's HyperNode: `signer` is the account of its `icno` key (the
		/// key its off-chain worker signs reports with), `location` an ISO 3166 code,
		/// `address` its FQDN or IP, and `proof` the `icno` key's signature over
		/// [`Pallet::signer_proof_payload`] of the caller (its account and this chain's genesis
		/// hash), so nobody can name a key they do not hold. It is active once a Link is
		/// staked to it.
		#[pallet::call_index(0)]
		pub fn register_hypernode(
			origin: OriginFor<T>,
			signer: T::AccountId,
			location: [u8; 2],
			address: BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>>,
			proof: T::SignerProof,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_hypernode(owner, signer, location, address, proof)
		}

		/// Stakes one of the caller's Links to its HyperNode (locking the Link).
		#[pallet::call_index(1)]
		pub fn stake_link(origin: OriginFor<T>, link: LinkId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_stake(&owner, link)
		}

		/// Unstakes a Link from the caller's HyperNode (unlocking it; re-stake it to another
		/// HyperNode at any time). A HyperNode without Links leaves the active set at the
		/// next era. Not while an era's snapshot is being copied (`SnapshotPending`, a block
		/// or two): a Link moved between its batches would count for two HyperNodes.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unstake_link().saturating_add(T::DbWeight::get().reads(1)))]
		pub fn unstake_link(origin: OriginFor<T>, link: LinkId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_unstake_link(owner, link)
		}

		/// Deregisters the caller's HyperNode, unstaking its Links (not while an era's
		/// snapshot is being copied: `SnapshotPending`). Its place in the current era is kept
		/// until the era is settled, so registering again within the era reports on.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::deregister_hypernode(T::MaxLinksPerHyperNode::get())
			.saturating_add(T::DbWeight::get().reads(3)))]
		pub fn deregister_hypernode(origin: OriginFor<T>) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_deregister_hypernode(owner)
		}

		/// A HyperNode's probe results for the current era, signed by its `icno` key's
		/// account: one report per HyperNode per era, only for the nodes assigned to it, each
		/// node once, in ascending node order. A HyperNode assigned more nodes than one
		/// transaction carries (`MaxReportResults`) sends its report in parts, each starting
		/// after the last node of the part before (so parts are disjoint and in order; the
		/// worker sends them with consecutive nonces). An accepted part pays no fee.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::submit_report(results.len() as u32))]
		pub fn submit_report(
			origin: OriginFor<T>,
			era: EraIndex,
			results: BoundedVec<(NodeId, ProbeOutcome), T::MaxReportResults>,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			Self::do_submit_report(signer, era, results)
		}

		/// Cancels a pending slash ([`Config::SlashCancelOrigin`]) before it is applied: a
		/// wrong oracle majority must be correctable. `NoPendingSlash` once it was applied.
		#[pallet::call_index(5)]
		pub fn cancel_slash(origin: OriginFor<T>, era: EraIndex, node: NodeId) -> DispatchResult {
			T::SlashCancelOrigin::ensure_origin(origin)?;
			Self::do_cancel_slash(era, node)
		}

		/// Sets the SLA parameters (admin origin).
		#[pallet::call_index(6)]
		pub fn set_params(origin: OriginFor<T>, params: SlaParams) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_params(params)
		}

		/// Clears a dormant HyperNode registration (admin origin): one with no Link staked or
		/// removed for low accuracy. As on deregistration, its Links are unstaked, its
		/// deposit returned (it pays for storage, not behaviour) and its accuracy record and
		/// any removal's cool-down kept.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::clear_hypernode(T::MaxLinksPerHyperNode::get())
			.saturating_add(T::DbWeight::get().reads(2)))]
		pub fn clear_hypernode(origin: OriginFor<T>, owner: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_clear_hypernode(owner)
		}
	}
}
