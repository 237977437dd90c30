//! The seven ICNT distribution buckets of protocol §2.1: amounts and release schedules.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use icn_primitives::currency::ICNT;
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;

use crate::schedule::{Balance, Curve, Schedule};

/// A distribution bucket of the genesis supply.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum Bucket {
	/// Team: 22.1 %, 12-month cliff, then linear to month 36.
	Team,
	/// Investors: 21.5 %, 12-month cliff, then linear over 24 months.
	Investors,
	/// DevCo (cloud service development): 5.4 %, 50 % at TGE, linear over 24 months.
	DevCo,
	/// Network rewards (node operators): 20 %, 15 % at TGE, the rest decaying over 48 months.
	NetworkRewards,
	/// Ecosystem partners: 11 %, 50 % at TGE, linear over 36 months.
	EcosystemPartners,
	/// Ecosystem development fund: 10 %, 50 % at TGE, linear over 24 months.
	EcosystemDevelopmentFund,
	/// Network expansion fund: 10 %, all at TGE.
	NetworkExpansionFund,
}

impl Bucket {
	/// Every bucket, in the order of the protocol's table.
	pub const ALL: [Bucket; 7] = [
		Bucket::Team,
		Bucket::Investors,
		Bucket::DevCo,
		Bucket::NetworkRewards,
		Bucket::EcosystemPartners,
		Bucket::EcosystemDevelopmentFund,
		Bucket::NetworkExpansionFund,
	];

	/// The bucket's genesis amount (protocol §2.1).
	pub const fn amount(self) -> Balance {
		let icnt = match self {
			Bucket::Team => 154_700_000,
			Bucket::Investors => 150_500_000,
			Bucket::DevCo => 37_800_000,
			Bucket::NetworkRewards => 140_000_000,
			Bucket::EcosystemPartners => 77_000_000,
			Bucket::EcosystemDevelopmentFund => 70_000_000,
			Bucket::NetworkExpansionFund => 70_000_000,
		};
		icnt * ICNT
	}

	/// The bucket's release schedule (protocol §2.1, §2.2).
	pub fn schedule(self) -> Schedule {
		let linear = |tge: u32, cliff_months: u32, duration_months: u32| Schedule {
			tge: Perbill::from_percent(tge),
			cliff_months,
			curve: Curve::Linear,
			duration_months,
		};
		match self {
			Bucket::Team => linear(0, 12, 24),
			Bucket::Investors => linear(0, 12, 24),
			Bucket::DevCo => linear(50, 0, 24),
			Bucket::NetworkRewards => Schedule {
				tge: Perbill::from_percent(15),
				cliff_months: 0,
				curve: Curve::Decaying { first_month: Perbill::from_rational(184u32, 1000) },
				duration_months: 48,
			},
			Bucket::EcosystemPartners => linear(50, 0, 36),
			Bucket::EcosystemDevelopmentFund => linear(50, 0, 24),
			Bucket::NetworkExpansionFund => Schedule::unlocked(),
		}
	}
}
