//! # ICN test base
//!
//! The part of a test runtime every ICN pallet mock repeats: `frame_system` with 32-byte
//! account ids, `pallet_balances` holding ICNT (`u128`, existential deposit 1 planck), and
//! `pallet_nfts` holding the ICN Links collection (no deposits). A mock writes its own
//! `construct_runtime!` (with `System`, `Balances` and `Nfts`) and its pallets' configs, and
//! calls [`impl_base_configs!`] for the rest.
//!
//! The macro expands to paths of the crates the calling mock depends on anyway
//! (`frame_system`, `frame_support`, `pallet_balances`, `pallet_nfts`, `sp_runtime`,
//! `sp_io`, `icn_primitives`), so this crate has no dependencies and costs no compile time.

#![no_std]

/// Implements `frame_system`, `pallet_balances` and `pallet_nfts` for the test runtime
/// `$runtime` (see the crate docs) and defines:
/// - `Block`, the runtime's mock block type;
/// - `NftsFeatures`, `LinkCollection` (collection 0) and `Treasury` (`account(200)`);
/// - `TestLinks`, the Links registry over `Nfts` that `pallet_icn_providers::Config::Links`
///   takes;
/// - `account(n)`, test account `n` (32 bytes of `n`);
/// - `ext_at_block_one(genesis)`, test externalities over a mock's genesis at block 1.
#[macro_export]
macro_rules! impl_base_configs {
	($runtime:ident) => {
		type Block = frame_system::mocking::MockBlock<$runtime>;

		#[frame_support::derive_impl(frame_system::config_preludes::TestDefaultConfig)]
		impl frame_system::Config for $runtime {
			type Block = Block;
			type AccountId = sp_runtime::AccountId32;
			type Lookup = sp_runtime::traits::IdentityLookup<sp_runtime::AccountId32>;
			type AccountData = pallet_balances::AccountData<icn_primitives::Balance>;
		}

		#[frame_support::derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
		impl pallet_balances::Config for $runtime {
			type Balance = icn_primitives::Balance;
			type AccountStore = System;
			type ExistentialDeposit = frame_support::traits::ConstU128<1>;
			type RuntimeHoldReason = RuntimeHoldReason;
		}

		frame_support::parameter_types! {
			pub NftsFeatures: pallet_nfts::PalletFeatures = pallet_nfts::PalletFeatures::all_enabled();
			pub const LinkCollection: u32 = 0;
			pub Treasury: sp_runtime::AccountId32 = account(200);
		}

		impl pallet_nfts::Config for $runtime {
			type RuntimeEvent = RuntimeEvent;
			type CollectionId = u32;
			type ItemId = u32;
			type Currency = Balances;
			type CreateOrigin = frame_support::traits::AsEnsureOriginWithArg<
				frame_system::EnsureSigned<sp_runtime::AccountId32>,
			>;
			type ForceOrigin = frame_system::EnsureRoot<sp_runtime::AccountId32>;
			type Locker = ();
			type CollectionDeposit = frame_support::traits::ConstU128<0>;
			type ItemDeposit = frame_support::traits::ConstU128<0>;
			type MetadataDepositBase = frame_support::traits::ConstU128<0>;
			type AttributeDepositBase = frame_support::traits::ConstU128<0>;
			type DepositPerByte = frame_support::traits::ConstU128<0>;
			type StringLimit = frame_support::traits::ConstU32<64>;
			type KeyLimit = frame_support::traits::ConstU32<64>;
			type ValueLimit = frame_support::traits::ConstU32<64>;
			type ApprovalsLimit = frame_support::traits::ConstU32<4>;
			type ItemAttributesApprovalsLimit = frame_support::traits::ConstU32<4>;
			type MaxTips = frame_support::traits::ConstU32<4>;
			type MaxDeadlineDuration = frame_support::traits::ConstU64<1000>;
			type MaxAttributesPerCall = frame_support::traits::ConstU32<4>;
			type Features = NftsFeatures;
			type OffchainSignature = sp_runtime::MultiSignature;
			type OffchainPublic =
				<sp_runtime::MultiSignature as sp_runtime::traits::Verify>::Signer;
			type WeightInfo = ();
			#[cfg(feature = "runtime-benchmarks")]
			type Helper = ();
			type BlockNumberProvider = System;
		}

		/// The ICN Links: items of collection [`LinkCollection`] of `Nfts`.
		pub type TestLinks = pallet_icn_providers::NftLinks<
			Nfts,
			LinkCollection,
			pallet_nfts::ItemConfig,
			pallet_nfts::CollectionConfigFor<$runtime>,
		>;

		/// Externalities over the test genesis `genesis`, at block 1 (events are recorded from
		/// block 1 on).
		pub fn ext_at_block_one(
			genesis: impl sp_runtime::BuildStorage,
		) -> sp_io::TestExternalities {
			let storage = genesis.build_storage().expect("the test genesis builds");
			let mut ext = sp_io::TestExternalities::new(storage);
			ext.execute_with(|| System::set_block_number(1));
			ext
		}

		/// Test account `n`.
		pub fn account(n: u8) -> sp_runtime::AccountId32 {
			sp_runtime::AccountId32::new([n; 32])
		}
	};
}
