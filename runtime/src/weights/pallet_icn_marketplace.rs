//! Placeholder until `icn-node benchmark pallet --pallet pallet_icn_marketplace` generates this file.

use core::marker::PhantomData;
use frame_support::weights::Weight;

/// Weights of `pallet_icn_marketplace`.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> pallet_icn_marketplace::WeightInfo for WeightInfo<T> {
	fn book(n: u32) -> Weight { <() as pallet_icn_marketplace::WeightInfo>::book(n) }
	fn cancel(n: u32) -> Weight { <() as pallet_icn_marketplace::WeightInfo>::cancel(n) }
	fn extend(n: u32) -> Weight { <() as pallet_icn_marketplace::WeightInfo>::extend(n) }
	fn set_margin() -> Weight { <() as pallet_icn_marketplace::WeightInfo>::set_margin() }
	fn settle_booking_era(n: u32) -> Weight { <() as pallet_icn_marketplace::WeightInfo>::settle_booking_era(n) }
	fn settle_era_done() -> Weight { <() as pallet_icn_marketplace::WeightInfo>::settle_era_done() }
}
