//! The pallet's own functions: checks, accounting, state queries and invariants, used by
//! its calls, hooks and trait implementations.

use crate::{pallet::*, *};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use frame_system::pallet_prelude::*;
use sp_runtime::traits::UniqueSaturatedInto;

impl<T: Config> Pallet<T> {
	/// What an `icno` key signs to prove it signs for `owner`'s HyperNode on this chain:
	/// `("icn-sla:signer", owner, genesis hash)`, SCALE-encoded.
	pub fn signer_proof_payload(owner: &T::AccountId) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::default());
		(b"icn-sla:signer", owner, genesis).encode()
	}

	/// The current era (0 before the first).
	pub(crate) fn current_era() -> EraIndex {
		CurrentEra::<T>::get().unwrap_or(0)
	}

	/// Which accuracy window `era` falls in (windows end after eras `w − 1`, `2w − 1`, …).
	pub(crate) fn accuracy_window_of(era: EraIndex) -> u32 {
		era / Params::<T>::get().accuracy_window.max(1)
	}

	/// The era of block `n`, on the chain's era clock.
	pub fn era_of(n: BlockNumberFor<T>) -> EraIndex {
		<T::Clock as icn_primitives::clock::ChainClock>::eras().era_of(n.unique_saturated_into())
	}

	pub(crate) fn do_register(
		owner: T::AccountId,
		signer: T::AccountId,
		location: [u8; 2],
		address: BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>>,
	) -> DispatchResult {
		ensure!(!HyperNodes::<T>::contains_key(&owner), Error::<T>::AlreadyRegistered);
		ensure!(!Signers::<T>::contains_key(&signer), Error::<T>::SignerInUse);
		ensure!(location.iter().all(|c| c.is_ascii_uppercase()), Error::<T>::BadLocation);
		ensure!(!address.is_empty(), Error::<T>::EmptyAddress);
		let count = HyperNodeCount::<T>::get();
		let era = Self::current_era();
		for who in [&owner, &signer] {
			if let Some(removed) = Removals::<T>::get(who) {
				ensure!(
					era >= removed.saturating_add(T::RemovalCooldown::get()),
					Error::<T>::RemovedRecently
				);
			}
		}
		// Past the cool-down: a clean start (the removal served its time, and the record
		// that caused it is dropped). Otherwise a record left in this window comes back.
		let served = Removals::<T>::take(&owner).is_some() | Removals::<T>::take(&signer).is_some();
		let (due, misses) = match DepartedAccuracy::<T>::take(&owner) {
			Some((window, due, misses)) if !served && window == Self::accuracy_window_of(era) => {
				(due, misses)
			},
			_ => (0, 0),
		};
		let deposit = T::HyperNodeDeposit::get();
		T::Currency::hold(&HoldReason::HyperNodeDeposit.into(), &owner, deposit)?;
		HyperNodeCount::<T>::put(count.saturating_add(1));
		Signers::<T>::insert(&signer, &owner);
		HyperNodes::<T>::insert(
			&owner,
			HyperNode::<T> {
				signer: signer.clone(),
				location,
				address,
				links: BoundedVec::new(),
				removed: false,
				due,
				misses,
				deposit,
			},
		);
		Self::deposit_event(Event::HyperNodeRegistered { owner, signer });
		Ok(())
	}

	pub(crate) fn do_stake(owner: &T::AccountId, link: LinkId) -> DispatchResult {
		let mut h = HyperNodes::<T>::get(owner).ok_or(Error::<T>::NotRegistered)?;
		let link_owner = T::Links::owner(link).ok_or(Error::<T>::UnknownLink)?;
		ensure!(&link_owner == owner, Error::<T>::NotLinkOwner);
		ensure!(!T::Links::is_locked(link), Error::<T>::LinkInUse);
		let was_active = h.is_active();
		h.links.try_push(link).map_err(|_| Error::<T>::TooManyLinks)?;
		if !was_active && h.is_active() {
			// Its first Link: it joins the active set, if there is room.
			ensure!(
				ActiveSet::<T>::count() < T::MaxHyperNodes::get(),
				Error::<T>::TooManyHyperNodes
			);
		}
		T::Links::lock(link).map_err(|_| Error::<T>::LinkInUse)?;
		if h.is_active() {
			ActiveSet::<T>::insert(owner, h.links.len() as u32);
		}
		HyperNodes::<T>::insert(owner, h);
		Self::deposit_event(Event::LinkStaked { owner: owner.clone(), link });
		Ok(())
	}

	/// Takes `owner` out of the active set (no Link left, removed, or gone).
	pub(crate) fn deactivate(owner: &T::AccountId) {
		ActiveSet::<T>::remove(owner);
	}

	/// Removes `owner`'s registration `h`: unstakes its Links, returns its deposit and
	/// keeps its accuracy record for a registration in the same window (a removal is kept
	/// in `Removals`).
	pub(crate) fn do_deregister(owner: &T::AccountId, h: HyperNode<T>) -> DispatchResult {
		for link in &h.links {
			T::Links::unlock(*link)?;
		}
		T::Currency::release(
			&HoldReason::HyperNodeDeposit.into(),
			owner,
			h.deposit,
			Precision::BestEffort,
		)?;
		Self::deactivate(owner);
		HyperNodes::<T>::remove(owner);
		// Its place in the current era stays until the era is settled (`reward_hypernode`):
		// registering again within the era, it reports on instead of being counted missing.
		let current = Self::current_era();
		OracleOf::<T>::mutate_exists(owner, |slot| {
			if slot.is_some_and(|s| s.era != current) {
				*slot = None;
			}
		});
		Signers::<T>::remove(&h.signer);
		if h.due > 0 {
			DepartedAccuracy::<T>::insert(
				owner,
				(Self::accuracy_window_of(Self::current_era()), h.due, h.misses),
			);
		}
		HyperNodeCount::<T>::mutate(|c| *c = c.saturating_sub(1));
		Ok(())
	}

	/// Checks a report; returns the HyperNode owner and its index in the era's oracles.
	pub fn check_report(
		signer: &T::AccountId,
		era: EraIndex,
		results: &[(NodeId, ProbeOutcome)],
	) -> Result<(T::AccountId, u32), Error<T>> {
		let owner = Signers::<T>::get(signer).ok_or(Error::<T>::NotAnOracle)?;
		ensure!(CurrentEra::<T>::get() == Some(era), Error::<T>::WrongEra);
		ensure!(Self::snapshot_ready(era), Error::<T>::SnapshotPending);
		let slot = OracleOf::<T>::get(&owner)
			.filter(|s| s.era == era)
			.ok_or(Error::<T>::NotAnOracle)?;
		let index = slot.index;
		ensure!(!results.is_empty(), Error::<T>::EmptyReport);
		// A further part of this era's report starts after the last node already reported.
		if let (Some(last), Some((first, _))) = (slot.up_to, results.first()) {
			ensure!(*first > last, Error::<T>::DuplicateReport);
		}
		let seed = EraSeeds::<T>::get(era).ok_or(Error::<T>::WrongEra)?;
		let bound = Self::node_bound(era);
		let count = EraOracleCount::<T>::get(era);
		// Ascending node order makes the duplicate check linear in the report's size.
		ensure!(
			results.windows(2).all(|w| match w {
				[(a, _), (b, _)] => a < b,
				_ => true,
			}),
			Error::<T>::DuplicateNode
		);
		for (node, _) in results.iter() {
			ensure!(*node < bound, Error::<T>::NotAssigned);
			ensure!(
				logic::oracles_for(&seed, *node, count).contains(&index),
				Error::<T>::NotAssigned
			);
			ensure!(Self::era_target(*node, era).is_some(), Error::<T>::NotAssigned);
		}
		Ok((owner, index))
	}

	/// What to probe of `node` in `era`, if it is one of the era's nodes: below the era's
	/// node bound and probe-able since the era started ([`ProbeTarget::probed_from`]).
	pub fn era_target(
		node: NodeId,
		era: EraIndex,
	) -> Option<icn_primitives::providers::ProbeTarget> {
		T::Targets::probe_target(node).filter(|t| t.probed_from <= era)
	}

	/// The provider nodes of `era`: ids below this bound (all nodes for an era started
	/// before the bound was recorded).
	pub fn node_bound(era: EraIndex) -> NodeId {
		EraNodeBound::<T>::get(era).unwrap_or_else(T::Targets::next_node_id)
	}

	/// `owner`'s index among `era`'s oracles, once the era's snapshot is copied.
	pub fn oracle_index(owner: &T::AccountId, era: EraIndex) -> Option<u32> {
		if !Self::snapshot_ready(era) {
			return None;
		}
		OracleOf::<T>::get(owner).filter(|s| s.era == era).map(|s| s.index)
	}

	/// The nodes `owner` must probe in `era` (for the off-chain worker and the runtime API).
	pub fn assignments(owner: &T::AccountId, era: EraIndex) -> Vec<NodeId> {
		let Some(index) = Self::oracle_index(owner, era) else { return Vec::new() };
		let Some(seed) = EraSeeds::<T>::get(era) else { return Vec::new() };
		let count = EraOracleCount::<T>::get(era);
		// The hash first: only assigned nodes cost a storage read. In ascending order, as
		// reports list them; more than `MaxReportResults` are reported in several parts.
		(0..Self::node_bound(era))
			.filter(|node| logic::oracles_for(&seed, *node, count).contains(&index))
			.filter(|node| Self::era_target(*node, era).is_some())
			.collect()
	}

	/// A node's SLA for the runtime API.
	pub fn node_sla(node: NodeId) -> runtime_api::NodeSlaInfo {
		let window = NodeSla::<T>::get(node).unwrap_or_default();
		let (passed, counted) = window.counts();
		let finalized = FinalizedEra::<T>::get();
		let recent = finalized
			.map(|f| {
				(f.saturating_sub(NODE_SLA_VIEW - 1)..=f)
					.map(|e| (e, Failures::<T>::contains_key(e, node)))
					.collect()
			})
			.unwrap_or_default();
		runtime_api::NodeSlaInfo {
			score: window.score(),
			passed,
			counted,
			consecutive_failures: window.consecutive_failures,
			last_era: window.last_era,
			recent_failures: recent,
			// Slashes pend from an era's aggregation to the next one's: of the eras around
			// the last one finalized.
			pending_slashes: {
				let f = finalized.unwrap_or(0);
				(f.saturating_sub(1)..=f.saturating_add(1))
					.filter_map(|e| PendingSlashes::<T>::get(e, node).map(|fraction| (e, fraction)))
					.collect()
			},
		}
	}

	/// Checks the invariants: the HyperNode count, signer index and staked Links; no era
	/// pays more than its budget and no node's points exceed the era's whole.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut count = 0u32;
		let mut active: Vec<T::AccountId> = Vec::new();
		for (owner, h) in HyperNodes::<T>::iter() {
			count += 1;
			if h.is_active() {
				active.push(owner.clone());
			}
			ensure!(
				<T::Currency as frame_support::traits::fungible::InspectHold<T::AccountId>>::balance_on_hold(&HoldReason::HyperNodeDeposit.into(), &owner) == h.deposit,
				"a HyperNode's deposit is not what is held"
			);
			ensure!(Signers::<T>::get(&h.signer).as_ref() == Some(&owner), "signer index differs");
			for link in &h.links {
				ensure!(T::Links::is_locked(*link), "a staked Link is not locked");
				ensure!(
					T::Links::owner(*link).as_ref() == Some(&owner),
					"a staked Link changed owner"
				);
			}
		}
		ensure!(count == HyperNodeCount::<T>::get(), "HyperNode count differs");
		ensure!(
			ActiveSet::<T>::iter().count() as u32 == ActiveSet::<T>::count(),
			"the active set's counter differs from its entries"
		);
		ensure!(
			ActiveSet::<T>::count() <= T::MaxHyperNodes::get(),
			"more active HyperNodes than the bound"
		);
		for owner in &active {
			ensure!(
				ActiveSet::<T>::get(owner)
					== HyperNodes::<T>::get(owner).map(|h| h.links.len() as u32),
				"an active HyperNode's Links in the active set differ"
			);
		}
		ensure!(
			ActiveSet::<T>::count() as usize == active.len(),
			"the active set differs from the active HyperNodes"
		);
		for (era, r) in EraRewards::<T>::iter() {
			ensure!(r.node_paid <= r.node_budget, "paid provider nodes more than their budget");
			ensure!(
				r.hypernode_paid <= r.hypernode_budget,
				"paid HyperNodes more than their budget"
			);
			let points = RewardPoints::<T>::iter_prefix(era)
				.fold(0u128, |acc, (_, p)| acc.saturating_add(p));
			ensure!(points <= r.capacity_points, "reward points above the era's capacity");
		}
		ensure!(Signers::<T>::iter().count() as u32 == count, "stale signer entries");
		for (era, page, accuracy) in EraAccuracyPages::<T>::iter() {
			ensure!(
				FinalizedEra::<T>::get().is_none_or(|f| era > f),
				"accuracy counters of a finalized era"
			);
			ensure!(
				page.saturating_mul(ORACLE_PAGE).saturating_add(accuracy.len() as u32)
					<= EraOracleCount::<T>::get(era),
				"accuracy counters for more HyperNodes than the era's oracles"
			);
			ensure!(
				accuracy.iter().all(|(due, misses)| misses <= due),
				"more misses than reports due"
			);
		}
		// Each era's pages hold exactly its oracles, in full pages but the last, and each
		// HyperNode's place in its latest era is where the pages have it.
		for (era, count) in EraOracleCount::<T>::iter() {
			let pages = count.div_ceil(ORACLE_PAGE);
			for page in 0..pages {
				let len = EraOraclePages::<T>::decode_len(era, page).unwrap_or(0) as u32;
				let expected =
					count.saturating_sub(page.saturating_mul(ORACLE_PAGE)).min(ORACLE_PAGE);
				ensure!(len == expected, "an era's oracle pages differ from its count");
			}
			ensure!(
				EraOraclePages::<T>::iter_prefix(era).all(|(page, _)| page < pages),
				"an era's oracle page beyond its count"
			);
		}
		ensure!(
			EraOraclePages::<T>::iter_keys().all(|(era, _)| EraOracleCount::<T>::contains_key(era)
				|| SnapshotCursor::<T>::get().is_some_and(|(e, _)| e == era)),
			"oracle pages of an era without a count"
		);
		// Each era is pruned by the start of the era four after it or, aggregated later
		// than that, by its own finalization.
		let finalized = FinalizedEra::<T>::get();
		let current = CurrentEra::<T>::get().unwrap_or(0);
		for era in EraSeeds::<T>::iter_keys()
			.chain(EraOracleCount::<T>::iter_keys())
			.chain(EraNodeBound::<T>::iter_keys())
		{
			ensure!(
				era.saturating_add(4) > current || finalized.is_none_or(|f| f < era),
				"an era's snapshot kept after it was finalized and four eras passed"
			);
		}
		for (owner, slot) in OracleOf::<T>::iter() {
			// A HyperNode that left keeps its place until its era is settled.
			ensure!(
				HyperNodes::<T>::contains_key(&owner)
					|| FinalizedEra::<T>::get().is_none_or(|f| slot.era > f),
				"a place of a HyperNode that left, kept past its era"
			);
			if EraOracleCount::<T>::contains_key(slot.era) {
				ensure!(
					Self::oracle_at(slot.era, slot.index).map(|(o, _)| o) == Some(owner),
					"a HyperNode's place differs from its era's pages"
				);
			}
		}
		for (owner, h) in HyperNodes::<T>::iter() {
			ensure!(
				!h.removed || Removals::<T>::contains_key(&owner),
				"a removed HyperNode without its removal record"
			);
		}
		for (era, node, fraction) in PendingSlashes::<T>::iter() {
			ensure!(
				era <= current && !fraction.is_zero(),
				"a pending slash of a future era, or of nothing"
			);
			ensure!(
				PendingSlashBases::<T>::contains_key(era, node),
				"a pending slash without its base"
			);
		}
		for (era, node) in PendingSlashBases::<T>::iter_keys() {
			ensure!(
				PendingSlashes::<T>::contains_key(era, node),
				"a slash base without its pending slash"
			);
		}
		if let Some(kept) = FailurePruning::<T>::get() {
			ensure!(
				Failures::<T>::iter_keys().all(|(era, _)| era >= kept),
				"failure records below the pruning cursor"
			);
		}
		Ok(())
	}
}
