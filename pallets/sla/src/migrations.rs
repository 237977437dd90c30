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
		migrations::v3::old::ActiveHyperNodes, Config, HyperNode, HyperNodes, LinkId, Pallet,
		PendingSlashBases, PendingSlashes, ProviderSlashing, MAX_ADDRESS_LEN,
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
			ActiveHyperNodes::<T>::put(active);
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
			Ok(())
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
				assert_eq!(ActiveHyperNodes::<Test>::get(), alloc::vec![account(11), account(12)]);
				let h = HyperNodes::<Test>::get(account(14)).expect("kept");
				assert_eq!((h.deposit, h.removed, h.due, h.misses), (0, true, 3, 1));
				assert_eq!(Sla::on_chain_storage_version(), StorageVersion::new(2));
			});
		}
	}
}

/// v2 → v3: the active set becomes a counted map (owner → Links staked), each era's
/// snapshot and accuracy counters become pages of [`ORACLE_PAGE`], and each HyperNode's place
/// in the current era and its report so far move into [`OracleOf`] (the per-era report
/// bookkeeping of past eras is dropped: reports are taken for the current era only).
pub mod v3 {
	use crate::{
		ActiveSet, Aggregation, AggregationStep, Config, CurrentEra, EraAccuracyPages, EraIndex,
		EraOracleCount, EraOraclePages, HyperNodes, NodeId, OracleOf, OracleSlot, Pallet, Params,
		Removals, ORACLE_PAGE,
	};
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};
	use sp_runtime::Saturating;

	/// v2's storage.
	pub(crate) mod old {
		use super::*;
		/// The active HyperNodes, sorted.
		#[storage_alias]
		pub type ActiveHyperNodes<T: Config> =
			StorageValue<Pallet<T>, Vec<<T as frame_system::Config>::AccountId>, ValueQuery>;
		/// Each era's oracles.
		#[storage_alias]
		pub type EraOracles<T: Config> = StorageMap<
			Pallet<T>,
			Twox64Concat,
			EraIndex,
			Vec<<T as frame_system::Config>::AccountId>,
			ValueQuery,
		>;
		/// Each era's oracles' Links.
		#[storage_alias]
		pub type EraLinks<T: Config> =
			StorageMap<Pallet<T>, Twox64Concat, EraIndex, Vec<u32>, ValueQuery>;
		/// Each era's accuracy counters.
		#[storage_alias]
		pub type EraAccuracy<T: Config> =
			StorageMap<Pallet<T>, Twox64Concat, EraIndex, Vec<(u32, u32)>, ValueQuery>;
		/// Node results reported, by era and owner.
		#[storage_alias]
		pub type Reported<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Twox64Concat,
			EraIndex,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			u32,
		>;
		/// The last node reported, by era and owner.
		#[storage_alias]
		pub type ReportedUpTo<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Twox64Concat,
			EraIndex,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			NodeId,
		>;
	}

	/// Moves v2's lists into maps and pages.
	pub struct InnerMigrateV2ToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut reads, mut writes) = (3u64, 1u64);
			// v2 checked accuracy (removal, window reset) for all of an era's oracles when it
			// closed the era; v3 does it as it settles each. An upgrade landing between the
			// two finishes v2's check for the oracles v2 already settled.
			let settled = match Aggregation::<T>::get() {
				Some((era, AggregationStep::HyperNodeRewards(next))) => Some((era, next)),
				Some((era, AggregationStep::Finalize)) => Some((era, u32::MAX)),
				_ => None,
			};
			if let Some((era, next)) = settled {
				let p = Params::<T>::get();
				let window_over =
					p.accuracy_window > 0 && (era.saturating_add(1)) % p.accuracy_window == 0;
				for owner in old::EraOracles::<T>::get(era).into_iter().take(next as usize) {
					reads.saturating_inc();
					writes = writes.saturating_add(3);
					HyperNodes::<T>::mutate(&owner, |h| {
						let Some(h) = h else { return };
						if !h.removed
							&& h.due >= p.min_reports_for_accuracy
							&& h.accuracy() < p.min_accuracy
						{
							// Out of the active set: it is rebuilt from the active ones below.
							h.removed = true;
							Removals::<T>::insert(&owner, era);
							Removals::<T>::insert(&h.signer, era);
						}
						if window_over {
							h.due = 0;
							h.misses = 0;
						}
					});
				}
			}
			for owner in old::ActiveHyperNodes::<T>::take() {
				reads.saturating_inc();
				if let Some(h) = HyperNodes::<T>::get(&owner).filter(|h| h.is_active()) {
					ActiveSet::<T>::insert(&owner, h.links.len() as u32);
					writes.saturating_inc();
				}
			}
			let current = CurrentEra::<T>::get();
			let eras: Vec<(EraIndex, Vec<T::AccountId>)> = old::EraOracles::<T>::drain().collect();
			for (era, oracles) in eras {
				let links = old::EraLinks::<T>::take(era);
				reads = reads.saturating_add(2);
				for (page, chunk) in oracles.chunks(ORACLE_PAGE as usize).enumerate() {
					let base = page.saturating_mul(ORACLE_PAGE as usize);
					let entries: Vec<(T::AccountId, u32)> = chunk
						.iter()
						.enumerate()
						.map(|(i, o)| {
							(o.clone(), links.get(base.saturating_add(i)).copied().unwrap_or(0))
						})
						.collect();
					EraOraclePages::<T>::insert(
						era,
						page as u32,
						BoundedVec::truncate_from(entries),
					);
					writes.saturating_inc();
				}
				EraOracleCount::<T>::insert(era, oracles.len() as u32);
				writes = writes.saturating_add(3);
				if Some(era) != current {
					continue;
				}
				for (index, owner) in oracles.iter().enumerate() {
					reads = reads.saturating_add(3);
					if !HyperNodes::<T>::contains_key(owner) {
						continue;
					}
					OracleOf::<T>::insert(
						owner,
						OracleSlot {
							era,
							index: index as u32,
							reported: old::Reported::<T>::get(era, owner).unwrap_or(0),
							up_to: old::ReportedUpTo::<T>::get(era, owner),
							last_report: old::Reported::<T>::get(era, owner).map(|n| (era, n)),
						},
					);
					writes.saturating_inc();
				}
			}
			let _ = old::EraLinks::<T>::clear(u32::MAX, None);
			let accuracy: Vec<(EraIndex, Vec<(u32, u32)>)> =
				old::EraAccuracy::<T>::drain().collect();
			for (era, counters) in accuracy {
				reads.saturating_inc();
				for (page, chunk) in counters.chunks(ORACLE_PAGE as usize).enumerate() {
					EraAccuracyPages::<T>::insert(
						era,
						page as u32,
						BoundedVec::truncate_from(chunk.to_vec()),
					);
					writes.saturating_inc();
				}
			}
			let reported = old::Reported::<T>::clear(u32::MAX, None).unique;
			let up_to = old::ReportedUpTo::<T>::clear(u32::MAX, None).unique;
			writes = writes.saturating_add(u64::from(reported.saturating_add(up_to)));
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			let active = old::ActiveHyperNodes::<T>::get();
			Ok(active.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<T::AccountId>::decode(&mut &state[..])
				.map_err(|_| "pre-upgrade state does not decode")?;
			ensure!(
				ActiveSet::<T>::count() as usize == before.len(),
				"the active set changed size"
			);
			Pallet::<T>::do_try_state()
		}
	}

	/// The v2 → v3 migration, run once.
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		InnerMigrateV2ToV3<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	#[cfg(test)]
	mod tests {
		use super::*;
		use crate::mock::*;
		use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

		#[test]
		fn v2_lists_become_maps_and_pages() {
			new_test_ext().execute_with(|| {
				// Three active HyperNodes (registered and staked as v3 does it), written
				// back as v2 had them; era 1 current with a report part of one of them.
				for i in [11u8, 12, 13] {
					register(i).expect("registered");
					Sla::stake_link(RuntimeOrigin::signed(account(i)), u32::from(i - 11))
						.expect("staked");
				}
				let owners: Vec<sp_runtime::AccountId32> = ActiveSet::<Test>::iter_keys().collect();
				let _ = ActiveSet::<Test>::clear(u32::MAX, None);
				let _ = OracleOf::<Test>::clear(u32::MAX, None);
				let mut sorted = owners.clone();
				sorted.sort();
				old::ActiveHyperNodes::<Test>::put(sorted.clone());
				old::EraOracles::<Test>::insert(1, sorted.clone());
				old::EraLinks::<Test>::insert(1, alloc::vec![1u32, 1, 1]);
				old::EraOracles::<Test>::insert(0, sorted[..2].to_vec());
				old::EraLinks::<Test>::insert(0, alloc::vec![1u32, 1]);
				old::EraAccuracy::<Test>::insert(0, alloc::vec![(4u32, 1u32), (3, 0)]);
				old::Reported::<Test>::insert(1, &sorted[1], 7);
				old::ReportedUpTo::<Test>::insert(1, &sorted[1], 42);
				old::Reported::<Test>::insert(0, &sorted[0], 2);
				CurrentEra::<Test>::put(1);
				StorageVersion::new(2).put::<Sla>();

				MigrateV2ToV3::<Test>::on_runtime_upgrade();

				assert_eq!(ActiveSet::<Test>::count(), 3);
				assert!(old::ActiveHyperNodes::<Test>::get().is_empty());
				assert_eq!(EraOracleCount::<Test>::get(1), 3);
				assert_eq!(EraOracleCount::<Test>::get(0), 2);
				assert_eq!(Sla::oracle_at(1, 2), Some((sorted[2].clone(), 1)));
				assert_eq!(
					OracleOf::<Test>::get(&sorted[1]),
					Some(OracleSlot {
						era: 1,
						index: 1,
						reported: 7,
						up_to: Some(42),
						last_report: Some((1, 7))
					})
				);
				assert_eq!(
					EraAccuracyPages::<Test>::get(0, 0).into_inner(),
					alloc::vec![(4, 1), (3, 0)]
				);
				assert_eq!(old::Reported::<Test>::iter().count(), 0);
				assert_eq!(old::ReportedUpTo::<Test>::iter().count(), 0);
				assert_eq!(old::EraOracles::<Test>::iter().count(), 0);
				assert_eq!(old::EraLinks::<Test>::iter().count(), 0);
				assert_eq!(Sla::on_chain_storage_version(), StorageVersion::new(3));
				Sla::do_try_state().expect("invariants hold");
				// Run again: nothing changes.
				MigrateV2ToV3::<Test>::on_runtime_upgrade();
				assert_eq!(ActiveSet::<Test>::count(), 3);
			});
		}

		#[test]
		fn an_upgrade_between_settling_and_closing_an_era_still_removes_the_inaccurate() {
			new_test_ext().execute_with(|| {
				// Era 0 being settled by v2: its first two oracles paid (and their counts
				// added), the check of all of them left to v2's close.
				for i in [11u8, 12, 13] {
					register(i).expect("registered");
					Sla::stake_link(RuntimeOrigin::signed(account(i)), u32::from(i - 11))
						.expect("staked");
				}
				let mut owners: Vec<sp_runtime::AccountId32> =
					ActiveSet::<Test>::iter_keys().collect();
				owners.sort();
				let _ = ActiveSet::<Test>::clear(u32::MAX, None);
				let _ = OracleOf::<Test>::clear(u32::MAX, None);
				old::ActiveHyperNodes::<Test>::put(owners.clone());
				old::EraOracles::<Test>::insert(0, owners.clone());
				old::EraLinks::<Test>::insert(0, alloc::vec![1u32, 1, 1]);
				// The first and the third fall below the minimum accuracy.
				for (owner, misses) in owners.iter().zip([15u32, 0, 15]) {
					HyperNodes::<Test>::mutate(owner, |h| {
						let h = h.as_mut().expect("registered");
						h.due = 20;
						h.misses = misses;
					});
				}
				CurrentEra::<Test>::put(1);
				Aggregation::<Test>::put((0, AggregationStep::HyperNodeRewards(2)));
				StorageVersion::new(2).put::<Sla>();

				MigrateV2ToV3::<Test>::on_runtime_upgrade();

				// v2's check for the two it settled: the first is removed (out of the active
				// set, its removal recorded); the third is left to v3's settlement step.
				let h = |o: &sp_runtime::AccountId32| HyperNodes::<Test>::get(o).expect("kept");
				assert!(h(&owners[0]).removed);
				assert!(Removals::<Test>::contains_key(&owners[0]));
				assert!(!h(&owners[1]).removed);
				assert!(!h(&owners[2]).removed);
				assert_eq!(ActiveSet::<Test>::count(), 2);
				Sla::do_try_state().expect("invariants hold");
			});
		}
	}
}
