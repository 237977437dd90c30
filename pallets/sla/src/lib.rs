//! # SLA oracle (protocol §4)
//!
//! HyperNodes probe Hardware Providers' storage endpoints and report on chain; the chain
//! aggregates the reports into per-era verdicts, SLA scores and slashes.
//!
//! - **HyperNodes** register with an `icno` signing key (an sr25519 key in their node's
//!   keystore; its account signs the reports), a location and an address, and are active with
//!   at least one ICN Link staked (locked through [`LinkRegistry`], so a Link backing a
//!   provider node cannot be staked too).
//! - **Eras**: at each era's first block the active HyperNodes are snapshotted with the era's
//!   randomness (the parent block hash); every probe-able provider node gets
//!   `k = min(#oracles, 5)` of them ([`logic::oracles_for`]).
//! - **Reports**: the off-chain worker ([`offchain`]) of each HyperNode probes its nodes over
//!   HTTP and sends one signed `submit_report` per era; accepted reports pay no fee, and
//!   the [`CheckReport`] transaction extension refuses invalid ones in the pool already.
//! - **Aggregation** of an era runs in `on_poll` during the next eras, node by node with a
//!   cursor and a weight budget: quorum `⌈2k/3⌉`, majority and median latency
//!   ([`logic::verdict`]); the sliding-window score ([`logic::SlaWindow`]); the repair window
//!   (three failed eras in a row are free, then 1 %, 2 %, 4 %, 8 %, 10 % of the node's
//!   collateral) with each slash **applied one era later** through [`ProviderSlashing`],
//!   cancellable by root in between; HyperNode accuracy, and removal below 90 %.
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

pub use extension::CheckReport;
pub use icn_primitives::providers::{
	CapacityLedger, ClusterId, EraIndex, LinkId, LinkRegistry, NodeId, NodeRewards,
	ProviderSlashing, RewardShares, RewardsPool, SettledEras, SlaResults, SlaTargets, SlashQueue,
};
use icn_primitives::Balance;
pub use logic::{EraVerdict, ProbeFailure, ProbeOutcome, SlaWindow};
pub use pallet::*;
pub use weights::WeightInfo;

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
	/// Paying the era's HyperNodes from this index on.
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
		traits::{
			fungible::{Mutate, MutateHold},
			tokens::{Precision, Preservation},
		},
		weights::WeightMeter,
	};
	use frame_system::{offchain::CreateSignedTransaction, pallet_prelude::*};
	use sp_runtime::{
		helpers_128bit::multiply_by_rational_with_rounding,
		traits::{IdentifyAccount, UniqueSaturatedInto, Verify},
		PerThing, Rounding,
	};

	/// Reward points of a whole capacity unit (utilization and multiplier scale them down).
	const POINTS_PER_UNIT: u128 = 1_000_000_000;

	/// The most reward entries one block's reward batch reads.
	const MAX_REWARD_BATCH: u32 = 4_096;

	/// Failure records removed per block at most.
	const FAILURE_PRUNE_BATCH: u32 = 512;

	/// Eras of failure records `node_sla` shows (the last one finalized and nine before).
	const NODE_SLA_VIEW: u32 = 10;

	/// What every node of an era's aggregation batch shares, read once per batch.
	pub(crate) struct EraContext<'a> {
		era: EraIndex,
		seed: &'a [u8; 32],
		oracles: u32,
		params: &'a SlaParams,
	}

	/// 1: pending slashes by (era, node), no longer a bounded list per era
	/// ([`migrations::v1`]). 2: registrations hold a deposit, only active HyperNodes count
	/// against `MaxHyperNodes` ([`migrations::v2`]).
	pub(crate) const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

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
		/// Cancels slashes, sets parameters, clears dormant registrations (root, later
		/// governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
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
		/// the most delegators a node may have if `delegators`: the worst to slash and to
		/// pay); returns them.
		fn probe_nodes(n: u32, delegators: bool) -> Vec<NodeId>;
		/// The most nodes one cluster may have.
		fn max_cluster_nodes() -> u32;
		/// Adds `d` delegators to `node`.
		fn delegate(node: NodeId, d: u32);
		/// The most delegators one node may have.
		fn max_delegators() -> u32;
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

	/// The active HyperNodes (a Link staked, not removed), sorted: what an era's snapshot is
	/// taken from, at most `MaxHyperNodes`.
	#[pallet::storage]
	pub type ActiveHyperNodes<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxHyperNodes>, ValueQuery>;

	/// The current era (its snapshot is taken).
	#[pallet::storage]
	pub type CurrentEra<T> = StorageValue<_, EraIndex, OptionQuery>;

	/// The active HyperNodes of each era, sorted; reports name them by index.
	#[pallet::storage]
	pub type EraOracles<T: Config> = StorageMap<
		_,
		Twox64Concat,
		EraIndex,
		BoundedVec<T::AccountId, T::MaxHyperNodes>,
		ValueQuery,
	>;

	/// The Links each of an era's oracles (by index) had staked when the era started: what
	/// the era's HyperNode rewards are shared by.
	#[pallet::storage]
	pub type EraLinks<T: Config> =
		StorageMap<_, Twox64Concat, EraIndex, BoundedVec<u32, T::MaxHyperNodes>, ValueQuery>;

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

	/// Which HyperNodes reported in which era, and how many node results (all parts of the
	/// report together).
	#[pallet::storage]
	pub type Reported<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EraIndex, Blake2_128Concat, T::AccountId, u32>;

	/// The last node of each HyperNode's report so far in each era: a further part of the
	/// report must start after it.
	#[pallet::storage]
	pub type ReportedUpTo<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EraIndex, Blake2_128Concat, T::AccountId, NodeId>;

	/// Aggregation: the era being aggregated and where it is.
	#[pallet::storage]
	pub type Aggregation<T> = StorageValue<_, (EraIndex, AggregationStep), OptionQuery>;

	/// Each era's reward accounting, until the era is finalized.
	#[pallet::storage]
	pub type EraRewards<T> = StorageMap<_, Twox64Concat, EraIndex, EraReward, ValueQuery>;

	/// Each HyperNode's reports due and missed in an era (by its index in the era's oracles),
	/// counted while the era's nodes are aggregated; added to its accuracy window when its
	/// reward is paid.
	#[pallet::storage]
	pub type EraAccuracy<T: Config> =
		StorageMap<_, Twox64Concat, EraIndex, BoundedVec<(u32, u32), T::MaxHyperNodes>, ValueQuery>;

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
		/// An era began with this many active HyperNodes.
		EraStarted { era: EraIndex, oracles: u32 },
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
			// back (its snapshot and report bookkeeping) is charged on top.
			T::WeightInfo::start_era(T::MaxHyperNodes::get()).saturating_add(Self::prune_weight())
		}

		fn on_poll(_n: BlockNumberFor<T>, meter: &mut WeightMeter) {
			let budget = T::AggregationWeightPerBlock::get().min(meter.remaining());
			let mut local = WeightMeter::with_limit(budget);
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

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller's HyperNode: `signer` is the account of its `icno` key (the
		/// key its off-chain worker signs reports with), `location` an ISO 3166 code,
		/// `address` its FQDN or IP, and `proof` the `icno` key's signature over
		/// [`Pallet::signer_proof_payload`] of the caller (its account and this chain's genesis
		/// hash), so nobody can name a key they do not hold. It is active once a Link is
		/// staked to it.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_hypernode())]
		pub fn register_hypernode(
			origin: OriginFor<T>,
			signer: T::AccountId,
			location: [u8; 2],
			address: BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>>,
			proof: T::SignerProof,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			ensure!(
				proof.verify(&Self::signer_proof_payload(&owner)[..], &signer),
				Error::<T>::BadSignerProof
			);
			Self::do_register(owner, signer, location, address)
		}

		/// Stakes one of the caller's Links to its HyperNode (locking the Link).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::stake_link())]
		pub fn stake_link(origin: OriginFor<T>, link: LinkId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_stake(&owner, link)
		}

		/// Unstakes a Link from the caller's HyperNode (unlocking it; re-stake it to another
		/// HyperNode at any time). A HyperNode without Links leaves the active set at the
		/// next era.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unstake_link())]
		pub fn unstake_link(origin: OriginFor<T>, link: LinkId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let mut h = HyperNodes::<T>::get(&owner).ok_or(Error::<T>::NotRegistered)?;
			let pos = h.links.iter().position(|l| *l == link).ok_or(Error::<T>::LinkNotStaked)?;
			T::Links::unlock(link)?;
			h.links.remove(pos);
			if !h.is_active() {
				Self::deactivate(&owner);
			}
			HyperNodes::<T>::insert(&owner, h);
			Self::deposit_event(Event::LinkUnstaked { owner, link });
			Ok(())
		}

		/// Deregisters the caller's HyperNode, unstaking its Links.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::deregister_hypernode(T::MaxLinksPerHyperNode::get()))]
		pub fn deregister_hypernode(origin: OriginFor<T>) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let h = HyperNodes::<T>::get(&owner).ok_or(Error::<T>::NotRegistered)?;
			Self::do_deregister(&owner, h)?;
			Self::deposit_event(Event::HyperNodeDeregistered { owner });
			Ok(())
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
			let (owner, index) = Self::check_report(&signer, era, &results)?;
			for (node, outcome) in &results {
				Reports::<T>::mutate(era, node, |r| {
					// Bounded by k ≤ 5 oracles per node, each reporting once: cannot overflow.
					let _ = r.try_push((index, *outcome));
				});
			}
			Reported::<T>::mutate(era, &owner, |count| {
				*count = Some(count.unwrap_or(0).saturating_add(results.len() as u32))
			});
			if let Some((last, _)) = results.last() {
				ReportedUpTo::<T>::insert(era, &owner, last);
			}
			Self::deposit_event(Event::ReportAccepted {
				owner,
				era,
				results: results.len() as u32,
			});
			Ok(Pays::No.into())
		}

		/// Cancels a pending slash (admin origin): a wrong oracle majority must be correctable.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::cancel_slash())]
		pub fn cancel_slash(origin: OriginFor<T>, era: EraIndex, node: NodeId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			PendingSlashes::<T>::take(era, node).ok_or(Error::<T>::NoPendingSlash)?;
			PendingSlashBases::<T>::remove(era, node);
			Self::deposit_event(Event::SlashCancelled { node, era });
			Ok(())
		}

		/// Sets the SLA parameters (admin origin).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: SlaParams) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(
				params.slash_base <= params.slash_cap && params.accuracy_window > 0,
				Error::<T>::BadParams
			);
			ensure!(!params.sla_target.is_zero(), Error::<T>::BadParams);
			Params::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}

		/// Clears a dormant HyperNode registration (admin origin): one with no Link staked or
		/// removed for low accuracy. As on deregistration, its Links are unstaked, its
		/// deposit returned (it pays for storage, not behaviour) and its accuracy record and
		/// any removal's cool-down kept.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::clear_hypernode(T::MaxLinksPerHyperNode::get()))]
		pub fn clear_hypernode(origin: OriginFor<T>, owner: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let h = HyperNodes::<T>::get(&owner).ok_or(Error::<T>::NotRegistered)?;
			ensure!(!h.is_active(), Error::<T>::HyperNodeActive);
			let deposit = h.deposit;
			Self::do_deregister(&owner, h)?;
			Self::deposit_event(Event::HyperNodeCleared { owner, deposit });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// What an `icno` key signs to prove it signs for `owner`'s HyperNode on this chain:
		/// `("icn-sla:signer", owner, genesis hash)`, SCALE-encoded.
		pub fn signer_proof_payload(owner: &T::AccountId) -> Vec<u8> {
			let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::default());
			(b"icn-sla:signer", owner, genesis).encode()
		}

		/// The current era (0 before the first).
		pub(crate) fn current_era() -> EraIndex {
			CurrentEra::<T>::get().unwrap_or(0)
		}

		/// Which accuracy window `era` falls in (windows end after eras `w − 1`, `2w − 1`, …).
		pub(crate) fn accuracy_window_of(era: EraIndex) -> u32 {
			era / Params::<T>::get().accuracy_window.max(1)
		}

		/// The era of block `n`, on the chain's era clock.
		pub fn era_of(n: BlockNumberFor<T>) -> EraIndex {
			<T::Clock as icn_primitives::clock::ChainClock>::eras()
				.era_of(n.unique_saturated_into())
		}

		pub(crate) fn do_register(
			owner: T::AccountId,
			signer: T::AccountId,
			location: [u8; 2],
			address: BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>>,
		) -> DispatchResult {
			ensure!(!HyperNodes::<T>::contains_key(&owner), Error::<T>::AlreadyRegistered);
			ensure!(!Signers::<T>::contains_key(&signer), Error::<T>::SignerInUse);
			ensure!(location.iter().all(|c| c.is_ascii_uppercase()), Error::<T>::BadLocation);
			ensure!(!address.is_empty(), Error::<T>::EmptyAddress);
			let count = HyperNodeCount::<T>::get();
			let era = Self::current_era();
			for who in [&owner, &signer] {
				if let Some(removed) = Removals::<T>::get(who) {
					ensure!(
						era >= removed.saturating_add(T::RemovalCooldown::get()),
						Error::<T>::RemovedRecently
					);
				}
			}
			// Past the cool-down: a clean start (the removal served its time, and the record
			// that caused it is dropped). Otherwise a record left in this window comes back.
			let served =
				Removals::<T>::take(&owner).is_some() | Removals::<T>::take(&signer).is_some();
			let (due, misses) = match DepartedAccuracy::<T>::take(&owner) {
				Some((window, due, misses))
					if !served && window == Self::accuracy_window_of(era) =>
				{
					(due, misses)
				},
				_ => (0, 0),
			};
			let deposit = T::HyperNodeDeposit::get();
			T::Currency::hold(&HoldReason::HyperNodeDeposit.into(), &owner, deposit)?;
			HyperNodeCount::<T>::put(count.saturating_add(1));
			Signers::<T>::insert(&signer, &owner);
			HyperNodes::<T>::insert(
				&owner,
				HyperNode::<T> {
					signer: signer.clone(),
					location,
					address,
					links: BoundedVec::new(),
					removed: false,
					due,
					misses,
					deposit,
				},
			);
			Self::deposit_event(Event::HyperNodeRegistered { owner, signer });
			Ok(())
		}

		pub(crate) fn do_stake(owner: &T::AccountId, link: LinkId) -> DispatchResult {
			let mut h = HyperNodes::<T>::get(owner).ok_or(Error::<T>::NotRegistered)?;
			let link_owner = T::Links::owner(link).ok_or(Error::<T>::UnknownLink)?;
			ensure!(&link_owner == owner, Error::<T>::NotLinkOwner);
			ensure!(!T::Links::is_locked(link), Error::<T>::LinkInUse);
			let was_active = h.is_active();
			h.links.try_push(link).map_err(|_| Error::<T>::TooManyLinks)?;
			if !was_active && h.is_active() {
				// Its first Link: it joins the active set (sorted), if there is room.
				ActiveHyperNodes::<T>::try_mutate(|active| {
					let at =
						active.binary_search(owner).err().ok_or(Error::<T>::AlreadyRegistered)?;
					active.try_insert(at, owner.clone()).map_err(|_| Error::<T>::TooManyHyperNodes)
				})?;
			}
			T::Links::lock(link).map_err(|_| Error::<T>::LinkInUse)?;
			HyperNodes::<T>::insert(owner, h);
			Self::deposit_event(Event::LinkStaked { owner: owner.clone(), link });
			Ok(())
		}

		/// Applying one pending slash: the step's own work and the slash at its worst (every
		/// delegator paying, every Link seized — the providers pallet's benchmark).
		pub fn slash_step_weight() -> Weight {
			T::WeightInfo::apply_slash().saturating_add(T::Slashing::slash_weight())
		}

		/// Takes `owner` out of the active set (no Link left, removed, or gone).
		fn deactivate(owner: &T::AccountId) {
			ActiveHyperNodes::<T>::mutate(|active| {
				if let Ok(at) = active.binary_search(owner) {
					active.remove(at);
				}
			});
		}

		/// Removes `owner`'s registration `h`: unstakes its Links, returns its deposit and
		/// keeps its accuracy record for a registration in the same window (a removal is kept
		/// in `Removals`).
		fn do_deregister(owner: &T::AccountId, h: HyperNode<T>) -> DispatchResult {
			for link in &h.links {
				T::Links::unlock(*link)?;
			}
			T::Currency::release(
				&HoldReason::HyperNodeDeposit.into(),
				owner,
				h.deposit,
				Precision::BestEffort,
			)?;
			Self::deactivate(owner);
			HyperNodes::<T>::remove(owner);
			Signers::<T>::remove(&h.signer);
			if h.due > 0 {
				DepartedAccuracy::<T>::insert(
					owner,
					(Self::accuracy_window_of(Self::current_era()), h.due, h.misses),
				);
			}
			HyperNodeCount::<T>::mutate(|c| *c = c.saturating_sub(1));
			Ok(())
		}

		/// Snapshots the active HyperNodes and the randomness of `era`; prunes old eras.
		pub(crate) fn start_era(era: EraIndex) {
			// The active set is sorted and bounded; each one's Links as the era starts.
			let oracles: Vec<(T::AccountId, u32)> = ActiveHyperNodes::<T>::get()
				.into_iter()
				.filter_map(|o| {
					HyperNodes::<T>::get(&o)
						.filter(|h| h.is_active())
						.map(|h| (o, h.links.len() as u32))
				})
				.collect();
			let links = oracles.iter().fold(0u32, |acc, (_, l)| acc.saturating_add(*l));
			EraRewards::<T>::mutate(era, |r| r.links = links);
			let count = oracles.len() as u32;
			// Each oracle's Links as the era starts: what its reward is shared by (Links
			// staked later count from the next era, and a Link for one HyperNode per era).
			EraLinks::<T>::insert(
				era,
				BoundedVec::truncate_from(oracles.iter().map(|(_, l)| *l).collect::<Vec<_>>()),
			);
			EraOracles::<T>::insert(
				era,
				BoundedVec::truncate_from(oracles.into_iter().map(|(o, _)| o).collect::<Vec<_>>()),
			);
			let seed: [u8; 32] =
				frame_system::Pallet::<T>::parent_hash().as_ref().try_into().unwrap_or([0; 32]);
			EraSeeds::<T>::insert(era, seed);
			EraNodeBound::<T>::insert(era, T::Targets::next_node_id());
			CurrentEra::<T>::put(era);
			// An era four back is no longer needed once aggregated; an aggregation that fell
			// that far behind prunes its era itself when it finalizes it.
			if let Some(old) = era
				.checked_sub(4)
				.filter(|old| FinalizedEra::<T>::get().is_some_and(|f| f >= *old))
			{
				Self::prune_era(old);
			}
			Self::deposit_event(Event::EraStarted { era, oracles: count });
		}

		/// Removes `era`'s snapshot (oracles, seed, node bound) and report bookkeeping.
		fn prune_era(era: EraIndex) {
			EraOracles::<T>::remove(era);
			EraLinks::<T>::remove(era);
			EraSeeds::<T>::remove(era);
			EraNodeBound::<T>::remove(era);
			let _ = Reported::<T>::clear_prefix(era, T::MaxHyperNodes::get(), None);
			let _ = ReportedUpTo::<T>::clear_prefix(era, T::MaxHyperNodes::get(), None);
		}

		/// Whether `era`, finalized while `current` runs, fell four eras behind: then
		/// `start_era` left its pruning to its finalization.
		fn prunes_late(era: EraIndex, current: EraIndex) -> bool {
			current >= era.saturating_add(4)
		}

		/// The weight of pruning an era: its snapshot and up to two entries per HyperNode.
		pub(crate) fn prune_weight() -> Weight {
			T::DbWeight::get()
				.writes(u64::from(T::MaxHyperNodes::get()).saturating_mul(2).saturating_add(4))
		}

		/// The extra weight of finalizing `era` while `current` runs: its pruning if late.
		fn late_prune_weight(era: EraIndex, current: EraIndex) -> Weight {
			let writes = u64::from(T::MaxHyperNodes::get()).saturating_mul(2).saturating_add(4);
			T::DbWeight::get().writes(if Self::prunes_late(era, current) { writes } else { 0 })
		}

		/// Checks a report; returns the HyperNode owner and its index in the era's oracles.
		pub fn check_report(
			signer: &T::AccountId,
			era: EraIndex,
			results: &[(NodeId, ProbeOutcome)],
		) -> Result<(T::AccountId, u32), Error<T>> {
			let owner = Signers::<T>::get(signer).ok_or(Error::<T>::NotAnOracle)?;
			ensure!(CurrentEra::<T>::get() == Some(era), Error::<T>::WrongEra);
			let oracles = EraOracles::<T>::get(era);
			let index =
				oracles.iter().position(|o| *o == owner).ok_or(Error::<T>::NotAnOracle)? as u32;
			ensure!(!results.is_empty(), Error::<T>::EmptyReport);
			// A further part of this era's report starts after the last node already reported.
			if let (Some(last), Some((first, _))) =
				(ReportedUpTo::<T>::get(era, &owner), results.first())
			{
				ensure!(*first > last, Error::<T>::DuplicateReport);
			}
			let seed = EraSeeds::<T>::get(era).ok_or(Error::<T>::WrongEra)?;
			let bound = Self::node_bound(era);
			let count = oracles.len() as u32;
			// Ascending node order makes the duplicate check linear in the report's size.
			ensure!(
				results.windows(2).all(|w| match w {
					[(a, _), (b, _)] => a < b,
					_ => true,
				}),
				Error::<T>::DuplicateNode
			);
			for (node, _) in results.iter() {
				ensure!(*node < bound, Error::<T>::NotAssigned);
				ensure!(
					logic::oracles_for(&seed, *node, count).contains(&index),
					Error::<T>::NotAssigned
				);
				ensure!(Self::era_target(*node, era).is_some(), Error::<T>::NotAssigned);
			}
			Ok((owner, index))
		}

		/// What to probe of `node` in `era`, if it is one of the era's nodes: below the era's
		/// node bound and probe-able since the era started ([`ProbeTarget::probed_from`]).
		pub fn era_target(
			node: NodeId,
			era: EraIndex,
		) -> Option<icn_primitives::providers::ProbeTarget> {
			T::Targets::probe_target(node).filter(|t| t.probed_from <= era)
		}

		/// The provider nodes of `era`: ids below this bound (all nodes for an era started
		/// before the bound was recorded).
		pub fn node_bound(era: EraIndex) -> NodeId {
			EraNodeBound::<T>::get(era).unwrap_or_else(T::Targets::next_node_id)
		}

		/// The nodes `owner` must probe in `era` (for the off-chain worker and the runtime API).
		pub fn assignments(owner: &T::AccountId, era: EraIndex) -> Vec<NodeId> {
			let oracles = EraOracles::<T>::get(era);
			let Some(index) = oracles.iter().position(|o| o == owner) else { return Vec::new() };
			let Some(seed) = EraSeeds::<T>::get(era) else { return Vec::new() };
			let count = oracles.len() as u32;
			// The hash first: only assigned nodes cost a storage read. In ascending order, as
			// reports list them; more than `MaxReportResults` are reported in several parts.
			(0..Self::node_bound(era))
				.filter(|node| logic::oracles_for(&seed, *node, count).contains(&(index as u32)))
				.filter(|node| Self::era_target(*node, era).is_some())
				.collect()
		}

		/// Aggregates ended eras step by step within `meter`: each node's verdict (in batches,
		/// with each cluster's utilization measured once per era), the era before's slashes,
		/// the reward budget, each node's reward (in batches) and each HyperNode's, the era's
		/// close. Every step is charged its benchmarked weight before it runs.
		pub fn aggregate(meter: &mut WeightMeter) {
			loop {
				let Some(current) = CurrentEra::<T>::get() else { return };
				let (era, step) =
					Aggregation::<T>::get().unwrap_or((current, AggregationStep::Nodes(0)));
				if era >= current {
					if Aggregation::<T>::get().is_none() {
						Aggregation::<T>::put((era, step));
					}
					return;
				}
				let next = match step {
					AggregationStep::Nodes(node) if node < Self::node_bound(era) => {
						// A batch runs only if at least one node fits after its fixed part.
						if !meter.can_consume(
							T::WeightInfo::aggregate_nodes(0).saturating_add(Self::node_weight()),
						) {
							return;
						}
						meter.consume(T::WeightInfo::aggregate_nodes(0));
						let next = Self::aggregate_nodes(era, node, meter);
						Aggregation::<T>::put((era, AggregationStep::Nodes(next)));
						if next == node {
							// Not even the first node fitted (its cluster's measurement did not).
							return;
						}
						continue;
					},
					AggregationStep::Nodes(_) => AggregationStep::Slashes,
					AggregationStep::Slashes => match era
						.checked_sub(1)
						.filter(|p| PendingSlashes::<T>::iter_prefix(p).next().is_some())
					{
						// The slashes computed for the era before are applied one per step,
						// so any number of them fits in the per-block budget.
						Some(previous) => {
							if meter.try_consume(Self::slash_step_weight()).is_err() {
								return;
							}
							Self::apply_one_slash(previous);
							AggregationStep::Slashes
						},
						None => AggregationStep::Budget,
					},
					AggregationStep::Budget => {
						if meter.try_consume(T::WeightInfo::era_budget()).is_err() {
							return;
						}
						Self::set_budget(era);
						AggregationStep::NodeRewards
					},
					AggregationStep::NodeRewards => {
						if !meter.can_consume(T::WeightInfo::reward_nodes(1)) {
							return;
						}
						meter.consume(T::WeightInfo::reward_nodes(0));
						if Self::reward_nodes(era, meter) {
							AggregationStep::HyperNodeRewards(0)
						} else {
							Aggregation::<T>::put((era, AggregationStep::NodeRewards));
							return;
						}
					},
					AggregationStep::HyperNodeRewards(index)
						if index < EraOracles::<T>::decode_len(era).unwrap_or(0) as u32 =>
					{
						if meter.try_consume(T::WeightInfo::reward_hypernode()).is_err() {
							return;
						}
						Self::reward_hypernode(era, index);
						AggregationStep::HyperNodeRewards(index.saturating_add(1))
					},
					AggregationStep::HyperNodeRewards(_) => AggregationStep::Finalize,
					AggregationStep::Finalize => {
						let late = Self::late_prune_weight(era, current);
						if meter
							.try_consume(T::WeightInfo::finalize_era().saturating_add(late))
							.is_err()
						{
							return;
						}
						Self::finalize_era(era);
						if Self::prunes_late(era, current) {
							Self::prune_era(era);
						}
						Aggregation::<T>::put((era.saturating_add(1), AggregationStep::Nodes(0)));
						continue;
					},
				};
				Aggregation::<T>::put((era, next));
			}
		}

		/// Removes the failure records of the oldest era kept, once the marketplace has
		/// settled it and it left `node_sla`'s view: a batch per block at most, within `meter`
		/// (its reads charged first). A failed era's refund never depends on timing.
		pub(crate) fn prune_failures(meter: &mut WeightMeter) {
			if meter.try_consume(T::DbWeight::get().reads(3)).is_err() {
				return;
			}
			let Some(finalized) = FinalizedEra::<T>::get() else { return };
			let era = FailurePruning::<T>::get().unwrap_or(0);
			if era.saturating_add(NODE_SLA_VIEW) > finalized || !T::Settlement::settled(era) {
				return;
			}
			let batch = u64::from(FAILURE_PRUNE_BATCH);
			if meter
				.try_consume(T::DbWeight::get().reads_writes(batch, batch.saturating_add(1)))
				.is_err()
			{
				return;
			}
			let result = Failures::<T>::clear_prefix(era, FAILURE_PRUNE_BATCH, None);
			let next = if result.maybe_cursor.is_none() { era.saturating_add(1) } else { era };
			FailurePruning::<T>::put(next);
		}

		/// The weight of one more node in an aggregation batch: the benchmark's slope, plus
		/// the reads of its cluster, cluster utilization and region, which the benchmark (one
		/// cluster) reads once per batch but nodes of many clusters read each.
		pub(crate) fn node_weight() -> Weight {
			T::WeightInfo::aggregate_nodes(1)
				.saturating_sub(T::WeightInfo::aggregate_nodes(0))
				.saturating_add(T::DbWeight::get().reads_writes(3, 1))
		}

		/// Aggregates `era`'s nodes from `from` on while `meter` allows (its fixed part is
		/// charged): the era's context is read once and its accumulators (capacity points,
		/// HyperNode accuracy, pending slashes) are written once. Returns the next node.
		fn aggregate_nodes(era: EraIndex, from: NodeId, meter: &mut WeightMeter) -> NodeId {
			let bound = Self::node_bound(era);
			let Some(seed) = EraSeeds::<T>::get(era) else { return bound };
			let oracles = EraOracles::<T>::decode_len(era).unwrap_or(0) as u32;
			let params = Params::<T>::get();
			let mut accuracy = EraAccuracy::<T>::get(era).into_inner();
			accuracy.resize(oracles as usize, (0, 0));
			let mut capacity_points: u128 = 0;
			let per_node = Self::node_weight();
			let mut node = from;
			while node < bound {
				if meter.try_consume(per_node).is_err() {
					break;
				}
				let target = Self::era_target(node, era);
				if let Some(cluster) = target
					.as_ref()
					.map(|t| t.cluster)
					.filter(|c| ClusterUtilization::<T>::get(c).map(|(e, _)| e) != Some(era))
				{
					if meter.try_consume(T::WeightInfo::measure_cluster()).is_err() {
						break;
					}
					Self::measure_cluster(era, cluster);
				}
				if let Some(target) = target {
					let ctx = EraContext { era, seed: &seed, oracles, params: &params };
					let points = Self::aggregate_node(&ctx, node, target, &mut accuracy);
					capacity_points = capacity_points.saturating_add(points);
				} else {
					Reports::<T>::remove(era, node);
				}
				node = node.saturating_add(1);
			}
			EraRewards::<T>::mutate(era, |r| {
				r.capacity_points = r.capacity_points.saturating_add(capacity_points)
			});
			EraAccuracy::<T>::insert(era, BoundedVec::truncate_from(accuracy));
			node
		}

		/// Records `cluster`'s utilization (booked / capacity of its bookable nodes) for `era`.
		pub(crate) fn measure_cluster(era: EraIndex, cluster: ClusterId) {
			let (capacity, booked) = T::Capacity::cluster_usage(cluster);
			let utilization = if capacity == 0 {
				Perbill::zero()
			} else {
				Perbill::from_rational(booked.min(capacity), capacity)
			};
			ClusterUtilization::<T>::insert(cluster, (era, utilization));
		}

		/// Sets `era`'s reward budget: what the pool's schedule released during the era,
		/// split between provider nodes and HyperNodes; unfreezes it in the pool.
		fn set_budget(era: EraIndex) {
			T::Pool::unfreeze_released();
			let eras = <T::Clock as icn_primitives::clock::ChainClock>::eras();
			let start = eras.era_start(era);
			let end = eras.era_start(era.saturating_add(1));
			let budget =
				T::Pool::released_budget(end).saturating_sub(T::Pool::released_budget(start));
			let nodes = Params::<T>::get().node_share.mul_floor(budget);
			let hypernodes = budget.saturating_sub(nodes);
			EraRewards::<T>::mutate(era, |r| {
				r.node_budget = nodes;
				r.hypernode_budget = hypernodes;
			});
			Self::deposit_event(Event::EraBudget { era, nodes, hypernodes });
		}

		/// Pays `era`'s capacity rewards node by node while `meter` allows (the batch's fixed
		/// part is charged; each node is charged by its delegator count); returns whether
		/// every node is paid.
		fn reward_nodes(era: EraIndex, meter: &mut WeightMeter) -> bool {
			let per_node =
				T::WeightInfo::reward_nodes(1).saturating_sub(T::WeightInfo::reward_nodes(0));
			let per_delegator = |d: u32| {
				T::WeightInfo::reward_delegators(d)
					.saturating_sub(T::WeightInfo::reward_delegators(0))
			};
			// No more entries are read than could be paid with no delegators.
			let most = meter
				.remaining()
				.checked_div_per_component(&per_node)
				.unwrap_or(u64::MAX)
				.min(u64::from(MAX_REWARD_BATCH)) as usize;
			let nodes: Vec<(NodeId, u128)> =
				RewardPoints::<T>::iter_prefix(era).take(most.saturating_add(1)).collect();
			let more = nodes.len() > most;
			let mut r = EraRewards::<T>::get(era);
			let pool = T::Pool::account();
			let mut done = !more;
			for (node, points) in nodes.into_iter().take(most) {
				let delegators = T::Rewards::delegators(node);
				if meter.try_consume(per_node.saturating_add(per_delegator(delegators))).is_err() {
					done = false;
					break;
				}
				RewardPoints::<T>::remove(era, node);
				let amount = multiply_by_rational_with_rounding(
					r.node_budget,
					points,
					r.capacity_points,
					Rounding::Down,
				)
				.unwrap_or(0)
				.min(r.node_budget.saturating_sub(r.node_paid));
				let Some(shares) = T::Rewards::reward_shares(node).filter(|_| amount > 0) else {
					continue;
				};
				let (to_delegators, to_provider) = shares.split(amount);
				let mut paid: Balance = 0;
				for (who, part) in to_delegators {
					if T::Currency::transfer(&pool, &who, part, Preservation::Preserve).is_ok() {
						paid = paid.saturating_add(part);
					}
				}
				if to_provider > 0 && T::Rewards::pay_node(node, &pool, to_provider).is_ok() {
					paid = paid.saturating_add(to_provider);
				}
				r.node_paid = r.node_paid.saturating_add(paid);
				Self::deposit_event(Event::NodeRewarded { era, node, amount: paid });
			}
			EraRewards::<T>::insert(era, r);
			done
		}

		/// Pays the era's `index`-th HyperNode: its staked Links' part of the HyperNode budget
		/// × its accuracy (the era's reports due and missed counted in first). Removed or
		/// Link-less HyperNodes earn nothing.
		fn reward_hypernode(era: EraIndex, index: u32) {
			let Some(owner) = EraOracles::<T>::get(era).get(index as usize).cloned() else {
				return;
			};
			let Some(mut h) = HyperNodes::<T>::get(&owner) else { return };
			// The era's reports due and missed count in the HyperNode's accuracy window.
			let (due, misses) =
				EraAccuracy::<T>::get(era).get(index as usize).copied().unwrap_or((0, 0));
			if due > 0 {
				h.due = h.due.saturating_add(due);
				h.misses = h.misses.saturating_add(misses);
				HyperNodes::<T>::insert(&owner, &h);
			}
			// Removed HyperNodes earn nothing; the Links are those staked when the era started.
			if h.removed {
				return;
			}
			let mut r = EraRewards::<T>::get(era);
			let links =
				EraLinks::<T>::get(era).get(index as usize).copied().unwrap_or(0).min(r.links);
			let gross = multiply_by_rational_with_rounding(
				r.hypernode_budget,
				links.into(),
				r.links.into(),
				Rounding::Down,
			)
			.unwrap_or(0);
			let amount = h
				.accuracy()
				.mul_floor(gross)
				.min(r.hypernode_budget.saturating_sub(r.hypernode_paid));
			if amount == 0
				|| T::Currency::transfer(
					&T::Pool::account(),
					&owner,
					amount,
					Preservation::Preserve,
				)
				.is_err()
			{
				return;
			}
			r.hypernode_paid = r.hypernode_paid.saturating_add(amount);
			EraRewards::<T>::insert(era, r);
			Self::deposit_event(Event::HyperNodeRewarded { era, owner, amount });
		}

		/// One node's verdict for the era of `ctx`: score, failure record, repair window, its
		/// oracles' accuracy (in `accuracy`, by oracle index), a slash (into `slashes`).
		/// Returns the node's capacity points (what the era's node rewards are shared by; 0
		/// for a node priced above its cluster's maximum).
		fn aggregate_node(
			ctx: &EraContext<'_>,
			node: NodeId,
			target: icn_primitives::providers::ProbeTarget,
			accuracy: &mut [(u32, u32)],
		) -> u128 {
			let era = ctx.era;
			let assigned = logic::oracles_for(ctx.seed, node, ctx.oracles);
			let reports = Reports::<T>::take(era, node);
			let outcomes: Vec<ProbeOutcome> = reports.iter().map(|(_, o)| *o).collect();
			let verdict = logic::verdict(&outcomes, assigned.len() as u32, target.latency_bound_ms);

			// Oracle accuracy: a missing report or one disagreeing with the verdict is a miss.
			for index in &assigned {
				let report = reports.iter().find(|(i, _)| i == index).map(|(_, o)| o);
				let miss = match report {
					None => true,
					Some(o) => !logic::agrees(o, verdict, target.latency_bound_ms),
				};
				if let Some((due, misses)) = accuracy.get_mut(*index as usize) {
					*due = due.saturating_add(1);
					if miss {
						*misses = misses.saturating_add(1);
					}
				}
			}

			let p = ctx.params;
			let mut window = NodeSla::<T>::get(node).unwrap_or_default();
			window.record(era, verdict);
			if verdict != EraVerdict::NotCounted {
				let _ = T::Slashing::set_failing(node, verdict == EraVerdict::Failed);
			}
			// Capacity reward (§4.4): the capacity of every probed node that can be booked at all
			// (priced within its cluster's maximum) counts in the whole; such a node earns its
			// part × (1 − cluster utilization) for a passed era at the SLA target. Capacity
			// nobody can book earns nothing.
			let capacity = if target.priced_within_max { u128::from(target.capacity) } else { 0 };
			if verdict == EraVerdict::Passed && window.score() >= p.sla_target {
				let utilization = ClusterUtilization::<T>::get(target.cluster)
					.map(|(_, u)| u)
					.unwrap_or_default();
				let points =
					capacity.saturating_mul(utilization.left_from_one().deconstruct().into());
				if points > 0 {
					RewardPoints::<T>::insert(era, node, points);
				}
			}
			// Refunded to its builders: a failed era, and an era nobody could verify although
			// oracles were assigned (too few reports: service nobody measured is not paid).
			if verdict == EraVerdict::Failed
				|| (verdict == EraVerdict::NotCounted && !assigned.is_empty())
			{
				Failures::<T>::insert(era, node, ());
			}
			if verdict == EraVerdict::Failed {
				let fraction = logic::slash_fraction(
					window.consecutive_failures,
					p.grace_eras,
					p.slash_base,
					p.slash_cap,
				);
				if !fraction.is_zero() {
					PendingSlashes::<T>::insert(era, node, fraction);
					PendingSlashBases::<T>::insert(era, node, T::Slashing::slash_base(node));
					Self::deposit_event(Event::SlashPending { node, era, fraction });
				}
			}
			NodeSla::<T>::insert(node, window);
			Self::deposit_event(Event::NodeVerdict {
				node,
				era,
				verdict,
				reports: reports.len() as u32,
			});
			capacity.saturating_mul(POINTS_PER_UNIT)
		}

		/// Applies the first slash pending for `era` (computed when `era` was aggregated).
		fn apply_one_slash(era: EraIndex) {
			let next = PendingSlashes::<T>::iter_prefix(era).next();
			if let Some((node, fraction)) = next {
				PendingSlashes::<T>::remove(era, node);
				// The base fixed when it became pending (a slash pending from before the bases
				// were kept falls back to the requirement now).
				let base = PendingSlashBases::<T>::take(era, node)
					.unwrap_or_else(|| T::Slashing::slash_base(node));
				match T::Slashing::slash_from(node, fraction, base) {
					Ok(_) => Self::deposit_event(Event::SlashApplied { node, era, fraction }),
					Err(_) => Self::deposit_event(Event::SlashSkipped { node, era }),
				}
			}
		}

		/// Closes `era` (its nodes aggregated, the era before's slashes applied): checks
		/// HyperNode accuracy, prunes old failure records.
		fn finalize_era(era: EraIndex) {
			let p = Params::<T>::get();
			let window_over =
				p.accuracy_window > 0 && (era.saturating_add(1)) % p.accuracy_window == 0;
			for owner in EraOracles::<T>::get(era) {
				HyperNodes::<T>::mutate(&owner, |h| {
					let Some(h) = h else { return };
					if !h.removed
						&& h.due >= p.min_reports_for_accuracy
						&& h.accuracy() < p.min_accuracy
					{
						h.removed = true;
						Self::deactivate(&owner);
						// The removal holds for its owner and its key, whatever they do next.
						Removals::<T>::insert(&owner, era);
						Removals::<T>::insert(&h.signer, era);
						Self::deposit_event(Event::HyperNodeRemoved {
							owner: owner.clone(),
							accuracy: h.accuracy(),
						});
					}
					if window_over {
						h.due = 0;
						h.misses = 0;
					}
				});
			}
			EraAccuracy::<T>::remove(era);
			let r = EraRewards::<T>::take(era);
			let budget = r.node_budget.saturating_add(r.hypernode_budget);
			let paid = r.node_paid.saturating_add(r.hypernode_paid);
			Self::deposit_event(Event::EraRewardsPaid {
				era,
				paid,
				unspent: budget.saturating_sub(paid),
			});
			FinalizedEra::<T>::put(era);
			Self::deposit_event(Event::EraFinalized { era });
		}

		/// A node's SLA for the runtime API.
		pub fn node_sla(node: NodeId) -> runtime_api::NodeSlaInfo {
			let window = NodeSla::<T>::get(node).unwrap_or_default();
			let (passed, counted) = window.counts();
			let finalized = FinalizedEra::<T>::get();
			let recent = finalized
				.map(|f| {
					(f.saturating_sub(NODE_SLA_VIEW - 1)..=f)
						.map(|e| (e, Failures::<T>::contains_key(e, node)))
						.collect()
				})
				.unwrap_or_default();
			runtime_api::NodeSlaInfo {
				score: window.score(),
				passed,
				counted,
				consecutive_failures: window.consecutive_failures,
				last_era: window.last_era,
				recent_failures: recent,
				// Slashes pend from an era's aggregation to the next one's: of the eras around
				// the last one finalized.
				pending_slashes: {
					let f = finalized.unwrap_or(0);
					(f.saturating_sub(1)..=f.saturating_add(1))
						.filter_map(|e| {
							PendingSlashes::<T>::get(e, node).map(|fraction| (e, fraction))
						})
						.collect()
				},
			}
		}

		/// Checks the invariants: the HyperNode count, signer index and staked Links; no era
		/// pays more than its budget and no node's points exceed the era's whole.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let mut count = 0u32;
			let mut active: Vec<T::AccountId> = Vec::new();
			for (owner, h) in HyperNodes::<T>::iter() {
				count += 1;
				if h.is_active() {
					active.push(owner.clone());
				}
				ensure!(
					<T::Currency as frame_support::traits::fungible::InspectHold<T::AccountId>>::balance_on_hold(&HoldReason::HyperNodeDeposit.into(), &owner) == h.deposit,
					"a HyperNode's deposit is not what is held"
				);
				ensure!(
					Signers::<T>::get(&h.signer).as_ref() == Some(&owner),
					"signer index differs"
				);
				for link in &h.links {
					ensure!(T::Links::is_locked(*link), "a staked Link is not locked");
					ensure!(
						T::Links::owner(*link).as_ref() == Some(&owner),
						"a staked Link changed owner"
					);
				}
			}
			ensure!(count == HyperNodeCount::<T>::get(), "HyperNode count differs");
			active.sort();
			ensure!(
				ActiveHyperNodes::<T>::get().into_inner() == active,
				"the active set differs from the active HyperNodes"
			);
			for (era, r) in EraRewards::<T>::iter() {
				ensure!(r.node_paid <= r.node_budget, "paid provider nodes more than their budget");
				ensure!(
					r.hypernode_paid <= r.hypernode_budget,
					"paid HyperNodes more than their budget"
				);
				let points = RewardPoints::<T>::iter_prefix(era)
					.fold(0u128, |acc, (_, p)| acc.saturating_add(p));
				ensure!(points <= r.capacity_points, "reward points above the era's capacity");
			}
			ensure!(Signers::<T>::iter().count() as u32 == count, "stale signer entries");
			for (era, accuracy) in EraAccuracy::<T>::iter() {
				ensure!(
					FinalizedEra::<T>::get().is_none_or(|f| era > f),
					"accuracy counters of a finalized era"
				);
				ensure!(
					accuracy.len() <= EraOracles::<T>::decode_len(era).unwrap_or(0),
					"accuracy counters for more HyperNodes than the era's oracles"
				);
				ensure!(
					accuracy.iter().all(|(due, misses)| misses <= due),
					"more misses than reports due"
				);
			}
			for (era, oracles) in EraOracles::<T>::iter() {
				ensure!(
					EraLinks::<T>::decode_len(era).unwrap_or(0) == oracles.len(),
					"an era's Links snapshot differs from its oracles"
				);
			}
			for (owner, h) in HyperNodes::<T>::iter() {
				ensure!(
					!h.removed || Removals::<T>::contains_key(&owner),
					"a removed HyperNode without its removal record"
				);
			}
			let current = CurrentEra::<T>::get().unwrap_or(0);
			for (era, node, fraction) in PendingSlashes::<T>::iter() {
				ensure!(
					era <= current && !fraction.is_zero(),
					"a pending slash of a future era, or of nothing"
				);
				ensure!(
					PendingSlashBases::<T>::contains_key(era, node),
					"a pending slash without its base"
				);
			}
			for (era, node) in PendingSlashBases::<T>::iter_keys() {
				ensure!(
					PendingSlashes::<T>::contains_key(era, node),
					"a slash base without its pending slash"
				);
			}
			if let Some(kept) = FailurePruning::<T>::get() {
				ensure!(
					Failures::<T>::iter_keys().all(|(era, _)| era >= kept),
					"failure records below the pruning cursor"
				);
			}
			Ok(())
		}
	}

	impl<T: Config> SlashQueue for Pallet<T> {
		/// Looks at the eras a slash can still be pending for: from the one before the last
		/// finalized to the current (at most 16 of them).
		fn is_pending(node: NodeId) -> bool {
			let current = Self::current_era();
			let from = FinalizedEra::<T>::get()
				.map_or(0, |f| f.saturating_sub(1))
				.max(current.saturating_sub(15));
			(from..=current).any(|era| PendingSlashes::<T>::contains_key(era, node))
		}
	}

	impl<T: Config> SlaResults for Pallet<T> {
		fn is_final(era: EraIndex) -> bool {
			FinalizedEra::<T>::get().is_some_and(|f| f >= era)
		}
		fn failed(node: NodeId, era: EraIndex) -> bool {
			Failures::<T>::contains_key(era, node)
		}
		fn score(node: NodeId) -> Perbill {
			NodeSla::<T>::get(node).map(|w| w.score()).unwrap_or(Perbill::one())
		}
	}
}
