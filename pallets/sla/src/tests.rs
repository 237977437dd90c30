//! Tests of the SLA oracle: HyperNodes and Links, era snapshots and assignment, report
//! validation, aggregation (quorum, majority, median), the repair window and deferred,
//! cancellable slashes, accuracy and removal; era rewards out of the pool; and the off-chain
//! worker's probes against expected HTTP requests.

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, dispatch::Pays, BoundedVec};
use icn_primitives::currency::ICNT;
use pallet_icn_providers::AuditObject;

fn origin(n: u8) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(n))
}

fn audit(root: [u8; 32]) -> AuditObject {
	AuditObject {
		path: b"audit/object.bin".to_vec().try_into().unwrap(),
		size: 10_000,
		chunk_size: 4096,
		root,
	}
}

/// HyperNodes of accounts 11.., each signing with its own account and staking its Link.
fn hypernodes(count: u8) {
	for i in 0..count {
		let n = 11 + i;
		assert_ok!(register(n));
		assert_ok!(Sla::stake_link(origin(n), i as u32));
	}
}

/// The oracles of `era`'s snapshot, in index order.
pub(crate) fn oracles(era: EraIndex) -> Vec<sp_runtime::AccountId32> {
	(0..EraOracleCount::<Test>::get(era))
		.map(|i| Sla::oracle_at(era, i).expect("an oracle per index").0)
		.collect()
}

/// `owner`'s report bookkeeping in `era`: node results reported and the last node.
fn reported_in(era: EraIndex, owner: sp_runtime::AccountId32) -> Option<(u32, Option<NodeId>)> {
	OracleOf::<Test>::get(owner)
		.filter(|s| s.era == era)
		.map(|s| (s.reported, s.up_to))
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Sla(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn report(
	n: u8,
	era: EraIndex,
	results: Vec<(NodeId, ProbeOutcome)>,
) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Sla::submit_report(RuntimeOrigin::signed(signer(n)), era, BoundedVec::truncate_from(results))
}

const OK: ProbeOutcome = ProbeOutcome::Ok { latency_ms: 20 };
const DOWN: ProbeOutcome = ProbeOutcome::Failed(ProbeFailure::Timeout);

fn start_of(era: EraIndex) -> u64 {
	u64::from(era) * ERA
}

mod hypernodes {
	use super::*;

	#[test]
	fn register_stake_unstake_deregister() {
		run(|| {
			let addr: BoundedVec<u8, _> = b"oracle.example.com".to_vec().try_into().unwrap();
			let own = || proof(&oracle_key(11), &account(11));
			assert_noop!(
				Sla::register_hypernode(origin(11), signer(11), *b"de", addr.clone(), own()),
				Error::<Test>::BadLocation
			);
			assert_noop!(
				Sla::register_hypernode(origin(11), signer(11), *b"DE", Default::default(), own()),
				Error::<Test>::EmptyAddress
			);
			assert_ok!(Sla::register_hypernode(
				origin(11),
				signer(11),
				*b"DE",
				addr.clone(),
				own()
			));
			assert_noop!(
				Sla::register_hypernode(
					origin(11),
					signer(12),
					*b"DE",
					addr.clone(),
					proof(&oracle_key(12), &account(11))
				),
				Error::<Test>::AlreadyRegistered
			);
			assert_noop!(
				Sla::register_hypernode(
					origin(12),
					signer(11),
					*b"DE",
					addr.clone(),
					proof(&oracle_key(11), &account(12))
				),
				Error::<Test>::SignerInUse
			);
			assert!(!HyperNodes::<Test>::get(account(11)).unwrap().is_active());
			// Link 1 is account 12's; Link 0 is account 11's.
			assert_noop!(Sla::stake_link(origin(11), 1), Error::<Test>::NotLinkOwner);
			assert_noop!(Sla::stake_link(origin(11), 99), Error::<Test>::UnknownLink);
			assert_ok!(Sla::stake_link(origin(11), 0));
			assert!(HyperNodes::<Test>::get(account(11)).unwrap().is_active());
			assert!(<Test as Config>::Links::is_locked(0));
			// A staked Link can't be staked again, nor back a provider node.
			assert_noop!(Sla::stake_link(origin(11), 0), Error::<Test>::LinkInUse);
			assert_noop!(
				Providers::register_node(
					origin(11),
					spec("http://127.0.0.1:1", audit([1; 32])),
					0,
					vec![0].try_into().unwrap()
				),
				pallet_icn_providers::Error::<Test>::LinkInUse
			);
			assert_ok!(Sla::unstake_link(origin(11), 0));
			assert!(!<Test as Config>::Links::is_locked(0));
			assert_noop!(Sla::unstake_link(origin(11), 0), Error::<Test>::LinkNotStaked);
			assert_ok!(Sla::stake_link(origin(11), 0));
			assert_ok!(Sla::deregister_hypernode(origin(11)));
			assert!(!<Test as Config>::Links::is_locked(0));
			assert!(HyperNodes::<Test>::get(account(11)).is_none());
			assert!(events().contains(&Event::HyperNodeDeregistered { owner: account(11) }));
		});
	}

	#[test]
	fn a_link_backing_a_provider_node_cannot_be_staked() {
		run(|| {
			let id = pallet_icn_providers::NextNodeId::<Test>::get();
			assert_ok!(Providers::register_node(
				origin(11),
				spec("http://127.0.0.1:1", audit([1; 32])),
				0,
				vec![0].try_into().unwrap()
			));
			let _ = id;
			assert_ok!(register(11));
			assert_noop!(Sla::stake_link(origin(11), 0), Error::<Test>::LinkInUse);
		});
	}
}

mod reports {
	use super::*;

	/// What the pool's `CheckReport` says of a report of `n`.
	fn check(
		n: u8,
		era: EraIndex,
		results: Vec<(NodeId, ProbeOutcome)>,
	) -> Result<
		(sp_runtime::transaction_validity::ValidTransaction, (), RuntimeOrigin),
		sp_runtime::transaction_validity::TransactionValidityError,
	> {
		use frame_support::dispatch::GetDispatchInfo;
		use sp_runtime::{traits::DispatchTransaction, transaction_validity::TransactionSource};
		let call = RuntimeCall::Sla(Call::submit_report {
			era,
			results: BoundedVec::truncate_from(results),
		});
		CheckReport::<Test>::new().validate_only(
			RuntimeOrigin::signed(signer(n)),
			&call,
			&call.get_dispatch_info(),
			0,
			TransactionSource::External,
			0,
		)
	}

	/// The pool's refusal for `e`: `Custom(its index)`.
	fn refused(
		e: Error<Test>,
	) -> Result<(), sp_runtime::transaction_validity::TransactionValidityError> {
		use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
		let index = match sp_runtime::DispatchError::from(e) {
			sp_runtime::DispatchError::Module(m) => m.error[0],
			_ => u8::MAX,
		};
		Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(index)))
	}

	#[test]
	fn eras_snapshot_the_active_hypernodes_with_their_randomness() {
		run(|| {
			hypernodes(3);
			// Era 0 began before they registered.
			assert!(oracles(0).is_empty());
			run_to_block(start_of(1));
			assert_eq!(CurrentEra::<Test>::get(), Some(1));
			let oracles = oracles(1);
			assert_eq!(oracles.len(), 3);
			// Each knows its place in one read.
			for (i, o) in oracles.iter().enumerate() {
				assert_eq!(Sla::oracle_index(o, 1), Some(i as u32));
			}
			assert!(EraSeeds::<Test>::get(1).is_some());
			assert!(events().contains(&Event::EraStarted { era: 1, oracle_count: 3 }));
		});
	}

	#[test]
	fn a_report_lists_its_nodes_once_in_ascending_order() {
		run(|| {
			hypernodes(3);
			let a = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			let b = provider_node(2, "http://127.0.0.1:8081", audit([2; 32]));
			assert!(a < b);
			run_to_block(start_of(1) + 1);
			// The worker's order is the assignment's: ascending.
			assert_eq!(Sla::assignments(&account(11), 1), vec![a, b]);
			assert_noop!(report(11, 1, vec![(b, OK), (a, OK)]), Error::<Test>::DuplicateNode);
			assert_noop!(
				report(11, 1, vec![(a, OK), (b, OK), (b, OK)]),
				Error::<Test>::DuplicateNode
			);
			assert_ok!(report(11, 1, vec![(a, OK), (b, OK)]));
		});
	}

	#[test]
	fn a_report_comes_in_ascending_disjoint_parts() {
		run(|| {
			hypernodes(3);
			let nodes: Vec<NodeId> = (0..4)
				.map(|i| provider_node(1 + i, "http://127.0.0.1:8080", audit([1; 32])))
				.collect();
			run_to_block(start_of(1) + 1);
			assert_eq!(Sla::assignments(&account(11), 1), nodes);
			// The first part, then one starting after it: both accepted, both free.
			let post = report(11, 1, vec![(nodes[0], OK), (nodes[1], OK)]).expect("first part");
			assert_eq!(post.pays_fee, Pays::No);
			assert_eq!(reported_in(1, account(11)), Some((2, Some(nodes[1]))));
			// A part overlapping or before what was reported is a duplicate.
			assert_noop!(
				report(11, 1, vec![(nodes[1], OK), (nodes[2], OK)]),
				Error::<Test>::DuplicateReport
			);
			assert_noop!(report(11, 1, vec![(nodes[0], OK)]), Error::<Test>::DuplicateReport);
			assert_eq!(
				check(11, 1, vec![(nodes[1], OK)]).map(|_| ()),
				refused(Error::<Test>::DuplicateReport)
			);
			// The pool tells parts apart by their first node.
			let (valid, ..) = check(11, 1, vec![(nodes[2], OK)]).expect("the next part is valid");
			assert_eq!(
				valid.provides,
				vec![("IcnSlaReport", (1u32, account(11), Some(nodes[2]))).encode()]
			);
			assert_ok!(report(11, 1, vec![(nodes[2], OK), (nodes[3], OK)]));
			assert_eq!(reported_in(1, account(11)), Some((4, Some(nodes[3]))));
			for node in &nodes {
				assert_eq!(Reports::<Test>::get(1, node).len(), 1);
			}
			// The next era starts a new report.
			run_to_block(start_of(2) + 1);
			assert_eq!(reported_in(2, account(11)), Some((0, None)));
			assert_eq!(reported_in(1, account(11)), None);
			// What monitoring reads: the last era it reported in, and how much.
			assert_eq!(
				OracleOf::<Test>::get(account(11)).and_then(|s| s.last_report),
				Some((1, 4))
			);
		});
	}

	#[test]
	fn a_node_registered_during_an_era_is_probed_from_the_next() {
		run(|| {
			hypernodes(3);
			let early = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			run_to_block(start_of(1) + 1);
			let late = provider_node(2, "http://127.0.0.1:8081", audit([2; 32]));
			assert_eq!(EraNodeBound::<Test>::get(1), Some(late));
			// Era 1 knows only the nodes that existed when it started.
			assert_eq!(Sla::assignments(&account(11), 1), vec![early]);
			assert_noop!(report(11, 1, vec![(early, OK), (late, OK)]), Error::<Test>::NotAssigned);
			assert_ok!(report(11, 1, vec![(early, OK)]));
			run_to_block(start_of(2) + 1);
			assert_eq!(Sla::assignments(&account(11), 2), vec![early, late]);
		});
	}

	#[test]
	fn a_report_is_checked_and_free_when_accepted() {
		run(|| {
			hypernodes(3);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			run_to_block(start_of(1) + 1);
			// Every oracle is assigned (k = min(3, 5) = 3).
			for n in 11..=13 {
				assert_eq!(Sla::assignments(&account(n), 1), vec![node]);
			}
			assert_noop!(report(11, 0, vec![(node, OK)]), Error::<Test>::WrongEra);
			assert_noop!(report(11, 2, vec![(node, OK)]), Error::<Test>::WrongEra);
			assert_noop!(report(5, 1, vec![(node, OK)]), Error::<Test>::NotAnOracle);
			assert_noop!(report(11, 1, vec![(node + 1, OK)]), Error::<Test>::NotAssigned);
			assert_noop!(report(11, 1, vec![(node, OK), (node, OK)]), Error::<Test>::DuplicateNode);
			assert_noop!(report(11, 1, vec![]), Error::<Test>::EmptyReport);
			let post = report(11, 1, vec![(node, OK)]).expect("accepted");
			assert_eq!(post.pays_fee, Pays::No);
			assert_noop!(report(11, 1, vec![(node, OK)]), Error::<Test>::DuplicateReport);
			assert!(events().contains(&Event::ReportAccepted {
				owner: account(11),
				era: 1,
				results: 1
			}));
			assert_eq!(Reports::<Test>::get(1, node).len(), 1);
		});
	}

	#[test]
	fn the_pool_refuses_invalid_reports_with_the_pallet_error_and_tags_valid_ones() {
		use frame_support::dispatch::GetDispatchInfo;
		use sp_runtime::{
			traits::DispatchTransaction,
			transaction_validity::{InvalidTransaction, TransactionSource},
		};
		run(|| {
			hypernodes(3);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			run_to_block(start_of(1) + 1);
			assert_eq!(
				check(11, 2, vec![(node, OK)]).map(|_| ()),
				refused(Error::<Test>::WrongEra)
			);
			assert_eq!(
				check(5, 1, vec![(node, OK)]).map(|_| ()),
				refused(Error::<Test>::NotAnOracle)
			);
			assert_eq!(
				check(11, 1, vec![(node + 1, OK)]).map(|_| ()),
				refused(Error::<Test>::NotAssigned)
			);
			assert_eq!(check(11, 1, vec![]).map(|_| ()), refused(Error::<Test>::EmptyReport));
			// The indices docs/hypernode.md lists.
			for (i, e) in [
				(11, Error::<Test>::NotAnOracle),
				(12, Error::<Test>::WrongEra),
				(13, Error::<Test>::DuplicateReport),
				(14, Error::<Test>::NotAssigned),
				(15, Error::<Test>::DuplicateNode),
				(16, Error::<Test>::EmptyReport),
			] {
				assert_eq!(refused(e), Err(InvalidTransaction::Custom(i).into()));
			}
			// Valid: boosted, tagged by (era, HyperNode, first node), alive until the era ends.
			let (valid, ..) = check(11, 1, vec![(node, OK)]).expect("valid in the pool");
			assert_eq!(valid.priority, extension::REPORT_PRIORITY);
			assert_eq!(
				valid.provides,
				vec![("IcnSlaReport", (1u32, account(11), Some(node))).encode()]
			);
			assert_eq!(valid.longevity, start_of(2) - (start_of(1) + 1));
			assert_ok!(report(11, 1, vec![(node, OK)]));
			assert_eq!(
				check(11, 1, vec![(node, OK)]).map(|_| ()),
				refused(Error::<Test>::DuplicateReport)
			);
			// Other calls pass through untouched.
			let other = RuntimeCall::Sla(Call::deregister_hypernode {});
			let (valid, ..) = CheckReport::<Test>::new()
				.validate_only(
					origin(5),
					&other,
					&other.get_dispatch_info(),
					0,
					TransactionSource::External,
					0,
				)
				.expect("not a report");
			assert_eq!(valid, sp_runtime::transaction_validity::ValidTransaction::default());
		});
	}

	#[test]
	fn nodes_registered_mid_era_are_assigned_from_the_next() {
		run(|| {
			hypernodes(1);
			run_to_block(start_of(1) + 1);
			let node = provider_node(1, "http://127.0.0.1:1", audit([1; 32]));
			assert!(Sla::assignments(&account(11), 1).is_empty());
			assert_noop!(report(11, 1, vec![(node, OK)]), Error::<Test>::NotAssigned);
			run_to_block(start_of(2) + 1);
			assert_eq!(Sla::assignments(&account(11), 2), vec![node]);
		});
	}
}

mod aggregation {
	use super::*;

	fn verdicts(node: NodeId) -> Vec<(EraIndex, EraVerdict)> {
		events()
			.into_iter()
			.filter_map(|e| match e {
				Event::NodeVerdict { node: n, era, verdict, .. } if n == node => {
					Some((era, verdict))
				},
				_ => None,
			})
			.collect()
	}

	#[test]
	fn quorum_majority_and_median_decide_each_era() {
		run(|| {
			hypernodes(3);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			// Era 1: all three pass. Era 2: only one reports (quorum 2): not counted. Era 3:
			// two of three fail. Era 4: all up but the median latency (600 ms) is over 500.
			let slow = ProbeOutcome::Ok { latency_ms: 600 };
			let plan: [&[(u8, ProbeOutcome)]; 4] = [
				&[(11, OK), (12, OK), (13, OK)],
				&[(11, OK)],
				&[(11, OK), (12, DOWN), (13, DOWN)],
				&[(11, OK), (12, slow), (13, slow)],
			];
			for (i, reports) in plan.iter().enumerate() {
				let era = i as u32 + 1;
				run_to_block(start_of(era) + 1);
				for (n, o) in *reports {
					assert_ok!(report(*n, era, vec![(node, *o)]));
				}
			}
			run_to_block(start_of(5) + 1);
			// Registered during era 0: no verdict for era 0, judged from era 1 on.
			assert_eq!(
				verdicts(node),
				vec![
					(1, EraVerdict::Passed),
					(2, EraVerdict::NotCounted),
					(3, EraVerdict::Failed),
					(4, EraVerdict::Failed)
				]
			);
			let sla = Sla::node_sla(node);
			assert_eq!((sla.passed, sla.counted, sla.consecutive_failures), (1, 3, 2));
			assert_eq!(sla.score, Perbill::from_rational(1u32, 3));
			// The marketplace's view.
			assert!(<Sla as SlaResults>::is_final(4));
			assert!(!<Sla as SlaResults>::is_final(5));
			assert!(<Sla as SlaResults>::failed(node, 3));
			assert!(!<Sla as SlaResults>::failed(node, 1));
			// The provider pallet knows it is failing.
			assert_eq!(
				pallet_icn_providers::Nodes::<Test>::get(node).unwrap().status,
				pallet_icn_providers::NodeStatus::Failing
			);
		});
	}

	/// One HyperNode (k = 1): fails the node `eras` eras in a row from era 1.
	fn fail_eras(node: NodeId, eras: u32) {
		for era in 1..=eras {
			run_to_block(start_of(era) + 1);
			assert_ok!(report(11, era, vec![(node, DOWN)]));
		}
	}

	#[test]
	fn three_failures_are_free_then_slashes_double_to_the_cap_one_era_late() {
		run(|| {
			hypernodes(1);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			let collateral = || pallet_icn_providers::Nodes::<Test>::get(node).unwrap().collateral;
			let required = 10 * PER_UNIT;
			fail_eras(node, 9);
			// Aggregate up to era 8 (era 9 still open).
			run_to_block(start_of(9) + 5);
			let pending: Vec<_> = events()
				.into_iter()
				.filter_map(|e| match e {
					Event::SlashPending { era, fraction, .. } => Some((era, fraction)),
					_ => None,
				})
				.collect();
			let pct = Perbill::from_percent;
			assert_eq!(
				pending,
				vec![(4, pct(1)), (5, pct(2)), (6, pct(4)), (7, pct(8)), (8, pct(10))]
			);
			// Each applied when the next era is aggregated: eras 4–7 so far, era 8's pends.
			let applied: Vec<_> = events()
				.into_iter()
				.filter_map(|e| match e {
					Event::SlashApplied { era, .. } => Some(era),
					_ => None,
				})
				.collect();
			assert_eq!(applied, vec![4, 5, 6, 7]);
			assert_eq!(collateral(), required - pct(1 + 2 + 4 + 8) * required);
			assert_eq!(Sla::node_sla(node).pending_slashes, vec![(8, pct(10))]);
			assert_eq!(Balances::free_balance(Treasury::get()), pct(15) * required);
		});
	}

	#[test]
	fn root_cancels_a_pending_slash_before_it_applies() {
		run(|| {
			hypernodes(1);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			fail_eras(node, 4);
			// Era 4 aggregated during era 5: its 1 % slash is pending.
			run_to_block(start_of(5) + 2);
			assert_eq!(
				PendingSlashes::<Test>::iter_prefix(4).collect::<Vec<_>>(),
				vec![(node, Perbill::from_percent(1))]
			);
			assert_noop!(
				Sla::cancel_slash(origin(1), 4, node),
				sp_runtime::DispatchError::BadOrigin
			);
			assert_noop!(
				Sla::cancel_slash(RuntimeOrigin::root(), 3, node),
				Error::<Test>::NoPendingSlash
			);
			assert_ok!(Sla::cancel_slash(RuntimeOrigin::root(), 4, node));
			run_to_block(start_of(7));
			assert_eq!(
				pallet_icn_providers::Nodes::<Test>::get(node).unwrap().collateral,
				10 * PER_UNIT
			);
			assert!(events().contains(&Event::SlashCancelled { node, era: 4 }));
		});
	}

	#[test]
	fn a_passed_era_resets_the_run() {
		run(|| {
			hypernodes(1);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			for era in 1..=8 {
				run_to_block(start_of(era) + 1);
				// Pass every fourth era: never four failures in a row.
				let o = if era % 4 == 0 { OK } else { DOWN };
				assert_ok!(report(11, era, vec![(node, o)]));
			}
			run_to_block(start_of(9) + 5);
			assert!(!events().iter().any(|e| matches!(e, Event::SlashPending { .. })));
		});
	}

	#[test]
	fn inaccurate_hypernodes_leave_the_active_set() {
		run(|| {
			hypernodes(3);
			let mut p = Params::<Test>::get();
			p.min_reports_for_accuracy = 3;
			assert_ok!(Sla::set_params(RuntimeOrigin::root(), p));
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			// Account 13 always disagrees with the other two.
			for era in 1..=3 {
				run_to_block(start_of(era) + 1);
				assert_ok!(report(11, era, vec![(node, OK)]));
				assert_ok!(report(12, era, vec![(node, OK)]));
				assert_ok!(report(13, era, vec![(node, DOWN)]));
			}
			run_to_block(start_of(4) + 5);
			assert!(HyperNodes::<Test>::get(account(13)).unwrap().removed);
			assert!(events().iter().any(
				|e| matches!(e, Event::HyperNodeRemoved { owner, .. } if *owner == account(13))
			));
			assert_eq!(HyperNodes::<Test>::get(account(11)).unwrap().accuracy(), Perbill::one());
			run_to_block(start_of(5));
			assert!(!oracles(5).contains(&account(13)));
		});
	}
}

mod rewards {
	use super::*;
	use icn_primitives::providers::{CapacityLedger, NodeRewards, ProviderSlashing};
	use sp_runtime::{helpers_128bit::multiply_by_rational_with_rounding, PerThing, Rounding};

	/// What the mock pool releases in one era, and its parts.
	const BUDGET: Balance = POOL_PER_BLOCK * ERA as Balance;
	const NODE_BUDGET: Balance = BUDGET / 10 * 8;
	const HYPERNODE_BUDGET: Balance = BUDGET - NODE_BUDGET;

	fn pool() -> Balance {
		Balances::free_balance(account(250))
	}

	/// The nodes rewarded for `era` (paid in storage-key order), by node id.
	fn node_rewards(era: EraIndex) -> Vec<(NodeId, Balance)> {
		let mut paid: Vec<_> = events()
			.into_iter()
			.filter_map(|e| match e {
				Event::NodeRewarded { era: e, node, amount } if e == era => Some((node, amount)),
				_ => None,
			})
			.collect();
		paid.sort();
		paid
	}

	fn hypernode_rewards(era: EraIndex) -> Vec<(sp_runtime::AccountId32, Balance)> {
		events()
			.into_iter()
			.filter_map(|e| match e {
				Event::HyperNodeRewarded { era: e, owner, amount } if e == era => {
					Some((owner, amount))
				},
				_ => None,
			})
			.collect()
	}

	fn era_paid(era: EraIndex) -> Option<(Balance, Balance)> {
		events().into_iter().find_map(|e| match e {
			Event::EraRewardsPaid { era: e, paid, unspent } if e == era => Some((paid, unspent)),
			_ => None,
		})
	}

	/// `part` of `whole` of `budget`, rounded down.
	fn share(budget: Balance, part: u128, whole: u128) -> Balance {
		multiply_by_rational_with_rounding(budget, part, whole, Rounding::Down).unwrap()
	}

	#[test]
	fn a_passing_node_alone_earns_the_node_budget_and_its_hypernode_the_rest_out_of_the_pool() {
		run(|| {
			hypernodes(1);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			let (issuance, provider, oracle) = (
				Balances::total_issuance(),
				Balances::free_balance(account(1)),
				Balances::free_balance(account(11)),
			);
			run_to_block(start_of(1) + 1);
			assert_ok!(report(11, 1, vec![(node, OK)]));
			let pool_before = pool();
			run_to_block(start_of(2) + 5);
			assert!(events().contains(&Event::EraBudget {
				era: 1,
				nodes: NODE_BUDGET,
				hypernodes: HYPERNODE_BUDGET
			}));
			assert_eq!(node_rewards(1), vec![(node, NODE_BUDGET)]);
			assert_eq!(hypernode_rewards(1), vec![(account(11), HYPERNODE_BUDGET)]);
			assert_eq!(era_paid(1), Some((BUDGET, 0)));
			// Era 0 had no oracle: nothing counted, its whole budget stayed in the pool.
			assert_eq!(era_paid(0), Some((0, BUDGET)));
			assert_eq!(Balances::free_balance(account(1)), provider + NODE_BUDGET);
			assert_eq!(Balances::free_balance(account(11)), oracle + HYPERNODE_BUDGET);
			assert_eq!(pool_before - pool(), BUDGET);
			// Paid, never minted.
			assert_eq!(Balances::total_issuance(), issuance);
			assert_eq!(EraRewards::<Test>::iter().count(), 1, "only the open era keeps a record");
		});
	}

	#[test]
	fn capacity_reward_is_pro_rata_shrinks_with_utilization_and_skips_failed_and_low_score_nodes() {
		run(|| {
			hypernodes(1);
			let a = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			let b = provider_node(2, "http://127.0.0.1:8081", audit([2; 32]));
			let c = provider_node(3, "http://127.0.0.1:8082", audit([3; 32]));
			// 5 of the cluster's 30 units booked: a sixth of it used.
			assert_ok!(<Providers as CapacityLedger<_>>::reserve(a, 5));
			run_to_block(start_of(1) + 1);
			assert_ok!(report(11, 1, vec![(a, OK), (b, OK), (c, DOWN)]));
			run_to_block(start_of(2) + 1);
			assert_ok!(report(11, 2, vec![(a, OK), (b, OK), (c, OK)]));
			run_to_block(start_of(3) + 5);
			// Utilization is booked / capacity of the cluster's bookable nodes: 5/30 in era 1,
			// 5/20 in era 2 while c, failing, is not bookable.
			let whole = 30 * 1_000_000_000;
			let each = |booked: u64, capacity: u64| {
				let points = 10
					* u128::from(
						Perbill::from_rational(booked, capacity).left_from_one().deconstruct(),
					);
				share(NODE_BUDGET, points, whole)
			};
			assert!(each(5, 30) < NODE_BUDGET / 3, "utilization shrinks the subsidy");
			// Era 1: c failed (withheld). Era 2: c passed, but 1 of 2 eras is below the
			// 99.95 % target: its SLA multiplier is 0.
			assert_eq!(node_rewards(1), vec![(a, each(5, 30)), (b, each(5, 30))]);
			assert_eq!(node_rewards(2), vec![(a, each(5, 20)), (b, each(5, 20))]);
			for (era, paid_nodes) in [(1, 2 * each(5, 30)), (2, 2 * each(5, 20))] {
				let (paid, unspent) = era_paid(era).unwrap();
				assert_eq!(paid, paid_nodes + HYPERNODE_BUDGET);
				assert_eq!(paid + unspent, BUDGET);
			}
			// A lower target lets c earn again.
			let mut p = Params::<Test>::get();
			p.sla_target = Perbill::from_percent(50);
			assert_ok!(Sla::set_params(RuntimeOrigin::root(), p));
			assert_ok!(report(11, 3, vec![(a, OK), (b, OK), (c, OK)]));
			run_to_block(start_of(4) + 5);
			assert_eq!(node_rewards(3), vec![(a, each(5, 30)), (b, each(5, 30)), (c, each(5, 30))]);
		});
	}

	#[test]
	fn delegators_share_after_commission_and_an_under_collateralized_node_refills_its_collateral() {
		run(|| {
			hypernodes(1);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			assert_ok!(Providers::delegate(origin(5), node, 10 * PER_UNIT));
			// Half the own collateral slashed: under-collateralized.
			assert_ok!(<Providers as ProviderSlashing>::slash(node, Perbill::from_percent(25)));
			let before = pallet_icn_providers::Nodes::<Test>::get(node).unwrap();
			assert_eq!(before.status, pallet_icn_providers::NodeStatus::UnderCollateralized);
			let (delegator, provider) =
				(Balances::free_balance(account(5)), Balances::free_balance(account(1)));
			let (to_delegators, to_provider) =
				<Providers as NodeRewards<_>>::reward_shares(node).unwrap().split(NODE_BUDGET);
			// The delegator's part of the stake, less the 10 % commission.
			let stake = <Providers as NodeRewards<_>>::reward_shares(node).unwrap();
			let gross = share(NODE_BUDGET, stake.delegated, stake.own_stake + stake.delegated);
			assert_eq!(to_delegators, gross - Perbill::from_percent(10) * gross);
			run_to_block(start_of(1) + 1);
			assert_ok!(report(11, 1, vec![(node, OK)]));
			run_to_block(start_of(2) + 5);
			assert_eq!(node_rewards(1), vec![(node, NODE_BUDGET)]);
			// Nothing reached the delegator's account: its part waits in the pot, and its
			// claim (the only delegator: all of it, within the index's rounding) pays it.
			assert_eq!(Balances::free_balance(account(5)), delegator);
			let claimable =
				pallet_icn_providers::Pallet::<Test>::delegation_info(node, &account(5))
					.unwrap()
					.claimable;
			// The index is per point at 18 decimals: less than a planck per ICNT of stake
			// stays in the pot as rounding.
			assert!(
				claimable <= to_delegators && to_delegators - claimable <= stake.delegated / ICNT,
				"{claimable} of {to_delegators}"
			);
			assert_ok!(Providers::claim_rewards(origin(5), node));
			assert_eq!(Balances::free_balance(account(5)), delegator + claimable);
			// The provider's part went into its collateral first, up to what is missing.
			let after = pallet_icn_providers::Nodes::<Test>::get(node).unwrap();
			let diverted = after.collateral - before.collateral;
			assert!(diverted > 0);
			assert_eq!(Balances::free_balance(account(1)), provider + to_provider - diverted);
			assert!(System::events().iter().any(|r| matches!(
				&r.event,
				RuntimeEvent::Providers(pallet_icn_providers::Event::RewardPaid { node: n, amount, diverted: d })
					if *n == node && *amount == to_provider && *d == diverted
			)));
		});
	}

	#[test]
	fn hypernodes_share_by_staked_links_times_accuracy() {
		run(|| {
			hypernodes(3);
			// Account 11 stakes a second Link: 4 Links in all.
			let link = pallet_icn_providers::NextLinkId::<Test>::get();
			assert_ok!(Providers::mint_link(RuntimeOrigin::root(), account(11)));
			assert_ok!(Sla::stake_link(origin(11), link));
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			run_to_block(start_of(1) + 1);
			assert_eq!(EraRewards::<Test>::get(1).links, 4);
			// 13 disagrees with the verdict: accuracy 0 in this window.
			assert_ok!(report(11, 1, vec![(node, OK)]));
			assert_ok!(report(12, 1, vec![(node, OK)]));
			assert_ok!(report(13, 1, vec![(node, DOWN)]));
			run_to_block(start_of(2) + 5);
			assert_eq!(
				hypernode_rewards(1),
				vec![(account(11), HYPERNODE_BUDGET / 2), (account(12), HYPERNODE_BUDGET / 4)]
			);
			assert_eq!(
				era_paid(1),
				Some((NODE_BUDGET + HYPERNODE_BUDGET / 4 * 3, HYPERNODE_BUDGET / 4))
			);
		});
	}

	#[test]
	fn odd_capacities_and_delegations_never_pay_more_than_the_budget_to_the_planck() {
		run(|| {
			hypernodes(1);
			let mut nodes = Vec::new();
			for (i, capacity) in [1u32, 3, 7, 9].into_iter().enumerate() {
				let n = 1 + i as u8;
				let id = pallet_icn_providers::NextNodeId::<Test>::get();
				let mut spec = spec(&format!("http://127.0.0.1:{}", 8080 + i), audit([n; 32]));
				spec.capacity = capacity;
				spec.commission = Perbill::from_rational(1u32, 3);
				assert_ok!(Providers::register_node(
					origin(n),
					spec,
					u128::from(capacity) * PER_UNIT + 7,
					Default::default()
				));
				assert_ok!(Providers::delegate(origin(20 + n), id, 100 * ICNT + u128::from(n)));
				nodes.push(id);
			}
			assert_ok!(<Providers as CapacityLedger<_>>::reserve(nodes[2], 3));
			let pool_before = pool();
			for era in 1..=3 {
				run_to_block(start_of(era) + 1);
				assert_ok!(report(11, era, nodes.iter().map(|n| (*n, OK)).collect()));
			}
			run_to_block(start_of(4) + 5);
			for era in 1..=3 {
				let paid_nodes: Balance = node_rewards(era).iter().map(|(_, a)| a).sum();
				let paid_oracles: Balance = hypernode_rewards(era).iter().map(|(_, a)| a).sum();
				assert!(paid_nodes <= NODE_BUDGET);
				assert_eq!(paid_oracles, HYPERNODE_BUDGET);
				let (paid, unspent) = era_paid(era).unwrap();
				assert_eq!(paid, paid_nodes + paid_oracles);
				assert_eq!(paid + unspent, BUDGET);
				// Utilization 3/20: the nodes get 17/20 of their budget, less rounding.
				let expected = Perbill::from_rational(3u32, 20).left_from_one() * NODE_BUDGET;
				assert!(expected.abs_diff(paid_nodes) <= 8, "{expected} vs {paid_nodes}");
			}
			// What the events say was paid is what left the pool, to the planck.
			let paid: Balance = (0..=3).map(|e| era_paid(e).unwrap().0).sum();
			assert_eq!(pool_before - pool(), paid);
		});
	}
}

mod batches {
	//! Aggregation in batches: a per-block budget cut anywhere gives the outcome of one
	//! unlimited pass.
	use super::*;
	use frame_support::{
		traits::{fungible::InspectHold, Hooks},
		weights::{Weight, WeightMeter},
	};

	/// What aggregation decides: per node (window, failure record), per account the free
	/// and held balance, per HyperNode its accuracy counters, the pending slashes, the
	/// rewards paid, the last era finalized.
	#[derive(Debug, PartialEq)]
	struct Outcome {
		windows: Vec<Option<SlaWindow>>,
		failures: Vec<(EraIndex, NodeId)>,
		balances: Vec<(Balance, Balance)>,
		accuracy: Vec<(u32, u32)>,
		slashes: Vec<(EraIndex, NodeId, Perbill)>,
		rewards: Vec<(EraIndex, NodeId, Balance)>,
		finalized: Option<EraIndex>,
	}

	/// The weight of exactly the aggregation step due now, with at most `k` nodes in a batch
	/// (the cluster's measurement included when it is due).
	fn one_step(k: u64) -> Weight {
		type W = <Test as Config>::WeightInfo;
		let (era, step) = Aggregation::<Test>::get().expect("aggregation started");
		match step {
			AggregationStep::Nodes(_) => {
				let measured = ClusterUtilization::<Test>::get(0).map(|(e, _)| e) == Some(era);
				W::aggregate_nodes(0)
					.saturating_add(Sla::node_weight().saturating_mul(k))
					.saturating_add(if measured { Weight::zero() } else { W::measure_cluster() })
					// The one accuracy page of three HyperNodes.
					.saturating_add(Sla::accuracy_page_weight())
			},
			AggregationStep::Slashes => W::apply_slash(),
			AggregationStep::Budget => W::era_budget(),
			AggregationStep::NodeRewards => {
				let per_node = W::reward_nodes(1).saturating_sub(W::reward_nodes(0));
				W::reward_nodes(0).saturating_add(per_node.saturating_mul(k))
			},
			AggregationStep::HyperNodeRewards(_) => W::reward_hypernode(),
			AggregationStep::Finalize => W::finalize_era(),
		}
	}

	/// Runs blocks up to `n`; with `k`, each block aggregates one step of at most `k` nodes.
	fn step_to(n: u64, k: Option<u64>, blocks_aggregating: &mut u32) {
		while System::block_number() < n {
			let b = System::block_number() + 1;
			System::set_block_number(b);
			Sla::on_initialize(b);
			let before = Aggregation::<Test>::get();
			match k {
				None => Sla::on_poll(b, &mut WeightMeter::new()),
				Some(k) => {
					// The era's snapshot (three HyperNodes) is copied before aggregation.
					Sla::copy_snapshot(&mut WeightMeter::new());
					let limit = one_step(k);
					let mut meter = WeightMeter::with_limit(limit);
					Sla::aggregate(&mut meter);
					assert!(meter.consumed().all_lte(limit));
				},
			}
			if Aggregation::<Test>::get() != before {
				*blocks_aggregating += 1;
			}
		}
	}

	/// Three HyperNodes, 12 nodes (every fifth down, the first with a delegator) reported
	/// in eras 1 and 2; aggregated unlimited or `k` nodes per block.
	fn scenario(k: Option<u64>) -> (Outcome, u32) {
		let mut result = None;
		run(|| {
			let mut blocks = 0;
			hypernodes(3);
			let nodes: Vec<NodeId> = (0..12u8)
				.map(|i| {
					provider_node(
						i % 8 + 1,
						&format!("http://127.0.0.1:{}", 9000 + u32::from(i)),
						audit([i + 1; 32]),
					)
				})
				.collect();
			assert_ok!(Providers::delegate(origin(21), nodes[0], 100 * ICNT));
			for era in 1..=3 {
				step_to(start_of(era) + 1, k, &mut blocks);
				for n in 11..=13u8 {
					let assigned = Sla::assignments(&account(n), era);
					let results: Vec<_> =
						assigned.iter().map(|x| (*x, if x % 5 == 0 { DOWN } else { OK })).collect();
					if !results.is_empty() {
						assert_ok!(report(n, era, results));
					}
				}
			}
			// Until era 5 is aggregated (later eras are not yet, in either run).
			while FinalizedEra::<Test>::get() != Some(5) {
				assert!(System::block_number() < 200, "aggregation fell behind");
				step_to(System::block_number() + 1, k, &mut blocks);
			}
			let outcome = Outcome {
				windows: nodes.iter().map(|n| NodeSla::<Test>::get(n)).collect(),
				failures: {
					let mut f: Vec<_> = Failures::<Test>::iter_keys().collect();
					f.sort();
					f
				},
				balances: (1..=30u8)
					.chain([250])
					.map(|n| {
						(
							Balances::free_balance(account(n)),
							Balances::total_balance_on_hold(&account(n)),
						)
					})
					.collect(),
				accuracy: (11..=13u8)
					.map(|n| {
						HyperNodes::<Test>::get(account(n))
							.map(|h| (h.due, h.misses))
							.unwrap_or_default()
					})
					.collect(),
				slashes: {
					let mut s: Vec<_> = PendingSlashes::<Test>::iter().collect();
					s.sort();
					s
				},
				rewards: {
					let mut r: Vec<_> = events()
						.into_iter()
						.filter_map(|e| match e {
							Event::NodeRewarded { era, node, amount } => Some((era, node, amount)),
							_ => None,
						})
						.collect();
					r.sort();
					r
				},
				finalized: FinalizedEra::<Test>::get(),
			};
			result = Some((outcome, blocks));
		});
		result.expect("scenario ran")
	}

	#[test]
	fn a_budget_of_two_nodes_per_block_spreads_aggregation_with_the_same_outcome() {
		let (unlimited, blocks_unlimited) = scenario(None);
		let (spread, blocks_spread) = scenario(Some(2));
		// Nodes failed and were paid; every HyperNode had reports due.
		assert!(!unlimited.failures.is_empty());
		assert!(unlimited.rewards.len() >= 12, "{:?}", unlimited.rewards);
		assert!(unlimited.accuracy.iter().all(|(due, _)| *due > 0));
		assert_eq!(spread, unlimited);
		// One block per era (0–5) unlimited; many more two nodes at a time.
		assert_eq!(blocks_unlimited, 6);
		assert!(blocks_spread > 3 * blocks_unlimited, "{blocks_spread} blocks");
	}
}

mod worker {
	use super::*;
	use crate::offchain::{probe_all, sample_chunks};
	use icn_primitives::providers::ProbeTarget;
	use sp_core::offchain::testing;

	const SIZE: usize = 10_000;

	fn object() -> (Vec<u8>, Vec<u8>, [u8; 32]) {
		let data: Vec<u8> = (0..SIZE).map(|i| (i * 7 % 251) as u8).collect();
		let hashes: Vec<u8> =
			data.chunks(4096).flat_map(|c| sp_io::hashing::blake2_256(c)).collect();
		let root = sp_io::hashing::blake2_256(&hashes);
		(data, hashes, root)
	}

	fn target(root: [u8; 32]) -> ProbeTarget {
		ProbeTarget {
			endpoint: b"http://storage.test/".to_vec(),
			path: b"audit/object.bin".to_vec(),
			size: SIZE as u64,
			chunk_size: 4096,
			root,
			latency_bound_ms: 500,
			cluster: 0,
			capacity: 10,
			probed_from: 0,
			priced_within_max: true,
		}
	}

	fn expect(
		state: &mut testing::OffchainState,
		method: &str,
		uri: &str,
		headers: Vec<(String, String)>,
		body: Vec<u8>,
	) {
		state.expect_request(testing::PendingRequest {
			method: method.into(),
			uri: uri.into(),
			headers,
			response: Some(body),
			sent: true,
			..Default::default()
		});
	}

	/// How a scripted request answers instead of `200`.
	#[derive(Clone, Copy)]
	enum Answer {
		/// This HTTP status.
		Status(u16),
		/// Never: the request is still pending at every deadline.
		Hang,
	}

	/// The offchain test externalities (which answer every request `200`) with scripted
	/// statuses by request order (0 = the first request started): HTTP errors and requests
	/// that never answer.
	struct Scripted {
		inner: testing::TestOffchainExt,
		script: Vec<(u16, Answer)>,
		/// Request id → its order (the test externalities reuse ids).
		started: Vec<(u16, u16)>,
	}

	impl sp_core::offchain::Externalities for Scripted {
		fn is_validator(&self) -> bool {
			self.inner.is_validator()
		}
		fn network_state(&self) -> Result<sp_core::offchain::OpaqueNetworkState, ()> {
			self.inner.network_state()
		}
		fn timestamp(&mut self) -> sp_core::offchain::Timestamp {
			self.inner.timestamp()
		}
		fn sleep_until(&mut self, deadline: sp_core::offchain::Timestamp) {
			self.inner.sleep_until(deadline)
		}
		fn random_seed(&mut self) -> [u8; 32] {
			self.inner.random_seed()
		}
		fn http_request_start(
			&mut self,
			method: &str,
			uri: &str,
			meta: &[u8],
		) -> Result<sp_core::offchain::HttpRequestId, ()> {
			let id = self.inner.http_request_start(method, uri, meta)?;
			let order = self.started.len() as u16;
			self.started.retain(|(i, _)| *i != id.0);
			self.started.push((id.0, order));
			Ok(id)
		}
		fn http_request_add_header(
			&mut self,
			id: sp_core::offchain::HttpRequestId,
			name: &str,
			value: &str,
		) -> Result<(), ()> {
			self.inner.http_request_add_header(id, name, value)
		}
		fn http_request_write_body(
			&mut self,
			id: sp_core::offchain::HttpRequestId,
			chunk: &[u8],
			deadline: Option<sp_core::offchain::Timestamp>,
		) -> Result<(), sp_core::offchain::HttpError> {
			self.inner.http_request_write_body(id, chunk, deadline)
		}
		fn http_response_wait(
			&mut self,
			ids: &[sp_core::offchain::HttpRequestId],
			deadline: Option<sp_core::offchain::Timestamp>,
		) -> Vec<sp_core::offchain::HttpRequestStatus> {
			use sp_core::offchain::HttpRequestStatus;
			let mut out = self.inner.http_response_wait(ids, deadline);
			for (status, id) in out.iter_mut().zip(ids) {
				let order = self.started.iter().find(|(i, _)| *i == id.0).map(|(_, o)| *o);
				match self.script.iter().find(|(o, _)| Some(*o) == order).map(|(_, a)| *a) {
					Some(Answer::Status(code)) => *status = HttpRequestStatus::Finished(code),
					Some(Answer::Hang) => {
						// Waiting for it takes until the deadline.
						if let Some(d) = deadline {
							self.inner.sleep_until(d);
						}
						*status = HttpRequestStatus::DeadlineReached;
					},
					None => {},
				}
			}
			out
		}
		fn http_response_headers(
			&mut self,
			id: sp_core::offchain::HttpRequestId,
		) -> Vec<(Vec<u8>, Vec<u8>)> {
			self.inner.http_response_headers(id)
		}
		fn http_response_read_body(
			&mut self,
			id: sp_core::offchain::HttpRequestId,
			buffer: &mut [u8],
			deadline: Option<sp_core::offchain::Timestamp>,
		) -> Result<usize, sp_core::offchain::HttpError> {
			self.inner.http_response_read_body(id, buffer, deadline)
		}
		fn set_authorized_nodes(
			&mut self,
			nodes: Vec<sp_core::OpaquePeerId>,
			authorized_only: bool,
		) {
			self.inner.set_authorized_nodes(nodes, authorized_only)
		}
	}

	/// The chunk requests of node `node` of `data` probed with `seed`, in the order they are
	/// sent: (`Range` header, body).
	fn chunk_requests(
		data: &[u8],
		target: &ProbeTarget,
		seed: &[u8; 32],
		node: NodeId,
	) -> Vec<(String, Vec<u8>)> {
		let sample = WorkerExt::bare().execute_with(|| sample_chunks(target, seed, node));
		sample
			.into_iter()
			.map(|c| {
				let first = c as usize * 4096;
				let last = (first + 4096).min(data.len()) - 1;
				(format!("bytes={first}-{last}"), data[first..=last].to_vec())
			})
			.collect()
	}

	fn expect_chunks(s: &mut testing::OffchainState, chunks: Vec<(String, Vec<u8>)>) {
		for (range, body) in chunks {
			expect(
				s,
				"GET",
				"http://storage.test/audit/object.bin",
				vec![("Range".into(), range)],
				body,
			);
		}
	}

	/// Probes one node whose server answers the HEAD (request 0), the `.hashes` object
	/// (request 1) and the sampled chunks (requests 2, 3, …) with these bodies, `200` unless
	/// scripted.
	fn probe_scripted(
		script: Vec<(u16, Answer)>,
		hashes_body: Vec<u8>,
		chunks: Option<Vec<(String, Vec<u8>)>>,
		root: [u8; 32],
	) -> ProbeOutcome {
		let (offchain, state) = testing::TestOffchainExt::new();
		let mut ext = WorkerExt::bare()
			.with_network(Scripted { inner: offchain.clone(), script, started: vec![] })
			.with_local_storage(offchain);
		let t = target(root);
		let seed = [3u8; 32];
		{
			let mut s = state.write();
			expect(&mut s, "HEAD", "http://storage.test/audit/object.bin", vec![], vec![]);
			expect(
				&mut s,
				"GET",
				"http://storage.test/audit/object.bin.hashes",
				vec![],
				hashes_body,
			);
			if let Some(chunks) = chunks {
				expect_chunks(&mut s, chunks);
			}
		}
		ext.execute_with(|| {
			let out = probe_all(&[(7, t.clone())], &seed, 2_000);
			assert_eq!(out.len(), 1);
			out[0].1
		})
	}

	/// Probes one node answering `200` to everything.
	fn probe(
		hashes_body: Vec<u8>,
		chunks: Option<Vec<(String, Vec<u8>)>>,
		root: [u8; 32],
	) -> ProbeOutcome {
		probe_scripted(vec![], hashes_body, chunks, root)
	}

	#[test]
	fn an_http_500_on_head_fails_with_its_status() {
		let (_, hashes, root) = object();
		assert_eq!(
			probe_scripted(vec![(0, Answer::Status(500))], hashes, None, root),
			ProbeOutcome::Failed(ProbeFailure::HttpStatus(500))
		);
	}

	#[test]
	fn a_missing_hashes_object_fails_with_404() {
		let (_, hashes, root) = object();
		assert_eq!(
			probe_scripted(vec![(1, Answer::Status(404))], hashes, None, root),
			ProbeOutcome::Failed(ProbeFailure::HttpStatus(404))
		);
	}

	#[test]
	fn a_missing_chunk_fails_with_its_status() {
		let (data, hashes, root) = object();
		let chunks = chunks_of(&data, &target(root));
		assert_eq!(
			probe_scripted(vec![(2, Answer::Status(416))], hashes, Some(chunks), root),
			ProbeOutcome::Failed(ProbeFailure::HttpStatus(416))
		);
	}

	#[test]
	fn a_server_that_never_answers_times_out_at_the_deadline() {
		let (_, hashes, root) = object();
		assert_eq!(
			probe_scripted(vec![(0, Answer::Hang)], hashes, None, root),
			ProbeOutcome::Failed(ProbeFailure::Timeout)
		);
	}

	/// The chunks `probe_scripted` samples (seed `[3; 32]`, node 7).
	fn chunks_of(data: &[u8], target: &ProbeTarget) -> Vec<(String, Vec<u8>)> {
		chunk_requests(data, target, &[3u8; 32], 7)
	}

	#[test]
	fn a_good_node_passes_head_hashes_and_its_sampled_chunks() {
		let (data, hashes, root) = object();
		let chunks = chunks_of(&data, &target(root));
		assert!(chunks.len() > 1, "several chunks are checked");
		assert!(matches!(probe(hashes, Some(chunks), root), ProbeOutcome::Ok { .. }));
	}

	#[test]
	fn a_corrupted_chunk_fails_the_audit() {
		let (data, hashes, root) = object();
		let mut chunks = chunks_of(&data, &target(root));
		let last = chunks.len() - 1;
		chunks[last].1[0] ^= 0xff;
		assert_eq!(probe(hashes, Some(chunks), root), ProbeOutcome::Failed(ProbeFailure::BadChunk));
	}

	#[test]
	fn hashes_that_do_not_match_the_root_fail_without_fetching_a_chunk() {
		let (_, mut hashes, root) = object();
		hashes[5] ^= 1;
		assert_eq!(probe(hashes, None, root), ProbeOutcome::Failed(ProbeFailure::BadHashes));
		// Too short is bad too.
		let (_, hashes, root) = object();
		assert_eq!(
			probe(hashes[..64].to_vec(), None, root),
			ProbeOutcome::Failed(ProbeFailure::BadHashes)
		);
	}

	#[test]
	fn an_oversized_hashes_body_is_not_read_past_its_cap() {
		let (_, mut hashes, root) = object();
		hashes.extend(vec![0u8; 10_000]);
		assert_eq!(probe(hashes, None, root), ProbeOutcome::Failed(ProbeFailure::TooLarge));
	}

	#[test]
	fn the_worker_sends_a_long_report_in_ascending_parts() {
		let mut ext = WorkerExt::new().with_test_offchain().with_pool().with_oracle_key("//Oracle");
		let (state, pool_state, public) = (ext.http(), ext.pool(), ext.oracle());
		let signer = account_of(public);
		let (data, hashes, root) = object();
		// Two results per transaction: three assigned nodes make a report of two parts.
		MaxReportResults::set(2);
		ext.execute_with(|| {
			let payload = Sla::signer_proof_payload(&account(11));
			let proof = sp_io::crypto::sr25519_sign(crate::KEY_TYPE, &public, &payload).unwrap();
			assert_ok!(Sla::register_hypernode(
				origin(11),
				signer.clone(),
				*b"DE",
				b"o.example".to_vec().try_into().unwrap(),
				proof.into()
			));
			assert_ok!(Sla::stake_link(origin(11), 0));
			let nodes: Vec<NodeId> =
				(1..=3).map(|n| provider_node(n, "http://storage.test/", audit(root))).collect();
			run_to_block(start_of(1) + 1);
			assert_eq!(Sla::assignments(&account(11), 1), nodes);
			let seed = EraSeeds::<Test>::get(1).unwrap();
			{
				let mut s = state.write();
				for _ in &nodes {
					expect(&mut s, "HEAD", "http://storage.test/audit/object.bin", vec![], vec![]);
					expect(
						&mut s,
						"GET",
						"http://storage.test/audit/object.bin.hashes",
						vec![],
						hashes.clone(),
					);
				}
				for node in &nodes {
					let t = <Providers as SlaTargets>::probe_target(*node).unwrap();
					expect_chunks(&mut s, chunk_requests(&data, &t, &seed, *node));
				}
			}
			crate::offchain::run::<Test>(System::block_number());
			let parts: Vec<Vec<(NodeId, ProbeOutcome)>> = pool_state
				.read()
				.transactions
				.iter()
				.map(|tx| {
					match <Extrinsic as codec::Decode>::decode(&mut &tx[..]).unwrap().function {
						RuntimeCall::Sla(crate::Call::submit_report { era: 1, results }) => {
							results.into_inner()
						},
						other => panic!("not a report of era 1: {other:?}"),
					}
				})
				.collect();
			let reported: Vec<Vec<NodeId>> =
				parts.iter().map(|p| p.iter().map(|(n, _)| *n).collect()).collect();
			assert_eq!(reported, vec![vec![nodes[0], nodes[1]], vec![nodes[2]]]);
			assert!(
				parts.iter().flatten().all(|(_, o)| matches!(o, ProbeOutcome::Ok { .. })),
				"{parts:?}"
			);
			// Included in order, the parts make the whole report.
			for part in parts {
				assert_ok!(Sla::submit_report(
					RuntimeOrigin::signed(signer.clone()),
					1,
					BoundedVec::truncate_from(part)
				));
			}
			assert_eq!(reported_in(1, account(11)).map(|(n, _)| n), Some(3));
			// Nothing left to report: a later run (after the resend delay) sends nothing.
			pool_state.write().transactions.clear();
			run_to_block(start_of(1) + 1 + u64::from(crate::offchain::RESEND_AFTER_BLOCKS));
			crate::offchain::run::<Test>(System::block_number());
			assert!(pool_state.read().transactions.is_empty());
		});
		MaxReportResults::set(32);
	}

	#[test]
	fn the_worker_signs_and_submits_one_report_for_its_assigned_nodes() {
		let mut ext = WorkerExt::new().with_test_offchain().with_pool().with_oracle_key("//Oracle");
		let (state, pool_state, public) = (ext.http(), ext.pool(), ext.oracle());
		let signer = account_of(public);
		let (data, hashes, root) = object();
		ext.execute_with(|| {
			let payload = Sla::signer_proof_payload(&account(11));
			let proof = sp_io::crypto::sr25519_sign(crate::KEY_TYPE, &public, &payload).unwrap();
			assert_ok!(Sla::register_hypernode(
				origin(11),
				signer.clone(),
				*b"DE",
				b"o.example".to_vec().try_into().unwrap(),
				proof.into()
			));
			assert_ok!(Sla::stake_link(origin(11), 0));
			let node = provider_node(1, "http://storage.test/", audit(root));
			run_to_block(start_of(1) + 1);
			let t = <Providers as SlaTargets>::probe_target(node).unwrap();
			let seed = EraSeeds::<Test>::get(1).unwrap();
			{
				let mut s = state.write();
				expect(&mut s, "HEAD", "http://storage.test/audit/object.bin", vec![], vec![]);
				expect(
					&mut s,
					"GET",
					"http://storage.test/audit/object.bin.hashes",
					vec![],
					hashes.clone(),
				);
				expect_chunks(&mut s, chunk_requests(&data, &t, &seed, node));
			}
			crate::offchain::run::<Test>(System::block_number());
			let tx = pool_state.write().transactions.pop().expect("a report was submitted");
			assert!(pool_state.read().transactions.is_empty());
			let tx = <Extrinsic as codec::Decode>::decode(&mut &tx[..]).unwrap();
			let RuntimeCall::Sla(crate::Call::submit_report { era, results }) = tx.function else {
				panic!("not a report: {:?}", tx.function)
			};
			assert_eq!(era, 1);
			assert_eq!(results.len(), 1);
			assert_eq!(results[0].0, node);
			assert!(matches!(results[0].1, ProbeOutcome::Ok { .. }));
			// Remembered: a second run in the same era sends nothing more.
			crate::offchain::run::<Test>(System::block_number());
			assert!(pool_state.read().transactions.is_empty());
		});
		let _ = ICNT;
	}
}

/// Thousands of HyperNodes (protocol §4; issue 22): an era's snapshot is copied in pages over
/// as many blocks as it takes, reports wait for it, and each oracle is found, counted and
/// paid through its own page.
mod scale {
	use super::*;
	use frame_support::{
		traits::{fungible::Mutate, Hooks},
		weights::WeightMeter,
	};
	use sp_runtime::AccountId32;

	/// `count` active HyperNodes, each signing with its own account; returns their owners.
	fn many(count: u16) -> Vec<AccountId32> {
		(0..count)
			.map(|i| {
				let mut raw = [0xA0u8; 32];
				raw[..2].copy_from_slice(&i.to_le_bytes());
				let owner = AccountId32::new(raw);
				Balances::set_balance(&owner, 1_000_000 * ICNT);
				assert_ok!(Sla::do_register(
					owner.clone(),
					owner.clone(),
					*b"DE",
					BoundedVec::truncate_from(b"o.example".to_vec()),
				));
				assert_ok!(Providers::mint_link(RuntimeOrigin::root(), owner.clone()));
				let link = pallet_icn_providers::NextLinkId::<Test>::get() - 1;
				assert_ok!(Sla::stake_link(RuntimeOrigin::signed(owner.clone()), link));
				owner
			})
			.collect()
	}

	#[test]
	fn three_hundred_hypernodes_are_copied_in_pages_over_several_blocks() {
		run(|| {
			MaxHyperNodes::set(300);
			let mut owners = many(300);
			let nodes: Vec<NodeId> = (1..=6u8)
				.map(|n| provider_node(n, "http://127.0.0.1:8080", audit([n; 32])))
				.collect();
			let start = start_of(1);
			run_to_block(start - 1);
			System::set_block_number(start);
			Sla::on_initialize(start);
			// A hundred HyperNodes' worth of weight per block: the copy takes three.
			type W = <Test as Config>::WeightInfo;
			let per_block = W::snapshot_oracles(0)
				.saturating_add(Sla::snapshot_entry_weight().saturating_mul(100));
			let mut blocks = 0;
			while !Sla::snapshot_ready(1) {
				// Reports wait for the snapshot.
				assert_noop!(
					Sla::submit_report(
						RuntimeOrigin::signed(owners[0].clone()),
						1,
						BoundedVec::truncate_from(vec![(nodes[0], OK)])
					),
					Error::<Test>::SnapshotPending
				);
				Sla::copy_snapshot(&mut WeightMeter::with_limit(per_block));
				blocks += 1;
				assert!(blocks <= 4, "the copy does not progress");
			}
			assert_eq!(blocks, 3);
			assert!(events().contains(&Event::EraStarted { era: 1, oracle_count: 300 }));
			assert_eq!(EraOraclePages::<Test>::iter_prefix(1).count(), 2);
			let copied = oracles(1);
			for (i, o) in copied.iter().enumerate() {
				assert_eq!(Sla::oracle_index(o, 1), Some(i as u32));
			}
			let mut sorted = copied.clone();
			sorted.sort();
			owners.sort();
			assert_eq!(sorted, owners);
			assert_eq!(EraRewards::<Test>::get(1).links, 300);
			// Every node's oracles report it, some of them from the second page.
			let seed = EraSeeds::<Test>::get(1).expect("seeded");
			let mut due = alloc::collections::BTreeMap::<u32, u32>::new();
			for node in &nodes {
				for i in logic::oracles_for(&seed, *node, 300) {
					assert_ok!(Sla::submit_report(
						RuntimeOrigin::signed(copied[i as usize].clone()),
						1,
						BoundedVec::truncate_from(vec![(*node, OK)])
					));
					*due.entry(i).or_default() += 1;
				}
			}
			assert!(due.keys().any(|i| *i >= ORACLE_PAGE), "an oracle on the second page");
			run_to_block(start_of(2) + 5);
			assert_eq!(FinalizedEra::<Test>::get(), Some(1));
			// Counted on their own pages, and every one of the 300 paid.
			for (i, o) in copied.iter().enumerate() {
				let h = HyperNodes::<Test>::get(o).expect("registered");
				assert_eq!((h.due, h.misses), (due.get(&(i as u32)).copied().unwrap_or(0), 0));
			}
			let paid = events()
				.iter()
				.filter(|e| matches!(e, Event::HyperNodeRewarded { era: 1, .. }))
				.count();
			assert_eq!(paid, 300);
			assert_eq!(EraAccuracyPages::<Test>::iter_prefix(1).count(), 0);
		});
	}
}
