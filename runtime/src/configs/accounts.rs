//! Operator accounts: batches (`pallet-utility`), multisig accounts (`pallet-multisig`) and
//! proxies (`pallet-proxy`) with proxy types that fit the roles: a provider's, HyperNode
//! operator's or builder's hot key that can act for a cold account in its role and never
//! transfer its ICNT or Links (a builder key spends on bookings by design). docs/hardware-provider.md and docs/validator.md show set-ups.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::traits::{ConstU32, InstanceFilter};
use scale_info::TypeInfo;
use sp_runtime::traits::BlakeTwo256;

use crate::{
	currency::{ICNT, MILLI_ICNT},
	Balance, Balances, OriginCaller, Runtime, RuntimeCall, RuntimeEvent, System,
};

/// The deposit for `items` storage items of `bytes` bytes in all: 1 ICNT per item plus 0.01
/// ICNT per byte. Returned when the item is removed.
pub const fn deposit(items: u32, bytes: u32) -> Balance {
	items as Balance * ICNT + bytes as Balance * 10 * MILLI_ICNT
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = crate::weights::pallet_utility::WeightInfo<Runtime>;
}

impl pallet_multisig::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	/// A pending multisig operation: one item of 88 bytes.
	type DepositBase = frame_support::traits::ConstU128<{ deposit(1, 88) }>;
	/// Each approval: 32 bytes more.
	type DepositFactor = frame_support::traits::ConstU128<{ deposit(0, 32) }>;
	type MaxSignatories = ConstU32<100>;
	type WeightInfo = crate::weights::pallet_multisig::WeightInfo<Runtime>;
	type BlockNumberProvider = System;
}

/// What a proxy may do for the account it acts for. `Any` is the most permissive (the
/// default); the role types allow their pallet's calls (and batches of them) only.
#[derive(
	Copy,
	Clone,
	Eq,
	PartialEq,
	Ord,
	PartialOrd,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	MaxEncodedLen,
	TypeInfo,
	Default,
)]
pub enum ProxyType {
	/// Every call.
	#[default]
	Any,
	/// Every call that cannot move the account's ICNT or Links to someone else: no
	/// `balances`, `nfts`, marketplace bookings (which pay providers), `sudo` or `multisig`,
	/// and of `proxy` only managing the account's proxies (no nested `proxy.proxy`, no pure
	/// proxies). It can still lock ICNT by voting with conviction.
	NonTransfer,
	/// Referenda, votes, preimages, council motions and treasury claims.
	Governance,
	/// Validator staking and session keys.
	Staking,
	/// A hardware provider's hot key: register, update, extend and exit the account's nodes,
	/// add collateral (ICNT or Links), withdraw to the provider's own account. Not
	/// delegation (that stakes on someone else's node).
	Provider,
	/// A HyperNode operator's key: register, stake and unstake Links, deregister.
	HyperNode,
	/// A builder's key: book, extend and cancel capacity. Bookings pay providers from the
	/// builder's account (up to the `maxTotal` the key signs): give it only to whoever may
	/// spend on capacity.
	Builder,
	/// Rejects a time-delayed proxy's announcements.
	CancelProxy,
}

impl InstanceFilter<RuntimeCall> for ProxyType {
	fn filter(&self, c: &RuntimeCall) -> bool {
		use RuntimeCall as C;
		// Batches pass: their inner calls are filtered with the same origin.
		if matches!(c, C::Utility(..)) {
			return true;
		}
		match self {
			ProxyType::Any => true,
			// Nor any call acting for yet another account: a nested `proxy.proxy` is dispatched
			// with the inner proxy's own (wider) rights, a multisig approval spends the multisig
			// account's ICNT, and a pure proxy is a new account of the caller's.
			ProxyType::NonTransfer => match c {
				C::Balances(..)
				| C::Nfts(..)
				| C::Marketplace(..)
				| C::Sudo(..)
				| C::Multisig(..) => false,
				C::Proxy(call) => matches!(
					call,
					pallet_proxy::Call::add_proxy { .. }
						| pallet_proxy::Call::remove_proxy { .. }
						| pallet_proxy::Call::remove_proxies { .. }
						| pallet_proxy::Call::reject_announcement { .. }
						| pallet_proxy::Call::remove_announcement { .. }
				),
				_ => true,
			},
			ProxyType::Governance => matches!(
				c,
				C::Referenda(..)
					| C::ConvictionVoting(..)
					| C::Preimage(..)
					| C::Council(..)
					| C::Treasury(..)
			),
			ProxyType::Staking => matches!(c, C::Staking(..) | C::Session(..)),
			// The provider's own nodes only: no delegation to someone else's node.
			ProxyType::Provider => matches!(
				c,
				C::Providers(
					pallet_icn_providers::Call::register_node { .. }
						| pallet_icn_providers::Call::add_collateral { .. }
						| pallet_icn_providers::Call::update_node { .. }
						| pallet_icn_providers::Call::extend_commitment { .. }
						| pallet_icn_providers::Call::withdraw_unbonded { .. }
						| pallet_icn_providers::Call::start_exit { .. }
						| pallet_icn_providers::Call::finish_exit { .. }
				)
			),
			ProxyType::HyperNode => matches!(c, C::Sla(..)),
			ProxyType::Builder => matches!(c, C::Marketplace(..)),
			ProxyType::CancelProxy => {
				matches!(c, C::Proxy(pallet_proxy::Call::reject_announcement { .. }))
			},
		}
	}

	fn is_superset(&self, o: &Self) -> bool {
		match (self, o) {
			(x, y) if x == y => true,
			(ProxyType::Any, _) => true,
			(_, ProxyType::Any) => false,
			(
				ProxyType::NonTransfer,
				ProxyType::Governance
				| ProxyType::Staking
				| ProxyType::Provider
				| ProxyType::HyperNode
				| ProxyType::CancelProxy,
			) => true,
			_ => false,
		}
	}
}

impl pallet_proxy::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type ProxyType = ProxyType;
	/// The proxy list of an account: one item of 8 bytes.
	type ProxyDepositBase = frame_support::traits::ConstU128<{ deposit(1, 8) }>;
	/// Each proxy: 33 bytes more (account and type).
	type ProxyDepositFactor = frame_support::traits::ConstU128<{ deposit(0, 33) }>;
	type MaxProxies = ConstU32<32>;
	type WeightInfo = crate::weights::pallet_proxy::WeightInfo<Runtime>;
	type MaxPending = ConstU32<32>;
	type CallHasher = BlakeTwo256;
	type AnnouncementDepositBase = frame_support::traits::ConstU128<{ deposit(1, 8) }>;
	/// Each announcement: 68 bytes more (account, hash, block).
	type AnnouncementDepositFactor = frame_support::traits::ConstU128<{ deposit(0, 68) }>;
	type BlockNumberProvider = System;
}
