//! The era's work (protocol §4.4): start an era (snapshot and assignment), aggregate its
//! reports into verdicts and scores, measure utilization, pay its rewards, apply the slash
//! it deferred, finalize and prune — in `on_initialize` and in weight-metered batches in
//! `on_poll`.

use crate::{pallet::*, *};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Mutate, tokens::Preservation},
	weights::WeightMeter,
};
use sp_runtime::{helpers_128bit::multiply_by_rational_with_rounding, PerThing, Rounding};

impl<T: Config> Pallet<T> {
	/// Applying one pending slash: the step's own work and the slash at its worst (every
	/// delegator paying, every Link seized — the providers pallet's benchmark).
	pub fn slash_step_weight() -> Weight {
		T::WeightInfo::apply_slash().saturating_add(T::Slashing::slash_weight())
	}

	/// Snapshots the active HyperNodes and the randomness of `era`; prunes old eras.
	pub(crate) fn start_era(era: EraIndex) {
		// The active set is sorted and bounded; each one's Links as the era starts.
		let oracles: Vec<(T::AccountId, u32)> = ActiveHyperNodes::<T>::get()
			.into_iter()
			.filter_map(|o| {
				HyperNodes::<T>::get(&o)
					.filter(|h| h.is_active())
					.map(|h| (o, h.links.len() as u32))
			})
			.collect();
		let links = oracles.iter().fold(0u32, |acc, (_, l)| acc.saturating_add(*l));
		EraRewards::<T>::mutate(era, |r| r.links = links);
		let count = oracles.len() as u32;
		// Each oracle's Links as the era starts: what its reward is shared by (Links
		// staked later count from the next era, and a Link for one HyperNode per era).
		EraLinks::<T>::insert(
			era,
			BoundedVec::truncate_from(oracles.iter().map(|(_, l)| *l).collect::<Vec<_>>()),
		);
		EraOracles::<T>::insert(
			era,
			BoundedVec::truncate_from(oracles.into_iter().map(|(o, _)| o).collect::<Vec<_>>()),
		);
		let seed: [u8; 32] =
			frame_system::Pallet::<T>::parent_hash().as_ref().try_into().unwrap_or([0; 32]);
		EraSeeds::<T>::insert(era, seed);
		EraNodeBound::<T>::insert(era, T::Targets::next_node_id());
		CurrentEra::<T>::put(era);
		// An era four back is no longer needed once aggregated; an aggregation that fell
		// that far behind prunes its era itself when it finalizes it.
		if let Some(old) = era
			.checked_sub(4)
			.filter(|old| FinalizedEra::<T>::get().is_some_and(|f| f >= *old))
		{
			Self::prune_era(old);
		}
		Self::deposit_event(Event::EraStarted { era, oracle_count: count });
	}

	/// Removes `era`'s snapshot (oracles, seed, node bound) and report bookkeeping.
	pub(crate) fn prune_era(era: EraIndex) {
		EraOracles::<T>::remove(era);
		EraLinks::<T>::remove(era);
		EraSeeds::<T>::remove(era);
		EraNodeBound::<T>::remove(era);
		let _ = Reported::<T>::clear_prefix(era, T::MaxHyperNodes::get(), None);
		let _ = ReportedUpTo::<T>::clear_prefix(era, T::MaxHyperNodes::get(), None);
	}

	/// Whether `era`, finalized while `current` runs, fell four eras behind: then
	/// `start_era` left its pruning to its finalization.
	pub(crate) fn prunes_late(era: EraIndex, current: EraIndex) -> bool {
		current >= era.saturating_add(4)
	}

	/// The weight of pruning an era: its snapshot and up to two entries per HyperNode.
	pub(crate) fn prune_weight() -> Weight {
		T::DbWeight::get()
			.writes(u64::from(T::MaxHyperNodes::get()).saturating_mul(2).saturating_add(4))
	}

	/// The extra weight of finalizing `era` while `current` runs: its pruning if late.
	pub(crate) fn late_prune_weight(era: EraIndex, current: EraIndex) -> Weight {
		let writes = u64::from(T::MaxHyperNodes::get()).saturating_mul(2).saturating_add(4);
		T::DbWeight::get().writes(if Self::prunes_late(era, current) { writes } else { 0 })
	}

	/// Aggregates ended eras step by step within `meter`: each node's verdict (in batches,
	/// with each cluster's utilization measured once per era), the era before's slashes,
	/// the reward budget, each node's reward (in batches) and each HyperNode's, the era's
	/// close. Every step is charged its benchmarked weight before it runs.
	pub fn aggregate(meter: &mut WeightMeter) {
		loop {
			let Some(current) = CurrentEra::<T>::get() else { return };
			let (era, step) =
				Aggregation::<T>::get().unwrap_or((current, AggregationStep::Nodes(0)));
			if era >= current {
				if Aggregation::<T>::get().is_none() {
					Aggregation::<T>::put((era, step));
				}
				return;
			}
			let next = match step {
				AggregationStep::Nodes(node) if node < Self::node_bound(era) => {
					// A batch runs only if at least one node fits after its fixed part.
					if !meter.can_consume(
						T::WeightInfo::aggregate_nodes(0).saturating_add(Self::node_weight()),
					) {
						return;
					}
					meter.consume(T::WeightInfo::aggregate_nodes(0));
					let next = Self::aggregate_nodes(era, node, meter);
					Aggregation::<T>::put((era, AggregationStep::Nodes(next)));
					if next == node {
						// Not even the first node fitted (its cluster's measurement did not).
						return;
					}
					continue;
				},
				AggregationStep::Nodes(_) => AggregationStep::Slashes,
				AggregationStep::Slashes => match era
					.checked_sub(1)
					.filter(|p| PendingSlashes::<T>::iter_prefix(p).next().is_some())
				{
					// The slashes computed for the era before are applied one per step,
					// so any number of them fits in the per-block budget.
					Some(previous) => {
						if meter.try_consume(Self::slash_step_weight()).is_err() {
							return;
						}
						Self::apply_one_slash(previous);
						AggregationStep::Slashes
					},
					None => AggregationStep::Budget,
				},
				AggregationStep::Budget => {
					if meter.try_consume(T::WeightInfo::era_budget()).is_err() {
						return;
					}
					Self::set_budget(era);
					AggregationStep::NodeRewards
				},
				AggregationStep::NodeRewards => {
					if !meter.can_consume(T::WeightInfo::reward_nodes(1)) {
						return;
					}
					meter.consume(T::WeightInfo::reward_nodes(0));
					if Self::reward_nodes(era, meter) {
						AggregationStep::HyperNodeRewards(0)
					} else {
						Aggregation::<T>::put((era, AggregationStep::NodeRewards));
						return;
					}
				},
				AggregationStep::HyperNodeRewards(index)
					if index < EraOracles::<T>::decode_len(era).unwrap_or(0) as u32 =>
				{
					if meter.try_consume(T::WeightInfo::reward_hypernode()).is_err() {
						return;
					}
					Self::reward_hypernode(era, index);
					AggregationStep::HyperNodeRewards(index.saturating_add(1))
				},
				AggregationStep::HyperNodeRewards(_) => AggregationStep::Finalize,
				AggregationStep::Finalize => {
					let late = Self::late_prune_weight(era, current);
					if meter
						.try_consume(T::WeightInfo::finalize_era().saturating_add(late))
						.is_err()
					{
						return;
					}
					Self::finalize_era(era);
					if Self::prunes_late(era, current) {
						Self::prune_era(era);
					}
					Aggregation::<T>::put((era.saturating_add(1), AggregationStep::Nodes(0)));
					continue;
				},
			};
			Aggregation::<T>::put((era, next));
		}
	}

	/// Removes the failure records of the oldest era kept, once the marketplace has
	/// settled it and it left `node_sla`'s view: a batch per block at most, within `meter`
	/// (its reads charged first). A failed era's refund never depends on timing.
	pub(crate) fn prune_failures(meter: &mut WeightMeter) {
		if meter.try_consume(T::DbWeight::get().reads(3)).is_err() {
			return;
		}
		let Some(finalized) = FinalizedEra::<T>::get() else { return };
		let era = FailurePruning::<T>::get().unwrap_or(0);
		if era.saturating_add(NODE_SLA_VIEW) > finalized || !T::Settlement::settled(era) {
			return;
		}
		let batch = u64::from(FAILURE_PRUNE_BATCH);
		if meter
			.try_consume(T::DbWeight::get().reads_writes(batch, batch.saturating_add(1)))
			.is_err()
		{
			return;
		}
		let result = Failures::<T>::clear_prefix(era, FAILURE_PRUNE_BATCH, None);
		let next = if result.maybe_cursor.is_none() { era.saturating_add(1) } else { era };
		FailurePruning::<T>::put(next);
	}

	/// The weight of one more node in an aggregation batch: the benchmark's slope, plus
	/// the reads of its cluster, cluster utilization and region, which the benchmark (one
	/// cluster) reads once per batch but nodes of many clusters read each.
	pub(crate) fn node_weight() -> Weight {
		T::WeightInfo::aggregate_nodes(1)
			.saturating_sub(T::WeightInfo::aggregate_nodes(0))
			.saturating_add(T::DbWeight::get().reads_writes(3, 1))
	}

	/// Aggregates `era`'s nodes from `from` on while `meter` allows (its fixed part is
	/// charged): the era's context is read once and its accumulators (capacity points,
	/// HyperNode accuracy, pending slashes) are written once. Returns the next node.
	pub(crate) fn aggregate_nodes(era: EraIndex, from: NodeId, meter: &mut WeightMeter) -> NodeId {
		let bound = Self::node_bound(era);
		let Some(seed) = EraSeeds::<T>::get(era) else { return bound };
		let oracles = EraOracles::<T>::decode_len(era).unwrap_or(0) as u32;
		let params = Params::<T>::get();
		let mut accuracy = EraAccuracy::<T>::get(era).into_inner();
		accuracy.resize(oracles as usize, (0, 0));
		let mut capacity_points: u128 = 0;
		let per_node = Self::node_weight();
		let mut node = from;
		while node < bound {
			if meter.try_consume(per_node).is_err() {
				break;
			}
			let target = Self::era_target(node, era);
			if let Some(cluster) = target
				.as_ref()
				.map(|t| t.cluster)
				.filter(|c| ClusterUtilization::<T>::get(c).map(|(e, _)| e) != Some(era))
			{
				if meter.try_consume(T::WeightInfo::measure_cluster()).is_err() {
					break;
				}
				Self::measure_cluster(era, cluster);
			}
			if let Some(target) = target {
				let ctx = EraContext { era, seed: &seed, oracles, params: &params };
				let points = Self::aggregate_node(&ctx, node, target, &mut accuracy);
				capacity_points = capacity_points.saturating_add(points);
			} else {
				Reports::<T>::remove(era, node);
			}
			node = node.saturating_add(1);
		}
		EraRewards::<T>::mutate(era, |r| {
			r.capacity_points = r.capacity_points.saturating_add(capacity_points)
		});
		EraAccuracy::<T>::insert(era, BoundedVec::truncate_from(accuracy));
		node
	}

	/// Records `cluster`'s utilization (booked / capacity of its bookable nodes) for `era`.
	pub(crate) fn measure_cluster(era: EraIndex, cluster: ClusterId) {
		let (capacity, booked) = T::Capacity::cluster_usage(cluster);
		let utilization = if capacity == 0 {
			Perbill::zero()
		} else {
			Perbill::from_rational(booked.min(capacity), capacity)
		};
		ClusterUtilization::<T>::insert(cluster, (era, utilization));
	}

	/// Sets `era`'s reward budget: what the pool's schedule released during the era,
	/// split between provider nodes and HyperNodes; unfreezes it in the pool.
	pub(crate) fn set_budget(era: EraIndex) {
		T::Pool::unfreeze_released();
		let eras = <T::Clock as icn_primitives::clock::ChainClock>::eras();
		let start = eras.era_start(era);
		let end = eras.era_start(era.saturating_add(1));
		let budget = T::Pool::released_budget(end).saturating_sub(T::Pool::released_budget(start));
		let nodes = Params::<T>::get().node_share.mul_floor(budget);
		let hypernodes = budget.saturating_sub(nodes);
		EraRewards::<T>::mutate(era, |r| {
			r.node_budget = nodes;
			r.hypernode_budget = hypernodes;
		});
		Self::deposit_event(Event::EraBudget { era, nodes, hypernodes });
	}

	/// Pays `era`'s capacity rewards node by node while `meter` allows (the batch's fixed
	/// part is charged; each node the same, however many delegate to it: its delegators are
	/// paid as one pool); returns whether every node is paid.
	pub(crate) fn reward_nodes(era: EraIndex, meter: &mut WeightMeter) -> bool {
		let per_node =
			T::WeightInfo::reward_nodes(1).saturating_sub(T::WeightInfo::reward_nodes(0));
		let most = meter
			.remaining()
			.checked_div_per_component(&per_node)
			.unwrap_or(u64::MAX)
			.min(u64::from(MAX_REWARD_BATCH)) as usize;
		let nodes: Vec<(NodeId, u128)> =
			RewardPoints::<T>::iter_prefix(era).take(most.saturating_add(1)).collect();
		let more = nodes.len() > most;
		let mut r = EraRewards::<T>::get(era);
		let pool = T::Pool::account();
		let pot = T::Rewards::delegators_pot();
		let mut done = !more;
		for (node, points) in nodes.into_iter().take(most) {
			if meter.try_consume(per_node).is_err() {
				done = false;
				break;
			}
			RewardPoints::<T>::remove(era, node);
			let amount = multiply_by_rational_with_rounding(
				r.node_budget,
				points,
				r.capacity_points,
				Rounding::Down,
			)
			.unwrap_or(0)
			.min(r.node_budget.saturating_sub(r.node_paid));
			let Some(shares) = T::Rewards::reward_shares(node).filter(|_| amount > 0) else {
				continue;
			};
			let (to_delegators, to_provider) = shares.split(amount);
			let mut paid: Balance = 0;
			if to_delegators > 0
				&& frame_support::storage::with_storage_layer(|| {
					T::Currency::transfer(&pool, &pot, to_delegators, Preservation::Preserve)?;
					T::Rewards::credit_delegators(node, to_delegators)
				})
				.is_ok()
			{
				paid = paid.saturating_add(to_delegators);
			}
			if to_provider > 0 && T::Rewards::pay_node(node, &pool, to_provider).is_ok() {
				paid = paid.saturating_add(to_provider);
			}
			r.node_paid = r.node_paid.saturating_add(paid);
			Self::deposit_event(Event::NodeRewarded { era, node, amount: paid });
		}
		EraRewards::<T>::insert(era, r);
		done
	}

	/// Pays the era's `index`-th HyperNode: its staked Links' part of the HyperNode budget
	/// × its accuracy (the era's reports due and missed counted in first). Removed or
	/// Link-less HyperNodes earn nothing.
	pub(crate) fn reward_hypernode(era: EraIndex, index: u32) {
		let Some(owner) = EraOracles::<T>::get(era).get(index as usize).cloned() else {
			return;
		};
		let Some(mut h) = HyperNodes::<T>::get(&owner) else { return };
		// The era's reports due and missed count in the HyperNode's accuracy window.
		let (due, misses) =
			EraAccuracy::<T>::get(era).get(index as usize).copied().unwrap_or((0, 0));
		if due > 0 {
			h.due = h.due.saturating_add(due);
			h.misses = h.misses.saturating_add(misses);
			HyperNodes::<T>::insert(&owner, &h);
		}
		// Removed HyperNodes earn nothing; the Links are those staked when the era started.
		if h.removed {
			return;
		}
		let mut r = EraRewards::<T>::get(era);
		let links = EraLinks::<T>::get(era).get(index as usize).copied().unwrap_or(0).min(r.links);
		let gross = multiply_by_rational_with_rounding(
			r.hypernode_budget,
			links.into(),
			r.links.into(),
			Rounding::Down,
		)
		.unwrap_or(0);
		let amount = h
			.accuracy()
			.mul_floor(gross)
			.min(r.hypernode_budget.saturating_sub(r.hypernode_paid));
		if amount == 0
			|| T::Currency::transfer(&T::Pool::account(), &owner, amount, Preservation::Preserve)
				.is_err()
		{
			return;
		}
		r.hypernode_paid = r.hypernode_paid.saturating_add(amount);
		EraRewards::<T>::insert(era, r);
		Self::deposit_event(Event::HyperNodeRewarded { era, owner, amount });
	}

	/// One node's verdict for the era of `ctx`: score, failure record, repair window, its
	/// oracles' accuracy (in `accuracy`, by oracle index), a slash (into `slashes`).
	/// Returns the node's capacity points (what the era's node rewards are shared by; 0
	/// for a node priced above its cluster's maximum).
	pub(crate) fn aggregate_node(
		ctx: &EraContext<'_>,
		node: NodeId,
		target: icn_primitives::providers::ProbeTarget,
		accuracy: &mut [(u32, u32)],
	) -> u128 {
		let era = ctx.era;
		let assigned = logic::oracles_for(ctx.seed, node, ctx.oracles);
		let reports = Reports::<T>::take(era, node);
		let outcomes: Vec<ProbeOutcome> = reports.iter().map(|(_, o)| *o).collect();
		let verdict = logic::verdict(&outcomes, assigned.len() as u32, target.latency_bound_ms);

		// Oracle accuracy: a missing report or one disagreeing with the verdict is a miss.
		for index in &assigned {
			let report = reports.iter().find(|(i, _)| i == index).map(|(_, o)| o);
			let miss = match report {
				None => true,
				Some(o) => !logic::agrees(o, verdict, target.latency_bound_ms),
			};
			if let Some((due, misses)) = accuracy.get_mut(*index as usize) {
				*due = due.saturating_add(1);
				if miss {
					*misses = misses.saturating_add(1);
				}
			}
		}

		let p = ctx.params;
		let mut window = NodeSla::<T>::get(node).unwrap_or_default();
		window.record(era, verdict);
		if verdict != EraVerdict::NotCounted {
			let _ = T::Slashing::set_failing(node, verdict == EraVerdict::Failed);
		}
		// Capacity reward (§4.4): the capacity of every probed node that can be booked at all
		// (priced within its cluster's maximum) counts in the whole; such a node earns its
		// part × (1 − cluster utilization) for a passed era at the SLA target. Capacity
		// nobody can book earns nothing.
		let capacity = if target.priced_within_max { u128::from(target.capacity) } else { 0 };
		if verdict == EraVerdict::Passed && window.score() >= p.sla_target {
			let utilization =
				ClusterUtilization::<T>::get(target.cluster).map(|(_, u)| u).unwrap_or_default();
			let points = capacity.saturating_mul(utilization.left_from_one().deconstruct().into());
			if points > 0 {
				RewardPoints::<T>::insert(era, node, points);
			}
		}
		// Refunded to its builders: a failed era, and an era nobody could verify although
		// oracles were assigned (too few reports: service nobody measured is not paid).
		if verdict == EraVerdict::Failed
			|| (verdict == EraVerdict::NotCounted && !assigned.is_empty())
		{
			Failures::<T>::insert(era, node, ());
		}
		if verdict == EraVerdict::Failed {
			let fraction = logic::slash_fraction(
				window.consecutive_failures,
				p.grace_eras,
				p.slash_base,
				p.slash_cap,
			);
			if !fraction.is_zero() {
				PendingSlashes::<T>::insert(era, node, fraction);
				PendingSlashBases::<T>::insert(era, node, T::Slashing::slash_base(node));
				Self::deposit_event(Event::SlashPending { node, era, fraction });
			}
		}
		NodeSla::<T>::insert(node, window);
		Self::deposit_event(Event::NodeVerdict {
			node,
			era,
			verdict,
			reports: reports.len() as u32,
		});
		capacity.saturating_mul(POINTS_PER_UNIT)
	}

	/// Applies the first slash pending for `era` (computed when `era` was aggregated).
	pub(crate) fn apply_one_slash(era: EraIndex) {
		let next = PendingSlashes::<T>::iter_prefix(era).next();
		if let Some((node, fraction)) = next {
			PendingSlashes::<T>::remove(era, node);
			// The base fixed when it became pending (a slash pending from before the bases
			// were kept falls back to the requirement now).
			let base = PendingSlashBases::<T>::take(era, node)
				.unwrap_or_else(|| T::Slashing::slash_base(node));
			match T::Slashing::slash_from(node, fraction, base) {
				Ok(_) => Self::deposit_event(Event::SlashApplied { node, era, fraction }),
				Err(_) => Self::deposit_event(Event::SlashSkipped { node, era }),
			}
		}
	}

	/// Closes `era` (its nodes aggregated, the era before's slashes applied): checks
	/// HyperNode accuracy, prunes old failure records.
	pub(crate) fn finalize_era(era: EraIndex) {
		let p = Params::<T>::get();
		let window_over = p.accuracy_window > 0 && (era.saturating_add(1)) % p.accuracy_window == 0;
		for owner in EraOracles::<T>::get(era) {
			HyperNodes::<T>::mutate(&owner, |h| {
				let Some(h) = h else { return };
				if !h.removed
					&& h.due >= p.min_reports_for_accuracy
					&& h.accuracy() < p.min_accuracy
				{
					h.removed = true;
					Self::deactivate(&owner);
					// The removal holds for its owner and its key, whatever they do next.
					Removals::<T>::insert(&owner, era);
					Removals::<T>::insert(&h.signer, era);
					Self::deposit_event(Event::HyperNodeRemoved {
						owner: owner.clone(),
						accuracy: h.accuracy(),
					});
				}
				if window_over {
					h.due = 0;
					h.misses = 0;
				}
			});
		}
		EraAccuracy::<T>::remove(era);
		let r = EraRewards::<T>::take(era);
		let budget = r.node_budget.saturating_add(r.hypernode_budget);
		let paid = r.node_paid.saturating_add(r.hypernode_paid);
		Self::deposit_event(Event::EraRewardsPaid {
			era,
			paid,
			unspent: budget.saturating_sub(paid),
		});
		FinalizedEra::<T>::put(era);
		Self::deposit_event(Event::EraFinalized { era });
	}
}
