//! The bodies of the pallet's calls: each call in `lib.rs` checks its origin and hands
//! over to its `do_*` function here.

use crate::{pallet::*, *};
use frame_support::pallet_prelude::*;
use sp_runtime::traits::Verify;

impl<T: Config> Pallet<T> {
	/// The body of [`Pallet::register_hypernode`], its origin checked.
	pub(crate) fn do_register_hypernode(
		owner: T::AccountId,
		signer: T::AccountId,
		location: [u8; 2],
		address: BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>>,
		proof: T::SignerProof,
	) -> DispatchResult {
		ensure!(
			proof.verify(&Self::signer_proof_payload(&owner)[..], &signer),
			Error::<T>::BadSignerProof
		);
		Self::do_register(owner, signer, location, address)
	}

	/// The body of [`Pallet::unstake_link`], its origin checked.
	pub(crate) fn do_unstake_link(owner: T::AccountId, link: LinkId) -> DispatchResult {
		ensure!(SnapshotCursor::<T>::get().is_none(), Error::<T>::SnapshotPending);
		let mut h = HyperNodes::<T>::get(&owner).ok_or(Error::<T>::NotRegistered)?;
		let pos = h.links.iter().position(|l| *l == link).ok_or(Error::<T>::LinkNotStaked)?;
		T::Links::unlock(link)?;
		h.links.remove(pos);
		if h.is_active() {
			ActiveSet::<T>::insert(&owner, h.links.len() as u32);
		} else {
			Self::deactivate(&owner);
		}
		HyperNodes::<T>::insert(&owner, h);
		Self::deposit_event(Event::LinkUnstaked { owner, link });
		Ok(())
	}

	/// The body of [`Pallet::deregister_hypernode`], its origin checked.
	pub(crate) fn do_deregister_hypernode(owner: T::AccountId) -> DispatchResult {
		ensure!(SnapshotCursor::<T>::get().is_none(), Error::<T>::SnapshotPending);
		let h = HyperNodes::<T>::get(&owner).ok_or(Error::<T>::NotRegistered)?;
		Self::do_deregister(&owner, h)?;
		Self::deposit_event(Event::HyperNodeDeregistered { owner });
		Ok(())
	}

	/// The body of [`Pallet::submit_report`], its origin checked.
	pub(crate) fn do_submit_report(
		signer: T::AccountId,
		era: EraIndex,
		results: BoundedVec<(NodeId, ProbeOutcome), T::MaxReportResults>,
	) -> DispatchResultWithPostInfo {
		let (owner, index) = Self::check_report(&signer, era, &results)?;
		for (node, outcome) in &results {
			Reports::<T>::mutate(era, node, |r| {
				// Bounded by k ≤ 5 oracles per node, each reporting once: cannot overflow.
				let _ = r.try_push((index, *outcome));
			});
		}
		OracleOf::<T>::mutate(&owner, |slot| {
			if let Some(slot) = slot {
				slot.reported = slot.reported.saturating_add(results.len() as u32);
				slot.up_to = results.last().map(|(node, _)| *node).or(slot.up_to);
				slot.last_report = Some((era, slot.reported));
			}
		});
		Self::deposit_event(Event::ReportAccepted { owner, era, results: results.len() as u32 });
		Ok(Pays::No.into())
	}

	/// The body of [`Pallet::cancel_slash`], its origin checked.
	pub(crate) fn do_cancel_slash(era: EraIndex, node: NodeId) -> DispatchResult {
		PendingSlashes::<T>::take(era, node).ok_or(Error::<T>::NoPendingSlash)?;
		PendingSlashBases::<T>::remove(era, node);
		Self::deposit_event(Event::SlashCancelled { node, era });
		Ok(())
	}

	/// The body of [`Pallet::set_params`], its origin checked.
	pub(crate) fn do_set_params(params: SlaParams) -> DispatchResult {
		ensure!(
			params.slash_base <= params.slash_cap && params.accuracy_window > 0,
			Error::<T>::BadParams
		);
		ensure!(!params.sla_target.is_zero(), Error::<T>::BadParams);
		Params::<T>::put(&params);
		Self::deposit_event(Event::ParamsSet { params });
		Ok(())
	}

	/// The body of [`Pallet::clear_hypernode`], its origin checked.
	pub(crate) fn do_clear_hypernode(owner: T::AccountId) -> DispatchResult {
		let h = HyperNodes::<T>::get(&owner).ok_or(Error::<T>::NotRegistered)?;
		ensure!(!h.is_active(), Error::<T>::HyperNodeActive);
		let deposit = h.deposit;
		Self::do_deregister(&owner, h)?;
		Self::deposit_event(Event::HyperNodeCleared { owner, deposit });
		Ok(())
	}
}
