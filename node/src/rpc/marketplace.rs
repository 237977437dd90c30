//! `icn_quote`, `icn_bookings` and `icn_clusterUsage`: the marketplace runtime API over
//! JSON-RPC.
//!
//! Balances are decimal **strings** of planck (10^-18 ICNT), as in the other `icn_*`
//! methods: they exceed 2^53, which JavaScript numbers cannot hold exactly.

use super::{IcnRpc, RuntimeApiClient};
use icn_runtime::{opaque::Block, AccountId};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::error::{ErrorObject, ErrorObjectOwned},
};
use pallet_icn_marketplace::{
	runtime_api::{BookingInfo, ClusterUsage, MarketplaceApi as MarketplaceRuntimeApi},
	BookingId, ClusterId, EraIndex, NodeId, Quote, QuoteError,
};
use serde::Serialize;
use sp_runtime::traits::Block as BlockT;

/// What a booking would cost (planck, as strings) and which nodes it would use.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcQuote {
	/// The cluster price per unit-era.
	pub price: String,
	/// Paid to providers over the booking.
	pub provider_total: String,
	/// The protocol margin over the booking.
	pub margin_total: String,
	/// What `marketplace.book` holds: pass it (or more) as `max_total`.
	pub total: String,
	/// `[node, units]` pairs in assignment order.
	pub assignments: Vec<(NodeId, u32)>,
}

impl From<Quote> for RpcQuote {
	fn from(q: Quote) -> Self {
		RpcQuote {
			price: q.price.to_string(),
			provider_total: q.provider_total.to_string(),
			margin_total: q.margin_total.to_string(),
			total: q.total.to_string(),
			assignments: q.assignments,
		}
	}
}

/// A live booking (planck as strings).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcBooking {
	/// Its id.
	pub id: BookingId,
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
	/// `[from era, price per unit-era]` segments.
	pub prices: Vec<(EraIndex, String)>,
	/// `[node, units]` pairs.
	pub assignments: Vec<(NodeId, u32)>,
	/// Still in escrow.
	pub escrow: String,
}

impl From<BookingInfo<AccountId>> for RpcBooking {
	fn from(b: BookingInfo<AccountId>) -> Self {
		RpcBooking {
			id: b.id,
			cluster: b.cluster,
			units: b.units,
			start: b.start,
			end: b.end,
			next_to_settle: b.next_to_settle,
			prices: b.prices.into_iter().map(|(e, p)| (e, p.to_string())).collect(),
			assignments: b.assignments,
			escrow: b.escrow.to_string(),
		}
	}
}

/// A cluster's capacity, bookings and price.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcClusterUsage {
	/// Units of its bookable nodes.
	pub capacity: u64,
	/// Units booked.
	pub booked: u64,
	/// Utilization in parts per million.
	pub utilization_ppm: u32,
	/// What one unit for one era costs a builder now, if any unit is free.
	pub unit_era_price: Option<String>,
}

impl From<ClusterUsage> for RpcClusterUsage {
	fn from(u: ClusterUsage) -> Self {
		RpcClusterUsage {
			capacity: u.capacity,
			booked: u.booked,
			utilization_ppm: u.utilization_ppm,
			unit_era_price: u.unit_era_price.map(|p| p.to_string()),
		}
	}
}

/// The `icn_*` marketplace methods.
#[rpc(server)]
pub trait IcnMarketplaceApi<BlockHash> {
	/// The exact cost of booking `units` of `cluster` for `eras` eras from the next era —
	/// the amount `marketplace.book` holds — at block `at` (default: best). A booking that
	/// cannot be filled is an error whose data names the reason (`Unfillable`, …).
	#[method(name = "icn_quote")]
	fn quote(
		&self,
		cluster: ClusterId,
		units: u32,
		eras: u32,
		at: Option<BlockHash>,
	) -> RpcResult<RpcQuote>;

	/// A builder's live bookings.
	#[method(name = "icn_bookings")]
	fn bookings(&self, builder: AccountId, at: Option<BlockHash>) -> RpcResult<Vec<RpcBooking>>;

	/// A cluster's bookable capacity, bookings and current unit-era price.
	#[method(name = "icn_clusterUsage")]
	fn cluster_usage(
		&self,
		cluster: ClusterId,
		at: Option<BlockHash>,
	) -> RpcResult<RpcClusterUsage>;
}

fn quote_error(e: QuoteError) -> ErrorObjectOwned {
	ErrorObject::owned(2, "no such booking can be made", Some(format!("{e:?}")))
}

impl<C> IcnMarketplaceApiServer<<Block as BlockT>::Hash> for IcnRpc<C>
where
	C: RuntimeApiClient,
	C::Api: MarketplaceRuntimeApi<Block, AccountId>,
{
	fn quote(
		&self,
		cluster: ClusterId,
		units: u32,
		eras: u32,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<RpcQuote> {
		let quote = self.call(at, |api, at| api.quote(at, cluster, units, eras))?;
		Ok(quote.map_err(quote_error)?.into())
	}

	fn bookings(
		&self,
		builder: AccountId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Vec<RpcBooking>> {
		let bookings = self.call(at, |api, at| api.bookings(at, builder))?;
		Ok(bookings.into_iter().map(RpcBooking::from).collect())
	}

	fn cluster_usage(
		&self,
		cluster: ClusterId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<RpcClusterUsage> {
		self.call(at, |api, at| api.cluster_usage(at, cluster)).map(Into::into)
	}
}
