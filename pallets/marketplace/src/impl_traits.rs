//! What this pallet serves to the others, through the `icn-primitives` traits.

use crate::{pallet::*, *};

/// How far settlement is: the SLA oracle keeps each era's failure records until then.
impl<T: Config> SettledEras for Pallet<T> {
	fn settled(era: EraIndex) -> bool {
		SettlementCursor::<T>::get().is_some_and(|(next, _)| era < next)
	}
}
