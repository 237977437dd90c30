//! Attacks on the providers pallet, one test each, named after the attack: each failed
//! (the attacker won) on the code before its fix.

use crate::{mock::*, tests::spec, *};
use frame_support::{assert_noop, assert_ok, traits::Get};
use icn_primitives::providers::NodeRewards;
use icn_primitives::currency::ICNT;
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
		assert_ok!(Providers::register_node(RuntimeOrigin::signed(account(1)), spec(10), 10 * PER_UNIT, Default::default()));
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
		assert_ok!(Providers::register_node(RuntimeOrigin::signed(account(1)), s.clone(), 10 * PER_UNIT, Default::default()));
		assert_ok!(Providers::delegate(RuntimeOrigin::signed(account(2)), 0, 10 * PER_UNIT));
		let update = |pct| NodeUpdate { commission: Some(Perbill::from_percent(pct)), ..Default::default() };
		// Above the highest allowed: refused (and at registration too).
		assert_noop!(Providers::update_node(RuntimeOrigin::signed(account(1)), 0, update(100)), Error::<Test>::CommissionTooHigh);
		s.commission = Perbill::from_percent(51);
		assert_noop!(
			Providers::register_node(RuntimeOrigin::signed(account(3)), s, 10 * PER_UNIT, Default::default()),
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
		assert_ok!(Providers::register_node(RuntimeOrigin::signed(account(1)), spec(10), own, vec![0].try_into().unwrap()));
		let shares = <Providers as NodeRewards<_>>::reward_shares(0).unwrap();
		assert_eq!(shares.own_stake, 10 * PER_UNIT);
	});
}
