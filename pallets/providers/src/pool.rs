//! Delegation pools: pull-based delegator rewards and lazy delegator slashes (see
//! [`DelegationPool`]). Nothing here loops over a node's delegators: an era's reward or a
//! slash of a node touches its pool only, and each delegation catches up with its pool when
//! it is next touched ([`Pallet::settle`]).

use crate::{pallet::*, *};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
	},
};
use frame_system::pallet_prelude::*;
use sp_runtime::{traits::AccountIdConversion, FixedPointNumber, FixedU128};

/// A delegation as the pallet keeps it.
pub(crate) type DelegationOf<T> = Delegation<BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// The pot: the account delegators' rewards are paid into and claimed from. It keeps the
	/// existential deposit (moved there from the treasury at genesis, or by the v3 migration)
	/// plus every pool's unclaimed rewards.
	pub fn pot() -> T::AccountId {
		T::PalletId::get().into_sub_account_truncating(b"rewards")
	}

	/// Moves the existential deposit from the treasury into the pot if the pot has less;
	/// returns whether the pot can now take any amount.
	pub(crate) fn fund_pot() -> bool {
		let pot = Self::pot();
		let ed = T::Currency::minimum_balance();
		let have = T::Currency::balance(&pot);
		if have >= ed {
			return true;
		}
		let moved =
			T::Currency::transfer(&T::Treasury::get(), &pot, ed - have, Preservation::Expendable);
		if moved.is_err() {
			log::warn!(
				target: "runtime::providers",
				"the treasury could not fund the delegators' pot with the existential deposit: \
				 rewards below it cannot be paid into the pot until it holds that much"
			);
		}
		moved.is_ok()
	}

	/// Brings `d` (of `who`, in `node`'s `pool`) up to date with its pool: the rewards its
	/// active points earned since it was last settled go into its `unclaimed`, and its part
	/// of the pool's unapplied slashes (what it holds above its points' worth, at most what
	/// is unapplied) moves from its held ICNT to the treasury. Returns what was slashed.
	pub(crate) fn settle(
		node: NodeId,
		who: &T::AccountId,
		pool: &mut DelegationPool,
		d: &mut DelegationOf<T>,
	) -> Result<Balance, DispatchError> {
		let earned = pool.rewards_since(d.active, d.reward_index);
		d.unclaimed = d.unclaimed.saturating_add(earned);
		d.reward_index = pool.reward_per_point;
		let worth = pool.value_of(d.points());
		let owed = d.held.saturating_sub(worth).min(pool.unapplied);
		if owed > 0 {
			T::Currency::transfer_on_hold(
				&HoldReason::HpDelegation.into(),
				who,
				&T::Treasury::get(),
				owed,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)?;
			d.held -= owed;
			pool.unapplied -= owed;
			Self::deposit_event(Event::DelegatorSlashed {
				node,
				delegator: who.clone(),
				amount: owed,
			});
		}
		Ok(owed)
	}

	/// Pays `d`'s unclaimed rewards out of the pot to `who`.
	pub(crate) fn pay_out(
		node: NodeId,
		who: &T::AccountId,
		pool: &mut DelegationPool,
		d: &mut DelegationOf<T>,
	) -> Result<Balance, DispatchError> {
		let amount = d.unclaimed;
		if amount == 0 {
			return Ok(0);
		}
		T::Currency::transfer(&Self::pot(), who, amount, Preservation::Preserve)?;
		d.unclaimed = 0;
		pool.claimed = pool.claimed.saturating_add(amount);
		Self::deposit_event(Event::RewardsClaimed { node, delegator: who.clone(), amount });
		Ok(amount)
	}

	/// Stores `d` and `pool` after a change: an empty delegation (no points, nothing held or
	/// unclaimed) is removed, and so is a pool left with no delegation.
	pub(crate) fn store(
		node: NodeId,
		who: &T::AccountId,
		mut pool: DelegationPool,
		d: DelegationOf<T>,
		existed: bool,
	) {
		let empty = d.points() == 0 && d.held == 0 && d.unclaimed == 0;
		match (existed, empty) {
			(true, true) => {
				Delegations::<T>::remove(node, who);
				pool.delegators = pool.delegators.saturating_sub(1);
			},
			(false, true) => {},
			(existed, false) => {
				if !existed {
					pool.delegators = pool.delegators.saturating_add(1);
				}
				Delegations::<T>::insert(node, who, d);
			},
		}
		if pool.delegators == 0 {
			DelegationPools::<T>::remove(node);
		} else {
			DelegationPools::<T>::insert(node, pool);
		}
	}

	/// `who`'s delegation to `node` and the pool, settled.
	pub(crate) fn settled(
		node: NodeId,
		who: &T::AccountId,
	) -> Result<(DelegationPool, DelegationOf<T>), DispatchError> {
		let mut d = Delegations::<T>::get(node, who).ok_or(Error::<T>::NotDelegated)?;
		let mut pool = DelegationPools::<T>::get(node).ok_or(Error::<T>::NotDelegated)?;
		Self::settle(node, who, &mut pool, &mut d)?;
		Ok((pool, d))
	}

	/// The body of [`Pallet::delegate`], its origin checked.
	pub(crate) fn do_delegate(who: T::AccountId, node: NodeId, amount: Balance) -> DispatchResult {
		let record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
		ensure!(!matches!(record.status, NodeStatus::Exiting { .. }), Error::<T>::NodeIsExiting);
		ensure!(amount > 0, Error::<T>::BelowMinimumDelegation);
		let mut pool = DelegationPools::<T>::get(node).unwrap_or_default();
		let existing = Delegations::<T>::get(node, &who);
		let existed = existing.is_some();
		let mut d = existing
			.unwrap_or(Delegation { reward_index: pool.reward_per_point, ..Default::default() });
		Self::settle(node, &who, &mut pool, &mut d)?;
		let points = pool.points_for(amount).ok_or(Error::<T>::NodeStakeWiped)?;
		ensure!(
			pool.value_of(d.active).saturating_add(amount) >= Params::<T>::get().min_delegation,
			Error::<T>::BelowMinimumDelegation
		);
		T::Currency::hold(&HoldReason::HpDelegation.into(), &who, amount)?;
		d.held = d.held.saturating_add(amount);
		d.active = d.active.saturating_add(points);
		pool.points = pool.points.saturating_add(points);
		pool.active_points = pool.active_points.saturating_add(points);
		pool.value = pool.value.saturating_add(amount);
		Self::store(node, &who, pool, d, existed);
		Self::deposit_event(Event::Delegated { node, delegator: who, amount });
		Ok(())
	}

	/// The body of [`Pallet::undelegate`], its origin checked.
	pub(crate) fn do_undelegate(
		who: T::AccountId,
		node: NodeId,
		amount: Balance,
	) -> DispatchResult {
		let (mut pool, mut d) = Self::settled(node, &who)?;
		let worth = pool.value_of(d.active);
		ensure!(amount > 0 && amount <= worth, Error::<T>::NotEnoughDelegated);
		let points = if amount == worth {
			d.active
		} else {
			pool.points_worth(amount).ok_or(Error::<T>::NotEnoughDelegated)?.min(d.active)
		};
		let rest = d.active - points;
		ensure!(
			rest == 0 || pool.value_of(rest) >= Params::<T>::get().min_delegation,
			Error::<T>::BelowMinimumDelegation
		);
		let unlock_at = Self::after_unbonding();
		d.active = rest;
		d.unbonding = d.unbonding.saturating_add(points);
		d.unlock_at = unlock_at;
		pool.active_points = pool.active_points.saturating_sub(points);
		Self::store(node, &who, pool, d, true);
		Self::deposit_event(Event::Undelegated { node, delegator: who, amount, unlock_at });
		Ok(())
	}

	/// The body of [`Pallet::withdraw_unbonded`], its origin checked. Once the node has left
	/// (or its delegations were slashed to nothing) every point can be withdrawn at once.
	pub(crate) fn do_withdraw_unbonded(who: T::AccountId, node: NodeId) -> DispatchResult {
		let (mut pool, mut d) = Self::settled(node, &who)?;
		// Unbonding stake is slashable until withdrawn: not while a slash is pending.
		ensure!(!T::SlashQueue::is_pending(node), Error::<T>::SlashPending);
		let all = !Nodes::<T>::contains_key(node) || pool.value == 0;
		let (active, unbonding) = if all {
			(d.active, d.unbonding)
		} else {
			ensure!(
				frame_system::Pallet::<T>::block_number() >= d.unlock_at,
				Error::<T>::StillUnbonding
			);
			(0, d.unbonding)
		};
		let points = active.saturating_add(unbonding);
		ensure!(points > 0, Error::<T>::NothingToWithdraw);
		let mut amount = pool.value_of(points).min(d.held);
		d.active -= active;
		d.unbonding -= unbonding;
		pool.active_points = pool.active_points.saturating_sub(active);
		pool.points = pool.points.saturating_sub(points);
		if d.points() == 0 {
			// The rounding left over, if any, goes with the last points.
			amount = d.held;
		}
		pool.value = pool.value.saturating_sub(amount);
		if amount > 0 {
			T::Currency::release(&HoldReason::HpDelegation.into(), &who, amount, Precision::Exact)?;
		}
		d.held -= amount;
		Self::deposit_event(Event::Withdrawn { node, delegator: who.clone(), amount });
		if d.points() == 0 {
			// Leaving: the rewards come along (or stay claimable if the pot cannot pay them
			// to this account now, e.g. below its existential deposit).
			let _ = frame_support::storage::with_storage_layer(|| {
				Self::pay_out(node, &who, &mut pool, &mut d)
			});
		}
		Self::store(node, &who, pool, d, true);
		Ok(())
	}

	/// The body of [`Pallet::claim_rewards`], its origin checked.
	pub(crate) fn do_claim_rewards(who: T::AccountId, node: NodeId) -> DispatchResult {
		let (mut pool, mut d) = Self::settled(node, &who)?;
		ensure!(d.unclaimed > 0, Error::<T>::NothingToClaim);
		Self::pay_out(node, &who, &mut pool, &mut d)?;
		Self::store(node, &who, pool, d, true);
		Ok(())
	}

	/// The body of [`Pallet::apply_slash`] (anyone may call it).
	pub(crate) fn do_apply_slash(node: NodeId, who: T::AccountId) -> DispatchResult {
		let (pool, d) = Self::settled(node, &who)?;
		ensure!(
			Delegations::<T>::get(node, &who).is_some_and(|old| old.held != d.held),
			Error::<T>::NothingToApply
		);
		Self::store(node, &who, pool, d, true);
		Ok(())
	}

	/// Credits `amount`, just moved into the pot, to `node`'s delegators: it raises the
	/// pool's reward per active point. Fails (changing nothing) when the node has no active
	/// delegation or the index would overflow.
	pub(crate) fn do_credit_delegators(node: NodeId, amount: Balance) -> DispatchResult {
		let mut pool = DelegationPools::<T>::get(node)
			.filter(|p| p.active_points > 0)
			.ok_or(Error::<T>::NoDelegators)?;
		let per_point = FixedU128::checked_from_rational(amount, pool.active_points)
			.ok_or(Error::<T>::Overflow)?;
		pool.reward_per_point =
			pool.reward_per_point.checked_add(&per_point).ok_or(Error::<T>::Overflow)?;
		pool.paid = pool.paid.saturating_add(amount);
		DelegationPools::<T>::insert(node, pool);
		Self::deposit_event(Event::DelegatorsRewarded { node, amount });
		Ok(())
	}

	/// `who`'s delegation to `node` as the runtime API shows it: what it is worth and may
	/// claim now, as if it were settled.
	pub fn delegation_info(
		node: NodeId,
		who: &T::AccountId,
	) -> Option<runtime_api::DelegationInfo<BlockNumberFor<T>>> {
		let d = Delegations::<T>::get(node, who)?;
		let pool = DelegationPools::<T>::get(node)?;
		let worth = pool.value_of(d.points());
		let owed = d.held.saturating_sub(worth).min(pool.unapplied);
		let active = pool.value_of(d.active);
		Some(runtime_api::DelegationInfo {
			active,
			unbonding: worth.saturating_sub(active),
			unlock_at: d.unlock_at,
			held: d.held,
			unapplied_slash: owed,
			claimable: d.unclaimed.saturating_add(pool.rewards_since(d.active, d.reward_index)),
		})
	}

	/// The invariants of the pools: each pool's points, active points, count and
	/// `value + unapplied` match its delegations; claimed plus what the delegations can
	/// claim is at most what was paid in; the pot holds every pool's unclaimed rewards
	/// above its existential deposit. Adds each account's held ICNT to `held`.
	pub(crate) fn pools_try_state(
		held: &mut alloc::collections::btree_map::BTreeMap<T::AccountId, Balance>,
	) -> Result<(), sp_runtime::TryRuntimeError> {
		let mut owed_by_pot: Balance = 0;
		for (node, pool) in DelegationPools::<T>::iter() {
			let (mut points, mut active, mut sum_held, mut count) = (0u128, 0u128, 0u128, 0u32);
			let mut claimable: Balance = 0;
			for (who, d) in Delegations::<T>::iter_prefix(node) {
				ensure!(d.points() > 0 || d.held > 0 || d.unclaimed > 0, "empty delegation kept");
				ensure!(d.reward_index <= pool.reward_per_point, "a delegation ahead of its pool");
				points = points.saturating_add(d.points());
				active = active.saturating_add(d.active);
				sum_held = sum_held.saturating_add(d.held);
				count += 1;
				claimable = claimable
					.saturating_add(d.unclaimed)
					.saturating_add(pool.rewards_since(d.active, d.reward_index));
				let e = held.entry(who).or_default();
				*e = e.saturating_add(d.held);
			}
			ensure!(count > 0, "a pool with no delegation kept");
			ensure!(count == pool.delegators, "pool delegator count differs from its delegations");
			ensure!(points == pool.points, "pool points differ from its delegations");
			ensure!(active == pool.active_points, "pool active points differ from its delegations");
			ensure!(
				sum_held == pool.value.saturating_add(pool.unapplied),
				"held delegations differ from the pool's value and unapplied slashes"
			);
			ensure!(
				pool.claimed.saturating_add(claimable) <= pool.paid,
				"delegators can claim more than was paid to them"
			);
			owed_by_pot = owed_by_pot.saturating_add(pool.paid.saturating_sub(pool.claimed));
		}
		for (node, _) in Delegations::<T>::iter_keys().map(|k| (k.0, k.1)) {
			ensure!(DelegationPools::<T>::contains_key(node), "a delegation without its pool");
		}
		if owed_by_pot > 0 {
			ensure!(
				T::Currency::balance(&Self::pot())
					>= owed_by_pot.saturating_add(T::Currency::minimum_balance()),
				"the pot holds less than the delegators' unclaimed rewards"
			);
		}
		Ok(())
	}
}
