//! Storage migrations of the vesting pallet, as `VersionedMigration`s.

/// v0 → v1: the month and era lengths (`MonthBlocks`, `EraBlocks`: plain `u32`s that every
/// reader divided by) become the clocks `Months` and `Eras` (`icn_primitives::clock`), one
/// segment from genesis with the stored length — the same positions for every past block.
pub mod v1 {
	use crate::{Config, Eras, Months, Pallet};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage::unhashed,
		traits::UncheckedOnRuntimeUpgrade,
	};
	use icn_primitives::clock::{EraClock, MonthClock};

	/// The storage key of v0's `Vesting::<name>` value.
	fn old_key(name: &[u8]) -> [u8; 32] {
		frame_support::storage::storage_prefix(b"Vesting", name)
	}

	/// Turns the stored lengths into clocks and removes the old values.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let month = old_key(b"MonthBlocks");
			let era = old_key(b"EraBlocks");
			if let Some(blocks) = unhashed::get::<u32>(&month) {
				Months::<T>::put(MonthClock::new(blocks));
				unhashed::kill(&month);
			}
			if let Some(blocks) = unhashed::get::<u32>(&era) {
				Eras::<T>::put(EraClock::new(blocks));
				unhashed::kill(&era);
			}
			T::DbWeight::get().reads_writes(2, 4)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(
				unhashed::get_raw(&old_key(b"EraBlocks")).is_none(),
				"the old era length is left"
			);
			ensure!(
				unhashed::get_raw(&old_key(b"MonthBlocks")).is_none(),
				"the old month length is left"
			);
			Ok(())
		}
	}

	/// The v0 → v1 migration, run once.
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
		fn stored_lengths_become_clocks() {
			new_test_ext().execute_with(|| {
				StorageVersion::new(0).put::<Vesting>();
				Months::<Test>::kill();
				Eras::<Test>::kill();
				unhashed::put(&old_key(b"MonthBlocks"), &77u32);
				unhashed::put(&old_key(b"EraBlocks"), &7u32);
				MigrateV0ToV1::<Test>::on_runtime_upgrade();
				assert_eq!(Months::<Test>::get(), MonthClock::new(77));
				assert_eq!(Eras::<Test>::get(), EraClock::new(7));
				assert_eq!(Eras::<Test>::get().era_of(700), 100);
				assert!(unhashed::get_raw(&old_key(b"EraBlocks")).is_none());
				assert_eq!(Vesting::on_chain_storage_version(), StorageVersion::new(1));
			});
		}
	}
}
