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
