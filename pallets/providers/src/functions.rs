//! The pallet's own functions: checks, accounting, state queries and invariants, used by
//! its calls, hooks and trait implementations.

use crate::{pallet::*, *};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
	},
};
use frame_system::pallet_prelude::*;
use sp_runtime::{
	traits::{AccountIdConversion, Saturating, UniqueSaturatedInto},
	Perbill,
};

impl<T: Config> Pallet<T> {
	/// The account that owns and administers the Links collection.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// The block `months` months after block `from`, on the chain's month clock.
	pub(crate) fn after_months(
		from: BlockNumberFor<T>,
		months: u32,
	) -> Result<BlockNumberFor<T>, Error<T>> {
		let units = u64::from(months)
			.checked_mul(MONTH_SCALE)
			.ok_or(Error::<T>::CommitmentOverflow)?;
		let block = T::Clock::months().block_after(from.unique_saturated_into(), units);
		let block: u32 = block.try_into().map_err(|_| Error::<T>::CommitmentOverflow)?;
		Ok(block.into())
	}

	/// The block at which something started now is released.
	pub(crate) fn after_unbonding() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
			.saturating_add(Params::<T>::get().unbonding_delay.into())
	}

	pub(crate) fn insert_region(region: Region<T>) -> Option<RegionId> {
		let id = NextRegionId::<T>::get();
		NextRegionId::<T>::put(id.checked_add(1)?);
		Regions::<T>::insert(id, region);
		Some(id)
	}

	pub(crate) fn insert_cluster(cluster: Cluster) -> Option<ClusterId> {
		let id = NextClusterId::<T>::get();
		NextClusterId::<T>::put(id.checked_add(1)?);
		Clusters::<T>::insert(id, cluster);
		Some(id)
	}

	pub(crate) fn do_mint_link(owner: &T::AccountId) -> DispatchResult {
		let link = NextLinkId::<T>::get();
		NextLinkId::<T>::put(link.checked_add(1).ok_or(Error::<T>::Overflow)?);
		T::Links::mint(link, owner)?;
		Self::deposit_event(Event::LinkMinted { link, owner: owner.clone() });
		Ok(())
	}

	/// Checks protocol parameters: unbonding spans the slashing exposure window
	/// ([`MIN_UNBONDING_ERAS`] of the longest era length in force or set), commitments are
	/// not empty.
	pub fn check_params(params: &ProviderParams) -> Result<(), Error<T>> {
		let eras = T::Clock::eras();
		let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		let era = eras.era_length_at(now).max(eras.latest_length());
		Self::check_unbonding(params.unbonding_delay, era)?;
		ensure!(
			params.commitment_months > 0 && params.extension_months > 0,
			Error::<T>::ZeroCommitment
		);
		Ok(())
	}

	/// Whether an unbonding delay of `delay` blocks spans [`MIN_UNBONDING_ERAS`] eras of
	/// `era_blocks` blocks.
	pub(crate) fn check_unbonding(delay: u32, era_blocks: u32) -> Result<(), Error<T>> {
		ensure!(
			delay >= era_blocks.saturating_mul(MIN_UNBONDING_ERAS),
			Error::<T>::UnbondingTooShort
		);
		Ok(())
	}

	pub(crate) fn check_countries(countries: &[CountryCode]) -> DispatchResult {
		ensure!(!countries.is_empty(), Error::<T>::NoCountries);
		ensure!(countries.iter().all(CountryCode::is_well_formed), Error::<T>::BadCountryCode);
		Ok(())
	}

	/// Validates a storage endpoint against the chain's `allow_private_endpoints`.
	pub fn check_endpoint(url: &[u8]) -> DispatchResult {
		use endpoint::EndpointError as E;
		endpoint::validate(url, Params::<T>::get().allow_private_endpoints).map_err(
			|e| match e {
				E::BadScheme => Error::<T>::BadEndpointScheme,
				E::BadHost => Error::<T>::BadEndpointHost,
				E::BadPort => Error::<T>::BadEndpointPort,
				E::BadSyntax => Error::<T>::BadEndpointSyntax,
				E::PrivateHost => Error::<T>::PrivateEndpoint,
			},
		)?;
		Ok(())
	}

	/// The smallest audit object a node of `capacity` units serves: `audit_bytes_per_unit`
	/// per unit, at most the largest audit object allowed.
	pub fn audit_size_for(capacity: u32) -> u64 {
		let largest =
			u64::from(T::MaxAuditChunks::get()).saturating_mul(u64::from(AUDIT_CHUNK_SIZE));
		Params::<T>::get()
			.audit_bytes_per_unit
			.saturating_mul(u64::from(capacity))
			.min(largest)
	}

	/// Whether `audit` is large enough for `capacity` units ([`Self::audit_size_for`]).
	pub(crate) fn check_audit_covers(audit: &AuditObject, capacity: u32) -> DispatchResult {
		ensure!(audit.size >= Self::audit_size_for(capacity), Error::<T>::AuditObjectTooSmall);
		Ok(())
	}

	/// Validates an audit object commitment (protocol §4.2).
	pub fn check_audit(audit: &AuditObject) -> DispatchResult {
		ensure!(audit.chunk_size == AUDIT_CHUNK_SIZE, Error::<T>::BadChunkSize);
		ensure!(audit.size > 0, Error::<T>::EmptyAuditObject);
		ensure!(
			audit.chunks() <= u64::from(T::MaxAuditChunks::get()),
			Error::<T>::AuditObjectTooLarge
		);
		let path = &audit.path[..];
		let good_byte = |c: &u8| c.is_ascii_alphanumeric() || b"-._~/".contains(c);
		ensure!(
			!path.is_empty()
				&& path[0] != b'/'
				&& path.iter().all(good_byte)
				&& !path
					.split(|c| *c == b'/')
					.any(|seg| seg.is_empty() || seg == b"." || seg == b".."),
			Error::<T>::BadAuditPath
		);
		Ok(())
	}

	/// `who`'s node `node`.
	pub(crate) fn provider_node(
		who: &T::AccountId,
		node: NodeId,
	) -> Result<Node<T>, DispatchError> {
		let record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
		ensure!(&record.provider == who, Error::<T>::NotProvider);
		Ok(record)
	}

	/// Holds `amount` more and locks `links` for `node` (not written).
	pub(crate) fn hold_backing(
		id: NodeId,
		node: &mut Node<T>,
		amount: Balance,
		links: BoundedVec<LinkId, T::MaxLinksPerNode>,
	) -> DispatchResult {
		for (i, link) in links.iter().enumerate() {
			ensure!(!links[..i].contains(link), Error::<T>::DuplicateLink);
			let owner = T::Links::owner(*link).ok_or(Error::<T>::UnknownLink)?;
			ensure!(owner == node.provider, Error::<T>::NotLinkOwner);
			ensure!(!T::Links::is_locked(*link), Error::<T>::LinkInUse);
			T::Links::lock(*link).map_err(|_| Error::<T>::LinkInUse)?;
			LinkBacking::<T>::insert(link, id);
			node.links.try_push(*link).map_err(|_| Error::<T>::TooManyLinks)?;
		}
		if amount > 0 {
			T::Currency::hold(&HoldReason::HpCollateral.into(), &node.provider, amount)?;
			node.collateral = node.collateral.saturating_add(amount);
		}
		Self::deposit_event(Event::CollateralAdded { node: id, amount, links: links.into_inner() });
		Ok(())
	}

	/// Collateral a node of `cluster` with `capacity` units needs (0 for an unknown
	/// cluster or region).
	pub fn collateral_for(cluster: ClusterId, capacity: u32) -> Balance {
		Clusters::<T>::get(cluster)
			.and_then(|c| Regions::<T>::get(c.region))
			.map(|r| r.collateral_per_unit.saturating_mul(capacity.into()))
			.unwrap_or_default()
	}

	/// The collateral `node` needs.
	pub fn required_collateral(node: &Node<T>) -> Balance {
		Self::collateral_for(node.cluster, node.capacity)
	}

	/// `node`'s commission now: a pending raise once its block is reached, else its own.
	pub fn commission_of(id: NodeId, node: &Node<T>) -> Perbill {
		match PendingCommission::<T>::get(id) {
			Some((commission, at)) if frame_system::Pallet::<T>::block_number() >= at => commission,
			_ => node.commission,
		}
	}

	/// What backs `node`: its held ICNT plus its Links at `link_collateral_value`.
	pub fn backing(node: &Node<T>) -> Balance {
		let links = Params::<T>::get()
			.link_collateral_value
			.saturating_mul(node.links.len() as Balance);
		node.collateral.saturating_add(links)
	}

	/// Recomputes `node`'s status from its collateral and SLA flag (an exiting node stays
	/// exiting) and emits `NodeStatusChanged` if it changed. Does not write the node.
	pub(crate) fn refresh_status(id: NodeId, node: &mut Node<T>) {
		let status = match node.status {
			NodeStatus::Exiting { .. } => node.status,
			_ if Self::backing(node) < Self::required_collateral(node) => {
				if node.status == NodeStatus::Registered {
					NodeStatus::Registered
				} else {
					NodeStatus::UnderCollateralized
				}
			},
			_ if node.failing => NodeStatus::Failing,
			_ => NodeStatus::Active,
		};
		if status != node.status {
			let block: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
			// Probed from the next era: the current one's nodes were fixed at its start
			// (genesis nodes are there from era 0).
			if node.status == NodeStatus::Registered && block > 0 {
				let next: EraIndex = T::Clock::eras().era_of(block).saturating_add(1);
				ProbedFrom::<T>::insert(id, next);
			}
			node.status = status;
			Self::deposit_event(Event::NodeStatusChanged { node: id, status });
		}
	}

	/// Whether `node` may take new bookings: active, fully collateralized (checked live,
	/// so a raised region requirement applies at once) and priced within its cluster's
	/// maximum.
	pub fn is_bookable(node: &Node<T>) -> bool {
		node.status == NodeStatus::Active
			&& Self::backing(node) >= Self::required_collateral(node)
			&& Clusters::<T>::get(node.cluster)
				.is_some_and(|c| node.reservation_price <= c.max_price)
	}

	/// Slashes `fraction` of `node`'s collateral requirement now (see [`ProviderSlashing`]).
	pub fn do_slash(node: NodeId, fraction: Perbill) -> Result<SlashOutcome, DispatchError> {
		let base = Nodes::<T>::get(node)
			.map(|n| Self::required_collateral(&n))
			.ok_or(Error::<T>::UnknownNode)?;
		Self::do_slash_from(node, fraction, base)
	}

	/// Slashes `fraction` of `base` from `node`: its own ICNT, then its Links, then its
	/// delegators' ICNT (see [`ProviderSlashing`] and [`SlashOutcome`]).
	///
	/// A Link goes to the treasury whole; when less than its value was still due, the
	/// treasury pays the difference back into the provider's held collateral, so the slash
	/// never takes more value than owed. If the treasury cannot pay it, the Link stays and
	/// the remainder falls to the delegators.
	pub fn do_slash_from(
		node: NodeId,
		fraction: Perbill,
		base: Balance,
	) -> Result<SlashOutcome, DispatchError> {
		let mut record = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
		let treasury = T::Treasury::get();
		let mut due = fraction.mul_floor(base);
		let mut outcome = SlashOutcome { due, ..Default::default() };

		// 1. The provider's own ICNT.
		let own = due.min(record.collateral);
		if own > 0 {
			T::Currency::transfer_on_hold(
				&HoldReason::HpCollateral.into(),
				&record.provider,
				&treasury,
				own,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)?;
			record.collateral -= own;
			due -= own;
			outcome.own = own;
		}

		// 2. The provider's Links, each worth `link_collateral_value`; the last one's excess
		// over what is due comes back from the treasury as held collateral.
		let value = Params::<T>::get().link_collateral_value;
		while due > 0 && value > 0 && !record.links.is_empty() {
			let excess = value.saturating_sub(due);
			if excess > 0
				&& T::Currency::reducible_balance(
					&treasury,
					Preservation::Preserve,
					Fortitude::Polite,
				) < excess
			{
				break;
			}
			let Some(link) = record.links.pop() else { break };
			T::Links::seize(link, &treasury)?;
			LinkBacking::<T>::remove(link);
			if excess > 0 {
				T::Currency::transfer_and_hold(
					&HoldReason::HpCollateral.into(),
					&treasury,
					&record.provider,
					excess,
					Precision::Exact,
					Preservation::Preserve,
					Fortitude::Polite,
				)?;
				record.collateral = record.collateral.saturating_add(excess);
				outcome.returned = excess;
			}
			outcome.links_seized = outcome.links_seized.saturating_add(1);
			due = due.saturating_sub(value);
		}

		// 3. Delegators, pro rata to their stake (active and unbonding): the pool's value
		// drops at once; each delegation pays its part to the treasury when next settled.
		if due > 0 {
			if let Some(mut pool) = DelegationPools::<T>::get(node).filter(|p| p.value > 0) {
				let take = due.min(pool.value);
				pool.value -= take;
				pool.unapplied = pool.unapplied.saturating_add(take);
				DelegationPools::<T>::insert(node, pool);
				due -= take;
				outcome.delegated = take;
			}
		}

		outcome.uncovered = due;
		frame_support::defensive_assert!(
			outcome.is_exact(value),
			"a slash took other than its due"
		);

		Self::refresh_status(node, &mut record);
		Nodes::<T>::insert(node, record);
		Self::deposit_event(Event::NodeSlashed { node, fraction, outcome });
		Ok(outcome)
	}

	/// The node's record as the runtime API reports it.
	pub fn node_info(id: NodeId) -> Option<runtime_api::NodeInfo<T::AccountId, BlockNumberFor<T>>> {
		let node = Nodes::<T>::get(id)?;
		let pool = DelegationPools::<T>::get(id).unwrap_or_default();
		let commission = Self::commission_of(id, &node);
		Some(runtime_api::NodeInfo {
			id,
			region: Clusters::<T>::get(node.cluster).map(|c| c.region).unwrap_or_default(),
			required_collateral: Self::required_collateral(&node),
			backing: Self::backing(&node),
			bookable: Self::is_bookable(&node),
			provider: node.provider,
			cluster: node.cluster,
			capacity: node.capacity,
			booked: node.booked,
			location: node.location,
			endpoint: node.endpoint.into_inner(),
			audit: node.audit,
			reservation_price: node.reservation_price,
			commission,
			commitment_end: node.commitment_end,
			status: node.status,
			failing: node.failing,
			collateral: node.collateral,
			links: node.links.into_inner(),
			delegated: pool.value,
			delegators: pool.delegators,
		})
	}

	/// Checks the pallet's invariants: every account's holds equal the records (own
	/// collateral of its nodes, its delegations), the delegation pools match their
	/// delegations and the pot holds their unclaimed rewards, every backing Link is locked, owned by the provider and
	/// indexed, and the cluster and provider indexes match the nodes. (Always compiled,
	/// so the tests of pallets built on this one check it too.)
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::InspectHold;
		let mut collateral: BTreeMap<T::AccountId, Balance> = BTreeMap::new();
		let mut delegated: BTreeMap<T::AccountId, Balance> = BTreeMap::new();
		for (id, (commission, _)) in PendingCommission::<T>::iter() {
			let node = Nodes::<T>::get(id).ok_or("a pending commission of no node")?;
			ensure!(commission > node.commission, "a pending commission that is no raise");
		}
		for (id, node) in Nodes::<T>::iter() {
			let c = collateral.entry(node.provider.clone()).or_default();
			*c = c.saturating_add(node.collateral);
			for link in &node.links {
				ensure!(T::Links::is_locked(*link), "a backing Link is not locked");
				ensure!(
					T::Links::owner(*link).as_ref() == Some(&node.provider),
					"a backing Link changed owner"
				);
				ensure!(LinkBacking::<T>::get(link) == Some(id), "a backing Link is not indexed");
			}
			ensure!(
				ClusterNodes::<T>::get(node.cluster).contains(&id),
				"node missing from its cluster"
			);
			ensure!(
				ProviderNodes::<T>::get(&node.provider).contains(&id),
				"node missing from its provider"
			);
		}
		Self::pools_try_state(&mut delegated)?;
		for (link, id) in LinkBacking::<T>::iter() {
			ensure!(
				Nodes::<T>::get(id).is_some_and(|n| n.links.contains(&link)),
				"stale Link index"
			);
		}
		for (who, amount) in &collateral {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::HpCollateral.into(), who) == *amount,
				"HpCollateral hold differs from the nodes' collateral"
			);
		}
		for (who, amount) in &delegated {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::HpDelegation.into(), who) == *amount,
				"HpDelegation hold differs from the delegations"
			);
		}
		let indexed: u32 = ClusterNodes::<T>::iter_values().map(|v| v.len() as u32).sum();
		ensure!(indexed as usize == Nodes::<T>::iter_keys().count(), "cluster index size differs");
		Ok(())
	}
}
