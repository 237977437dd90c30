//! What this pallet serves to the others, through the `icn-primitives` traits.

use crate::{pallet::*, *};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::Preservation,
	},
};
use sp_runtime::{
	traits::{UniqueSaturatedInto, Zero},
	Perbill,
};

/// Eras may not grow beyond what the unbonding delay spans ([`MIN_UNBONDING_ERAS`]).
impl<T: Config> EraLengthCheck for Pallet<T> {
	fn check(blocks: u32) -> DispatchResult {
		Self::check_unbonding(Params::<T>::get().unbonding_delay, blocks).map_err(Into::into)
	}
}

impl<T: Config> ProviderSlashing for Pallet<T> {
	fn slash_from(
		node: NodeId,
		fraction: Perbill,
		base: Balance,
	) -> Result<SlashOutcome, DispatchError> {
		Self::do_slash_from(node, fraction, base)
	}

	fn slash_base(node: NodeId) -> Balance {
		Nodes::<T>::get(node).map(|n| Self::required_collateral(&n)).unwrap_or_default()
	}

	/// Every Link seized, the treasury returning the last one's excess and the delegators'
	/// pool paying (its benchmark's worst case).
	fn slash_weight() -> Weight {
		T::WeightInfo::slash(T::MaxLinksPerNode::get())
	}

	fn set_failing(node: NodeId, failing: bool) -> DispatchResult {
		let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
		if record.failing != failing {
			record.failing = failing;
			Self::deposit_event(Event::NodeFailing { node, failing });
			Self::refresh_status(node, &mut record);
			Nodes::<T>::insert(node, record);
		}
		Ok(())
	}
}

impl<T: Config> CapacityLedger<T::AccountId> for Pallet<T> {
	fn free_capacity(node: NodeId) -> u32 {
		Nodes::<T>::get(node)
			.filter(Self::is_bookable)
			.map(|n| n.capacity.saturating_sub(n.booked))
			.unwrap_or(0)
	}

	fn cluster_free_capacity(cluster: ClusterId) -> u64 {
		ClusterNodes::<T>::get(cluster)
			.iter()
			.map(|n| u64::from(Self::free_capacity(*n)))
			.sum()
	}

	fn cluster_usage(cluster: ClusterId) -> (u64, u64) {
		ClusterNodes::<T>::get(cluster)
			.iter()
			.filter_map(|id| Nodes::<T>::get(id))
			.filter(|n| Self::is_bookable(n))
			.fold((0, 0), |(c, b), n| (c + u64::from(n.capacity), b + u64::from(n.booked)))
	}

	fn cluster_max_price(cluster: ClusterId) -> Option<Balance> {
		Clusters::<T>::get(cluster).map(|c| c.max_price)
	}

	fn eligible_nodes(cluster: ClusterId) -> Vec<NodeOffer<T::AccountId>> {
		let mut offers: Vec<NodeOffer<T::AccountId>> = ClusterNodes::<T>::get(cluster)
			.iter()
			.filter_map(|id| Nodes::<T>::get(id).map(|n| (*id, n)))
			.filter(|(_, n)| Self::is_bookable(n) && n.booked < n.capacity)
			.map(|(id, n)| NodeOffer {
				node: id,
				free_units: n.capacity.saturating_sub(n.booked),
				price: n.reservation_price,
				commitment_end: n.commitment_end.unique_saturated_into(),
				provider: n.provider,
			})
			.collect();
		// Cheapest first, then the longest commitment, then the oldest node.
		offers.sort_by(|a, b| {
			a.price
				.cmp(&b.price)
				.then(b.commitment_end.cmp(&a.commitment_end))
				.then(a.node.cmp(&b.node))
		});
		offers
	}

	fn node_offer(node: NodeId) -> Option<NodeOffer<T::AccountId>> {
		let n = Nodes::<T>::get(node).filter(Self::is_bookable)?;
		Some(NodeOffer {
			node,
			free_units: n.capacity.saturating_sub(n.booked),
			price: n.reservation_price,
			commitment_end: n.commitment_end.unique_saturated_into(),
			provider: n.provider,
		})
	}

	fn reserve(node: NodeId, units: u32) -> DispatchResult {
		let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
		ensure!(Self::is_bookable(&record), Error::<T>::NotBookable);
		let booked = record.booked.checked_add(units).ok_or(Error::<T>::InsufficientCapacity)?;
		ensure!(booked <= record.capacity, Error::<T>::InsufficientCapacity);
		record.booked = booked;
		Nodes::<T>::insert(node, record);
		Self::deposit_event(Event::CapacityReserved { node, units });
		Ok(())
	}

	fn release(node: NodeId, units: u32) -> DispatchResult {
		let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
		record.booked = record.booked.checked_sub(units).ok_or(Error::<T>::NotBooked)?;
		Nodes::<T>::insert(node, record);
		Self::deposit_event(Event::CapacityReleased { node, units });
		Ok(())
	}
}

impl<T: Config> SlaTargets for Pallet<T> {
	fn next_node_id() -> NodeId {
		NextNodeId::<T>::get()
	}

	fn probe_target(node: NodeId) -> Option<ProbeTarget> {
		let n = Nodes::<T>::get(node)?;
		if n.status == NodeStatus::Registered {
			return None;
		}
		let cluster = Clusters::<T>::get(n.cluster)?;
		Some(ProbeTarget {
			endpoint: n.endpoint.into_inner(),
			path: n.audit.path.into_inner(),
			size: n.audit.size,
			chunk_size: n.audit.chunk_size,
			root: n.audit.root,
			latency_bound_ms: cluster.latency_bound_ms,
			cluster: n.cluster,
			capacity: n.capacity,
			probed_from: ProbedFrom::<T>::get(node).unwrap_or(0),
			priced_within_max: n.reservation_price <= cluster.max_price,
		})
	}
}

impl<T: Config> NodeRewards<T::AccountId> for Pallet<T> {
	fn reward_shares(node: NodeId) -> Option<RewardShares<T::AccountId>> {
		let record = Nodes::<T>::get(node)?;
		let delegated = DelegationPools::<T>::get(node)
			.map(|p| p.value_of(p.active_points))
			.unwrap_or_default();
		// The provider's own stake is all it backs the node with: ICNT and Links.
		Some(RewardShares {
			commission: Self::commission_of(node, &record),
			own_stake: Self::backing(&record),
			provider: record.provider,
			delegated,
		})
	}

	fn delegators_pot() -> T::AccountId {
		Self::pot()
	}

	fn credit_delegators(node: NodeId, amount: Balance) -> DispatchResult {
		Self::do_credit_delegators(node, amount)
	}

	fn pay_node(
		node: NodeId,
		payer: &T::AccountId,
		amount: Balance,
	) -> Result<Balance, DispatchError> {
		let record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
		T::Currency::transfer(payer, &record.provider, amount, Preservation::Preserve)?;
		Self::credit_node(node, amount)
	}

	fn credit_node(node: NodeId, amount: Balance) -> Result<Balance, DispatchError> {
		let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
		let diverted = if record.status == NodeStatus::UnderCollateralized {
			let deficit = Self::required_collateral(&record).saturating_sub(Self::backing(&record));
			amount.min(deficit)
		} else {
			Zero::zero()
		};
		if diverted > 0 {
			T::Currency::hold(&HoldReason::HpCollateral.into(), &record.provider, diverted)?;
			record.collateral = record.collateral.saturating_add(diverted);
			Self::refresh_status(node, &mut record);
			Nodes::<T>::insert(node, record);
		}
		Self::deposit_event(Event::RewardPaid { node, amount, diverted });
		Ok(diverted)
	}
}
