//! What this pallet serves to the others, through the `icn-primitives` traits.

use crate::{pallet::*, *};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
	},
	weights::WeightMeter,
};
use frame_system::pallet_prelude::*;
use sp_runtime::traits::UniqueSaturatedInto;

/// How far settlement is: the SLA oracle keeps each era's failure records until then.
impl<T: Config> SettledEras for Pallet<T> {
	fn settled(era: EraIndex) -> bool {
		SettlementCursor::<T>::get().is_some_and(|(next, _)| era < next)
	}
}
