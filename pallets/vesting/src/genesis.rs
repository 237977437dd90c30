//! The vesting genesis: the seven buckets, each with its amount, schedule and
//! beneficiaries, and the checks that make a malformed genesis fail to build with a clear
//! message (protocol §2.1).

use alloc::{format, string::String, vec::Vec};
use codec::Encode;
use icn_primitives::currency::TOTAL_SUPPLY;

use crate::{
	buckets::Bucket,
	schedule::{Balance, Schedule},
};

/// One bucket of the genesis: its amount, its release schedule and who receives it.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BucketConfig<AccountId> {
	/// Which bucket.
	pub bucket: Bucket,
	/// Its amount in planck; the beneficiaries must sum to it.
	pub amount: Balance,
	/// The schedule every beneficiary's allocation follows.
	pub schedule: Schedule,
	/// Who receives how much.
	pub beneficiaries: Vec<(AccountId, Balance)>,
}

/// Checks a vesting genesis: the seven buckets once each, summing to exactly 700,000,000
/// ICNT; each bucket's beneficiaries summing to its amount; valid schedules; no account with
/// more than `max_schedules` schedules. An empty list (no distribution, e.g. the default
/// config) passes here; the runtime's fixed-supply check then refuses it.
pub fn validate<AccountId: Encode + core::fmt::Debug>(
	buckets: &[BucketConfig<AccountId>],
	max_schedules: u32,
) -> Result<(), String> {
	if buckets.is_empty() {
		return Ok(());
	}
	for bucket in Bucket::ALL {
		let count = buckets.iter().filter(|b| b.bucket == bucket).count();
		if count != 1 {
			return Err(format!("bucket {bucket:?} is listed {count} times, expected once"));
		}
	}
	let mut sum: Balance = 0;
	let mut per_account: Vec<(Vec<u8>, u32)> = Vec::new();
	for b in buckets {
		b.schedule
			.validate()
			.map_err(|e| format!("bucket {:?} has a malformed schedule: {e:?}", b.bucket))?;
		let mut given: Balance = 0;
		for (who, amount) in &b.beneficiaries {
			if *amount == 0 {
				return Err(format!("bucket {:?} gives 0 to {who:?}", b.bucket));
			}
			given = given
				.checked_add(*amount)
				.ok_or_else(|| format!("bucket {:?} overflows", b.bucket))?;
			if b.schedule.tge_amount(*amount) < *amount {
				let key = who.encode();
				match per_account.iter_mut().find(|(k, _)| *k == key) {
					Some((_, n)) => *n += 1,
					None => per_account.push((key, 1)),
				}
			}
		}
		if given != b.amount {
			return Err(format!(
				"bucket {:?}: beneficiaries sum to {given} planck, the bucket's amount is {}",
				b.bucket, b.amount
			));
		}
		sum = sum.checked_add(b.amount).ok_or("the buckets overflow")?;
	}
	if sum != TOTAL_SUPPLY {
		return Err(format!(
			"the buckets sum to {sum} planck, the fixed supply is {TOTAL_SUPPLY} planck \
			 (700,000,000 ICNT)"
		));
	}
	if let Some((_, n)) = per_account.iter().find(|(_, n)| *n > max_schedules) {
		return Err(format!(
			"an account has {n} vesting schedules, at most {max_schedules} allowed"
		));
	}
	Ok(())
}

/// The protocol's genesis (§2.1) with every bucket given whole to one account each, as
/// `beneficiary(bucket)` says.
pub fn protocol_buckets<AccountId>(
	mut beneficiary: impl FnMut(Bucket) -> AccountId,
) -> Vec<BucketConfig<AccountId>> {
	Bucket::ALL
		.iter()
		.map(|&bucket| BucketConfig {
			bucket,
			amount: bucket.amount(),
			schedule: bucket.schedule(),
			beneficiaries: alloc::vec![(beneficiary(bucket), bucket.amount())],
		})
		.collect()
}
