//! Governance by ICNT holders (protocol §7, docs/governance.md): OpenGov referenda with
//! conviction voting on five tracks ([`tracks`]), the Protocol Treasury spent by referendum,
//! and a council, chosen by referendum, that can cancel a deferred slash within its one-era
//! deferral (a referendum cannot decide that fast).
//!
//! The upstream pallets here take the legacy `Currency`/`ReservableCurrency`/lock traits
//! (referendum and proxy/multisig deposits are reserves, votes are locks); no ICN pallet uses
//! them. Preimage deposits are holds. Every deposit that is slashed goes to the Protocol
//! Treasury, so ICNT's fixed supply holds.

pub mod origins;
pub mod tracks;

use frame_support::{
	parameter_types,
	traits::{
		fungible::HoldConsideration,
		tokens::{pay::PayFromAccount, UnityAssetBalanceConversion},
		ConstU32, EitherOf, EqualPrivilegeOnly, LinearStoragePrice,
	},
	weights::Weight,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess, EnsureSigned};
use sp_runtime::{traits::IdentityLookup, Perbill, Permill};

use crate::{
	configs::{RuntimeBlockWeights, TreasuryAccount, TREASURY_PALLET_ID},
	currency::{ICNT, MILLI_ICNT},
	time::{DAYS, MINUTES},
	AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, Treasury,
};

/// Root or an approved protocol-administration referendum: the `AdminOrigin` of the ICN
/// pallets (regions, clusters, parameters, Links) and of staking.
pub type AdminOrigin = EitherOf<EnsureRoot<AccountId>, origins::ProtocolAdmin>;

/// The council's collective instance.
pub type CouncilCollective = pallet_collective::Instance1;

/// Who may cancel a deferred SLA slash: root, the protocol-administration track, or more than
/// half of the council (a motion closes as soon as its threshold is reached, well within an
/// era).
pub type SlashCancelOrigin = EitherOf<
	AdminOrigin,
	pallet_collective::EnsureProportionMoreThan<AccountId, CouncilCollective, 1, 2>,
>;

parameter_types! {
	/// Scheduled calls (enacted referenda) may use half a block.
	pub MaximumSchedulerWeight: Weight =
		Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
	/// A preimage deposit: 1 ICNT plus 0.01 ICNT per byte (a 1 MiB runtime ≈ 10,500 ICNT).
	pub const PreimageBaseDeposit: Balance = ICNT;
	pub const PreimageByteDeposit: Balance = 10 * MILLI_ICNT;
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = crate::weights::pallet_preimage::WeightInfo<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = crate::weights::pallet_scheduler::WeightInfo<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	/// What submitting a referendum holds (returned when it ends, unless it is killed).
	pub const SubmissionDeposit: Balance = 100 * ICNT;
	/// A referendum that has not started deciding after two weeks may be cancelled by anyone.
	pub const UndecidingTimeout: BlockNumber = 14 * DAYS;
	/// Votes stay locked a week per conviction doubling (1x: one week, 6x: 32 weeks).
	pub const VoteLockingPeriod: BlockNumber = 7 * DAYS;
}

impl pallet_referenda::Config for Runtime {
	type WeightInfo = crate::weights::pallet_referenda::WeightInfo<Runtime>;
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type Scheduler = Scheduler;
	type Currency = Balances;
	type SubmitOrigin = EnsureSigned<AccountId>;
	type CancelOrigin = EitherOf<EnsureRoot<AccountId>, origins::ReferendumCanceller>;
	type KillOrigin = EitherOf<EnsureRoot<AccountId>, origins::ReferendumCanceller>;
	/// A killed referendum's deposits go to the Protocol Treasury (never burned).
	type Slash = Treasury;
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = UndecidingTimeout;
	type AlarmInterval = ConstU32<1>;
	type Tracks = tracks::TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_conviction_voting::Config for Runtime {
	type WeightInfo = crate::weights::pallet_conviction_voting::WeightInfo<Runtime>;
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type VoteLockingPeriod = VoteLockingPeriod;
	type MaxVotes = ConstU32<512>;
	type MaxTurnout =
		frame_support::traits::tokens::currency::ActiveIssuanceOf<Balances, Self::AccountId>;
	type Polls = Referenda;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

impl origins::pallet_custom_origins::Config for Runtime {}

parameter_types! {
	pub const TreasuryPalletId: frame_support::PalletId = TREASURY_PALLET_ID;
	/// Nothing is burned: ICNT's supply is fixed.
	pub const Burn: Permill = Permill::zero();
	pub const SpendPeriod: BlockNumber = 7 * DAYS;
	/// An approved spend must be claimed (`treasury.payout`) within 30 days.
	pub const PayoutPeriod: BlockNumber = 30 * DAYS;
	pub const MaxBalance: Balance = Balance::MAX;
}

/// Pays approved spends from the Protocol Treasury account, as `PayFromAccount` but keeping
/// the account alive. A payment that would leave a new beneficiary below the existential
/// deposit, or empty the treasury, fails (`treasury.PayoutError`) and can be retried; the
/// benchmarks' beneficiaries (100 planck) get an existential deposit first.
pub struct TreasuryPaymaster;
impl frame_support::traits::tokens::Pay for TreasuryPaymaster {
	type Balance = Balance;
	type Beneficiary = AccountId;
	type AssetKind = ();
	type Id = ();
	type Error = sp_runtime::DispatchError;
	fn pay(who: &AccountId, _: (), amount: Balance) -> Result<(), Self::Error> {
		// Keeps the treasury account alive (fees credited to a reaped account below the
		// existential deposit would be burned).
		use frame_support::traits::{fungible::Mutate, tokens::Preservation};
		Balances::transfer(&TreasuryAccount::get(), who, amount, Preservation::Preserve)?;
		Ok(())
	}
	fn check_payment(id: ()) -> frame_support::traits::tokens::PaymentStatus {
		<PayFromAccount<Balances, TreasuryAccount>>::check_payment(id)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn ensure_successful(who: &AccountId, asset: (), amount: Balance) {
		use frame_support::traits::fungible::Mutate;
		let _ = Balances::mint_into(who, crate::currency::EXISTENTIAL_DEPOSIT);
		<PayFromAccount<Balances, TreasuryAccount>>::ensure_successful(who, asset, amount)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn ensure_concluded(id: ()) {
		<PayFromAccount<Balances, TreasuryAccount>>::ensure_concluded(id)
	}
}

/// The Protocol Treasury: the account fees, margins and slashes were always paid to
/// ([`TREASURY_PALLET_ID`]), now spent by referendum (`treasury.spend` on the small-spender,
/// treasurer or root track, then `treasury.payout`).
impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	/// Voiding an approved spend: root or the treasurer track (not the small-spender track,
	/// whose lower support could void the bigger tracks' spends).
	type RejectOrigin =
		frame_support::traits::EitherOfDiverse<EnsureRoot<AccountId>, origins::Treasurer>;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	type Burn = Burn;
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = crate::weights::pallet_treasury::WeightInfo<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	type SpendOrigin = EitherOf<EnsureRootWithSuccess<AccountId, MaxBalance>, origins::Spender>;
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = TreasuryPaymaster;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = PayoutPeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type BlockNumberProvider = System;
}

parameter_types! {
	/// A council motion lapses after 30 minutes: half an era, so a motion to cancel a slash
	/// started early in the deferral era is decided before the slash applies.
	pub const CouncilMotionDuration: BlockNumber = 30 * MINUTES;
	pub MaxCouncilProposalWeight: Weight =
		Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

/// The council: members set by referendum (root or protocol-administration track); its only
/// power is [`SlashCancelOrigin`].
impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = ConstU32<32>;
	type MaxMembers = ConstU32<16>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = crate::weights::pallet_collective::WeightInfo<Runtime>;
	type SetMembersOrigin = AdminOrigin;
	type MaxProposalWeight = MaxCouncilProposalWeight;
	type DisapproveOrigin = AdminOrigin;
	type KillOrigin = AdminOrigin;
	/// Only members propose; no deposit (a killed proposal's deposit would be burned).
	type Consideration = ();
}
