//! The bodies of the pallet's calls: each call in `lib.rs` checks its origin and hands
//! over to its `do_*` function here.

use crate::{pallet::*, *};
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use sp_runtime::Perbill;

impl<T: Config> Pallet<T> {
	/// The body of [`Pallet::create_region`], its origin checked.
	pub(crate) fn do_create_region(
		name: Name,
		countries: BoundedVec<CountryCode, T::MaxCountries>,
		collateral_per_unit: Balance,
		reward_weight: Perbill,
	) -> DispatchResult {
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		Self::check_countries(&countries)?;
		let region =
			Self::insert_region(Region { name, countries, collateral_per_unit, reward_weight })
				.ok_or(Error::<T>::Overflow)?;
		Self::deposit_event(Event::RegionCreated { region });
		Ok(())
	}

	/// The body of [`Pallet::update_region`], its origin checked.
	pub(crate) fn do_update_region(
		region: RegionId,
		countries: BoundedVec<CountryCode, T::MaxCountries>,
		collateral_per_unit: Balance,
		reward_weight: Perbill,
	) -> DispatchResult {
		Self::check_countries(&countries)?;
		Regions::<T>::try_mutate(region, |r| -> DispatchResult {
			let r = r.as_mut().ok_or(Error::<T>::UnknownRegion)?;
			r.countries = countries;
			r.collateral_per_unit = collateral_per_unit;
			r.reward_weight = reward_weight;
			Ok(())
		})?;
		Self::deposit_event(Event::RegionUpdated { region });
		Ok(())
	}

	/// The body of [`Pallet::create_cluster`], its origin checked.
	pub(crate) fn do_create_cluster(
		region: RegionId,
		name: Name,
		kind: ResourceKind,
		max_price: Balance,
		latency_bound_ms: u32,
	) -> DispatchResult {
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		ensure!(Regions::<T>::contains_key(region), Error::<T>::UnknownRegion);
		let cluster =
			Self::insert_cluster(Cluster { region, name, kind, max_price, latency_bound_ms })
				.ok_or(Error::<T>::Overflow)?;
		Self::deposit_event(Event::ClusterCreated { cluster, region });
		Ok(())
	}

	/// The body of [`Pallet::update_cluster`], its origin checked.
	pub(crate) fn do_update_cluster(
		cluster: ClusterId,
		max_price: Balance,
		latency_bound_ms: u32,
	) -> DispatchResult {
		Clusters::<T>::try_mutate(cluster, |c| -> DispatchResult {
			let c = c.as_mut().ok_or(Error::<T>::UnknownCluster)?;
			c.max_price = max_price;
			c.latency_bound_ms = latency_bound_ms;
			Ok(())
		})?;
		Self::deposit_event(Event::ClusterUpdated { cluster });
		Ok(())
	}

	/// The body of [`Pallet::set_params`], its origin checked.
	pub(crate) fn do_set_params(params: ProviderParams) -> DispatchResult {
		Self::check_params(&params)?;
		Params::<T>::put(&params);
		Self::deposit_event(Event::ParamsSet { params });
		Ok(())
	}

	/// The body of [`Pallet::register_node`], its origin checked.
	pub(crate) fn do_register_node(
		provider: T::AccountId,
		spec: NodeSpec,
		collateral: Balance,
		links: BoundedVec<LinkId, T::MaxLinksPerNode>,
	) -> DispatchResult {
		let cluster = Clusters::<T>::get(spec.cluster).ok_or(Error::<T>::UnknownCluster)?;
		let region = Regions::<T>::get(cluster.region).ok_or(Error::<T>::UnknownRegion)?;
		ensure!(spec.capacity > 0, Error::<T>::ZeroCapacity);
		ensure!(spec.location.is_well_formed(), Error::<T>::BadCountryCode);
		ensure!(region.countries.contains(&spec.location), Error::<T>::LocationNotInRegion);
		Self::check_endpoint(&spec.endpoint)?;
		Self::check_audit(&spec.audit)?;
		Self::check_audit_covers(&spec.audit, spec.capacity)?;
		ensure!(spec.hardware == HardwareClass::Enterprise, Error::<T>::EnterpriseHardwareRequired);
		ensure!(
			spec.commission <= Params::<T>::get().max_commission,
			Error::<T>::CommissionTooHigh
		);
		// The whole collateral up front: a node's place in its cluster (and its storage)
		// costs what the protocol says, so nobody fills a cluster with empty nodes.
		let links_value =
			Params::<T>::get().link_collateral_value.saturating_mul(links.len() as Balance);
		ensure!(
			collateral.saturating_add(links_value)
				>= region.collateral_per_unit.saturating_mul(spec.capacity.into()),
			Error::<T>::InsufficientCollateral
		);

		let id = NextNodeId::<T>::get();
		NextNodeId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		ProviderNodes::<T>::try_mutate(&provider, |nodes| nodes.try_push(id))
			.map_err(|_| Error::<T>::TooManyNodes)?;
		ClusterNodes::<T>::try_mutate(spec.cluster, |nodes| nodes.try_push(id))
			.map_err(|_| Error::<T>::ClusterFull)?;

		let now = frame_system::Pallet::<T>::block_number();
		let commitment_end = Self::after_months(now, Params::<T>::get().commitment_months)?;
		let mut node = Node::<T> {
			provider: provider.clone(),
			cluster: spec.cluster,
			capacity: spec.capacity,
			booked: 0,
			location: spec.location,
			endpoint: spec.endpoint,
			audit: spec.audit,
			reservation_price: spec.reservation_price,
			hardware: spec.hardware,
			commission: spec.commission,
			commitment_end,
			status: NodeStatus::Registered,
			failing: false,
			collateral: 0,
			links: BoundedVec::new(),
			registered_at: now,
		};
		Self::deposit_event(Event::NodeRegistered {
			node: id,
			provider,
			cluster: spec.cluster,
			capacity: spec.capacity,
		});
		if collateral > 0 || !links.is_empty() {
			Self::hold_backing(id, &mut node, collateral, links)?;
		}
		Self::refresh_status(id, &mut node);
		Nodes::<T>::insert(id, node);
		Ok(())
	}

	/// The body of [`Pallet::add_collateral`], its origin checked.
	pub(crate) fn do_add_collateral(
		who: T::AccountId,
		node: NodeId,
		amount: Balance,
		links: BoundedVec<LinkId, T::MaxLinksPerNode>,
	) -> DispatchResult {
		let mut record = Self::provider_node(&who, node)?;
		ensure!(!matches!(record.status, NodeStatus::Exiting { .. }), Error::<T>::NodeIsExiting);
		ensure!(amount > 0 || !links.is_empty(), Error::<T>::NothingToAdd);
		Self::hold_backing(node, &mut record, amount, links)?;
		Self::refresh_status(node, &mut record);
		Nodes::<T>::insert(node, record);
		Ok(())
	}

	/// The body of [`Pallet::update_node`], its origin checked.
	pub(crate) fn do_update_node(
		who: T::AccountId,
		node: NodeId,
		update: NodeUpdate,
	) -> DispatchResult {
		let mut record = Self::provider_node(&who, node)?;
		ensure!(!matches!(record.status, NodeStatus::Exiting { .. }), Error::<T>::NodeIsExiting);
		// A new audit object, or more capacity, must be covered by the audit object (a
		// smaller capacity only lowers what it must cover).
		let audit_checked =
			update.audit.is_some() || update.capacity.is_some_and(|c| c > record.capacity);
		if let Some(capacity) = update.capacity {
			ensure!(capacity > 0, Error::<T>::ZeroCapacity);
			ensure!(capacity >= record.booked, Error::<T>::CapacityBooked);
			if capacity > record.capacity {
				let required = Self::collateral_for(record.cluster, capacity);
				ensure!(Self::backing(&record) >= required, Error::<T>::InsufficientCollateral);
			}
			record.capacity = capacity;
		}
		if let Some(price) = update.reservation_price {
			record.reservation_price = price;
		}
		if let Some(endpoint) = update.endpoint {
			Self::check_endpoint(&endpoint)?;
			record.endpoint = endpoint;
		}
		if let Some(audit) = update.audit {
			Self::check_audit(&audit)?;
			record.audit = audit;
		}
		if audit_checked {
			Self::check_audit_covers(&record.audit, record.capacity)?;
		}
		// A pending raise that is due applies first (and its entry goes).
		if let Some((commission, at)) = PendingCommission::<T>::get(node) {
			if frame_system::Pallet::<T>::block_number() >= at {
				record.commission = commission;
				PendingCommission::<T>::remove(node);
			}
		}
		if let Some(commission) = update.commission {
			ensure!(commission <= Params::<T>::get().max_commission, Error::<T>::CommissionTooHigh);
			if commission <= record.commission {
				// Lower (or the same): at once, and any raise still pending is dropped.
				record.commission = commission;
				PendingCommission::<T>::remove(node);
			} else {
				// Higher: after the unbonding delay, so its delegators can leave first.
				let at = Self::after_unbonding();
				PendingCommission::<T>::insert(node, (commission, at));
				Self::deposit_event(Event::CommissionScheduled { node, commission, at });
			}
		}
		Self::deposit_event(Event::NodeUpdated { node });
		Self::refresh_status(node, &mut record);
		Nodes::<T>::insert(node, record);
		Ok(())
	}

	/// The body of [`Pallet::extend_commitment`], its origin checked.
	pub(crate) fn do_extend_commitment(
		who: T::AccountId,
		node: NodeId,
		periods: u32,
	) -> DispatchResult {
		let mut record = Self::provider_node(&who, node)?;
		ensure!(periods > 0, Error::<T>::ZeroExtension);
		ensure!(!matches!(record.status, NodeStatus::Exiting { .. }), Error::<T>::NodeIsExiting);
		let months = Params::<T>::get()
			.extension_months
			.checked_mul(periods)
			.ok_or(Error::<T>::CommitmentOverflow)?;
		// An ended commitment extends from now, a running one from its end.
		let now = frame_system::Pallet::<T>::block_number();
		let from = record.commitment_end.max(now);
		record.commitment_end = Self::after_months(from, months)?;
		Self::deposit_event(Event::CommitmentExtended { node, until: record.commitment_end });
		Nodes::<T>::insert(node, record);
		Ok(())
	}

	/// The body of [`Pallet::start_exit`], its origin checked.
	pub(crate) fn do_start_exit(who: T::AccountId, node: NodeId) -> DispatchResult {
		let mut record = Self::provider_node(&who, node)?;
		ensure!(!matches!(record.status, NodeStatus::Exiting { .. }), Error::<T>::AlreadyExiting);
		ensure!(
			frame_system::Pallet::<T>::block_number() >= record.commitment_end,
			Error::<T>::CommitmentNotEnded
		);
		ensure!(record.booked == 0, Error::<T>::CapacityBooked);
		let unlock_at = Self::after_unbonding();
		record.status = NodeStatus::Exiting { unlock_at };
		Nodes::<T>::insert(node, record);
		Self::deposit_event(Event::NodeExiting { node, unlock_at });
		Ok(())
	}

	/// The body of [`Pallet::finish_exit`], its origin checked.
	pub(crate) fn do_finish_exit(node: NodeId) -> DispatchResultWithPostInfo {
		let record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
		let NodeStatus::Exiting { unlock_at } = record.status else {
			return Err(Error::<T>::NotExiting.into());
		};
		ensure!(frame_system::Pallet::<T>::block_number() >= unlock_at, Error::<T>::StillUnbonding);
		ensure!(!T::SlashQueue::is_pending(node), Error::<T>::SlashPending);
		if record.collateral > 0 {
			T::Currency::release(
				&HoldReason::HpCollateral.into(),
				&record.provider,
				record.collateral,
				Precision::Exact,
			)?;
		}
		for link in &record.links {
			T::Links::unlock(*link)?;
			LinkBacking::<T>::remove(link);
		}
		ProviderNodes::<T>::mutate(&record.provider, |nodes| nodes.retain(|n| *n != node));
		ClusterNodes::<T>::mutate(record.cluster, |nodes| nodes.retain(|n| *n != node));
		Nodes::<T>::remove(node);
		PendingCommission::<T>::remove(node);
		ProbedFrom::<T>::remove(node);
		let links = record.links.len() as u32;
		Self::deposit_event(Event::NodeExited {
			node,
			collateral: record.collateral,
			links: record.links.into_inner(),
			delegated: DelegationPools::<T>::get(node).map(|p| p.value).unwrap_or_default(),
		});
		Ok(Some(T::WeightInfo::finish_exit(links)).into())
	}
}
