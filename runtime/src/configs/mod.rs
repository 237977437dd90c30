//! The configuration of every pallet in the runtime (governance's in `crate::governance`).

pub mod accounts;

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		fungible::{Balanced, Credit},
		ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, OnUnbalanced, VariantCountOf,
	},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		ConstantMultiplier, Weight,
	},
	PalletId,
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{AccountIdConversion, One},
	Perbill,
};
use sp_version::RuntimeVersion;

use super::{
	currency::{EXISTENTIAL_DEPOSIT, ICNT, MICRO_ICNT},
	time::SLOT_DURATION,
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Hash, Historical, Nonce, Offences,
	PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
	RuntimeOrigin, RuntimeTask, Session, Staking, System, Timestamp, VERSION,
};

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Two seconds of compute per block; the proof size is not limited (a solochain).
const MAXIMUM_BLOCK_WEIGHT: Weight =
	Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX);

/// The Protocol Treasury's pallet id; its account receives every transaction fee and every
/// slash (protocol §2, §4.4) and is spent from by governance.
pub const TREASURY_PALLET_ID: PalletId = PalletId(*b"icn/trsy");

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// Two seconds of compute per six-second block, 75 % of it for normal transactions (the
	/// `with_sensible_defaults` split), with this runtime's measured block and extrinsic
	/// overheads (`weights::block_weights`, `weights::extrinsic_weights`).
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(crate::weights::block_weights::BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |weights| {
			weights.base_extrinsic = crate::weights::extrinsic_weights::ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |weights| {
			weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |weights| {
			weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			weights.reserved = Some(MAXIMUM_BLOCK_WEIGHT.saturating_sub(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT));
		})
		.avg_block_initialization(Perbill::from_percent(10))
		.build_or_panic();
	/// 8 MiB blocks for operational calls (a runtime upgrade: the runtime built with the
	/// benchmarks, as the test command's upgrade blob is, is 5.4 MB compressed since the
	/// governance pallets), 3.75 MiB (75 % of 5 MiB) for normal transactions as before.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(8 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * (5 * 1024 * 1024)
		})
		.build();
	/// SS58 prefix of addresses: 122, free in the SS58 registry (`ss58-registry` 1.51.0), so
	/// every ICN address starts with `ic` (docs/protocol.md §7). A test fails if a registry
	/// update gives 122 to another network.
	pub const SS58Prefix: u16 = 122;
	/// The Protocol Treasury account.
	pub TreasuryAccount: AccountId = TREASURY_PALLET_ID.into_account_truncating();
}

/// The calls no origin but Root may dispatch, because they would change ICNT's fixed supply
/// outside the vesting pallet's accounting: `balances.burn` lowered the issuance without a
/// `Burned` record, so the fixed-supply invariant (issuance + burned = 700M, checked by
/// `try_state` and by try-runtime before upgrades) failed for good. Root (sudo on `dev`,
/// `local` and `staging`; governance where there is no sudo) bypasses the filter, as FRAME's
/// root origin always does: `forceSetBalance` and `forceAdjustTotalIssuance` stay root-only.
///
/// `treasury.spendLocal` (deprecated upstream) is filtered too: its payout credits the
/// beneficiary first and drops the imbalance if the treasury cannot settle it, which mints.
/// Spends go through `treasury.spend` + `payout` (a transfer).
pub struct FixedSupply;
impl frame_support::traits::Contains<RuntimeCall> for FixedSupply {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(
			call,
			RuntimeCall::Balances(pallet_balances::Call::burn { .. })
				| RuntimeCall::Treasury(pallet_treasury::Call::spend_local { .. })
		)
	}
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type BaseCallFilter = FixedSupply;
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	type ExtensionsWeightInfo = crate::weights::frame_system_extensions::WeightInfo<Runtime>;
}

parameter_types! {
	/// The most validators: the bound of Aura's and GRANDPA's authority sets and of the
	/// staking election's winners (kept equal, so disabled indices line up).
	pub const MaxAuthorities: u32 = 32;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	/// Validators disabled by Session (after an offence) may not author.
	type DisabledValidators = Session;
	type MaxAuthorities = MaxAuthorities;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

parameter_types! {
	/// An unsigned GRANDPA equivocation report stays valid for the bonding window, in blocks
	/// (of production-length sessions).
	pub const ReportLongevity: u64 =
		BondingDuration::get() as u64 * SessionsPerEra::get() as u64 * crate::time::ERA_BLOCKS as u64;
	/// GRANDPA set id → session entries kept to check equivocations (a set per session at most).
	pub const MaxSetIdSessionEntries: u64 = BondingDuration::get() as u64 * SessionsPerEra::get() as u64;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = MaxExposurePageSize;
	type MaxSetIdSessionEntries = MaxSetIdSessionEntries;
	type KeyOwnerProof = sp_session::MembershipProof;
	/// Equivocations are proven against the session history and reported as offences, which
	/// Staking slashes (to the Protocol Treasury).
	type EquivocationReportSystem =
		pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

// ---- Validators (protocol §7): session, authorship, offences, NPoS staking -------------------

parameter_types! {
	/// Held from an account on its first `session.setKeys`, returned by `purgeKeys`.
	pub const SessionKeyDeposit: Balance = ICNT;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	/// The stash is the validator id (staking has no controllers any more).
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	/// A session is one chain era (`EraSessions` on the chain's era clock: an hour of 600
	/// blocks in production, 10 blocks on `dev`/`local`).
	type ShouldEndSession = EraSessions;
	type NextSessionRotation = EraSessions;
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Runtime, Staking>;
	type SessionHandler =
		<crate::opaque::SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = crate::opaque::SessionKeys;
	type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = pallet_staking::UnitIdentificationOf<Runtime>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	/// Era points of block authors (they pay nothing: there is no inflation).
	type EventHandler = (Staking,);
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = Staking;
}

parameter_types! {
	/// Snapshot bounds of the on-chain election (it runs in a session-rotation block).
	pub ElectionBoundsOnChain: frame_election_provider_support::bounds::ElectionBounds =
		frame_election_provider_support::bounds::ElectionBoundsBuilder::default()
			.voters_count(5_000.into())
			.targets_count(1_000.into())
			.build();
	pub const MaxBackersPerWinner: u32 = 1_024;
}

/// The on-chain sequential Phragmén election of a solochain.
pub struct OnChainSeqPhragmen;
impl frame_election_provider_support::onchain::Config for OnChainSeqPhragmen {
	type System = Runtime;
	type Solver = frame_election_provider_support::SequentialPhragmen<AccountId, Perbill>;
	type DataProvider = Staking;
	type WeightInfo = frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type MaxWinnersPerPage = MaxAuthorities;
	type MaxBackersPerWinner = MaxBackersPerWinner;
	type Bounds = ElectionBoundsOnChain;
	type Sort = ConstBool<true>;
}

parameter_types! {
	/// A staking era: six sessions (six hours in production, 60 blocks on `dev`/`local`).
	pub const SessionsPerEra: sp_staking::SessionIndex = 6;
	/// Unbonding takes 28 staking eras (7 days in production).
	pub const BondingDuration: sp_staking::EraIndex = 28;
	/// Slashes wait 27 staking eras, during which root may cancel them.
	pub const SlashDeferDuration: sp_staking::EraIndex = 27;
	pub const HistoryDepth: u32 = 84;
	pub const MaxExposurePageSize: u32 = 64;
	pub const MaxUnlockingChunks: u32 = 32;
	pub const MaxControllersInDeprecationBatch: u32 = 512;
}

/// Benchmark sizes of pallet-staking (its weights are upstream's `SubstrateWeight`).
pub struct StakingBenchmarkingConfig;
impl pallet_staking::BenchmarkingConfig for StakingBenchmarkingConfig {
	type MaxValidators = ConstU32<1000>;
	type MaxNominators = ConstU32<1000>;
}

impl pallet_staking::Config for Runtime {
	type OldCurrency = Balances;
	/// Bonds are `Staking` holds; vesting-frozen ICNT may back them (protocol §2.1).
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CurrencyBalance = Balance;
	type UnixTime = Timestamp;
	type CurrencyToVote = sp_staking::currency_to_vote::U128CurrencyToVote;
	type ElectionProvider =
		frame_election_provider_support::onchain::OnChainExecution<OnChainSeqPhragmen>;
	type GenesisElectionProvider =
		frame_election_provider_support::onchain::OnChainExecution<OnChainSeqPhragmen>;
	type NominationsQuota = pallet_staking::FixedNominationsQuota<16>;
	type HistoryDepth = HistoryDepth;
	/// No inflation (protocol §2): era payouts are zero, nothing is minted.
	type EraPayout = ();
	type RewardRemainder = ();
	type Reward = ();
	/// Slashed ICNT goes to the Protocol Treasury (the reporter's share comes out of it).
	type Slash = FeesToTreasury;
	type RuntimeEvent = RuntimeEvent;
	type SessionsPerEra = SessionsPerEra;
	type BondingDuration = BondingDuration;
	type SlashDeferDuration = SlashDeferDuration;
	/// Root (the root track): cancelling deferred validator slashes and `manual_slash` (up to
	/// a whole stake) are above protocol administration; the staking pallet's other admin
	/// calls (`setValidatorCount`, `setStakingConfigs`, …) are root-only in the pallet itself.
	/// A root referendum (at least 2 days 2 h) fits the 27-era (6.75-day) slash deferral.
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type SessionInterface = Self;
	type NextNewSession = Session;
	type MaxExposurePageSize = MaxExposurePageSize;
	type MaxValidatorSet = MaxAuthorities;
	type VoterList = pallet_staking::UseNominatorsAndValidatorsMap<Runtime>;
	type TargetList = pallet_staking::UseValidatorsMap<Runtime>;
	type MaxUnlockingChunks = MaxUnlockingChunks;
	type MaxControllersInDeprecationBatch = MaxControllersInDeprecationBatch;
	type EventListeners = ();
	type Filter = frame_support::traits::Nothing;
	type BenchmarkingConfig = StakingBenchmarkingConfig;
	type WeightInfo = pallet_staking::weights::SubstrateWeight<Runtime>;
}

/// Bare (unsigned) extrinsics: GRANDPA equivocation reports the node submits.
impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> crate::UncheckedExtrinsic {
		crate::UncheckedExtrinsic::new_bare(call)
	}
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	/// One lock: conviction voting's (ICN pallets use holds and freezes).
	type MaxLocks = ConstU32<1>;
	type MaxReserves = ConstU32<0>;
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	/// Dust of reaped accounts is burned and recorded (total issuance falls, never rises).
	type DustRemoval = pallet_icn_vesting::RecordBurn<Runtime>;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

/// Sends transaction fees and tips to the Protocol Treasury (protocol §2): they are neither
/// burned nor paid to block authors.
pub struct FeesToTreasury;
impl OnUnbalanced<Credit<AccountId, Balances>> for FeesToTreasury {
	fn on_nonzero_unbalanced(amount: Credit<AccountId, Balances>) {
		// The treasury is endowed at genesis, so this cannot fail for being below the
		// existential deposit; were it to fail, the credit is burned and recorded.
		if let Err(credit) = Balances::resolve(&TreasuryAccount::get(), amount) {
			pallet_icn_vesting::RecordBurn::<Runtime>::on_unbalanced(credit);
		}
	}
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
	/// Fee per unit of weight: a balance transfer (~2·10^8 weight) costs ~0.002 ICNT.
	pub const WeightFeeFactor: Balance = 10_000_000;
	/// Fee per byte of transaction.
	pub const LengthFeeFactor: Balance = MICRO_ICNT;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, FeesToTreasury>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = ConstantMultiplier<Balance, WeightFeeFactor>;
	type LengthToFee = ConstantMultiplier<Balance, LengthFeeFactor>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = crate::weights::pallet_transaction_payment::WeightInfo<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The vesting pallet's id: each distribution bucket's pool account derives from it
	/// (the Network rewards pool pays node rewards).
	pub const VestingPalletId: PalletId = PalletId(*b"icn/vest");
}

impl pallet_icn_vesting::Config for Runtime {
	type Currency = Balances;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type PalletId = VestingPalletId;
	type MaxSchedules = ConstU32<8>;
	/// Root only (the root track): schedules move ICNT out of the distribution buckets and
	/// the clocks change every schedule's pace, decisions above protocol administration.
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	/// Eras may not outgrow the providers' unbonding delay (the slashing exposure).
	type EraLengthCheck = crate::Providers;
	type WeightInfo = crate::weights::pallet_icn_vesting::WeightInfo<Runtime>;
}

parameter_types! {
	pub NftsFeatures: pallet_nfts::PalletFeatures = pallet_nfts::PalletFeatures::all_enabled();
	/// The ICN Links collection: the first collection, created at genesis.
	pub const LinkCollection: u32 = 0;
	pub const ProvidersPalletId: PalletId = PalletId(*b"icn/prov");
}

/// NFTs. Only root creates collections, so no deposits are needed; the only collection so
/// far is the ICN Links collection, administered by the providers pallet's account. The
/// pallet takes a `ReservableCurrency` for deposits: with every deposit zero it never
/// reserves anything.
impl pallet_nfts::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type CollectionId = u32;
	type ItemId = u32;
	type Currency = Balances;
	type CreateOrigin = frame_support::traits::AsEnsureOriginWithArg<
		frame_system::EnsureRootWithSuccess<AccountId, TreasuryAccount>,
	>;
	type ForceOrigin = frame_system::EnsureRoot<AccountId>;
	type Locker = ();
	type CollectionDeposit = ConstU128<0>;
	type ItemDeposit = ConstU128<0>;
	type MetadataDepositBase = ConstU128<0>;
	type AttributeDepositBase = ConstU128<0>;
	type DepositPerByte = ConstU128<0>;
	type StringLimit = ConstU32<256>;
	type KeyLimit = ConstU32<64>;
	type ValueLimit = ConstU32<256>;
	type ApprovalsLimit = ConstU32<20>;
	type ItemAttributesApprovalsLimit = ConstU32<20>;
	type MaxTips = ConstU32<10>;
	type MaxDeadlineDuration = ConstU32<{ 30 * icn_primitives::time::DAYS }>;
	type MaxAttributesPerCall = ConstU32<10>;
	type Features = NftsFeatures;
	type OffchainSignature = icn_primitives::Signature;
	type OffchainPublic = <icn_primitives::Signature as sp_runtime::traits::Verify>::Signer;
	type WeightInfo = pallet_nfts::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = ();
	type BlockNumberProvider = System;
}

/// The chain's era and month clocks, as the vesting pallet keeps them (root-settable; see
/// `icn_primitives::clock`): every pallet reads time from here.
pub type ChainClock = pallet_icn_vesting::StoredClocks<Runtime>;

/// Sessions follow the chain's eras: a session ends where an era starts, also after the era
/// length changed (`PeriodicSessions` would divide by the new length from genesis).
pub struct EraSessions;

impl EraSessions {
	fn eras() -> icn_primitives::clock::EraClock {
		<ChainClock as icn_primitives::clock::ChainClock>::eras()
	}
}

impl pallet_session::ShouldEndSession<BlockNumber> for EraSessions {
	fn should_end_session(now: BlockNumber) -> bool {
		let eras = Self::eras();
		let now = u64::from(now);
		eras.era_start(eras.era_of(now)) == now
	}
}

impl frame_support::traits::EstimateNextSessionRotation<BlockNumber> for EraSessions {
	fn average_session_length() -> BlockNumber {
		Self::eras().latest_length()
	}

	fn estimate_current_session_progress(
		now: BlockNumber,
	) -> (Option<sp_runtime::Permill>, Weight) {
		// As `PeriodicSessions`: the current block counts as elapsed.
		let (into, length) = Self::eras().progress(u64::from(now));
		let done = into.saturating_add(1).min(u64::from(length));
		(
			Some(sp_runtime::Permill::from_rational(done, u64::from(length.max(1)))),
			ParityDbWeight::get().reads(1),
		)
	}

	fn estimate_next_session_rotation(now: BlockNumber) -> (Option<BlockNumber>, Weight) {
		let eras = Self::eras();
		let next = eras.era_start(eras.era_of(u64::from(now)).saturating_add(1));
		(BlockNumber::try_from(next).ok(), ParityDbWeight::get().reads(1))
	}
}

/// ICN Links: items of the Links collection of `pallet-nfts`.
pub type IcnLinks = pallet_icn_providers::NftLinks<
	crate::Nfts,
	LinkCollection,
	pallet_nfts::ItemConfig,
	pallet_nfts::CollectionConfigFor<Runtime>,
>;

impl pallet_icn_providers::Config for Runtime {
	/// Regions, clusters, parameters, Links: root or the protocol-administration track.
	type AdminOrigin = crate::governance::AdminOrigin;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Links = IcnLinks;
	type Treasury = TreasuryAccount;
	type PalletId = ProvidersPalletId;
	type Clock = ChainClock;
	type MaxCountries = ConstU32<64>;
	type MaxLinksPerNode = ConstU32<16>;
	type MaxNodesPerCluster = ConstU32<128>;
	// Exits and withdrawals wait for the oracle's pending slashes.
	type SlashQueue = crate::Sla;
	type MaxNodesPerProvider = ConstU32<32>;
	type MaxAuditChunks = ConstU32<16_384>;
	type WeightInfo = crate::weights::pallet_icn_providers::WeightInfo<Runtime>;
}

parameter_types! {
	/// Settlement may use at most a tenth of a block.
	pub SettlementWeightPerBlock: Weight = RuntimeBlockWeights::get().max_block / 10;
}

/// Benchmark set-up of bookable nodes for the marketplace, in the `dev` cluster 0.
#[cfg(feature = "runtime-benchmarks")]
pub struct MarketplaceBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_icn_marketplace::BenchmarkHelper<AccountId> for MarketplaceBenchmarkHelper {
	fn bookable_cluster(
		nodes: u32,
		units: u32,
		delegators: bool,
	) -> pallet_icn_marketplace::ClusterId {
		pallet_icn_providers::bench_helpers::bookable_nodes::<Runtime>(0, nodes, units, delegators);
		0
	}
	fn fill_cluster(cluster: pallet_icn_marketplace::ClusterId) {
		pallet_icn_providers::bench_helpers::fill_cluster::<Runtime>(cluster);
	}
	fn finalize_era(era: pallet_icn_marketplace::EraIndex) {
		pallet_icn_sla::FinalizedEra::<Runtime>::put(era);
	}
}

/// An account's ICNT not frozen (`free + held − frozen`): the most its booking escrow may
/// total, so vesting (frozen) ICNT never pays for bookings while it may still back collateral.
pub struct UnfrozenBalance;
impl sp_runtime::traits::Convert<AccountId, Balance> for UnfrozenBalance {
	fn convert(who: AccountId) -> Balance {
		let a = frame_system::Account::<Runtime>::get(&who).data;
		a.free.saturating_add(a.reserved).saturating_sub(a.frozen)
	}
}

impl pallet_icn_marketplace::Config for Runtime {
	/// The protocol margin: root or the protocol-administration track.
	type AdminOrigin = crate::governance::AdminOrigin;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Capacity = crate::Providers;
	type Rewards = crate::Providers;
	/// Failed eras are refunded; settlement waits for each era's aggregation.
	type Sla = crate::Sla;
	type EscrowLimit = UnfrozenBalance;
	type Treasury = TreasuryAccount;
	type Clock = ChainClock;
	type MaxNodesPerBooking = ConstU32<16>;
	type MaxBookingsPerBuilder = ConstU32<64>;
	type MaxBookingEras = ConstU32<{ 366 * 24 }>;
	type SettlementWeightPerBlock = SettlementWeightPerBlock;
	type WeightInfo = crate::weights::pallet_icn_marketplace::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MarketplaceBenchmarkHelper;
}

/// Off-chain workers sign transactions (HyperNode reports) with keystore keys.
impl frame_system::offchain::SigningTypes for Runtime {
	type Public = <icn_primitives::Signature as sp_runtime::traits::Verify>::Signer;
	type Signature = icn_primitives::Signature;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = crate::UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateSignedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_signed_transaction<
		A: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		public: <icn_primitives::Signature as sp_runtime::traits::Verify>::Signer,
		account: AccountId,
		nonce: Nonce,
	) -> Option<crate::UncheckedExtrinsic> {
		use codec::Encode;
		use sp_runtime::{generic::Era, SaturatedConversion};
		// Mortal for a quarter of the block-hash window, counted from the block the worker
		// runs on (the best block: `block_number` is already the next one).
		let period = (BlockHashCount::get() / 4).next_power_of_two().min(1024) as u64;
		let current = System::block_number().saturated_into::<u64>().saturating_sub(1);
		let extension: crate::TxExtension = (
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(Era::mortal(period, current)),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			pallet_icn_sla::CheckReport::<Runtime>::new(),
			frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
			frame_system::WeightReclaim::<Runtime>::new(),
		);
		let payload = crate::SignedPayload::new(call, extension).ok()?;
		let signature = payload.using_encoded(|bytes| A::sign(bytes, public))?;
		let (call, extension, _) = payload.deconstruct();
		Some(crate::UncheckedExtrinsic::new_signed(
			call,
			sp_runtime::MultiAddress::Id(account),
			signature,
			extension,
		))
	}
}

parameter_types! {
	/// Aggregation may use at most 15 % of a block: with report transactions (each at most
	/// ~10 % of a block) the SLA oracle stays within a quarter of a block's weight.
	pub AggregationWeightPerBlock: Weight = RuntimeBlockWeights::get().max_block.saturating_mul(15) / 100;
}

/// Benchmark set-up for the SLA oracle: Links minted by root, probe-able nodes in cluster 0
/// and, past its `MaxNodesPerCluster`, in clusters root creates in region 0 (a full report
/// of `MaxReportResults` nodes spans several clusters).
#[cfg(feature = "runtime-benchmarks")]
pub struct SlaBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_icn_sla::BenchmarkHelper<AccountId, icn_primitives::Signature> for SlaBenchmarkHelper {
	fn signer(owner: &AccountId) -> (AccountId, icn_primitives::Signature) {
		use sp_runtime::{traits::IdentifyAccount, RuntimeAppPublic};
		// A key in the benchmark's keystore, as an operator's node holds its `icno` key.
		let public = pallet_icn_sla::crypto::Public::generate_pair(None);
		let payload = crate::Sla::signer_proof_payload(owner);
		let proof: sp_core::sr25519::Signature = public
			.sign(&payload)
			.map(Into::into)
			.unwrap_or_else(|| sp_core::sr25519::Signature::from_raw([0; 64]));
		let public: sp_core::sr25519::Public = public.into();
		(sp_runtime::MultiSigner::from(public).into_account(), proof.into())
	}
	fn link(owner: &AccountId) -> pallet_icn_sla::LinkId {
		let link = pallet_icn_providers::NextLinkId::<Runtime>::get();
		let _ = crate::Providers::mint_link(RuntimeOrigin::root(), owner.clone());
		link
	}
	fn probe_nodes(n: u32, delegators: bool) -> alloc::vec::Vec<pallet_icn_sla::NodeId> {
		let per_cluster = Self::max_cluster_nodes().max(1);
		let mut nodes = alloc::vec::Vec::new();
		let mut cluster = 0;
		while (nodes.len() as u32) < n {
			let count = (n - nodes.len() as u32).min(per_cluster);
			if !nodes.is_empty() {
				cluster = pallet_icn_providers::NextClusterId::<Runtime>::get();
				let created = crate::Providers::create_cluster(
					RuntimeOrigin::root(),
					0,
					frame_support::BoundedVec::truncate_from(
						alloc::format!("BENCH-{cluster}").into_bytes(),
					),
					pallet_icn_providers::ResourceKind::Storage,
					ICNT,
					500,
				);
				if created.is_err() {
					// The benchmark's own assertions then fail with too few nodes.
					break;
				}
			}
			nodes.extend(pallet_icn_providers::bench_helpers::bookable_nodes::<Runtime>(
				cluster, count, 1, delegators,
			));
		}
		nodes
	}
	fn max_cluster_nodes() -> u32 {
		<<Runtime as pallet_icn_providers::Config>::MaxNodesPerCluster as frame_support::traits::Get<u32>>::get()
	}
}

impl pallet_icn_sla::Config for Runtime {
	type AuthorityId = pallet_icn_sla::crypto::OracleAuthId;
	type Targets = crate::Providers;
	type Slashing = crate::Providers;
	type Links = IcnLinks;
	type Clock = ChainClock;
	// The network sold HyperNode licences by the thousands: an era's snapshot is paged (256
	// per page) and copied in `on_poll` batches, so no report, node or step grows with it.
	type MaxHyperNodes = ConstU32<4_096>;
	// What a registration's storage costs, returned when it leaves (an active HyperNode also
	// needs a Link).
	type HyperNodeDeposit = ConstU128<{ 100 * ICNT }>;
	/// Parameters and dormant registrations: root or the protocol-administration track.
	type AdminOrigin = crate::governance::AdminOrigin;
	/// Also a council majority: the deferral is one era, shorter than any referendum.
	type SlashCancelOrigin = crate::governance::SlashCancelOrigin;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxLinksPerHyperNode = ConstU32<64>;
	type MaxReportResults = ConstU32<1024>;
	// A removed HyperNode sits out a day of one-hour eras (dev: 24 eras of 10 blocks).
	type RemovalCooldown = ConstU32<24>;
	type Settlement = crate::Marketplace;
	type SignerProof = icn_primitives::Signature;
	type AggregationWeightPerBlock = AggregationWeightPerBlock;
	type Currency = Balances;
	type Capacity = crate::Providers;
	type Rewards = crate::Providers;
	type Pool = crate::Vesting;
	type WeightInfo = crate::weights::pallet_icn_sla::WeightInfo<Runtime>;
	type ExtensionWeightInfo = crate::weights::pallet_icn_sla_extensions::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SlaBenchmarkHelper;
}
