//! The marketplace runtime API: exact quotes, a builder's bookings, a cluster's usage.

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode};
use icn_primitives::{
	providers::{ClusterId, EraIndex, NodeId},
	Balance,
};
use scale_info::TypeInfo;

use crate::{BookingId, Quote, QuoteError};

/// A booking as clients see it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct BookingInfo<AccountId> {
	/// Its id.
	pub id: BookingId,
	/// Who pays.
	pub builder: AccountId,
	/// The cluster.
	pub cluster: ClusterId,
	/// Units booked.
	pub units: u32,
	/// First era paid for.
	pub start: EraIndex,
	/// First era no longer paid for.
	pub end: EraIndex,
	/// Next era to settle.
	pub next_to_settle: EraIndex,
	/// Cluster price per unit-era from each era on.
	pub prices: Vec<(EraIndex, Balance)>,
	/// Units per node.
	pub assignments: Vec<(NodeId, u32)>,
	/// ICNT still in escrow.
	pub escrow: Balance,
}

/// A cluster's capacity, bookings and current price.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct ClusterUsage {
	/// Units of its bookable nodes.
	pub capacity: u64,
	/// Units of those booked.
	pub booked: u64,
	/// Utilization, parts per million.
	pub utilization_ppm: u32,
	/// What one unit for one era costs a builder now (price plus margin), if bookable.
	pub unit_era_price: Option<Balance>,
}

sp_api::decl_runtime_apis! {
	/// The capacity marketplace.
	pub trait MarketplaceApi<AccountId>
	where
		AccountId: Codec,
	{
		/// The exact cost of booking `units` of `cluster` for `eras` eras — what `book` charges.
		fn quote(cluster: ClusterId, units: u32, eras: u32) -> Result<Quote, QuoteError>;
		/// A builder's live bookings.
		fn bookings(builder: AccountId) -> Vec<BookingInfo<AccountId>>;
		/// A cluster's capacity, bookings and price.
		fn cluster_usage(cluster: ClusterId) -> ClusterUsage;
	}
}
