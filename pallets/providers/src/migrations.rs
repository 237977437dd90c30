//! Storage migrations of the providers pallet, as `VersionedMigration`s.

/// v0 → v1: `ProviderParams` gains `max_commission` (50 %: commissions above it stay as they
/// are, new ones and raises are capped).
pub mod v1 {
	use crate::{default_max_commission, Config, Pallet, Params};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use icn_primitives::Balance;

	mod old {
		use super::*;
		/// v0's parameters.
		#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
		pub struct ProviderParams {
			pub link_collateral_value: Balance,
			pub unbonding_delay: u32,
			pub allow_private_endpoints: bool,
			pub commitment_months: u32,
			pub extension_months: u32,
			pub min_delegation: Balance,
		}
	}

	/// Adds `max_commission` to the stored parameters.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			// Written in v1's layout (v2 adds a field after it).
			let key = Params::<T>::hashed_key();
			let v0 = frame_support::storage::unhashed::get::<old::ProviderParams>(&key);
			if let Some(p) = v0 {
				let v1 = crate::migrations::v2::V1Params {
					link_collateral_value: p.link_collateral_value,
					unbonding_delay: p.unbonding_delay,
					allow_private_endpoints: p.allow_private_endpoints,
					commitment_months: p.commitment_months,
					extension_months: p.extension_months,
					min_delegation: p.min_delegation,
					max_commission: default_max_commission(),
				};
				frame_support::storage::unhashed::put(&key, &v1);
			}
			T::DbWeight::get().reads_writes(1, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(Params::<T>::exists(), "the parameters were lost");
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
		fn v0_params_get_the_default_max_commission() {
			new_test_ext().execute_with(|| {
				StorageVersion::new(0).put::<Providers>();
				let v0 = old::ProviderParams {
					link_collateral_value: 7,
					unbonding_delay: 99,
					allow_private_endpoints: true,
					commitment_months: 12,
					extension_months: 3,
					min_delegation: 5,
				};
				frame_support::storage::unhashed::put_raw(
					&Params::<Test>::hashed_key(),
					&v0.encode(),
				);
				MigrateV0ToV1::<Test>::on_runtime_upgrade();
				let p: crate::migrations::v2::V1Params =
					frame_support::storage::unhashed::get(&Params::<Test>::hashed_key()).unwrap();
				assert_eq!(
					(p.unbonding_delay, p.min_delegation, p.max_commission),
					(99, 5, default_max_commission())
				);
				assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(1));
			});
		}
	}
}

/// v1 → v2: `ProviderParams` gains `audit_bytes_per_unit`, 0 on migrated chains (nodes
/// registered with small audit objects stay valid; governance sets the ratio with
/// `set_params`).
pub mod v2 {
	use crate::{Config, Pallet, Params, ProviderParams};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use icn_primitives::Balance;
	use sp_runtime::Perbill;

	/// v1's parameters.
	#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
	pub struct V1Params {
		pub link_collateral_value: Balance,
		pub unbonding_delay: u32,
		pub allow_private_endpoints: bool,
		pub commitment_months: u32,
		pub extension_months: u32,
		pub min_delegation: Balance,
		pub max_commission: Perbill,
	}

	/// Adds `audit_bytes_per_unit` (0) to the stored parameters.
	pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let _ = Params::<T>::translate::<V1Params, _>(|old| {
				old.map(|p| ProviderParams {
					link_collateral_value: p.link_collateral_value,
					unbonding_delay: p.unbonding_delay,
					allow_private_endpoints: p.allow_private_endpoints,
					commitment_months: p.commitment_months,
					extension_months: p.extension_months,
					min_delegation: p.min_delegation,
					max_commission: p.max_commission,
					audit_bytes_per_unit: 0,
				})
			});
			T::DbWeight::get().reads_writes(1, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(Params::<T>::exists(), "the parameters were lost");
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
		fn v1_params_require_no_audit_bytes() {
			new_test_ext().execute_with(|| {
				StorageVersion::new(1).put::<Providers>();
				let v1 = V1Params {
					link_collateral_value: 7,
					unbonding_delay: 99,
					allow_private_endpoints: true,
					commitment_months: 12,
					extension_months: 3,
					min_delegation: 5,
					max_commission: Perbill::from_percent(20),
				};
				frame_support::storage::unhashed::put_raw(
					&Params::<Test>::hashed_key(),
					&v1.encode(),
				);
				MigrateV1ToV2::<Test>::on_runtime_upgrade();
				let p = Params::<Test>::get();
				assert_eq!(
					(p.unbonding_delay, p.max_commission, p.audit_bytes_per_unit),
					(99, Perbill::from_percent(20), 0)
				);
				assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(2));
			});
		}
	}
}

/// v2 → v3: delegation pools. Each node's delegations become a [`DelegationPool`] (a point
/// per delegated planck, no reward index yet, nothing slashed unapplied); the node records
/// lose their `delegated` and `delegators` totals (the pool keeps them); the delegators' pot
/// gets its existential deposit from the treasury.
pub mod v3 {
	use crate::{
		Config, Delegation, DelegationPool, DelegationPools, Delegations, Node, Nodes, Pallet,
	};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use icn_primitives::Balance;

	/// v2's records.
	pub mod old {
		use super::*;
		use crate::{AuditObject, CountryCode, EndpointUrl, HardwareClass, NodeStatus};
		use icn_primitives::providers::{ClusterId, LinkId};
		use sp_runtime::Perbill;

		/// v2's delegation: held stake, no points.
		#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, Default)]
		pub struct Delegation<BlockNumber> {
			pub active: Balance,
			pub unbonding: Balance,
			pub unlock_at: BlockNumber,
		}

		/// v2's node: with its delegation totals.
		#[derive(Encode, Decode)]
		#[allow(missing_docs)]
		pub struct Node<T: Config> {
			pub provider: T::AccountId,
			pub cluster: ClusterId,
			pub capacity: u32,
			pub booked: u32,
			pub location: CountryCode,
			pub endpoint: EndpointUrl,
			pub audit: AuditObject,
			pub reservation_price: Balance,
			pub hardware: HardwareClass,
			pub commission: Perbill,
			pub commitment_end: BlockNumberFor<T>,
			pub status: NodeStatus<BlockNumberFor<T>>,
			pub failing: bool,
			pub collateral: Balance,
			pub links: BoundedVec<LinkId, T::MaxLinksPerNode>,
			pub delegated: Balance,
			pub delegators: u32,
			pub registered_at: BlockNumberFor<T>,
		}
	}

	/// Builds the pools and converts the nodes and delegations.
	pub struct InnerMigrateV2ToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut reads, mut writes) = (0u64, 0u64);
			Nodes::<T>::translate::<old::Node<T>, _>(|_, n| {
				reads += 1;
				writes += 1;
				Some(Node {
					provider: n.provider,
					cluster: n.cluster,
					capacity: n.capacity,
					booked: n.booked,
					location: n.location,
					endpoint: n.endpoint,
					audit: n.audit,
					reservation_price: n.reservation_price,
					hardware: n.hardware,
					commission: n.commission,
					commitment_end: n.commitment_end,
					status: n.status,
					failing: n.failing,
					collateral: n.collateral,
					links: n.links,
					registered_at: n.registered_at,
				})
			});
			let mut pools: alloc::collections::btree_map::BTreeMap<u64, DelegationPool> =
				Default::default();
			Delegations::<T>::translate::<old::Delegation<BlockNumberFor<T>>, _>(|node, _, d| {
				reads += 1;
				writes += 1;
				let held = d.active.saturating_add(d.unbonding);
				let pool = pools.entry(node).or_default();
				pool.points = pool.points.saturating_add(held);
				pool.active_points = pool.active_points.saturating_add(d.active);
				pool.value = pool.value.saturating_add(held);
				pool.delegators = pool.delegators.saturating_add(1);
				Some(Delegation {
					held,
					active: d.active,
					unbonding: d.unbonding,
					unlock_at: d.unlock_at,
					..Default::default()
				})
			});
			for (node, pool) in pools {
				writes += 1;
				DelegationPools::<T>::insert(node, pool);
			}
			Pallet::<T>::fund_pot();
			T::DbWeight::get().reads_writes(reads.saturating_add(3), writes.saturating_add(2))
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
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
		use crate::{mock::*, HoldReason};
		use frame_support::assert_ok;
		use frame_support::traits::{
			fungible::MutateHold, GetStorageVersion, OnRuntimeUpgrade, StorageVersion,
		};
		use icn_primitives::currency::ICNT;

		#[test]
		fn v2_delegations_become_pools_and_keep_their_stake() {
			new_test_ext().execute_with(|| {
				// A v2 node 0 of account 1 with two delegators, written in v2's layout.
				let spec = crate::NodeSpec::new(0, 10)
					.with_location(crate::CountryCode(*b"DE"))
					.with_endpoint("https://s3.example.com/v2");
				assert_ok!(Providers::register_node(
					RuntimeOrigin::signed(account(1)),
					spec,
					10 * PER_UNIT,
					Default::default()
				));
				let n = Nodes::<Test>::get(0).unwrap();
				let v2 = old::Node::<Test> {
					provider: n.provider,
					cluster: n.cluster,
					capacity: n.capacity,
					booked: n.booked,
					location: n.location,
					endpoint: n.endpoint,
					audit: n.audit,
					reservation_price: n.reservation_price,
					hardware: n.hardware,
					commission: n.commission,
					commitment_end: n.commitment_end,
					status: n.status.clone(),
					failing: n.failing,
					collateral: n.collateral,
					links: n.links,
					delegated: 300 * ICNT,
					delegators: 2,
					registered_at: n.registered_at,
				};
				frame_support::storage::unhashed::put_raw(
					&Nodes::<Test>::hashed_key_for(0),
					&v2.encode(),
				);
				for (who, active, unbonding) in [(5u8, 100 * ICNT, 0), (6, 150 * ICNT, 50 * ICNT)] {
					assert_ok!(Balances::hold(
						&HoldReason::HpDelegation.into(),
						&account(who),
						active + unbonding
					));
					let d = old::Delegation { active, unbonding, unlock_at: 9u64 };
					frame_support::storage::unhashed::put_raw(
						&Delegations::<Test>::hashed_key_for(0, account(who)),
						&d.encode(),
					);
				}
				StorageVersion::new(2).put::<Providers>();
				MigrateV2ToV3::<Test>::on_runtime_upgrade();
				assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(3));
				assert_eq!(Nodes::<Test>::get(0).unwrap().status, n.status);
				let pool = DelegationPools::<Test>::get(0).unwrap();
				assert_eq!(
					(pool.points, pool.active_points, pool.value, pool.delegators),
					(300 * ICNT, 250 * ICNT, 300 * ICNT, 2)
				);
				let info = Providers::delegation_info(0, &account(6)).unwrap();
				assert_eq!(
					(info.active, info.unbonding, info.unlock_at),
					(150 * ICNT, 50 * ICNT, 9)
				);
				assert_ok!(Providers::do_try_state());
			});
		}
	}
}
