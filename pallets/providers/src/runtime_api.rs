//! The providers runtime API: node records, the nodes of a cluster and of a provider.

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode};
use icn_primitives::{
	providers::{ClusterId, LinkId, NodeId, RegionId},
	Balance,
};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

use crate::types::{AuditObject, CountryCode, NodeStatus};

/// A node as clients see it: its record plus what follows from it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct NodeInfo<AccountId, BlockNumber> {
	/// The node.
	pub id: NodeId,
	/// Its provider.
	pub provider: AccountId,
	/// Its region.
	pub region: RegionId,
	/// Its cluster.
	pub cluster: ClusterId,
	/// Committed capacity units.
	pub capacity: u32,
	/// Booked capacity units.
	pub booked: u32,
	/// ISO 3166 location.
	pub location: CountryCode,
	/// Storage endpoint base URL.
	pub endpoint: Vec<u8>,
	/// The audit object it serves.
	pub audit: AuditObject,
	/// Reservation price per unit-era.
	pub reservation_price: Balance,
	/// Commission on delegators' rewards.
	pub commission: Perbill,
	/// End of the commitment.
	pub commitment_end: BlockNumber,
	/// Life-cycle status.
	pub status: NodeStatus<BlockNumber>,
	/// Whether the SLA oracle reports it failing.
	pub failing: bool,
	/// Own ICNT collateral held.
	pub collateral: Balance,
	/// Links backing it.
	pub links: Vec<LinkId>,
	/// ICNT delegated (active and unbonding), after slashes.
	pub delegated: Balance,
	/// Number of delegators.
	pub delegators: u32,
	/// Collateral it needs (`collateral_per_unit × capacity`).
	pub required_collateral: Balance,
	/// What backs it: own ICNT plus Links at their collateral value.
	pub backing: Balance,
	/// Whether it can take new bookings.
	pub bookable: bool,
}

/// An account's delegation to a node as clients see it: what it is worth, after the
/// node's slashes, and what it may claim, as if it were settled now.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct DelegationInfo<BlockNumber> {
	/// ICNT delegated and earning.
	pub active: Balance,
	/// ICNT unbonding, withdrawable at `unlock_at`.
	pub unbonding: Balance,
	/// When the unbonding ICNT may be withdrawn.
	pub unlock_at: BlockNumber,
	/// ICNT held on the account for it (`HpDelegation`).
	pub held: Balance,
	/// Of `held`, what the node's slashes take when the delegation is next touched.
	pub unapplied_slash: Balance,
	/// Rewards it can claim now.
	pub claimable: Balance,
}

sp_api::decl_runtime_apis! {
	/// Hardware providers: nodes, clusters, providers and delegations.
	pub trait ProvidersApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// A node, if it exists.
		fn node(node: NodeId) -> Option<NodeInfo<AccountId, BlockNumber>>;
		/// The nodes of a cluster.
		fn cluster_nodes(cluster: ClusterId) -> Vec<NodeId>;
		/// The nodes of a provider.
		fn provider_nodes(provider: AccountId) -> Vec<NodeId>;
		/// An account's delegation to a node.
		fn delegation(node: NodeId, delegator: AccountId) -> Option<DelegationInfo<BlockNumber>>;
	}
}
