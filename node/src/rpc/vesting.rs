//! `icn_vestingInfo` and `icn_bucketInfo`: the vesting runtime API over JSON-RPC.
//!
//! Balances are returned as decimal **strings** of planck (10^-18 ICNT): they exceed 2^53,
//! which JavaScript numbers cannot hold exactly.

use super::{IcnRpc, RuntimeApiClient};
use icn_runtime::{opaque::Block, AccountId, BlockNumber};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_icn_vesting::{
	runtime_api::{BucketInfo, ScheduleInfo, VestingApi as VestingRuntimeApi, VestingInfo},
	Bucket, Schedule,
};
use serde::Serialize;
use sp_runtime::traits::Block as BlockT;

/// One schedule of an account (balances in planck, as strings).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcSchedule {
	/// The bucket it comes from.
	pub bucket: Bucket,
	/// How it releases.
	pub schedule: Schedule,
	/// The block it counts from.
	pub start: BlockNumber,
	/// The whole allocation.
	pub total: String,
	/// Released so far.
	pub released: String,
	/// Claimable now with `vesting.vest`.
	pub claimable: String,
	/// Still frozen.
	pub locked: String,
	/// The next block at which more vests, and how much.
	pub next_unlock: Option<RpcUnlock>,
}

/// A future unlock: at `block`, `amount` more becomes claimable.
#[derive(Clone, Serialize)]
pub struct RpcUnlock {
	/// The block.
	pub block: BlockNumber,
	/// The amount in planck.
	pub amount: String,
}

/// An account's vesting (balances in planck, as strings).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcVestingInfo {
	/// Sum of the allocations.
	pub total: String,
	/// Released so far.
	pub released: String,
	/// Claimable now.
	pub claimable: String,
	/// Still frozen.
	pub locked: String,
	/// The earliest next unlock.
	pub next_unlock: Option<RpcUnlock>,
	/// Per schedule.
	pub schedules: Vec<RpcSchedule>,
}

/// A bucket (balances in planck, as strings).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcBucketInfo {
	/// Which bucket.
	pub bucket: Bucket,
	/// Its genesis amount.
	pub amount: String,
	/// Its schedule.
	pub schedule: Schedule,
	/// Its pool account (SS58).
	pub pool: String,
	/// The pool's balance.
	pub pool_balance: String,
	/// What `add_schedule` can draw from the pool now.
	pub pool_available: String,
}

fn unlock(u: Option<(BlockNumber, u128)>) -> Option<RpcUnlock> {
	u.map(|(block, amount)| RpcUnlock { block, amount: amount.to_string() })
}

impl From<VestingInfo<BlockNumber>> for RpcVestingInfo {
	fn from(i: VestingInfo<BlockNumber>) -> Self {
		RpcVestingInfo {
			total: i.total.to_string(),
			released: i.released.to_string(),
			claimable: i.claimable.to_string(),
			locked: i.locked.to_string(),
			next_unlock: unlock(i.next_unlock),
			schedules: i.schedules.into_iter().map(RpcSchedule::from).collect(),
		}
	}
}

impl From<ScheduleInfo<BlockNumber>> for RpcSchedule {
	fn from(s: ScheduleInfo<BlockNumber>) -> Self {
		RpcSchedule {
			bucket: s.bucket,
			schedule: s.schedule,
			start: s.start,
			total: s.total.to_string(),
			released: s.released.to_string(),
			claimable: s.claimable.to_string(),
			locked: s.locked.to_string(),
			next_unlock: unlock(s.next_unlock),
		}
	}
}

impl From<BucketInfo<AccountId>> for RpcBucketInfo {
	fn from(b: BucketInfo<AccountId>) -> Self {
		RpcBucketInfo {
			bucket: b.bucket,
			amount: b.amount.to_string(),
			schedule: b.schedule,
			pool: b.pool.to_string(),
			pool_balance: b.pool_balance.to_string(),
			pool_available: b.pool_available.to_string(),
		}
	}
}

/// The `icn_*` vesting methods.
#[rpc(server)]
pub trait IcnVestingApi<BlockHash> {
	/// An account's vesting at block `at` (default: best): total, released, claimable,
	/// locked, next unlock, per schedule.
	#[method(name = "icn_vestingInfo")]
	fn vesting_info(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<RpcVestingInfo>;

	/// A bucket's amount, schedule and pool (`"Team"`, `"NetworkRewards"`, …).
	#[method(name = "icn_bucketInfo")]
	fn bucket_info(&self, bucket: Bucket, at: Option<BlockHash>) -> RpcResult<RpcBucketInfo>;
}

impl<C> IcnVestingApiServer<<Block as BlockT>::Hash> for IcnRpc<C>
where
	C: RuntimeApiClient,
	C::Api: VestingRuntimeApi<Block, AccountId, BlockNumber>,
{
	fn vesting_info(
		&self,
		who: AccountId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<RpcVestingInfo> {
		self.call(at, |api, at| api.vesting_info(at, who)).map(Into::into)
	}

	fn bucket_info(
		&self,
		bucket: Bucket,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<RpcBucketInfo> {
		self.call(at, |api, at| api.bucket_info(at, bucket)).map(Into::into)
	}
}
