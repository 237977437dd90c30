//! Storage migrations of the SLA oracle, as `VersionedMigration`s.

/// v0 → v1: pending slashes move from one bounded list per era (slashes past its bound were
/// dropped) to one entry per (era, node).
pub mod v1 {
	use crate::{Config, EraIndex, NodeId, Pallet, PendingSlashes};
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use sp_runtime::Perbill;

	mod old {
		use super::*;
		/// v0's `PendingSlashes`: era → [(node, fraction)].
		#[frame_support::storage_alias]
		pub type PendingSlashes<T: Config> =
			StorageMap<Pallet<T>, Twox64Concat, EraIndex, Vec<(NodeId, Perbill)>, ValueQuery>;
	}

	/// Moves every pending slash to its (era, node) entry.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			// All read (and removed) before the first new entry lands under the same prefix.
			let lists: Vec<(EraIndex, Vec<(NodeId, Perbill)>)> = old::PendingSlashes::<T>::drain().collect();
			let eras = lists.len() as u64;
			let mut slashes = 0u64;
			for (era, list) in lists {
				for (node, fraction) in list {
					PendingSlashes::<T>::insert(era, node, fraction);
					slashes = slashes.saturating_add(1);
				}
			}
			T::DbWeight::get().reads_writes(eras, eras.saturating_add(slashes))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			let all: Vec<(EraIndex, NodeId, Perbill)> = old::PendingSlashes::<T>::iter()
				.flat_map(|(era, list)| list.into_iter().map(move |(n, f)| (era, n, f)))
				.collect();
			Ok(all.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let before = Vec::<(EraIndex, NodeId, Perbill)>::decode(&mut &state[..])
				.map_err(|_| "pre-upgrade state does not decode")?;
			for (era, node, fraction) in &before {
				ensure!(PendingSlashes::<T>::get(era, node) == Some(*fraction), "a pending slash was lost");
			}
			ensure!(PendingSlashes::<T>::iter().count() == before.len(), "pending slashes appeared");
			Ok(())
		}
	}

	/// The v0 → v1 migration, run once (the storage version says whether it ran).
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		InnerMigrateV0ToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	#[cfg(test)]
	mod tests {
		use super::*;
		use crate::mock::*;
		use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

		#[test]
		fn v0_pending_slashes_move_to_their_era_and_node_entries() {
			new_test_ext().execute_with(|| {
				StorageVersion::new(0).put::<Sla>();
				let pct = Perbill::from_percent;
				old::PendingSlashes::<Test>::insert(4, alloc::vec![(1, pct(1)), (7, pct(2))]);
				old::PendingSlashes::<Test>::insert(5, alloc::vec![(1, pct(4))]);
				MigrateV0ToV1::<Test>::on_runtime_upgrade();
				let mut all: Vec<_> = PendingSlashes::<Test>::iter().collect();
				all.sort();
				assert_eq!(all, alloc::vec![(4, 1, pct(1)), (4, 7, pct(2)), (5, 1, pct(4))]);
				assert_eq!(Sla::on_chain_storage_version(), StorageVersion::new(1));
				// Run again: nothing changes.
				MigrateV0ToV1::<Test>::on_runtime_upgrade();
				assert_eq!(PendingSlashes::<Test>::iter().count(), 3);
			});
		}
	}
}
