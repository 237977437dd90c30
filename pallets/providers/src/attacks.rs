//! Attacks on the providers pallet, one test each, named after the attack: each failed
//! (the attacker won) on the code before its fix.

use crate::{
	mock::*,
	tests::{links, spec},
	*,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Inspect, Get},
};
use icn_primitives::currency::ICNT;
use icn_primitives::providers::{NodeRewards, ProviderSlashing, SlashOutcome};
use sp_runtime::Perbill;

/// Nodes declaring `u32::MAX` units with no collateral at all filled a cluster for the whole
/// commitment (36 months) for the price of their fees (127 such nodes cost 1.42 ICNT on
/// `--dev`), and a real provider with full collateral was refused `ClusterFull`. A node now
/// registers only with its whole collateral (ICNT and Links) up front: a slot in a cluster
/// costs what the protocol says it costs.
#[test]
fn zero_collateral_nodes_fill_a_cluster() {
	new_test_ext().execute_with(|| {
		let max = <<Test as Config>::MaxNodesPerCluster as Get<u32>>::get();
		let per_provider = <<Test as Config>::MaxNodesPerProvider as Get<u32>>::get();
		// The squatters: as many providers as it takes, each with its most nodes.
		for i in 0..max {
			let who = RuntimeOrigin::signed(account(2 + (i / per_provider) as u8));
			assert_noop!(
				Providers::register_node(who.clone(), spec(u32::MAX), 0, Default::default()),
				Error::<Test>::InsufficientCollateral
			);
			// One planck short is short too.
			assert_noop!(
				Providers::register_node(who, spec(1), PER_UNIT - 1, Default::default()),
				Error::<Test>::InsufficientCollateral
			);
		}
		// The real provider gets its slot.
		assert_ok!(Providers::register_node(
			RuntimeOrigin::signed(account(1)),
			spec(10),
			10 * PER_UNIT,
			Default::default()
		));
		assert_eq!(Nodes::<Test>::get(0).map(|n| n.status), Some(NodeStatus::Active));
		Providers::do_try_state().expect("invariants hold");
	});
}

/// A provider raised its commission to 100 % at once, while its delegators were locked in
/// (active, or unbonding for 28 days): every reward after that went to the provider. A
/// raise now applies only after the unbonding delay (delegators who disagree leave first),
/// never above `max_commission`; a cut applies at once.
#[test]
fn delegators_rugged_by_a_commission_jump() {
	new_test_ext().execute_with(|| {
		let mut s = spec(10);
		s.commission = Perbill::from_percent(10);
		assert_ok!(Providers::register_node(
			RuntimeOrigin::signed(account(1)),
			s.clone(),
			10 * PER_UNIT,
			Default::default()
		));
		assert_ok!(Providers::delegate(RuntimeOrigin::signed(account(2)), 0, 10 * PER_UNIT));
		let update =
			|pct| NodeUpdate { commission: Some(Perbill::from_percent(pct)), ..Default::default() };
		// Above the highest allowed: refused (and at registration too).
		assert_noop!(
			Providers::update_node(RuntimeOrigin::signed(account(1)), 0, update(100)),
			Error::<Test>::CommissionTooHigh
		);
		s.commission = Perbill::from_percent(51);
		assert_noop!(
			Providers::register_node(
				RuntimeOrigin::signed(account(3)),
				s,
				10 * PER_UNIT,
				Default::default()
			),
			Error::<Test>::CommissionTooHigh
		);
		// A raise to 50 %: the delegators keep 90 % of their part until the delay is over.
		assert_ok!(Providers::update_node(RuntimeOrigin::signed(account(1)), 0, update(50)));
		let commission = || <Providers as NodeRewards<_>>::reward_shares(0).unwrap().commission;
		assert_eq!(commission(), Perbill::from_percent(10));
		System::set_block_number(System::block_number() + UNBONDING - 1);
		assert_eq!(commission(), Perbill::from_percent(10));
		System::set_block_number(System::block_number() + 1);
		assert_eq!(commission(), Perbill::from_percent(50));
		// Another change folds the due raise into the node (the invariants check it).
		let price = NodeUpdate { reservation_price: Some(ICNT), ..Default::default() };
		assert_ok!(Providers::update_node(RuntimeOrigin::signed(account(1)), 0, price));
		Providers::do_try_state().expect("invariants hold");
		// A cut applies at once.
		assert_ok!(Providers::update_node(RuntimeOrigin::signed(account(1)), 0, update(5)));
		assert_eq!(commission(), Perbill::from_percent(5));
		Providers::do_try_state().expect("invariants hold");
	});
}

/// The provider's Links backed the node but were left out of its own stake when rewards
/// were split: a provider backing a node with Links only got the commission and nothing
/// for its own stake. Its own stake is now all it backs the node with (ICNT and Links).
#[test]
fn links_left_out_of_the_providers_own_stake() {
	new_test_ext().execute_with(|| {
		// 10 units need 10 × PER_UNIT: one Link (LINK_VALUE) and ICNT for the rest.
		let own = 10 * PER_UNIT - LINK_VALUE;
		assert_ok!(Providers::register_node(
			RuntimeOrigin::signed(account(1)),
			spec(10),
			own,
			vec![0].try_into().unwrap()
		));
		let shares = <Providers as NodeRewards<_>>::reward_shares(0).unwrap();
		assert_eq!(shares.own_stake, 10 * PER_UNIT);
	});
}

/// Gives the treasury ICNT to pay a Link's excess from (on a real chain it holds the
/// protocol's allocation and every slash).
fn fund_treasury() {
	use frame_support::traits::fungible::Mutate;
	assert_ok!(Balances::transfer(
		&account(9),
		&Treasury::get(),
		100_000 * ICNT,
		frame_support::traits::tokens::Preservation::Preserve
	));
}

/// A node backed by Links alone lost a whole Link (2,500 ICNT here, 10,000 ICNT in
/// production) to a 1 % slash of 50 ICNT: any remainder seized a Link, whatever it was worth.
/// The Link still goes to the treasury, which pays its excess over the due back into the
/// provider's held collateral: every slash takes exactly what it says, repeated small
/// slashes included.
#[test]
fn a_small_slash_takes_a_whole_link() {
	run(|| {
		fund_treasury();
		let treasury = Balances::balance(&Treasury::get());
		// 5 units = 5,000 ICNT, backed by two Links and no ICNT.
		assert_ok!(Providers::register_node(
			RuntimeOrigin::signed(account(1)),
			spec(5),
			0,
			links(&[0, 1])
		));
		let outcome = <Providers as ProviderSlashing>::slash(0, Perbill::from_percent(1)).unwrap();
		assert_eq!(
			outcome,
			SlashOutcome {
				due: 50 * ICNT,
				links_seized: 1,
				returned: 2_450 * ICNT,
				..Default::default()
			}
		);
		let node = Nodes::<Test>::get(0).unwrap();
		assert_eq!(node.links.to_vec(), vec![0]);
		assert_eq!(node.collateral, 2_450 * ICNT);
		assert_eq!(Providers::backing(&node), 5_000 * ICNT - 50 * ICNT);
		assert_eq!(<Test as Config>::Links::owner(1), Some(Treasury::get()));
		// The treasury is up the Link and down its excess: 50 ICNT of value.
		assert_eq!(Balances::balance(&Treasury::get()), treasury - 2_450 * ICNT);
		// Two more 1 % slashes come out of the returned ICNT, 50 ICNT each.
		for i in 1..=2u128 {
			let outcome =
				<Providers as ProviderSlashing>::slash(0, Perbill::from_percent(1)).unwrap();
			assert_eq!(
				outcome,
				SlashOutcome { due: 50 * ICNT, own: 50 * ICNT, ..Default::default() }
			);
			assert_eq!(
				Providers::backing(&Nodes::<Test>::get(0).unwrap()),
				5_000 * ICNT - (1 + i) * 50 * ICNT
			);
		}
	});
}

/// Delegators paid a slash before the provider's own Links were touched (the protocol: own
/// collateral first, then delegators). Now the provider's ICNT, then its Links, and only
/// then its delegators.
#[test]
fn delegators_pay_before_the_providers_links() {
	run(|| {
		fund_treasury();
		// 5 units: 2,500 ICNT and one Link (2,500); a delegator with 1,000 ICNT.
		assert_ok!(Providers::register_node(
			RuntimeOrigin::signed(account(1)),
			spec(5),
			2_500 * ICNT,
			links(&[0])
		));
		assert_ok!(Providers::delegate(RuntimeOrigin::signed(account(5)), 0, 1_000 * ICNT));
		// 80 % of 5,000: 2,500 own ICNT, then 1,500 of the Link (1,000 returned); the
		// delegator pays nothing.
		let outcome = <Providers as ProviderSlashing>::slash(0, Perbill::from_percent(80)).unwrap();
		assert_eq!(
			outcome,
			SlashOutcome {
				due: 4_000 * ICNT,
				own: 2_500 * ICNT,
				links_seized: 1,
				returned: 1_000 * ICNT,
				..Default::default()
			}
		);
		assert_eq!(
			Providers::delegation_info(0, &account(5)).map(|d| d.active),
			Some(1_000 * ICNT)
		);
		// Once the provider's backing is gone, the delegator pays.
		let outcome = <Providers as ProviderSlashing>::slash(0, Perbill::from_percent(30)).unwrap();
		assert_eq!(
			outcome,
			SlashOutcome {
				due: 1_500 * ICNT,
				own: 1_000 * ICNT,
				delegated: 500 * ICNT,
				..Default::default()
			}
		);
		assert_eq!(Providers::delegation_info(0, &account(5)).map(|d| d.active), Some(500 * ICNT));
	});
}

/// A 4 KiB audit object backed any declared capacity: a node declaring 1,000 TiB proved it
/// stored 4 KiB. The audit object must now grow with the declared capacity
/// (`audit_bytes_per_unit`, up to the largest object), at registration, when the object is
/// replaced and when capacity grows. What remains is documented: the audit proves the object
/// is served, not that the rest of the capacity exists.
#[test]
fn any_capacity_backed_by_a_4_kib_object() {
	run(|| {
		let mut params = Params::<Test>::get();
		params.audit_bytes_per_unit = 1_000;
		assert_ok!(Providers::set_params(RuntimeOrigin::root(), params));
		// 10 units need 10,000 bytes: the test object has exactly that.
		let mut s = spec(11);
		assert_noop!(
			Providers::register_node(
				RuntimeOrigin::signed(account(1)),
				s.clone(),
				11 * PER_UNIT,
				Default::default()
			),
			Error::<Test>::AuditObjectTooSmall
		);
		s.capacity = 10;
		assert_ok!(Providers::register_node(
			RuntimeOrigin::signed(account(1)),
			s.clone(),
			11 * PER_UNIT,
			Default::default()
		));
		// Growing the capacity needs a larger object, in the same call or before.
		let grow = NodeUpdate { capacity: Some(11), ..Default::default() };
		assert_noop!(
			Providers::update_node(RuntimeOrigin::signed(account(1)), 0, grow.clone()),
			Error::<Test>::AuditObjectTooSmall
		);
		let mut audit = s.audit.clone();
		audit.size = 11_000;
		assert_ok!(Providers::update_node(
			RuntimeOrigin::signed(account(1)),
			0,
			NodeUpdate { audit: Some(audit.clone()), ..grow }
		));
		// Swapping in a smaller object is refused; shrinking capacity is always allowed.
		audit.size = 4_096;
		let swap = NodeUpdate { audit: Some(audit), ..Default::default() };
		assert_noop!(
			Providers::update_node(RuntimeOrigin::signed(account(1)), 0, swap),
			Error::<Test>::AuditObjectTooSmall
		);
		assert_ok!(Providers::update_node(
			RuntimeOrigin::signed(account(1)),
			0,
			NodeUpdate { capacity: Some(1), ..Default::default() }
		));
		// The requirement stops at the largest audit object allowed.
		let largest = u64::from(<<Test as Config>::MaxAuditChunks as Get<u32>>::get()) * 4096;
		assert_eq!(Providers::audit_size_for(u32::MAX), largest);
	});
}

/// Attacks on the delegation pools (pull-based rewards, lazy slashes).
mod pools {
	use super::*;
	use frame_support::traits::fungible::{InspectHold, Mutate};

	fn register_node() -> NodeId {
		assert_ok!(Providers::register_node(
			RuntimeOrigin::signed(account(1)),
			spec(10),
			10 * PER_UNIT,
			Default::default()
		));
		0
	}

	fn delegate(who: u8, amount: Balance) {
		assert_ok!(Providers::delegate(RuntimeOrigin::signed(account(who)), 0, amount));
	}

	/// Rewards `amount` to node 0's delegators, as the SLA oracle or the marketplace does.
	fn reward(amount: Balance) {
		assert_ok!(<Balances as Mutate<_>>::transfer(
			&account(9),
			&Providers::pot(),
			amount,
			frame_support::traits::tokens::Preservation::Preserve
		));
		assert_ok!(<Providers as NodeRewards<_>>::credit_delegators(0, amount));
	}

	fn claimable(who: u8) -> Balance {
		Providers::delegation_info(0, &account(who)).map(|d| d.claimable).unwrap_or(0)
	}

	/// With at most 8 (runtime: 32) delegators per node, that many accounts delegating the
	/// minimum (8 × 10 ICNT here, 32 × 1 ICNT on the runtime) shut every other ICNT holder
	/// out of a node (`TooManyDelegators`): a cheap squat on the best nodes. There is no cap
	/// any more: rewards and slashes cost the same for one delegator or a million.
	#[test]
	fn delegator_slots_squatted_with_minimum_delegations() {
		run(|| {
			register_node();
			for i in 0..8u8 {
				let who = account(100 + i);
				<Balances as Mutate<_>>::set_balance(&who, 100 * ICNT);
				assert_ok!(Providers::delegate(RuntimeOrigin::signed(who), 0, 10 * ICNT));
			}
			delegate(5, 1_000 * ICNT);
			assert_eq!(DelegationPools::<Test>::get(0).unwrap().delegators, 9);
		});
	}

	/// Delegating just before rewards are credited and leaving right after must not take a
	/// part of rewards earned before the delegation: a delegation starts at the pool's
	/// current reward index.
	#[test]
	fn joining_after_a_reward_takes_none_of_it() {
		run(|| {
			register_node();
			delegate(5, 100 * ICNT);
			reward(50 * ICNT);
			delegate(6, 10_000 * ICNT);
			assert_eq!(claimable(6), 0);
			assert_eq!(claimable(5), 50 * ICNT);
			// From now on, by stake.
			reward(101 * ICNT);
			assert_eq!(claimable(6), 100 * ICNT);
			assert_eq!(claimable(5), 51 * ICNT);
		});
	}

	/// A claim pays once; a second claim, or a claim by someone else, pays nothing.
	#[test]
	fn claiming_twice() {
		run(|| {
			register_node();
			delegate(5, 100 * ICNT);
			reward(30 * ICNT);
			let before = Balances::balance(&account(5));
			assert_ok!(Providers::claim_rewards(RuntimeOrigin::signed(account(5)), 0));
			assert_eq!(Balances::balance(&account(5)), before + 30 * ICNT);
			assert_noop!(
				Providers::claim_rewards(RuntimeOrigin::signed(account(5)), 0),
				Error::<Test>::NothingToClaim
			);
			assert_noop!(
				Providers::claim_rewards(RuntimeOrigin::signed(account(6)), 0),
				Error::<Test>::NotDelegated
			);
		});
	}

	/// A slash lands on the pool at once; a delegator who then withdraws (its unbonding
	/// having started before the slash) must still pay its part: withdrawing settles the
	/// delegation first, and what comes back is what its points are worth.
	#[test]
	fn withdrawing_before_the_slash_is_applied() {
		run(|| {
			register_node();
			delegate(5, 1_000 * ICNT);
			delegate(6, 1_000 * ICNT);
			assert_ok!(Providers::undelegate(RuntimeOrigin::signed(account(5)), 0, 1_000 * ICNT));
			// Everything own is taken, then 500 ICNT of the delegators' 2,000 (25 %).
			let base = 10 * PER_UNIT + 500 * ICNT;
			let outcome = Providers::do_slash_from(0, Perbill::one(), base).unwrap();
			assert_eq!(outcome.delegated, 500 * ICNT);
			frame_system::Pallet::<Test>::set_block_number(100);
			let (free, treasury) =
				(Balances::balance(&account(5)), Balances::balance(&Treasury::get()));
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(account(5)), 0));
			assert_eq!(Balances::balance(&account(5)), free + 750 * ICNT);
			assert_eq!(Balances::balance(&Treasury::get()), treasury + 250 * ICNT);
			assert_eq!(Balances::balance_on_hold(&HoldReason::HpDelegation.into(), &account(5)), 0);
		});
	}

	/// A delegator joining after a slash must not pay for it (its ICNT buys points at the
	/// slashed rate), nor dilute the part the earlier delegators still owe.
	#[test]
	fn joining_after_a_slash_pays_none_of_it() {
		run(|| {
			register_node();
			delegate(5, 1_000 * ICNT);
			Providers::do_slash_from(0, Perbill::one(), 10 * PER_UNIT + 500 * ICNT).unwrap();
			delegate(6, 1_000 * ICNT);
			let info = Providers::delegation_info(0, &account(6)).unwrap();
			assert_eq!((info.active, info.unapplied_slash), (1_000 * ICNT, 0));
			let info = Providers::delegation_info(0, &account(5)).unwrap();
			assert_eq!((info.active, info.unapplied_slash), (500 * ICNT, 500 * ICNT));
		});
	}

	/// Once slashed to nothing, a pool's old points are worthless: a new delegation cannot
	/// buy points against them (it would hand its ICNT to the old delegators), so it waits
	/// until they leave — which they can at once, and anyone can make them.
	#[test]
	fn delegating_into_a_wiped_pool() {
		run(|| {
			register_node();
			delegate(5, 1_000 * ICNT);
			Providers::do_slash_from(0, Perbill::one(), 20 * PER_UNIT).unwrap();
			assert_noop!(
				Providers::delegate(RuntimeOrigin::signed(account(6)), 0, 1_000 * ICNT),
				Error::<Test>::NodeStakeWiped
			);
			// Anyone applies the slash; the worthless delegation then leaves at once.
			assert_ok!(Providers::apply_slash(RuntimeOrigin::signed(account(9)), 0, account(5)));
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(account(5)), 0));
			assert!(DelegationPools::<Test>::get(0).is_none());
			delegate(6, 1_000 * ICNT);
			assert_eq!(Providers::delegation_info(0, &account(6)).unwrap().active, 1_000 * ICNT);
		});
	}

	/// Rounding must never let the delegators claim more than was paid to them: odd
	/// stakes, odd rewards and many claims leave the pot covering every claim
	/// (`try_state`, run after every test, checks claimed + claimable ≤ paid).
	#[test]
	fn rounding_drains_the_pot() {
		run(|| {
			register_node();
			for (who, s) in [(5u8, 10 * ICNT + 1), (6, 33 * ICNT + 7), (7, 1_000 * ICNT + 3)] {
				delegate(who, s);
			}
			for r in 1..=20u128 {
				reward(r * 7 + 3);
				for who in [5u8, 6, 7] {
					let _ = Providers::claim_rewards(RuntimeOrigin::signed(account(who)), 0);
				}
			}
			assert_ok!(Providers::do_try_state());
		});
	}
}
