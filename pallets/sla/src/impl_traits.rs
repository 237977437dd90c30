//! What this pallet serves to the others, through the `icn-primitives` traits.

use crate::{pallet::*, *};

impl<T: Config> SlashQueue for Pallet<T> {
	/// Looks at the eras a slash can still be pending for: from the one before the last
	/// finalized to the current (at most 16 of them).
	fn is_pending(node: NodeId) -> bool {
		let current = Self::current_era();
		let from = FinalizedEra::<T>::get()
			.map_or(0, |f| f.saturating_sub(1))
			.max(current.saturating_sub(15));
		(from..=current).any(|era| PendingSlashes::<T>::contains_key(era, node))
	}
}

impl<T: Config> SlaResults for Pallet<T> {
	fn is_final(era: EraIndex) -> bool {
		FinalizedEra::<T>::get().is_some_and(|f| f >= era)
	}
	fn failed(node: NodeId, era: EraIndex) -> bool {
		Failures::<T>::contains_key(era, node)
	}
	fn score(node: NodeId) -> Perbill {
		NodeSla::<T>::get(node).map(|w| w.score()).unwrap_or(Perbill::one())
	}
}
