//! `icn_nodeInfo`, `icn_clusterNodes`, `icn_providerNodes` and `icn_delegation`: the
//! providers runtime API (`ProvidersApi`) over JSON-RPC.
//!
//! Balances are decimal **strings** of planck (10^-18 ICNT), as in the other `icn_*`
//! methods: they exceed 2^53, which JavaScript numbers cannot hold exactly. Fractions are
//! parts per billion.

use super::{IcnRpc, RuntimeApiClient};
use icn_runtime::{opaque::Block, AccountId, BlockNumber};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_icn_providers::{
	runtime_api::DelegationInfo,
	runtime_api::{NodeInfo, ProvidersApi as ProvidersRuntimeApi},
	ClusterId, LinkId, NodeId, NodeStatus, RegionId,
};
use serde::Serialize;
use sp_runtime::traits::Block as BlockT;

/// A node's audit object.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcAuditObject {
	/// Path relative to the endpoint.
	pub path: String,
	/// Size in bytes.
	pub size: u64,
	/// Chunk size in bytes.
	pub chunk_size: u32,
	/// `blake2_256` of the `.hashes` object, `0x`-hex.
	pub root: String,
}

/// A node as `ProvidersApi::node` returns it (planck as strings, fractions in ppb).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcNodeInfo {
	/// The node.
	pub id: NodeId,
	/// Its provider (SS58).
	pub provider: String,
	/// Its region.
	pub region: RegionId,
	/// Its cluster.
	pub cluster: ClusterId,
	/// Committed capacity units.
	pub capacity: u32,
	/// Booked capacity units.
	pub booked: u32,
	/// ISO 3166 alpha-2 location.
	pub location: String,
	/// Storage endpoint base URL.
	pub endpoint: String,
	/// The audit object it serves.
	pub audit: RpcAuditObject,
	/// Reservation price per unit-era.
	pub reservation_price: String,
	/// Commission on delegators' rewards, ppb.
	pub commission_ppb: u32,
	/// End of its commitment (block).
	pub commitment_end: BlockNumber,
	/// `Registered`, `Active`, `Failing`, `UnderCollateralized` or `Exiting`.
	pub status: String,
	/// For `Exiting`: the block from which `finish_exit` releases everything.
	pub unlock_at: Option<BlockNumber>,
	/// Whether the SLA oracle reports it failing.
	pub failing: bool,
	/// Own ICNT collateral held.
	pub collateral: String,
	/// Links backing it.
	pub links: Vec<LinkId>,
	/// ICNT delegated to it (active and unbonding).
	pub delegated: String,
	/// Number of delegators.
	pub delegators: u32,
	/// Collateral it needs (`collateral_per_unit × capacity`).
	pub required_collateral: String,
	/// What backs it: own ICNT plus Links at their collateral value.
	pub backing: String,
	/// Whether it can take new bookings.
	pub bookable: bool,
}

impl From<NodeInfo<AccountId, BlockNumber>> for RpcNodeInfo {
	fn from(n: NodeInfo<AccountId, BlockNumber>) -> Self {
		let (status, unlock_at) = match n.status {
			NodeStatus::Registered => ("Registered", None),
			NodeStatus::Active => ("Active", None),
			NodeStatus::Failing => ("Failing", None),
			NodeStatus::UnderCollateralized => ("UnderCollateralized", None),
			NodeStatus::Exiting { unlock_at } => ("Exiting", Some(unlock_at)),
		};
		RpcNodeInfo {
			id: n.id,
			provider: n.provider.to_string(),
			region: n.region,
			cluster: n.cluster,
			capacity: n.capacity,
			booked: n.booked,
			location: String::from_utf8_lossy(&n.location.0).into_owned(),
			endpoint: String::from_utf8_lossy(&n.endpoint).into_owned(),
			audit: RpcAuditObject {
				path: String::from_utf8_lossy(&n.audit.path).into_owned(),
				size: n.audit.size,
				chunk_size: n.audit.chunk_size,
				root: format!("0x{}", hex(&n.audit.root)),
			},
			reservation_price: n.reservation_price.to_string(),
			commission_ppb: n.commission.deconstruct(),
			commitment_end: n.commitment_end,
			status: status.into(),
			unlock_at,
			failing: n.failing,
			collateral: n.collateral.to_string(),
			links: n.links,
			delegated: n.delegated.to_string(),
			delegators: n.delegators,
			required_collateral: n.required_collateral.to_string(),
			backing: n.backing.to_string(),
			bookable: n.bookable,
		}
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A delegation (planck as strings).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcDelegation {
	/// Delegated and earning, after the node's slashes.
	pub active: String,
	/// Undelegated, still held (and slashable) until `unlock_at`, after the node's slashes.
	pub unbonding: String,
	/// When the unbonding part may be withdrawn (block).
	pub unlock_at: BlockNumber,
	/// ICNT held on the account for it.
	pub held: String,
	/// Of `held`, what the node's slashes take when the delegation is next touched.
	pub unapplied_slash: String,
	/// Rewards claimable now.
	pub claimable: String,
}

impl From<DelegationInfo<BlockNumber>> for RpcDelegation {
	fn from(d: DelegationInfo<BlockNumber>) -> Self {
		RpcDelegation {
			active: d.active.to_string(),
			unbonding: d.unbonding.to_string(),
			unlock_at: d.unlock_at,
			held: d.held.to_string(),
			unapplied_slash: d.unapplied_slash.to_string(),
			claimable: d.claimable.to_string(),
		}
	}
}

/// The `icn_*` provider methods.
#[rpc(server)]
pub trait IcnProvidersApi<BlockHash> {
	/// A node's record, status, backing and bookability at block `at` (default: best);
	/// `null` when there is no such node.
	#[method(name = "icn_nodeInfo")]
	fn node_info(&self, node: NodeId, at: Option<BlockHash>) -> RpcResult<Option<RpcNodeInfo>>;

	/// The nodes of a cluster.
	#[method(name = "icn_clusterNodes")]
	fn cluster_nodes(&self, cluster: ClusterId, at: Option<BlockHash>) -> RpcResult<Vec<NodeId>>;

	/// The nodes of a provider.
	#[method(name = "icn_providerNodes")]
	fn provider_nodes(&self, provider: AccountId, at: Option<BlockHash>) -> RpcResult<Vec<NodeId>>;

	/// `delegator`'s delegation to `node`, `null` when there is none.
	#[method(name = "icn_delegation")]
	fn delegation(
		&self,
		node: NodeId,
		delegator: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<RpcDelegation>>;
}

impl<C> IcnProvidersApiServer<<Block as BlockT>::Hash> for IcnRpc<C>
where
	C: RuntimeApiClient,
	C::Api: ProvidersRuntimeApi<Block, AccountId, BlockNumber>,
{
	fn node_info(
		&self,
		node: NodeId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Option<RpcNodeInfo>> {
		self.call(at, |api, at| api.node(at, node)).map(|n| n.map(Into::into))
	}

	fn cluster_nodes(
		&self,
		cluster: ClusterId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Vec<NodeId>> {
		self.call(at, |api, at| api.cluster_nodes(at, cluster))
	}

	fn provider_nodes(
		&self,
		provider: AccountId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Vec<NodeId>> {
		self.call(at, |api, at| api.provider_nodes(at, provider))
	}

	fn delegation(
		&self,
		node: NodeId,
		delegator: AccountId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Option<RpcDelegation>> {
		self.call(at, |api, at| api.delegation(at, node, delegator))
			.map(|d| d.map(Into::into))
	}
}
