//! A test runtime: frame-system, pallet-balances (ICNT with freezes) and this pallet, with
//! 10-block months so tests run whole schedules.

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, VariantCountOf},
	PalletId,
};
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage};

use crate::{self as pallet_icn_vesting, genesis::protocol_buckets, Bucket};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Vesting: pallet_icn_vesting,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId32;
	type Lookup = IdentityLookup<AccountId32>;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<1>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type RuntimeHoldReason = TestHold;
}

/// A hold reason standing in for the runtime's (HP collateral and so on), so tests can
/// check that frozen ICNT still backs holds.
#[derive(
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum TestHold {
	/// Collateral, as a provider would stake it.
	Collateral,
}

impl frame_support::traits::VariantCount for TestHold {
	const VARIANT_COUNT: u32 = 1;
}

parameter_types! {
	pub const VestingPalletId: PalletId = PalletId(*b"icn/vest");
}

/// The most schedules per account in tests.
pub const MAX_SCHEDULES: u32 = 4;
/// Blocks per month in tests.
pub const MONTH: u64 = 10;

impl crate::Config for Test {
	type Currency = Balances;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type PalletId = VestingPalletId;
	type MaxSchedules = ConstU32<MAX_SCHEDULES>;
	type AdminOrigin = frame_system::EnsureRoot<AccountId32>;
	type EraLengthCheck = ();
	type WeightInfo = ();
}

/// Test account `n`.
pub fn account(n: u8) -> AccountId32 {
	AccountId32::new([n; 32])
}

/// The beneficiary of each bucket in tests: accounts 1..=7 in the protocol's order, except
/// Ecosystem partners, which stays in its pool for `add_schedule`.
pub fn holder(bucket: Bucket) -> AccountId32 {
	match bucket {
		Bucket::EcosystemPartners => Vesting::pool_account(bucket),
		_ => account(bucket as u8 + 1),
	}
}

/// Externalities with the protocol's genesis and 10-block months, at block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: Default::default(),
		vesting: pallet_icn_vesting::GenesisConfig {
			buckets: protocol_buckets(holder),
			month_blocks: MONTH as u32,
			era_blocks: 2,
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` on the protocol genesis, then checks the pallet's invariants.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Vesting::do_try_state().expect("vesting invariants hold");
	});
}
