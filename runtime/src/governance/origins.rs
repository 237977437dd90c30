//! The origins that referenda tracks other than root dispatch with.

pub use pallet_custom_origins::*;

/// A pallet of origins only: each variant is what one referendum track dispatches its
/// approved calls with. Calls accept them through the `EnsureOrigin` types below, wired in
/// each pallet's `Config` (e.g. `AdminOrigin = EitherOf<EnsureRoot, ProtocolAdmin>`).
#[frame_support::pallet]
pub mod pallet_custom_origins {
	use crate::{currency::ICNT, Balance};
	use frame_support::pallet_prelude::*;

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origin of an approved referendum on a track other than root.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// Protocol administration: regions, clusters, HyperNodes, SLA, provider, marketplace
		/// and vesting parameters, the era and month clocks, slash cancellation, council
		/// membership.
		ProtocolAdmin,
		/// Cancels or kills referenda that are being decided.
		ReferendumCanceller,
		/// Spends up to [`SmallSpenderLimit`] from the Protocol Treasury per spend.
		SmallSpender,
		/// Spends up to [`TreasurerLimit`] from the Protocol Treasury per spend.
		Treasurer,
	}

	/// The most one `SmallSpender` spend may pay: 50,000 ICNT.
	pub const SMALL_SPENDER_LIMIT: Balance = 50_000 * ICNT;
	/// The most one `Treasurer` spend may pay: 5,000,000 ICNT.
	pub const TREASURER_LIMIT: Balance = 5_000_000 * ICNT;

	macro_rules! decl_unit_ensure {
		($name:ident) => {
			#[doc = concat!("Succeeds for the [`Origin::", stringify!($name), "`] origin.")]
			pub struct $name;
			impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for $name
			where
				for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
			{
				type Success = ();
				fn try_origin(o: O) -> Result<Self::Success, O> {
					match o.caller().try_into() {
						Ok(Origin::$name) => return Ok(()),
						_ => (),
					}
					Err(o)
				}
				#[cfg(feature = "runtime-benchmarks")]
				fn try_successful_origin() -> Result<O, ()> {
					Ok(O::from(Origin::$name))
				}
			}
		};
	}
	decl_unit_ensure!(ProtocolAdmin);
	decl_unit_ensure!(ReferendumCanceller);
	decl_unit_ensure!(Treasurer);

	/// Succeeds for the spender origins with the most each may spend at a time (the treasury's
	/// `SpendOrigin`).
	pub struct Spender;
	impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for Spender
	where
		for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
	{
		type Success = Balance;
		fn try_origin(o: O) -> Result<Self::Success, O> {
			match o.caller().try_into() {
				Ok(Origin::SmallSpender) => return Ok(SMALL_SPENDER_LIMIT),
				Ok(Origin::Treasurer) => return Ok(TREASURER_LIMIT),
				_ => (),
			}
			Err(o)
		}
		#[cfg(feature = "runtime-benchmarks")]
		fn try_successful_origin() -> Result<O, ()> {
			Ok(O::from(Origin::Treasurer))
		}
	}
}
