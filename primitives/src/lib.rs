//! # ICN primitives
//!
//! Types, units and constants shared by the ICN Chain runtime, its pallets and the node,
//! the chain's era and month clocks ([`clock`]), and the small traits through which pallets
//! talk to each other (`ProviderSlashing`, `CapacityLedger`, `SlashQueue`, …) so that no
//! pallet reaches into another pallet's storage.
//!
//! Everything here follows `docs/protocol.md` (the protocol contract): §1 for time, §2 for
//! the ICNT token.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod clock;
pub mod providers;

use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// An index to a block.
pub type BlockNumber = u32;

/// Signature of a transaction: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;

/// An account on the chain: the public key of the transaction signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// A balance of ICNT, in planck (10^-18 ICNT).
pub type Balance = u128;

/// Index of a transaction of an account.
pub type Nonce = u32;

/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;

/// ICNT: the token's units, symbol and fixed supply (protocol §2).
pub mod currency {
	use super::Balance;

	/// Number of decimals of ICNT (as the ICNT contract on Base).
	pub const DECIMALS: u8 = 18;
	/// Token symbol shown by wallets.
	pub const SYMBOL: &str = "ICNT";
	/// One ICNT in planck.
	pub const ICNT: Balance = 10u128.pow(DECIMALS as u32);
	/// 10^-3 ICNT.
	pub const MILLI_ICNT: Balance = ICNT / 1_000;
	/// 10^-6 ICNT.
	pub const MICRO_ICNT: Balance = ICNT / 1_000_000;
	/// The fixed supply: exactly 700,000,000 ICNT exist at genesis and none is ever minted.
	pub const TOTAL_SUPPLY: Balance = 700_000_000 * ICNT;
	/// The minimum balance an account must keep to exist.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_ICNT;
}

/// Time: blocks, eras and months (protocol §1). Schedules are expressed in months and eras
/// and converted with these constants; test networks may shrink them through chain
/// parameters.
pub mod time {
	use super::BlockNumber;

	/// Target block time.
	pub const MILLISECS_PER_BLOCK: u64 = 6_000;
	/// Aura slot duration: one block per slot.
	pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;
	/// Blocks per minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
	/// Blocks per hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks per day.
	pub const DAYS: BlockNumber = HOURS * 24;
	/// An era: 600 blocks, one hour. SLA reports, scores and settlement run per era.
	pub const ERA_BLOCKS: BlockNumber = HOURS;
	/// A month: 30 days, 432,000 blocks. Vesting schedules and commitments count months.
	pub const MONTH_BLOCKS: BlockNumber = 30 * DAYS;
}

#[cfg(test)]
mod tests {
	use super::{currency::*, time::*};

	#[test]
	fn token_units() {
		assert_eq!(ICNT, 1_000_000_000_000_000_000);
		assert_eq!(TOTAL_SUPPLY, 700_000_000_000_000_000_000_000_000);
		assert_eq!(SYMBOL, "ICNT");
		assert_eq!(DECIMALS, 18);
	}

	#[test]
	fn time_units_follow_the_protocol() {
		assert_eq!(ERA_BLOCKS, 600);
		assert_eq!(MONTH_BLOCKS, 432_000);
	}
}
