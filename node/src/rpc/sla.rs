//! `icn_slaScore`, `icn_nodeSla`, `icn_assignments` and `icn_pendingSlashes`: the SLA oracle's runtime API
//! over JSON-RPC. Fractions are parts per billion (`1_000_000_000` = 100 %).

use super::{IcnRpc, RuntimeApiClient};
use icn_runtime::{opaque::Block, AccountId};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_icn_sla::{
	runtime_api::{NodeSlaInfo, SlaApi as SlaRuntimeApi},
	EraIndex, NodeId,
};
use serde::Serialize;
use sp_runtime::traits::Block as BlockT;

/// A node's SLA.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcNodeSla {
	/// Passed / counted eras over the window, parts per billion.
	pub score_ppb: u32,
	/// Passed eras in the window.
	pub passed: u32,
	/// Counted eras in the window.
	pub counted: u32,
	/// Consecutive failed eras now.
	pub consecutive_failures: u32,
	/// The last era with a verdict.
	pub last_era: Option<EraIndex>,
	/// The last ten finalized eras: `[era, failed]`.
	pub recent_failures: Vec<(EraIndex, bool)>,
	/// Pending slashes: `[failed era, fraction in ppb]`.
	pub pending_slashes: Vec<(EraIndex, u32)>,
}

impl From<NodeSlaInfo> for RpcNodeSla {
	fn from(i: NodeSlaInfo) -> Self {
		RpcNodeSla {
			score_ppb: i.score.deconstruct(),
			passed: i.passed,
			counted: i.counted,
			consecutive_failures: i.consecutive_failures,
			last_era: i.last_era,
			recent_failures: i.recent_failures,
			pending_slashes: i
				.pending_slashes
				.into_iter()
				.map(|(e, f)| (e, f.deconstruct()))
				.collect(),
		}
	}
}

/// A HyperNode's assignment in the current era.
#[derive(Clone, Serialize)]
pub struct RpcAssignment {
	/// The current era.
	pub era: EraIndex,
	/// The nodes it probes.
	pub nodes: Vec<NodeId>,
}

/// The `icn_*` SLA methods.
#[rpc(server)]
pub trait IcnSlaApi<BlockHash> {
	/// A node's SLA score at block `at` (default: best): passed / counted eras over the
	/// sliding window, parts per billion (`1_000_000_000` = 100 %, also before any era is
	/// counted: `icn_nodeSla` tells how many are).
	#[method(name = "icn_slaScore")]
	fn sla_score(&self, node: NodeId, at: Option<BlockHash>) -> RpcResult<u32>;

	/// A node's SLA score (ppb), passed/counted eras, failure run, last ten eras and pending
	/// slashes, at block `at` (default: best).
	#[method(name = "icn_nodeSla")]
	fn node_sla(&self, node: NodeId, at: Option<BlockHash>) -> RpcResult<RpcNodeSla>;

	/// The current era and the nodes the HyperNode of `owner` probes in it.
	#[method(name = "icn_assignments")]
	fn assignments(&self, owner: AccountId, at: Option<BlockHash>) -> RpcResult<RpcAssignment>;

	/// Every pending slash: `[failed era, node, fraction in ppb]`.
	#[method(name = "icn_pendingSlashes")]
	fn pending_slashes(&self, at: Option<BlockHash>) -> RpcResult<Vec<(EraIndex, NodeId, u32)>>;
}

impl<C> IcnSlaApiServer<<Block as BlockT>::Hash> for IcnRpc<C>
where
	C: RuntimeApiClient,
	C::Api: SlaRuntimeApi<Block, AccountId>,
{
	fn sla_score(&self, node: NodeId, at: Option<<Block as BlockT>::Hash>) -> RpcResult<u32> {
		self.call(at, |api, at| api.node_sla(at, node)).map(|i| i.score.deconstruct())
	}

	fn node_sla(&self, node: NodeId, at: Option<<Block as BlockT>::Hash>) -> RpcResult<RpcNodeSla> {
		self.call(at, |api, at| api.node_sla(at, node)).map(Into::into)
	}

	fn assignments(
		&self,
		owner: AccountId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<RpcAssignment> {
		self.call(at, |api, at| api.assignments(at, owner))
			.map(|(era, nodes)| RpcAssignment { era, nodes })
	}

	fn pending_slashes(
		&self,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Vec<(EraIndex, NodeId, u32)>> {
		let slashes = self.call(at, |api, at| api.pending_slashes(at))?;
		Ok(slashes.into_iter().map(|(e, n, f)| (e, n, f.deconstruct())).collect())
	}
}
