//! The vesting runtime API: what clients (the `icn_vestingInfo` RPC, Polkadot.js
//! `api.call.vestingApi.*`) read about an account's allocation or a bucket.

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;

use crate::{
	buckets::Bucket,
	schedule::{Balance, Schedule},
};

/// One schedule of an account, as of the block queried.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleInfo<BlockNumber> {
	/// The bucket it comes from.
	pub bucket: Bucket,
	/// How it releases.
	pub schedule: Schedule,
	/// The block it counts from.
	pub start: BlockNumber,
	/// The whole allocation.
	pub total: Balance,
	/// Released so far (no longer frozen).
	pub released: Balance,
	/// Vested but not yet released: what `vest` would release now.
	pub claimable: Balance,
	/// Still frozen (`total - released`).
	pub locked: Balance,
	/// The next block at which more vests, with the amount then claimable in addition.
	pub next_unlock: Option<(BlockNumber, Balance)>,
}

/// An account's vesting, summed over its schedules.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct VestingInfo<BlockNumber> {
	/// Sum of the schedules' allocations.
	pub total: Balance,
	/// Released so far.
	pub released: Balance,
	/// Claimable now with `vest`.
	pub claimable: Balance,
	/// Still frozen.
	pub locked: Balance,
	/// The earliest next unlock over all schedules (block, amount).
	pub next_unlock: Option<(BlockNumber, Balance)>,
	/// Per schedule.
	pub schedules: Vec<ScheduleInfo<BlockNumber>>,
}

/// A bucket: its protocol amount and schedule, and its pool account.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct BucketInfo<AccountId> {
	/// Which bucket.
	pub bucket: Bucket,
	/// Its genesis amount (protocol §2.1).
	pub amount: Balance,
	/// Its release schedule.
	pub schedule: Schedule,
	/// The pool account `add_schedule` draws from.
	pub pool: AccountId,
	/// The pool's balance.
	pub pool_balance: Balance,
	/// What `add_schedule` can draw from the pool now (released, keeping the existential
	/// deposit).
	pub pool_available: Balance,
}

sp_api::decl_runtime_apis! {
	/// Vesting information of accounts and buckets.
	pub trait VestingApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// An account's vesting: total, released, claimable now, locked, next unlock, per
		/// schedule.
		fn vesting_info(who: AccountId) -> VestingInfo<BlockNumber>;
		/// A bucket's amount, schedule and pool.
		fn bucket_info(bucket: Bucket) -> BucketInfo<AccountId>;
	}
}
