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
			let lists: Vec<(EraIndex, Vec<(NodeId, Perbill)>)> =
				old::PendingSlashes::<T>::drain().collect();
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
				ensure!(
					PendingSlashes::<T>::get(era, node) == Some(*fraction),
					"a pending slash was lost"
				);
			}
			ensure!(
				PendingSlashes::<T>::iter().count() == before.len(),
				"pending slashes appeared"
			);
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

/// v1 → v2: each HyperNode records the deposit it holds (0 for the registrations made before
/// deposits: they keep registering for free until they leave), the active HyperNodes are
/// listed in `ActiveHyperNodes` (only they count against `MaxHyperNodes` from now on), and
/// each pending slash gets its base (`PendingSlashBases`: the node's requirement now).
pub mod v2 {
	use crate::{
		ActiveHyperNodes, Config, HyperNode, HyperNodes, LinkId, Pallet, PendingSlashBases,
		PendingSlashes, ProviderSlashing, MAX_ADDRESS_LEN,
	};
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};

	mod old {
		use super::*;
		/// v1's HyperNode: no deposit.
		#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
		pub struct HyperNode<AccountId, Links> {
			pub signer: AccountId,
			pub location: [u8; 2],
			pub address: BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>>,
			pub links: Links,
			pub removed: bool,
			pub due: u32,
			pub misses: u32,
		}
		pub type Of<T> = HyperNode<
			<T as frame_system::Config>::AccountId,
			BoundedVec<LinkId, <T as Config>::MaxLinksPerHyperNode>,
		>;
	}

	/// Adds the deposit (0) to every HyperNode and lists the active ones.
	pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut count = 0u64;
			let mut active: Vec<T::AccountId> = Vec::new();
			HyperNodes::<T>::translate::<old::Of<T>, _>(|owner, h| {
				count = count.saturating_add(1);
				let h = HyperNode::<T> {
					signer: h.signer,
					location: h.location,
					address: h.address,
					links: h.links,
					removed: h.removed,
					due: h.due,
					misses: h.misses,
					deposit: 0,
				};
				if h.is_active() {
					active.push(owner);
				}
				Some(h)
			});
			active.sort();
			// v1 capped registrations at `MaxHyperNodes`: nothing is cut.
			ActiveHyperNodes::<T>::put(BoundedVec::truncate_from(active));
			// Each pending slash's base: the node's requirement now (what v1 would have used).
			let pending: Vec<_> = PendingSlashes::<T>::iter_keys().collect();
			let slashes = pending.len() as u64;
			for (era, node) in pending {
				PendingSlashBases::<T>::insert(era, node, T::Slashing::slash_base(node));
			}
			T::DbWeight::get().reads_writes(
				count.saturating_add(slashes.saturating_mul(2)),
				count.saturating_add(1).saturating_add(slashes),
			)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			let owners: Vec<T::AccountId> = HyperNodes::<T>::iter_keys().collect();
			Ok(owners.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<T::AccountId>::decode(&mut &state[..])
				.map_err(|_| "pre-upgrade state does not decode")?;
			for owner in &before {
				ensure!(HyperNodes::<T>::get(owner).is_some(), "a HyperNode was lost");
			}
			Pallet::<T>::do_try_state()
		}
	}

	/// The v1 → v2 migration, run once.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		InnerMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	#[cfg(test)]
	mod tests {
		use super::*;
		use crate::mock::*;
		use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

		#[test]
		fn v1_hypernodes_get_a_zero_deposit_and_the_active_ones_are_listed() {
			new_test_ext().execute_with(|| {
				StorageVersion::new(1).put::<Sla>();
				let old = |links: Vec<LinkId>, removed| old::Of::<Test> {
					signer: account(99),
					location: *b"DE",
					address: BoundedVec::truncate_from(b"o.example".to_vec()),
					links: BoundedVec::truncate_from(links),
					removed,
					due: 3,
					misses: 1,
				};
				let raw = |owner: u8, h: old::Of<Test>| {
					frame_support::storage::unhashed::put_raw(
						&HyperNodes::<Test>::hashed_key_for(account(owner)),
						&h.encode(),
					)
				};
				raw(12, old(alloc::vec![1], false));
				raw(11, old(alloc::vec![0], false));
				raw(13, old(alloc::vec![], false));
				raw(14, old(alloc::vec![2], true));
				MigrateV1ToV2::<Test>::on_runtime_upgrade();
				assert_eq!(
					ActiveHyperNodes::<Test>::get().into_inner(),
					alloc::vec![account(11), account(12)]
				);
				let h = HyperNodes::<Test>::get(account(14)).expect("kept");
				assert_eq!((h.deposit, h.removed, h.due, h.misses), (0, true, 3, 1));
				assert_eq!(Sla::on_chain_storage_version(), StorageVersion::new(2));
			});
		}
	}
}
