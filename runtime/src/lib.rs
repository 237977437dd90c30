//! # ICN Chain runtime
//!
//! The state machine of ICN Chain: the ICNT token (fixed supply, 18 decimals), Aura block
//! production with GRANDPA finality, transaction fees paid to the Protocol Treasury, and
//! (as the protocol lands) the ICN pallets: ICNT vesting, hardware providers, the SLA oracle
//! and the capacity marketplace. See `docs/architecture.md`.
//!
//! Layout: `configs/` holds every pallet's `Config`, `apis.rs` the runtime APIs,
//! `genesis_config_presets.rs` the `dev`/`local` genesis, `genesis.rs` the genesis
//! invariants (fixed supply) checked when a chain's genesis is built.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`/`impl_runtime_apis` expand to large types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis;
pub mod genesis_config_presets;
pub mod governance;
#[cfg(feature = "std")]
pub mod signing;
#[cfg(test)]
mod tests;
pub mod weights;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use icn_primitives::{currency, time, AccountId, Balance, BlockNumber, Hash, Nonce, Signature};
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types: what the node needs to know of blocks without knowing the runtime's
/// extrinsic format, so it keeps syncing across runtime upgrades.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		/// The session keys of a validator: Aura (block production) and GRANDPA (finality).
		pub struct SessionKeys {
			/// Aura block-production key.
			pub aura: Aura,
			/// GRANDPA finality key.
			pub grandpa: Grandpa,
		}
	}
}

/// The runtime version. Bump `spec_version` for every runtime upgrade.
#[cfg(not(feature = "upgrade-test"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("icn"),
	impl_name: Cow::Borrowed("icn-node"),
	authoring_version: 1,
	spec_version: 100,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The runtime version of the upgrade the client suite applies with `system.set_code`
/// (`scripts/upgrade-wasm.sh` builds it with the `upgrade-test` feature): the same runtime,
/// `spec_version` one higher. `sp_version::runtime_version` takes literals only, hence the
/// second constant.
#[cfg(feature = "upgrade-test")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("icn"),
	impl_name: Cow::Borrowed("icn-node"),
	authoring_version: 1,
	spec_version: 101,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The address format for describing accounts.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions: what a signed transaction carries and checks besides its call.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	pallet_icn_sla::CheckReport<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on the next runtime upgrade: the SLA oracle's pending slashes by (era,
/// node) (storage version 0 → 1); HyperNode deposits, the active set and slash bases (1 → 2);
/// the active set as a map and paged era snapshots (2 → 3);
/// the providers' highest commission (0 → 1), audit bytes per unit (1 → 2) and delegation
/// pools (2 → 3); the month and era clocks (vesting 0 → 1).
#[allow(unused_parens)]
type Migrations = (
	pallet_icn_sla::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_icn_sla::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_icn_sla::migrations::v3::MigrateV2ToV3<Runtime>,
	pallet_icn_providers::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_icn_providers::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_icn_providers::migrations::v3::MigrateV2ToV3<Runtime>,
	pallet_icn_vesting::migrations::v1::MigrateV0ToV1<Runtime>,
);

/// Executive: dispatches to the various pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

// The runtime: every pallet with its index. Indices are part of the transaction format:
// never reuse or reorder them.
#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	/// Accounts, blocks, events, runtime upgrades.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	/// The block timestamp inherent.
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	/// Aura: round-robin block production by the validators.
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	/// GRANDPA: block finality.
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	/// ICNT balances, holds and freezes.
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	/// Transaction fees, paid to the Protocol Treasury.
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	/// Root access on development and test networks.
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	/// ICNT distribution: the seven genesis buckets and their vesting schedules.
	#[runtime::pallet_index(7)]
	pub type Vesting = pallet_icn_vesting;

	/// NFTs: the ICN Link collection (created at genesis by the providers pallet).
	#[runtime::pallet_index(8)]
	pub type Nfts = pallet_nfts;

	/// Hardware providers: topology, nodes, collateral, delegation, slashing.
	#[runtime::pallet_index(9)]
	pub type Providers = pallet_icn_providers;

	/// The capacity marketplace: quotes, bookings in escrow, per-era settlement.
	#[runtime::pallet_index(10)]
	pub type Marketplace = pallet_icn_marketplace;

	/// The SLA oracle: HyperNodes, off-chain HTTP probes, era reports, scores, slashing.
	#[runtime::pallet_index(11)]
	pub type Sla = pallet_icn_sla;

	// Validators (protocol §7). Hooks and genesis run in index order: Balances and Vesting
	// fund the stashes before Staking bonds them, Staking's genesis stakers exist before
	// Session's genesis elects from them, Authorship reads the session's validators before
	// Session rotates them.

	/// The block author: staking points, the reporter of equivocations.
	#[runtime::pallet_index(12)]
	pub type Authorship = pallet_authorship;

	/// NPoS: ICNT-bonded validators and nominators, election, slashing (no inflation).
	#[runtime::pallet_index(13)]
	pub type Staking = pallet_staking;

	/// Offences (GRANDPA equivocations), handed to Staking for slashing.
	#[runtime::pallet_index(14)]
	pub type Offences = pallet_offences;

	/// Past sessions' validator sets, for key-ownership proofs of equivocation reports.
	#[runtime::pallet_index(15)]
	pub type Historical = pallet_session::historical;

	/// Sessions: rotate the validator set and its Aura and GRANDPA keys.
	#[runtime::pallet_index(16)]
	pub type Session = pallet_session;

	// Governance by ICNT holders (`governance`, docs/governance.md).
	/// Calls stored on chain by hash (referendum proposals), with a held deposit.
	#[runtime::pallet_index(17)]
	pub type Preimage = pallet_preimage;

	/// Calls dispatched at a later block (enacted referenda).
	#[runtime::pallet_index(18)]
	pub type Scheduler = pallet_scheduler;

	/// OpenGov referenda on the tracks of `governance::tracks`.
	#[runtime::pallet_index(19)]
	pub type Referenda = pallet_referenda;

	/// ICNT-weighted voting with conviction (longer locks, more votes).
	#[runtime::pallet_index(20)]
	pub type ConvictionVoting = pallet_conviction_voting;

	/// The origins of the non-root tracks.
	#[runtime::pallet_index(21)]
	pub type Origins = governance::origins::pallet_custom_origins;

	/// The Protocol Treasury, spent by referendum.
	#[runtime::pallet_index(22)]
	pub type Treasury = pallet_treasury;

	/// The council: cancels deferred slashes in time; members set by referendum.
	#[runtime::pallet_index(23)]
	pub type Council = pallet_collective<Instance1>;

	// Operator accounts (`configs::accounts`).
	/// Batches of calls.
	#[runtime::pallet_index(24)]
	pub type Utility = pallet_utility;

	/// Multisig accounts.
	#[runtime::pallet_index(25)]
	pub type Multisig = pallet_multisig;

	/// Proxies with role types (provider, HyperNode, builder, governance, staking).
	#[runtime::pallet_index(26)]
	pub type Proxy = pallet_proxy;
}
