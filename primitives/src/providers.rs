//! Hardware-provider types and the traits through which the SLA oracle and the capacity
//! marketplace act on provider nodes (protocol §3, §4.4, §5, §6) without reaching into the
//! providers pallet's storage.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, DispatchResult, Perbill};

use crate::{Balance, BlockNumber};

/// A region (e.g. `EU-W`), created by governance.
pub type RegionId = u32;
/// A cluster of a region (e.g. `FRA-1`), created by governance.
pub type ClusterId = u32;
/// A Hardware Provider node.
pub type NodeId = u64;
/// An ICN Link NFT (an item of the Links collection).
pub type LinkId = u32;

/// ICN Link NFTs (protocol §5) as the pallets that lock them see them. A Link is locked
/// while it backs something (HP collateral, a HyperNode stake): it cannot be transferred or
/// burned, and locking an already locked Link fails, so one Link never backs two things.
pub trait LinkRegistry<AccountId> {
	/// The owner of `link`, if it exists.
	fn owner(link: LinkId) -> Option<AccountId>;
	/// Whether `link` is locked.
	fn is_locked(link: LinkId) -> bool;
	/// Locks `link`; fails if it does not exist or is already locked.
	fn lock(link: LinkId) -> DispatchResult;
	/// Unlocks `link`; fails if it is not locked.
	fn unlock(link: LinkId) -> DispatchResult;
	/// Unlocks `link` and moves it to `to` (a slash seizing Links to the treasury).
	fn seize(link: LinkId, to: &AccountId) -> DispatchResult;
	/// Mints `link` to `to` (governance: the node sale).
	fn mint(link: LinkId, to: &AccountId) -> DispatchResult;
	/// Creates the Links collection with `admin` as its owner and admin, if it does not
	/// exist yet (genesis).
	fn create_collection(admin: &AccountId) -> DispatchResult;
}

/// What a slash took: the provider's own ICNT first, then its Links, then its delegators pro
/// rata (protocol §3, §4.4). The parts always add up to what was due:
/// `own + links_seized × link value − returned + delegated + uncovered == due`.
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
pub struct SlashOutcome {
	/// What the slash was: its fraction of the slash base.
	pub due: Balance,
	/// ICNT taken from the provider's own held collateral.
	pub own: Balance,
	/// Links seized to the treasury, each worth the Link collateral value.
	pub links_seized: u32,
	/// ICNT the treasury returned into the provider's held collateral: the last seized
	/// Link's value beyond what was still due (a Link is never taken for more than owed).
	pub returned: Balance,
	/// ICNT slashed from the delegators, pro rata to their stake: taken from their pool's
	/// value at once, moved to the treasury as each delegation settles.
	pub delegated: Balance,
	/// The part of the slash nothing was left to cover.
	pub uncovered: Balance,
}

impl SlashOutcome {
	/// The value the slash took, counting each seized Link at `link_value`.
	pub fn taken(&self, link_value: Balance) -> Balance {
		self.own
			.saturating_add(link_value.saturating_mul(Balance::from(self.links_seized)))
			.saturating_sub(self.returned)
			.saturating_add(self.delegated)
	}

	/// Whether the outcome is what the slash rule says: the parts add up to `due` and no Link
	/// was seized beyond its need (any excess returned is less than one Link's value).
	pub fn is_exact(&self, link_value: Balance) -> bool {
		self.taken(link_value).saturating_add(self.uncovered) == self.due
			&& (self.returned == 0 || (self.links_seized > 0 && self.returned < link_value))
	}
}

/// Slashing of provider nodes, called by the SLA oracle.
pub trait ProviderSlashing {
	/// Slashes `fraction` of `node`'s collateral requirement: the provider's held ICNT, then
	/// its Links, then its delegators' ICNT move to the Protocol Treasury (never minted, never
	/// burned); see [`SlashOutcome`].
	fn slash(node: NodeId, fraction: Perbill) -> Result<SlashOutcome, DispatchError> {
		Self::slash_from(node, fraction, Self::slash_base(node))
	}
	/// Slashes `fraction` of `base` — the collateral requirement fixed when the slash became
	/// pending ([`ProviderSlashing::slash_base`] then), so lowering the node's capacity
	/// between pending and applied does not shrink it.
	fn slash_from(
		node: NodeId,
		fraction: Perbill,
		base: Balance,
	) -> Result<SlashOutcome, DispatchError>;
	/// `node`'s collateral requirement now: what a slash becoming pending is a fraction of
	/// (0 for an unknown node).
	fn slash_base(node: NodeId) -> Balance;
	/// The most weight one [`ProviderSlashing::slash`] takes (every Link seized; the
	/// delegators pay as one pool): what a hook applying a slash charges for it.
	fn slash_weight() -> sp_runtime::Weight;
	/// Marks `node` as failing (or recovered) its SLA.
	fn set_failing(node: NodeId, failing: bool) -> DispatchResult;
}

/// Slashes waiting to be applied, as the SLA oracle keeps them: a node's collateral and
/// delegations stay held while one is pending for it.
pub trait SlashQueue {
	/// Whether a slash of `node` is pending (computed, not applied yet).
	fn is_pending(node: NodeId) -> bool;
}

/// No oracle: nothing is ever pending.
impl SlashQueue for () {
	fn is_pending(_node: NodeId) -> bool {
		false
	}
}

/// A node that can take a booking of its cluster (protocol §6).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct NodeOffer<AccountId> {
	/// The node.
	pub node: NodeId,
	/// Its provider.
	pub provider: AccountId,
	/// Capacity units not booked.
	pub free_units: u32,
	/// Reservation price, ICNT planck per unit per era.
	pub price: Balance,
	/// Block at which its commitment ends.
	pub commitment_end: BlockNumber,
}

/// The capacity of provider nodes, as the marketplace books it.
pub trait CapacityLedger<AccountId> {
	/// Unbooked capacity units of `node` (0 if it does not exist or cannot be booked).
	fn free_capacity(node: NodeId) -> u32;
	/// Unbooked capacity units of the bookable nodes of `cluster`.
	fn cluster_free_capacity(cluster: ClusterId) -> u64;
	/// The cluster's maximum price per unit-era, if the cluster exists.
	fn cluster_max_price(cluster: ClusterId) -> Option<Balance>;
	/// The bookable nodes of `cluster` (Active, collateralized, not exiting, price within the
	/// cluster's maximum, some capacity free), cheapest first, then longest commitment.
	fn eligible_nodes(cluster: ClusterId) -> Vec<NodeOffer<AccountId>>;
	/// `node`'s offer if it is bookable, even with no unit free (to extend a booking on it).
	fn node_offer(node: NodeId) -> Option<NodeOffer<AccountId>>;
	/// Books `units` of `node`; fails if the node is not bookable or has fewer free units.
	fn reserve(node: NodeId, units: u32) -> DispatchResult;
	/// Frees `units` booked on `node`.
	fn release(node: NodeId, units: u32) -> DispatchResult;
	/// `(capacity, booked)` units of the bookable nodes of `cluster`.
	fn cluster_usage(cluster: ClusterId) -> (u64, u64);
}

/// How a node's rewards are shared (protocol §3: delegators share pro rata after the
/// provider's commission).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct RewardShares<AccountId> {
	/// The node's provider.
	pub provider: AccountId,
	/// The provider's commission on the delegators' part.
	pub commission: Perbill,
	/// The provider's own stake: its ICNT collateral and its Links at their value.
	pub own_stake: Balance,
	/// What the delegators' active stake is worth.
	pub delegated: Balance,
}

impl<AccountId> RewardShares<AccountId> {
	/// Splits `amount` earned by the node: the delegators' part is their active stake's part
	/// of the node's whole stake (own + delegated), less the provider's commission on it,
	/// rounded down; returns `(delegators, provider)`, which add up to `amount`.
	pub fn split(&self, amount: Balance) -> (Balance, Balance) {
		use sp_runtime::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};
		let total = self.own_stake.saturating_add(self.delegated);
		if self.delegated == 0 || total == 0 {
			return (0, amount);
		}
		let gross =
			multiply_by_rational_with_rounding(amount, self.delegated, total, Rounding::Down)
				.unwrap_or(0);
		let net = gross.saturating_sub(self.commission.mul_floor(gross)).min(amount);
		(net, amount - net)
	}
}

/// Paying rewards to provider nodes. A node's delegators are paid as one: their part goes
/// into the delegators' pot and is credited to the node's delegation pool, whose delegators
/// claim it (no payment loops over delegators).
pub trait NodeRewards<AccountId> {
	/// How `node`'s rewards are shared, if it exists.
	fn reward_shares(node: NodeId) -> Option<RewardShares<AccountId>>;
	/// The account delegators' rewards are paid into and claimed from.
	fn delegators_pot() -> AccountId;
	/// Credits `amount`, just moved into [`NodeRewards::delegators_pot`] by the caller, to
	/// `node`'s delegators. Fails, changing nothing, when the node has no active
	/// delegation: the caller then undoes its move (e.g. inside a storage layer).
	fn credit_delegators(node: NodeId, amount: Balance) -> DispatchResult;
	/// Pays `amount` from `payer` to `node`'s provider. While the node is
	/// under-collateralized the payment goes into its held collateral first (protocol §3);
	/// returns the part so diverted.
	fn pay_node(node: NodeId, payer: &AccountId, amount: Balance)
		-> Result<Balance, DispatchError>;
	/// `node`'s provider has just received `amount` for it (moved there by the caller, e.g.
	/// out of a hold): while the node is under-collateralized that part goes into its held
	/// collateral, as with [`NodeRewards::pay_node`]; returns the part so diverted.
	fn credit_node(node: NodeId, amount: Balance) -> Result<Balance, DispatchError>;
}

/// An era index: `block / era_blocks` (protocol §1).
pub type EraIndex = u32;

/// Per-era SLA results, as the marketplace settles bookings with them (protocol §4.4, §6).
pub trait SlaResults {
	/// Whether `era`'s results are final, so the era can be settled.
	fn is_final(era: EraIndex) -> bool;
	/// Whether `node`'s `era` is not paid (its share is refunded to builders): it failed, or
	/// too few of its oracles reported to verify it.
	fn failed(node: NodeId, era: EraIndex) -> bool;
	/// `node`'s SLA score over the sliding window (higher first when assigning bookings).
	fn score(node: NodeId) -> Perbill;
}

/// No SLA oracle: every era final, every node passing with a full score.
impl SlaResults for () {
	fn is_final(_era: EraIndex) -> bool {
		true
	}
	fn failed(_node: NodeId, _era: EraIndex) -> bool {
		false
	}
	fn score(_node: NodeId) -> Perbill {
		Perbill::one()
	}
}

/// How far the marketplace has settled (what the SLA oracle's failure records are kept for).
pub trait SettledEras {
	/// Whether every booking's share of `era` is settled, so its failure records are no
	/// longer needed.
	fn settled(era: EraIndex) -> bool;
}

/// No marketplace: nothing waits for failure records.
impl SettledEras for () {
	fn settled(_era: EraIndex) -> bool {
		true
	}
}

/// What a HyperNode probes of a provider node (protocol §4.2).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct ProbeTarget {
	/// Storage endpoint base URL.
	pub endpoint: Vec<u8>,
	/// Audit object path relative to the endpoint.
	pub path: Vec<u8>,
	/// Audit object size, bytes.
	pub size: u64,
	/// Chunk size (4096).
	pub chunk_size: u32,
	/// `blake2_256` of the `.hashes` object.
	pub root: [u8; 32],
	/// The node's cluster latency bound, milliseconds.
	pub latency_bound_ms: u32,
	/// The node's cluster (its utilization scales the capacity reward, protocol §4.4).
	pub cluster: ClusterId,
	/// The node's committed capacity, units.
	pub capacity: u32,
	/// The first era the node is probed in: the era after it first became probe-able. An
	/// era's nodes are those probe-able when it started, so a node activated mid-era is
	/// nobody's miss.
	pub probed_from: EraIndex,
	/// Whether its reservation price is within its cluster's maximum, so it can be booked at
	/// all: only then does its capacity earn the capacity reward.
	pub priced_within_max: bool,
}

/// The network-rewards pool (protocol §2.1, §4.4): the account that pays node and HyperNode
/// rewards and the budget its vesting schedule has released. Rewards are paid out of it,
/// never minted.
pub trait RewardsPool<AccountId> {
	/// The pool account.
	fn account() -> AccountId;
	/// The reward budget released from genesis up to block `block`: the bucket's schedule,
	/// with its TGE part spread evenly over the first 12 months.
	fn released_budget(block: u64) -> Balance;
	/// Unfreezes what the pool's vesting schedule has released so far, so it can be paid.
	fn unfreeze_released();
}

/// Provider nodes as the SLA oracle probes them.
pub trait SlaTargets {
	/// Node ids are `0..next_node_id()`.
	fn next_node_id() -> NodeId;
	/// What to probe of `node`, if it is probed (collateralized and not gone: active,
	/// failing, under-collateralized or exiting).
	fn probe_target(node: NodeId) -> Option<ProbeTarget>;
}
