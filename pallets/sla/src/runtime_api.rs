//! The SLA runtime API: a node's score and recent eras, a HyperNode's assignment, pending
//! slashes.

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode};
use icn_primitives::providers::{EraIndex, NodeId};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// A node's SLA as clients see it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct NodeSlaInfo {
	/// Passed / counted eras over the sliding window (720 eras).
	pub score: Perbill,
	/// Passed eras in the window.
	pub passed: u32,
	/// Counted eras in the window.
	pub counted: u32,
	/// Consecutive failed eras now.
	pub consecutive_failures: u32,
	/// The last era with a verdict.
	pub last_era: Option<EraIndex>,
	/// The last ten finalized eras: `(era, failed)`.
	pub recent_failures: Vec<(EraIndex, bool)>,
	/// Slashes pending for it: `(failed era, fraction)`.
	pub pending_slashes: Vec<(EraIndex, Perbill)>,
}

sp_api::decl_runtime_apis! {
	/// The SLA oracle.
	pub trait SlaApi<AccountId>
	where
		AccountId: Codec,
	{
		/// A node's SLA score, recent eras and pending slashes.
		fn node_sla(node: NodeId) -> NodeSlaInfo;
		/// The current era and the nodes the HyperNode of `owner` probes in it.
		fn assignments(owner: AccountId) -> (EraIndex, Vec<NodeId>);
		/// Every pending slash: `(failed era, node, fraction)`.
		fn pending_slashes() -> Vec<(EraIndex, NodeId, Perbill)>;
	}
}
