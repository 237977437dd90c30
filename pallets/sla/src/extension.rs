//! [`CheckReport`]: validates HyperNode reports in the transaction pool (protocol §4.3).
//!
//! A report is a signed, fee-paying transaction whose fee is refunded when it is accepted.
//! Without a pool-side check a report for the wrong era, from an unknown HyperNode, for
//! unassigned nodes or a duplicate would be included in a block, fail in dispatch and cost
//! its sender the fee. This extension runs the same checks as the dispatch
//! ([`Pallet::check_report`]) when the transaction is validated, so such reports never
//! enter the pool; valid ones get a priority boost and the tag `(era, HyperNode, first
//! node)`, so the same part of a HyperNode's report sent twice is a duplicate to the pool
//! too, while the parts of one report (each starting after the one before, sent with
//! consecutive nonces) are distinct transactions.
//!
//! A rejection is `InvalidTransaction::Custom(i)`, `i` being the index of the pallet
//! [`Error`] variant (e.g. `WrongEra`); wallets show it as "Custom error: i".

use crate::{Call, Config, Error, Pallet};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::TransactionSource, traits::IsSubType, weights::Weight, CloneNoBound,
	DefaultNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{
		AsSystemOriginSigner, DispatchInfoOf, Dispatchable, TransactionExtension, ValidateResult,
	},
	transaction_validity::{InvalidTransaction, TransactionPriority, ValidTransaction},
	DispatchError, ModuleError,
};

/// How much a valid report's priority is raised above ordinary transactions.
pub const REPORT_PRIORITY: TransactionPriority = TransactionPriority::MAX / 2;

/// The transaction extension that validates `submit_report` in the pool.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	DefaultNoBound,
	CloneNoBound,
	EqNoBound,
	PartialEqNoBound,
	TypeInfo,
)]
#[scale_info(skip_type_params(T))]
pub struct CheckReport<T>(PhantomData<T>);

impl<T> CheckReport<T> {
	/// The extension (it carries no data).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T> core::fmt::Debug for CheckReport<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckSlaReport")
	}
}

/// The pool error of a pallet error: `Custom(its index)`.
fn invalid<T: Config>(e: Error<T>) -> InvalidTransaction {
	match DispatchError::from(e) {
		DispatchError::Module(ModuleError { error, .. }) => InvalidTransaction::Custom(error[0]),
		_ => InvalidTransaction::Call,
	}
}

impl<T> TransactionExtension<<T as frame_system::Config>::RuntimeCall> for CheckReport<T>
where
	T: Config + Send + Sync,
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>> + Dispatchable,
	<<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin:
		AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckSlaReport";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		use crate::{ExtensionWeightInfo, WeightInfo};
		match call.is_sub_type() {
			Some(Call::submit_report { results, .. }) => {
				T::WeightInfo::validate_report(results.len() as u32)
			},
			// Any other call: only this match, nothing read; benchmarked all the same
			// (`benchmarking::check_sla_report_other_call`).
			_ => T::ExtensionWeightInfo::check_sla_report_other_call(),
		}
	}

	fn validate(
		&self,
		origin: <<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin,
		call: &<T as frame_system::Config>::RuntimeCall,
		_info: &DispatchInfoOf<<T as frame_system::Config>::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, <T as frame_system::Config>::RuntimeCall> {
		let (Some(Call::submit_report { era, results }), Some(signer)) =
			(call.is_sub_type(), origin.as_system_origin_signer())
		else {
			return Ok((ValidTransaction::default(), (), origin));
		};
		let (owner, _) = Pallet::<T>::check_report(signer, *era, results).map_err(invalid::<T>)?;
		// Valid until the era ends: a report for a past era is refused.
		let end = <T::Clock as icn_primitives::clock::ChainClock>::eras()
			.era_start(era.saturating_add(1));
		let now: u64 = sp_runtime::traits::UniqueSaturatedInto::unique_saturated_into(
			frame_system::Pallet::<T>::block_number(),
		);
		let longevity = end.saturating_sub(now).max(1);
		let valid = ValidTransaction::with_tag_prefix("IcnSlaReport")
			.priority(REPORT_PRIORITY)
			.and_provides((*era, owner, results.first().map(|(node, _)| *node)))
			.longevity(longevity)
			.propagate(true)
			.build()?;
		Ok((valid, (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}

/// The benchmark of [`CheckReport`] on the transactions that are not reports, as its own
/// benchmark "pallet" (`pallet_icn_sla_extensions`, like `frame_system_extensions`), so its
/// weight file is generated without re-running the pallet's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking {
	use super::*;
	use alloc::vec;
	use frame_benchmarking::{account, v2::*};
	use frame_support::dispatch::{DispatchInfo, PostDispatchInfo};
	use frame_system::RawOrigin;
	use sp_runtime::traits::{AsTransactionAuthorizedOrigin, DispatchTransaction};

	/// The benchmark's "pallet" (`pallet_icn_sla_extensions` in the runtime's benchmark list).
	pub struct Pallet<T: Config>(crate::Pallet<T>);

	#[benchmarks(where
		T: Send + Sync,
		<T as frame_system::Config>::RuntimeCall:
			IsSubType<Call<T>> + Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
		<<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin:
			AsSystemOriginSigner<T::AccountId> + AsTransactionAuthorizedOrigin + Clone,
	)]
	mod benchmarks {
		use super::*;

		/// A transfer, a booking, any call but a report: the extension only matches the call.
		#[benchmark]
		fn check_sla_report_other_call() {
			let caller: T::AccountId = account("caller", 0, 0);
			let call: <T as frame_system::Config>::RuntimeCall =
				frame_system::Call::remark { remark: vec![] }.into();
			let info = DispatchInfo::default();
			#[block]
			{
				assert!(CheckReport::<T>::new()
					.test_run(RawOrigin::Signed(caller).into(), &call, &info, 0, 0, |_| {
						Ok(().into())
					})
					.expect("valid")
					.is_ok());
			}
		}

		impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
	}
}
