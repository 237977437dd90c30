//! Tests of the providers pallet: topology, registration (good and every bad input), Links,
//! the life cycle, delegation, slashing to the planck, capacity and rewards.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold},
		tokens::nonfungibles_v2::Inspect as NftInspect,
	},
	BoundedVec,
};
use icn_primitives::currency::ICNT;
use sp_runtime::{DispatchError, Perbill, TokenError};

const CLUSTER: ClusterId = 0;

fn origin(n: u8) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(n))
}

fn url(s: &str) -> EndpointUrl {
	s.as_bytes().to_vec().try_into().unwrap()
}

pub(crate) fn spec(capacity: u32) -> NodeSpec {
	NodeSpec::new(CLUSTER, capacity)
		.with_endpoint("https://s3.eu-central-1.example.com/icn-node-1")
		.with_audit(AuditObject::new("audit/object.bin", 10_000, [7; 32]))
		.with_price(5 * ICNT)
}

pub(crate) fn links(ids: &[LinkId]) -> BoundedVec<LinkId, <Test as Config>::MaxLinksPerNode> {
	ids.to_vec().try_into().unwrap()
}

fn collateral_held(n: u8) -> Balance {
	Balances::balance_on_hold(&HoldReason::HpCollateral.into(), &account(n))
}

fn delegation_held(n: u8) -> Balance {
	Balances::balance_on_hold(&HoldReason::HpDelegation.into(), &account(n))
}

fn node(id: NodeId) -> Node<Test> {
	Nodes::<Test>::get(id).expect("node exists")
}

fn pool(id: NodeId) -> DelegationPool {
	DelegationPools::<Test>::get(id).expect("pool exists")
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Providers(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn link_owner(link: LinkId) -> Option<sp_runtime::AccountId32> {
	<Test as Config>::Links::owner(link)
}

fn go_to(block: u64) {
	System::set_block_number(block);
}

/// Account `n` registers a fully collateralized node of `capacity` units with ICNT only.
fn register(n: u8, capacity: u32) -> NodeId {
	let id = NextNodeId::<Test>::get();
	assert_ok!(Providers::register_node(
		origin(n),
		spec(capacity),
		PER_UNIT * capacity as Balance,
		links(&[])
	));
	id
}

mod topology {
	use super::*;

	fn countries(c: &[&[u8; 2]]) -> BoundedVec<CountryCode, <Test as Config>::MaxCountries> {
		c.iter().map(|c| CountryCode(**c)).collect::<Vec<_>>().try_into().unwrap()
	}

	#[test]
	fn genesis_has_the_region_the_cluster_and_the_links_collection() {
		run(|| {
			let region = Regions::<Test>::get(0).unwrap();
			assert_eq!(&region.name[..], b"EU-W");
			assert_eq!(region.collateral_per_unit, PER_UNIT);
			assert_eq!(Clusters::<Test>::get(0).unwrap().region, 0);
			assert_eq!(
				<Nfts as NftInspect<_>>::collection_owner(&0),
				Some(Providers::account_id())
			);
			assert_eq!(link_owner(2), Some(account(1)));
			assert_eq!(link_owner(3), Some(account(2)));
			assert_eq!(NextLinkId::<Test>::get(), 6);
		});
	}

	#[test]
	fn root_creates_and_updates_regions_and_clusters() {
		run(|| {
			let name: Name = b"US-E".to_vec().try_into().unwrap();
			assert_noop!(
				Providers::create_region(
					origin(1),
					name.clone(),
					countries(&[b"US"]),
					1,
					Perbill::one()
				),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Providers::create_region(
					RuntimeOrigin::root(),
					name.clone(),
					countries(&[]),
					1,
					Perbill::one()
				),
				Error::<Test>::NoCountries
			);
			assert_noop!(
				Providers::create_region(
					RuntimeOrigin::root(),
					name.clone(),
					countries(&[b"us"]),
					1,
					Perbill::one()
				),
				Error::<Test>::BadCountryCode
			);
			assert_noop!(
				Providers::create_region(
					RuntimeOrigin::root(),
					Name::default(),
					countries(&[b"US"]),
					1,
					Perbill::one()
				),
				Error::<Test>::EmptyName
			);
			assert_ok!(Providers::create_region(
				RuntimeOrigin::root(),
				name,
				countries(&[b"US", b"CA"]),
				7,
				Perbill::one()
			));
			assert_eq!(events().last(), Some(&Event::RegionCreated { region: 1 }));
			assert_ok!(Providers::update_region(
				RuntimeOrigin::root(),
				1,
				countries(&[b"US"]),
				9,
				Perbill::from_percent(50)
			));
			assert_eq!(Regions::<Test>::get(1).unwrap().collateral_per_unit, 9);
			assert_noop!(
				Providers::update_region(
					RuntimeOrigin::root(),
					5,
					countries(&[b"US"]),
					9,
					Perbill::one()
				),
				Error::<Test>::UnknownRegion
			);

			let name: Name = b"NYC-1".to_vec().try_into().unwrap();
			assert_noop!(
				Providers::create_cluster(
					RuntimeOrigin::root(),
					9,
					name.clone(),
					ResourceKind::Storage,
					1,
					100
				),
				Error::<Test>::UnknownRegion
			);
			assert_noop!(
				Providers::create_cluster(
					origin(1),
					1,
					name.clone(),
					ResourceKind::Storage,
					1,
					100
				),
				DispatchError::BadOrigin
			);
			assert_ok!(Providers::create_cluster(
				RuntimeOrigin::root(),
				1,
				name,
				ResourceKind::Gpu,
				3 * ICNT,
				80
			));
			assert_eq!(events().last(), Some(&Event::ClusterCreated { cluster: 1, region: 1 }));
			assert_ok!(Providers::update_cluster(RuntimeOrigin::root(), 1, 4 * ICNT, 90));
			let c = Clusters::<Test>::get(1).unwrap();
			assert_eq!(
				(c.kind, c.max_price, c.latency_bound_ms),
				(ResourceKind::Gpu, 4 * ICNT, 90)
			);
			assert_noop!(
				Providers::update_cluster(RuntimeOrigin::root(), 7, 1, 1),
				Error::<Test>::UnknownCluster
			);
		});
	}

	#[test]
	fn root_sets_params_and_mints_links() {
		run(|| {
			let mut params = Params::<Test>::get();
			params.allow_private_endpoints = true;
			assert_noop!(
				Providers::set_params(origin(1), params.clone()),
				DispatchError::BadOrigin
			);
			assert_ok!(Providers::set_params(RuntimeOrigin::root(), params.clone()));
			assert_eq!(Params::<Test>::get(), params);
			assert_noop!(Providers::mint_link(origin(1), account(5)), DispatchError::BadOrigin);
			assert_ok!(Providers::mint_link(RuntimeOrigin::root(), account(5)));
			assert_eq!(link_owner(6), Some(account(5)));
			assert_eq!(events().last(), Some(&Event::LinkMinted { link: 6, owner: account(5) }));
		});
	}
}

mod registration {
	use super::*;

	#[test]
	fn a_fully_collateralized_node_is_active_with_its_collateral_held() {
		run(|| {
			let id = register(1, 10);
			let n = node(id);
			assert_eq!(n.status, NodeStatus::Active);
			assert_eq!(n.collateral, 10 * PER_UNIT);
			assert_eq!(collateral_held(1), 10 * PER_UNIT);
			assert_eq!(n.commitment_end, 1 + 36 * MONTH);
			assert_eq!(ClusterNodes::<Test>::get(CLUSTER).to_vec(), vec![id]);
			assert_eq!(ProviderNodes::<Test>::get(account(1)).to_vec(), vec![id]);
			assert!(events().contains(&Event::NodeRegistered {
				node: id,
				provider: account(1),
				cluster: CLUSTER,
				capacity: 10
			}));
			assert!(events()
				.contains(&Event::NodeStatusChanged { node: id, status: NodeStatus::Active }));
			let info = Providers::node_info(id).unwrap();
			assert_eq!(
				(info.required_collateral, info.backing, info.bookable),
				(10 * PER_UNIT, 10 * PER_UNIT, true)
			);
		});
	}

	#[test]
	fn part_collateral_is_refused_and_a_top_up_adds_to_the_backing() {
		run(|| {
			// 10 units need 10,000 ICNT: 2 Links (5,000) + 4,000 ICNT is short by 1,000.
			assert_noop!(
				Providers::register_node(origin(1), spec(10), 4 * PER_UNIT, links(&[0, 1])),
				Error::<Test>::InsufficientCollateral
			);
			assert_ok!(Providers::register_node(origin(1), spec(10), 5 * PER_UNIT, links(&[0, 1])));
			assert_eq!(node(0).status, NodeStatus::Active);
			assert_eq!(Providers::backing(&node(0)), 10 * PER_UNIT);
			assert_noop!(
				Providers::add_collateral(origin(1), 0, 0, links(&[])),
				Error::<Test>::NothingToAdd
			);
			assert_noop!(
				Providers::add_collateral(origin(2), 0, PER_UNIT, links(&[])),
				Error::<Test>::NotProvider
			);
			assert_ok!(Providers::add_collateral(origin(1), 0, PER_UNIT, links(&[])));
			assert_eq!(node(0).status, NodeStatus::Active);
			assert_eq!(collateral_held(1), 6 * PER_UNIT);
			assert!(events().contains(&Event::CollateralAdded {
				node: 0,
				amount: PER_UNIT,
				links: vec![]
			}));
		});
	}

	fn refused(change: impl FnOnce(&mut NodeSpec), error: Error<Test>) {
		run(|| {
			let mut s = spec(10);
			change(&mut s);
			assert_noop!(Providers::register_node(origin(1), s, 10 * PER_UNIT, links(&[])), error);
		});
	}

	#[test]
	fn every_bad_input_is_refused_with_its_error() {
		refused(|s| s.cluster = 9, Error::<Test>::UnknownCluster);
		refused(|s| s.capacity = 0, Error::<Test>::ZeroCapacity);
		refused(|s| s.location = CountryCode(*b"de"), Error::<Test>::BadCountryCode);
		refused(|s| s.location = CountryCode(*b"US"), Error::<Test>::LocationNotInRegion);
		refused(|s| s.endpoint = url("ftp://s3.example.com"), Error::<Test>::BadEndpointScheme);
		refused(|s| s.endpoint = url("https://-bad-.example.com"), Error::<Test>::BadEndpointHost);
		refused(|s| s.endpoint = url("https://256.1.1.1"), Error::<Test>::BadEndpointHost);
		refused(|s| s.endpoint = url("https://s3.example.com:0"), Error::<Test>::BadEndpointPort);
		refused(
			|s| s.endpoint = url("https://s3.example.com:65536"),
			Error::<Test>::BadEndpointPort,
		);
		refused(
			|s| s.endpoint = url("https://user@s3.example.com"),
			Error::<Test>::BadEndpointSyntax,
		);
		refused(
			|s| s.endpoint = url("https://s3.example.com/a?b=c"),
			Error::<Test>::BadEndpointSyntax,
		);
		refused(
			|s| s.endpoint = url("https://s3.example.com/../x"),
			Error::<Test>::BadEndpointSyntax,
		);
		refused(|s| s.audit.chunk_size = 1024, Error::<Test>::BadChunkSize);
		refused(|s| s.audit.size = 0, Error::<Test>::EmptyAuditObject);
		refused(|s| s.audit.size = 16_385 * 4096, Error::<Test>::AuditObjectTooLarge);
		refused(
			|s| s.audit.path = b"/abs".to_vec().try_into().unwrap(),
			Error::<Test>::BadAuditPath,
		);
		refused(
			|s| s.audit.path = b"a/../b".to_vec().try_into().unwrap(),
			Error::<Test>::BadAuditPath,
		);
		refused(
			|s| s.audit.path = b"a?x".to_vec().try_into().unwrap(),
			Error::<Test>::BadAuditPath,
		);
		refused(|s| s.audit.path = Default::default(), Error::<Test>::BadAuditPath);
		refused(
			|s| s.hardware = HardwareClass::Consumer,
			Error::<Test>::EnterpriseHardwareRequired,
		);
	}

	#[test]
	fn private_endpoints_are_refused_unless_the_chain_allows_them() {
		for host in [
			"http://127.0.0.1:8080",
			"http://localhost:9000",
			"http://10.1.2.3",
			"http://192.168.1.1",
			"http://172.20.0.1",
			"http://169.254.169.254/latest",
			"http://[::1]:8080",
			"http://[fe80::1]",
			"http://minio.local",
		] {
			refused(|s| s.endpoint = url(host), Error::<Test>::PrivateEndpoint);
		}
		run(|| {
			let mut params = Params::<Test>::get();
			params.allow_private_endpoints = true;
			assert_ok!(Providers::set_params(RuntimeOrigin::root(), params));
			let mut s = spec(1);
			s.endpoint = url("http://127.0.0.1:8080");
			assert_ok!(Providers::register_node(origin(1), s, PER_UNIT, links(&[])));
		});
	}

	#[test]
	fn bad_collateral_is_refused_and_changes_nothing() {
		run(|| {
			// Not enough ICNT.
			assert_noop!(
				Providers::register_node(origin(1), spec(10), 2_000_000 * ICNT, links(&[])),
				TokenError::FundsUnavailable
			);
			assert_noop!(
				Providers::register_node(origin(1), spec(10), 10 * PER_UNIT, links(&[99])),
				Error::<Test>::UnknownLink
			);
			assert_noop!(
				Providers::register_node(origin(1), spec(10), 10 * PER_UNIT, links(&[3])),
				Error::<Test>::NotLinkOwner
			);
			assert_noop!(
				Providers::register_node(origin(1), spec(10), 10 * PER_UNIT, links(&[0, 0])),
				Error::<Test>::DuplicateLink
			);
			// A failed registration locked nothing.
			assert!(!<Test as Config>::Links::is_locked(0));
			assert_eq!(NextNodeId::<Test>::get(), 0);
		});
	}

	#[test]
	fn providers_and_clusters_are_bounded() {
		run(|| {
			for _ in 0..4 {
				register(1, 1);
			}
			assert_noop!(
				Providers::register_node(origin(1), spec(1), PER_UNIT, links(&[])),
				Error::<Test>::TooManyNodes
			);
		});
	}
}

mod links_as_collateral {
	use super::*;

	#[test]
	fn a_locked_link_cannot_be_transferred_nor_back_two_things() {
		run(|| {
			assert_ok!(Providers::register_node(origin(1), spec(10), 5 * PER_UNIT, links(&[0, 1])));
			assert_eq!(node(0).status, NodeStatus::Active);
			assert!(<Test as Config>::Links::is_locked(0));
			assert_eq!(LinkBacking::<Test>::get(0), Some(0));
			// The owner cannot transfer it…
			assert_noop!(
				Nfts::transfer(origin(1), 0, 0, account(7)),
				pallet_nfts::Error::<Test>::ItemLocked
			);
			// …nor burn it…
			assert_noop!(Nfts::burn(origin(1), 0, 0), pallet_nfts::Error::<Test>::ItemLocked);
			// …nor use it for a second node (nor can anything else lock it).
			assert_noop!(
				Providers::register_node(origin(1), spec(1), PER_UNIT, links(&[1])),
				Error::<Test>::LinkInUse
			);
			assert!(<Test as Config>::Links::lock(1).is_err());
			// An unlocked Link still moves.
			assert_ok!(Nfts::transfer(origin(1), 0, 2, account(7)));
		});
	}

	#[test]
	fn links_are_bounded_per_node() {
		run(|| {
			for _ in 0..3 {
				assert_ok!(Providers::mint_link(RuntimeOrigin::root(), account(1)));
			}
			// Links 0, 1, 2 and the new 6, 7, 8 belong to account 1; at most 4 per node.
			assert_ok!(Providers::register_node(origin(1), spec(10), 0, links(&[0, 1, 2, 6])));
			assert_noop!(
				Providers::add_collateral(origin(1), 0, 0, links(&[7])),
				Error::<Test>::TooManyLinks
			);
		});
	}
}

mod life_cycle {
	use super::*;

	#[test]
	fn active_failing_under_collateralized_exiting_exited() {
		run(|| {
			let statuses = || {
				events()
					.into_iter()
					.filter_map(|e| match e {
						Event::NodeStatusChanged { node: 0, status } => Some(status),
						_ => None,
					})
					.collect::<Vec<_>>()
			};
			// Half the collateral is refused; the whole of it: Active and bookable at once.
			assert_noop!(
				Providers::register_node(origin(1), spec(10), 5 * PER_UNIT, links(&[])),
				Error::<Test>::InsufficientCollateral
			);
			assert_ok!(Providers::register_node(origin(1), spec(10), 10 * PER_UNIT, links(&[])));
			assert_eq!(<Providers as CapacityLedger<_>>::free_capacity(0), 10);
			// The oracle reports it failing, then recovered.
			assert_ok!(<Providers as ProviderSlashing>::set_failing(0, true));
			assert_ok!(<Providers as ProviderSlashing>::set_failing(0, false));
			// Slashed below its requirement, then topped up again.
			assert_ok!(<Providers as ProviderSlashing>::slash(0, Perbill::from_percent(10)));
			assert_ok!(Providers::add_collateral(origin(1), 0, PER_UNIT, links(&[])));
			assert_eq!(
				statuses(),
				vec![
					NodeStatus::Active,
					NodeStatus::Failing,
					NodeStatus::Active,
					NodeStatus::UnderCollateralized,
					NodeStatus::Active
				]
			);
			// Commitment over: exit, then released after the unbonding delay.
			let end = node(0).commitment_end;
			go_to(end);
			assert_ok!(Providers::start_exit(origin(1), 0));
			go_to(end + UNBONDING);
			assert_ok!(Providers::finish_exit(origin(1), 0));
			assert!(Nodes::<Test>::get(0).is_none());
			assert_eq!(collateral_held(1), 0);
			assert!(ProviderNodes::<Test>::get(account(1)).is_empty());
		});
	}

	#[test]
	fn unbonding_must_span_the_slashing_exposure_window() {
		run(|| {
			let mut params = Params::<Test>::get();
			// Eras are 2 blocks in the mock: at least four eras, 8 blocks.
			params.unbonding_delay = 7;
			assert_noop!(
				Providers::set_params(RuntimeOrigin::root(), params.clone()),
				Error::<Test>::UnbondingTooShort
			);
			params.unbonding_delay = 8;
			params.extension_months = 0;
			assert_noop!(
				Providers::set_params(RuntimeOrigin::root(), params.clone()),
				Error::<Test>::ZeroCommitment
			);
			params.extension_months = 6;
			assert_ok!(Providers::set_params(RuntimeOrigin::root(), params));
		});
	}

	#[test]
	fn update_node_checks_capacity_collateral_and_endpoint() {
		run(|| {
			let id = register(1, 10);
			let update = |u: NodeUpdate| Providers::update_node(origin(1), id, u);
			assert_noop!(
				update(NodeUpdate { capacity: Some(11), ..Default::default() }),
				Error::<Test>::InsufficientCollateral
			);
			assert_noop!(
				update(NodeUpdate { capacity: Some(0), ..Default::default() }),
				Error::<Test>::ZeroCapacity
			);
			assert_ok!(<Providers as CapacityLedger<_>>::reserve(id, 6));
			assert_noop!(
				update(NodeUpdate { capacity: Some(5), ..Default::default() }),
				Error::<Test>::CapacityBooked
			);
			assert_noop!(
				update(NodeUpdate { endpoint: Some(url("http://10.0.0.1")), ..Default::default() }),
				Error::<Test>::PrivateEndpoint
			);
			assert_noop!(
				Providers::update_node(origin(2), id, NodeUpdate::default()),
				Error::<Test>::NotProvider
			);
			assert_ok!(update(NodeUpdate {
				capacity: Some(8),
				reservation_price: Some(3 * ICNT),
				endpoint: Some(url("https://storage.example.org")),
				commission: Some(Perbill::from_percent(5)),
				audit: None,
			}));
			let n = node(id);
			assert_eq!(
				(n.capacity, n.reservation_price, n.commission),
				(8, 3 * ICNT, Perbill::from_percent(5))
			);
			assert_eq!(&n.endpoint[..], b"https://storage.example.org");
			assert_eq!(events().last(), Some(&Event::NodeUpdated { node: id }));
		});
	}

	#[test]
	fn commitment_extends_in_six_month_steps() {
		run(|| {
			let id = register(1, 1);
			assert_noop!(
				Providers::extend_commitment(origin(1), id, 0),
				Error::<Test>::ZeroExtension
			);
			assert_ok!(Providers::extend_commitment(origin(1), id, 2));
			assert_eq!(node(id).commitment_end, 1 + 48 * MONTH);
			assert_eq!(
				events().last(),
				Some(&Event::CommitmentExtended { node: id, until: 1 + 48 * MONTH })
			);
		});
	}

	#[test]
	fn exit_only_after_the_commitment_with_nothing_booked_then_after_unbonding() {
		run(|| {
			assert_ok!(Providers::register_node(origin(1), spec(10), 8 * PER_UNIT, links(&[0])));
			assert_ok!(Providers::delegate(origin(5), 0, 100 * ICNT));
			let end = 1 + 36 * MONTH;
			go_to(end - 1);
			assert_noop!(Providers::start_exit(origin(1), 0), Error::<Test>::CommitmentNotEnded);
			go_to(end);
			assert_ok!(<Providers as CapacityLedger<_>>::reserve(0, 1));
			assert_noop!(Providers::start_exit(origin(1), 0), Error::<Test>::CapacityBooked);
			assert_ok!(<Providers as CapacityLedger<_>>::release(0, 1));
			assert_noop!(Providers::start_exit(origin(2), 0), Error::<Test>::NotProvider);
			assert_noop!(Providers::finish_exit(origin(1), 0), Error::<Test>::NotExiting);
			assert_ok!(Providers::start_exit(origin(1), 0));
			assert_eq!(node(0).status, NodeStatus::Exiting { unlock_at: end + UNBONDING });
			assert_noop!(Providers::start_exit(origin(1), 0), Error::<Test>::AlreadyExiting);
			// Exiting: no bookings, no new delegations or collateral.
			assert_eq!(<Providers as CapacityLedger<_>>::free_capacity(0), 0);
			assert_noop!(
				Providers::delegate(origin(6), 0, 100 * ICNT),
				Error::<Test>::NodeIsExiting
			);
			assert_noop!(
				Providers::add_collateral(origin(1), 0, 1, links(&[])),
				Error::<Test>::NodeIsExiting
			);
			go_to(end + UNBONDING - 1);
			assert_noop!(Providers::finish_exit(origin(9), 0), Error::<Test>::StillUnbonding);
			go_to(end + UNBONDING);
			assert_ok!(Providers::finish_exit(origin(9), 0));
			assert_eq!(collateral_held(1), 0);
			// The delegations stay in their pool until each delegator withdraws, at once.
			assert_eq!(delegation_held(5), 100 * ICNT);
			assert_ok!(Providers::withdraw_unbonded(origin(5), 0));
			assert_eq!(delegation_held(5), 0);
			assert!(DelegationPools::<Test>::get(0).is_none());
			assert!(Nodes::<Test>::get(0).is_none());
			assert!(ClusterNodes::<Test>::get(CLUSTER).is_empty());
			assert!(!<Test as Config>::Links::is_locked(0));
			assert_ok!(Nfts::transfer(origin(1), 0, 0, account(7)));
			assert!(events().contains(&Event::NodeExited {
				node: 0,
				collateral: 8 * PER_UNIT,
				links: vec![0],
				delegated: 100 * ICNT
			}));
		});
	}
}

mod delegation {
	use super::*;

	#[test]
	fn delegate_undelegate_and_withdraw_after_the_delay() {
		run(|| {
			let id = register(1, 10);
			assert_noop!(
				Providers::delegate(origin(5), id, 9 * ICNT),
				Error::<Test>::BelowMinimumDelegation
			);
			assert_noop!(Providers::delegate(origin(5), 7, 10 * ICNT), Error::<Test>::UnknownNode);
			assert_ok!(Providers::delegate(origin(5), id, 300 * ICNT));
			assert_eq!(delegation_held(5), 300 * ICNT);
			assert_eq!((pool(id).value, pool(id).delegators), (300 * ICNT, 1));
			assert_noop!(
				Providers::undelegate(origin(5), id, 301 * ICNT),
				Error::<Test>::NotEnoughDelegated
			);
			assert_noop!(
				Providers::undelegate(origin(5), id, 295 * ICNT),
				Error::<Test>::BelowMinimumDelegation
			);
			assert_noop!(Providers::undelegate(origin(6), id, 1), Error::<Test>::NotDelegated);
			assert_noop!(
				Providers::withdraw_unbonded(origin(5), id),
				Error::<Test>::NothingToWithdraw
			);
			assert_ok!(Providers::undelegate(origin(5), id, 100 * ICNT));
			assert_eq!(
				events().last(),
				Some(&Event::Undelegated {
					node: id,
					delegator: account(5),
					amount: 100 * ICNT,
					unlock_at: 1 + UNBONDING
				})
			);
			// Still held while unbonding.
			assert_eq!(delegation_held(5), 300 * ICNT);
			go_to(UNBONDING);
			assert_noop!(
				Providers::withdraw_unbonded(origin(5), id),
				Error::<Test>::StillUnbonding
			);
			go_to(1 + UNBONDING);
			assert_ok!(Providers::withdraw_unbonded(origin(5), id));
			assert_eq!(delegation_held(5), 200 * ICNT);
			assert_eq!(pool(id).value, 200 * ICNT);
			// Undelegating everything and withdrawing removes the delegation.
			assert_ok!(Providers::undelegate(origin(5), id, 200 * ICNT));
			go_to(1 + 2 * UNBONDING);
			assert_ok!(Providers::withdraw_unbonded(origin(5), id));
			assert!(Delegations::<Test>::get(id, account(5)).is_none());
			assert!(DelegationPools::<Test>::get(id).is_none());
		});
	}

	#[test]
	fn delegators_are_unbounded_and_shares_exposed() {
		run(|| {
			let id = register(1, 10);
			// More delegators than the old cap of 32, each at the minimum.
			for n in 0..40u8 {
				let who = account(100 + n);
				<Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(
					&who,
					100 * ICNT,
				);
				assert_ok!(Providers::delegate(RuntimeOrigin::signed(who), id, 10 * ICNT));
			}
			assert_eq!((pool(id).value, pool(id).delegators), (400 * ICNT, 40));
			// An existing delegator may add more.
			assert_ok!(Providers::delegate(RuntimeOrigin::signed(account(100)), id, 10 * ICNT));
			let shares = <Providers as NodeRewards<_>>::reward_shares(id).unwrap();
			assert_eq!(shares.provider, account(1));
			assert_eq!(shares.commission, Perbill::from_percent(10));
			assert_eq!(shares.own_stake, 10 * PER_UNIT);
			assert_eq!(shares.delegated, 410 * ICNT);
		});
	}
}

mod slashing {
	use super::*;

	fn treasury() -> Balance {
		Balances::balance(&Treasury::get())
	}

	#[test]
	fn own_collateral_is_slashed_first_to_the_treasury() {
		run(|| {
			let id = register(1, 10);
			assert_ok!(Providers::delegate(origin(5), id, 1_000 * ICNT));
			let issuance = Balances::total_issuance();
			let outcome =
				<Providers as ProviderSlashing>::slash(id, Perbill::from_percent(1)).unwrap();
			assert_eq!(
				outcome,
				SlashOutcome { due: 100 * ICNT, own: 100 * ICNT, ..Default::default() }
			);
			assert_eq!(treasury(), 100 * ICNT);
			assert_eq!(collateral_held(1), 10 * PER_UNIT - 100 * ICNT);
			assert_eq!(delegation_held(5), 1_000 * ICNT);
			// Nothing minted or burned.
			assert_eq!(Balances::total_issuance(), issuance);
			// Below its requirement now: under-collateralized, not bookable.
			assert_eq!(node(id).status, NodeStatus::UnderCollateralized);
			assert_eq!(<Providers as CapacityLedger<_>>::free_capacity(id), 0);
			assert!(events().contains(&Event::NodeSlashed {
				node: id,
				fraction: Perbill::from_percent(1),
				outcome
			}));
		});
	}

	#[test]
	fn delegators_pay_pro_rata_to_the_planck_after_the_own_collateral() {
		run(|| {
			// 3 units: 3,000 ICNT own collateral.
			let id = register(1, 3);
			// Stakes 1 : 2 : 4 (plus odd planck so shares round).
			let stakes = [(5u8, 100 * ICNT + 1), (6, 200 * ICNT + 1), (7, 400 * ICNT + 1)];
			for (n, s) in stakes {
				assert_ok!(Providers::delegate(origin(n), id, s));
			}
			// Account 6 undelegates half: unbonding stake is still slashable.
			assert_ok!(Providers::undelegate(origin(6), id, 100 * ICNT));
			let delegated: Balance = stakes.iter().map(|(_, s)| s).sum();
			// 100 % of 3,000 ICNT own + 350 ICNT from delegators: 3,350 of 3,000 is more than
			// the requirement, so slash with a requirement raised by a region update.
			assert_ok!(Providers::update_region(
				RuntimeOrigin::root(),
				0,
				vec![CountryCode(*b"DE")].try_into().unwrap(),
				PER_UNIT + 350 * ICNT / 3,
				Perbill::one()
			));
			let required = 3 * (PER_UNIT + 350 * ICNT / 3);
			let from_delegators = required - 3 * PER_UNIT;
			let outcome = <Providers as ProviderSlashing>::slash(id, Perbill::one()).unwrap();
			assert_eq!(outcome.own, 3 * PER_UNIT);
			assert_eq!(outcome.delegated, from_delegators);
			assert_eq!(outcome.links_seized, 0);
			assert_eq!(outcome.uncovered, 0);
			// The pool's value drops at once; the ICNT moves to the treasury as each
			// delegation settles (here: anyone's `apply_slash`).
			assert_eq!(pool(id).value, delegated - from_delegators);
			assert_eq!(pool(id).unapplied, from_delegators);
			assert_eq!(Balances::balance(&Treasury::get()), 3 * PER_UNIT);
			let mut paid = Vec::new();
			for (n, s) in stakes {
				assert_ok!(Providers::apply_slash(origin(9), id, account(n)));
				assert_noop!(
					Providers::apply_slash(origin(9), id, account(n)),
					Error::<Test>::NothingToApply
				);
				let left = Delegations::<Test>::get(id, account(n)).map(|d| d.held).unwrap_or(0);
				assert_eq!(delegation_held(n), left);
				// x · stake / total in 256 bits, rounded down.
				let floor = (sp_core::U256::from(from_delegators) * sp_core::U256::from(s)
					/ sp_core::U256::from(delegated))
				.as_u128();
				paid.push((n, s - left, floor));
			}
			// Together exactly the due; each within a planck per delegator of its share.
			let total_paid: Balance = paid.iter().map(|(_, p, _)| p).sum();
			assert_eq!(total_paid, from_delegators);
			for (n, p, floor) in &paid {
				assert!(p.abs_diff(*floor) < stakes.len() as Balance, "{n}: {p} vs {floor}");
			}
			assert_eq!(pool(id).unapplied, 0);
			assert_eq!(Balances::balance(&Treasury::get()), required);
			// Account 6's unbonding part paid its share too: half of it, as every stake.
			let info = Providers::delegation_info(id, &account(6)).unwrap();
			assert!(info.unbonding > 49 * ICNT && info.unbonding < 51 * ICNT, "{info:?}");
		});
	}

	#[test]
	fn beyond_the_icnt_links_are_seized_to_the_treasury() {
		run(|| {
			// 10 units = 10,000 ICNT: 2,000 ICNT + 4 Links (but account 1 has 3) → 3 Links
			// (7,500) + 2,500 ICNT.
			assert_ok!(Providers::register_node(
				origin(1),
				spec(10),
				2_500 * ICNT,
				links(&[0, 1, 2])
			));
			assert_eq!(node(0).status, NodeStatus::Active);
			// 50 %: 5,000 ICNT due; 2,500 own, then Links at 2,500 each: one Link.
			let outcome =
				<Providers as ProviderSlashing>::slash(0, Perbill::from_percent(50)).unwrap();
			assert_eq!(
				outcome,
				SlashOutcome {
					due: 5_000 * ICNT,
					own: 2_500 * ICNT,
					links_seized: 1,
					..Default::default()
				}
			);
			assert_eq!(link_owner(2), Some(Treasury::get()));
			assert!(!<Test as Config>::Links::is_locked(2));
			assert_eq!(node(0).links.to_vec(), vec![0, 1]);
			// 100 % more: 10,000 due, 2 Links left (5,000) → 5,000 uncovered.
			let outcome = <Providers as ProviderSlashing>::slash(0, Perbill::one()).unwrap();
			assert_eq!(
				outcome,
				SlashOutcome {
					due: 10_000 * ICNT,
					links_seized: 2,
					uncovered: 5_000 * ICNT,
					..Default::default()
				}
			);
			assert!(node(0).links.is_empty());
			assert_eq!(Providers::backing(&node(0)), 0);
			assert_eq!(node(0).status, NodeStatus::UnderCollateralized);
		});
	}

	#[test]
	fn a_link_stays_when_the_treasury_cannot_return_its_excess() {
		run(|| {
			// Link-only backing, an empty treasury: the Link's excess over a 50 ICNT slash
			// cannot be paid back, so the Link stays and the delegator pays.
			assert_ok!(Providers::register_node(origin(1), spec(5), 0, links(&[0, 1])));
			assert_ok!(Providers::delegate(origin(5), 0, 1_000 * ICNT));
			assert_eq!(treasury(), 0);
			let outcome =
				<Providers as ProviderSlashing>::slash(0, Perbill::from_percent(1)).unwrap();
			assert_eq!(
				outcome,
				SlashOutcome { due: 50 * ICNT, delegated: 50 * ICNT, ..Default::default() }
			);
			assert_eq!(node(0).links.to_vec(), vec![0, 1]);
			assert_ok!(Providers::apply_slash(origin(9), 0, account(5)));
			assert_eq!(delegation_held(5), 950 * ICNT);
			assert_eq!(treasury(), 50 * ICNT);
		});
	}

	#[test]
	fn under_collateralized_rewards_go_to_collateral_until_topped_up() {
		run(|| {
			let id = register(1, 10);
			assert_ok!(<Providers as ProviderSlashing>::slash(id, Perbill::from_percent(2)));
			// 200 ICNT short. A 150 ICNT reward is all diverted.
			let payer = account(9);
			let free_before = Balances::balance(&account(1));
			let diverted = <Providers as NodeRewards<_>>::pay_node(id, &payer, 150 * ICNT).unwrap();
			assert_eq!(diverted, 150 * ICNT);
			assert_eq!(Balances::balance(&account(1)), free_before);
			assert_eq!(node(id).status, NodeStatus::UnderCollateralized);
			// The next 100: 50 diverted, 50 paid; the node is active again.
			let diverted = <Providers as NodeRewards<_>>::pay_node(id, &payer, 100 * ICNT).unwrap();
			assert_eq!(diverted, 50 * ICNT);
			assert_eq!(Balances::balance(&account(1)), free_before + 50 * ICNT);
			assert_eq!(node(id).status, NodeStatus::Active);
			assert_eq!(collateral_held(1), 10 * PER_UNIT);
			// A healthy node is paid in full.
			assert_eq!(<Providers as NodeRewards<_>>::pay_node(id, &payer, 10 * ICNT), Ok(0));
		});
	}

	#[test]
	fn failing_nodes_are_not_bookable_until_they_recover() {
		run(|| {
			let id = register(1, 10);
			assert_ok!(<Providers as ProviderSlashing>::set_failing(id, true));
			assert_eq!(node(id).status, NodeStatus::Failing);
			assert_eq!(<Providers as CapacityLedger<_>>::free_capacity(id), 0);
			assert_ok!(<Providers as ProviderSlashing>::set_failing(id, false));
			assert_eq!(node(id).status, NodeStatus::Active);
			assert!(events().contains(&Event::NodeFailing { node: id, failing: true }));
			assert_noop!(
				<Providers as ProviderSlashing>::set_failing(9, true),
				Error::<Test>::UnknownNode
			);
		});
	}
}

mod capacity {
	use super::*;

	#[test]
	fn eligible_nodes_cheapest_first_within_the_cluster_price() {
		run(|| {
			let a = register(1, 10);
			let b = register(2, 5);
			let c = register(3, 5);
			let price = |n: u8, id, p| {
				assert_ok!(Providers::update_node(
					origin(n),
					id,
					NodeUpdate { reservation_price: Some(p), ..Default::default() }
				));
			};
			price(1, a, 4 * ICNT);
			price(2, b, 2 * ICNT);
			// Above the cluster's 10 ICNT maximum: never assigned.
			price(3, c, 11 * ICNT);
			let offers = <Providers as CapacityLedger<_>>::eligible_nodes(CLUSTER);
			assert_eq!(
				offers.iter().map(|o| (o.node, o.free_units, o.price)).collect::<Vec<_>>(),
				vec![(b, 5, 2 * ICNT), (a, 10, 4 * ICNT)]
			);
			assert_eq!(<Providers as CapacityLedger<_>>::cluster_free_capacity(CLUSTER), 15);
			assert_ok!(<Providers as CapacityLedger<_>>::reserve(b, 5));
			assert_noop!(
				<Providers as CapacityLedger<_>>::reserve(b, 1),
				Error::<Test>::InsufficientCapacity
			);
			assert_noop!(
				<Providers as CapacityLedger<_>>::reserve(c, 1),
				Error::<Test>::NotBookable
			);
			assert_eq!(<Providers as CapacityLedger<_>>::eligible_nodes(CLUSTER).len(), 1);
			assert_noop!(<Providers as CapacityLedger<_>>::release(b, 6), Error::<Test>::NotBooked);
			assert_ok!(<Providers as CapacityLedger<_>>::release(b, 5));
			assert_eq!(<Providers as CapacityLedger<_>>::cluster_free_capacity(CLUSTER), 15);
			assert_eq!(
				<Providers as CapacityLedger<_>>::cluster_max_price(CLUSTER),
				Some(10 * ICNT)
			);
		});
	}
}

mod invariants {
	use super::*;
	use frame_support::traits::fungible::MutateHold;

	#[test]
	fn try_state_catches_holds_that_differ_from_the_records() {
		new_test_ext().execute_with(|| {
			let id = register(1, 10);
			assert_ok!(Providers::delegate(origin(5), id, 100 * ICNT));
			assert_ok!(Providers::do_try_state());
			assert_ok!(Balances::hold(&HoldReason::HpDelegation.into(), &account(5), 1));
			assert!(Providers::do_try_state().is_err());
			assert_ok!(Balances::release(
				&HoldReason::HpDelegation.into(),
				&account(5),
				1,
				frame_support::traits::tokens::Precision::Exact
			));
			assert_ok!(Providers::do_try_state());
			Nodes::<Test>::mutate(id, |n| n.as_mut().unwrap().collateral -= 1);
			assert!(Providers::do_try_state().is_err());
		});
	}
}
