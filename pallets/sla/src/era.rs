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

/// An aggregation batch's accuracy counters, by page: each page the batch touches is read
/// once and written once at its end.
#[derive(Default)]
pub(crate) struct AccuracyPages(alloc::collections::BTreeMap<u32, Vec<(u32, u32)>>);

impl AccuracyPages {
	/// Reads the pages of `oracles` not read yet, charging each to `meter`; false if one
	/// did not fit (the node waits for the next batch).
	pub(crate) fn load<T: Config>(
		&mut self,
		era: EraIndex,
		oracles: &[u32],
		meter: &mut WeightMeter,
	) -> bool {
		for index in oracles {
			let page = index / ORACLE_PAGE;
			if self.0.contains_key(&page) {
				continue;
			}
			if meter.try_consume(Pallet::<T>::accuracy_page_weight()).is_err() {
				return false;
			}
			self.0.insert(page, EraAccuracyPages::<T>::get(era, page).into_inner());
		}
		true
	}

	/// Counts a report due from oracle `index` (a miss if `miss`); its page is read.
	pub(crate) fn count(&mut self, index: u32, miss: bool) {
		let Some(page) = self.0.get_mut(&(index / ORACLE_PAGE)) else { return };
		let slot = (index % ORACLE_PAGE) as usize;
		if page.len() <= slot {
			page.resize(slot.saturating_add(1), (0, 0));
		}
		if let Some((due, misses)) = page.get_mut(slot) {
			*due = due.saturating_add(1);
			if miss {
				*misses = misses.saturating_add(1);
			}
		}
	}

	/// Writes the pages back.
	pub(crate) fn store<T: Config>(self, era: EraIndex) {
		for (page, counters) in self.0 {
			EraAccuracyPages::<T>::insert(era, page, BoundedVec::truncate_from(counters));
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Applying one pending slash: the step's own work and the slash at its worst (every
	/// delegator paying, every Link seized — the providers pallet's benchmark).
	pub fn slash_step_weight() -> Weight {
		T::WeightInfo::apply_slash().saturating_add(T::Slashing::slash_weight())
	}

	/// Starts `era`: its randomness and node bound, and the copying of its snapshot of
	/// HyperNodes (in `on_poll` batches: [`Self::copy_snapshot`]); prunes old eras. Constant
	/// work, whatever the number of HyperNodes.
	pub(crate) fn start_era(era: EraIndex) {
		let seed: [u8; 32] =
			frame_system::Pallet::<T>::parent_hash().as_ref().try_into().unwrap_or([0; 32]);
		EraSeeds::<T>::insert(era, seed);
		EraNodeBound::<T>::insert(era, T::Targets::next_node_id());
		CurrentEra::<T>::put(era);
		// An era's snapshot not copied by the time the next era starts (eras far shorter
		// than the copy, never on a real chain) keeps the oracles copied so far.
		SnapshotCursor::<T>::put((era, None::<T::AccountId>));
		// An era four back is no longer needed once aggregated; an aggregation that fell
		// that far behind prunes its era itself when it finalizes it.
		if let Some(old) = era
			.checked_sub(4)
			.filter(|old| FinalizedEra::<T>::get().is_some_and(|f| f >= *old))
		{
			Self::prune_era(old);
		}
	}

	/// The weight of copying one more HyperNode into a snapshot: the benchmark's slope,
	/// plus a page write for each page it starts.
	pub(crate) fn snapshot_entry_weight() -> Weight {
		T::WeightInfo::snapshot_oracles(1).saturating_sub(T::WeightInfo::snapshot_oracles(0))
	}

	/// Copies the current era's snapshot from [`ActiveSet`] while `meter` allows: each
	/// HyperNode with its Links into the era's pages, and its place into [`OracleOf`].
	/// When the set is copied, the era's reports are taken (`EraStarted`).
	pub(crate) fn copy_snapshot(meter: &mut WeightMeter) {
		// The cursor's read, charged in every block (the benchmark charges it again).
		if meter.try_consume(T::DbWeight::get().reads(1)).is_err() {
			return;
		}
		let Some((era, last)) = SnapshotCursor::<T>::get() else { return };
		let per_entry = Self::snapshot_entry_weight();
		let page_write = T::DbWeight::get().writes(1);
		if !meter.can_consume(
			T::WeightInfo::snapshot_oracles(0)
				.saturating_add(per_entry)
				.saturating_add(page_write),
		) {
			return;
		}
		meter.consume(T::WeightInfo::snapshot_oracles(0));
		let mut count = EraOracleCount::<T>::get(era);
		let mut page_no = count / ORACLE_PAGE;
		let mut page = EraOraclePages::<T>::get(era, page_no);
		let mut links: u32 = 0;
		let mut last = last;
		let mut iter = match &last {
			Some(owner) => ActiveSet::<T>::iter_from(ActiveSet::<T>::hashed_key_for(owner)),
			None => ActiveSet::<T>::iter(),
		}
		.peekable();
		let done = loop {
			// Churn while copying cannot make an era's snapshot larger than the bound.
			if count >= T::MaxHyperNodes::get() || iter.peek().is_none() {
				break true;
			}
			if !meter.can_consume(per_entry.saturating_add(page_write)) {
				break false;
			}
			let Some((owner, l)) = iter.next() else { break true };
			meter.consume(per_entry);
			if page.is_full() {
				// The page is full: it is written, and the next one starts.
				meter.consume(page_write);
				EraOraclePages::<T>::insert(era, page_no, core::mem::take(&mut page));
				page_no = page_no.saturating_add(1);
			}
			if page.try_push((owner.clone(), l)).is_err() {
				break true;
			}
			OracleOf::<T>::mutate(&owner, |slot| {
				let last_report = slot.and_then(|s| s.last_report);
				*slot =
					Some(OracleSlot { era, index: count, reported: 0, up_to: None, last_report });
			});
			count = count.saturating_add(1);
			links = links.saturating_add(l);
			last = Some(owner);
		};
		if !page.is_empty() {
			EraOraclePages::<T>::insert(era, page_no, page);
		}
		EraOracleCount::<T>::insert(era, count);
		EraRewards::<T>::mutate(era, |r| r.links = r.links.saturating_add(links));
		if done {
			SnapshotCursor::<T>::kill();
			Self::deposit_event(Event::EraStarted { era, oracle_count: count });
		} else {
			SnapshotCursor::<T>::put((era, last));
		}
	}

	/// Whether `era`'s snapshot is copied (its reports are taken).
	pub fn snapshot_ready(era: EraIndex) -> bool {
		SnapshotCursor::<T>::get().is_none_or(|(e, _)| e != era)
	}

	/// The `index`-th oracle of `era` and the Links it had staked: one page read.
	pub fn oracle_at(era: EraIndex, index: u32) -> Option<(T::AccountId, u32)> {
		EraOraclePages::<T>::get(era, index / ORACLE_PAGE)
			.get((index % ORACLE_PAGE) as usize)
			.cloned()
	}

	/// The pages an era's snapshot has at most.
	pub(crate) fn max_pages() -> u32 {
		T::MaxHyperNodes::get().div_ceil(ORACLE_PAGE).max(1)
	}

	/// Removes `era`'s snapshot (oracle pages, count, seed, node bound). Each HyperNode's
	/// report bookkeeping ([`OracleOf`]) is overwritten by the next era it is copied into.
	pub(crate) fn prune_era(era: EraIndex) {
		let _ = EraOraclePages::<T>::clear_prefix(era, Self::max_pages(), None);
		let _ = EraAccuracyPages::<T>::clear_prefix(era, Self::max_pages(), None);
		EraOracleCount::<T>::remove(era);
		EraSeeds::<T>::remove(era);
		EraNodeBound::<T>::remove(era);
	}

	/// Whether `era`, finalized while `current` runs, fell four eras behind: then
	/// `start_era` left its pruning to its finalization.
	pub(crate) fn prunes_late(era: EraIndex, current: EraIndex) -> bool {
		current >= era.saturating_add(4)
	}

	/// The weight of pruning an era: its pages (oracles and accuracy) and three entries.
	pub(crate) fn prune_weight() -> Weight {
		T::DbWeight::get().writes(u64::from(Self::max_pages()).saturating_mul(2).saturating_add(3))
	}

	/// The extra weight of finalizing `era` while `current` runs: its pruning if late.
	pub(crate) fn late_prune_weight(era: EraIndex, current: EraIndex) -> Weight {
		let pages = u64::from(Self::max_pages()).saturating_mul(2).saturating_add(3);
		T::DbWeight::get().writes(if Self::prunes_late(era, current) { pages } else { 0 })
	}

	/// Aggregates ended eras step by step within `meter`: each node's verdict (in batches,
	/// with each cluster's utilization measured once per era), the era before's slashes,
	/// the reward budget, each node's reward (in batches) and each HyperNode's, the era's
	/// close. Every step is charged its benchmarked weight before it runs, and the reads
	/// of where aggregation stands (the current era, the step) are charged in every block.
	pub fn aggregate(meter: &mut WeightMeter) {
		if meter.try_consume(T::DbWeight::get().reads(2)).is_err() {
			return;
		}
		loop {
			let Some(current) = CurrentEra::<T>::get() else { return };
			let (era, step) =
				Aggregation::<T>::get().unwrap_or((current, AggregationStep::Nodes(0)));
			if era >= current {
				if Aggregation::<T>::get().is_none() {
					// Once, in the chain's first block.
					meter.consume(T::DbWeight::get().writes(1));
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
					if index < EraOracleCount::<T>::get(era) =>
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
		let oracles = EraOracleCount::<T>::get(era);
		let params = Params::<T>::get();
		// The accuracy pages the batch's nodes touch, each read and written once per batch
		// (charged when first touched: a node whose pages do not fit waits for the next).
		let mut accuracy = AccuracyPages::default();
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
				let assigned = logic::oracles_for(&seed, node, oracles);
				if !accuracy.load::<T>(era, &assigned, meter) {
					break;
				}
				let ctx = EraContext { era, params: &params };
				let points = Self::aggregate_node(&ctx, node, target, assigned, &mut accuracy);
				capacity_points = capacity_points.saturating_add(points);
			} else {
				Reports::<T>::remove(era, node);
			}
			node = node.saturating_add(1);
		}
		EraRewards::<T>::mutate(era, |r| {
			r.capacity_points = r.capacity_points.saturating_add(capacity_points)
		});
		accuracy.store::<T>(era);
		node
	}

	/// The weight of reading and writing one accuracy page the first time a batch touches
	/// it (its proof: the page at its largest).
	pub(crate) fn accuracy_page_weight() -> Weight {
		let proof = BoundedVec::<(u32, u32), ConstU32<ORACLE_PAGE>>::max_encoded_len()
			.saturating_add(64) as u64;
		T::DbWeight::get()
			.reads_writes(1, 1)
			.saturating_add(Weight::from_parts(0, proof))
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

	/// Settles the era's `index`-th HyperNode: the era's reports due and missed count in its
	/// accuracy window; it is paid its staked Links' part of the HyperNode budget × its
	/// accuracy (removed or Link-less HyperNodes earn nothing); then removed if its accuracy
	/// fell below the minimum, and its window reset if the era closes one. One page of the
	/// snapshot and one of the counters are read, whatever the number of HyperNodes.
	pub(crate) fn reward_hypernode(era: EraIndex, index: u32) {
		let Some((owner, links)) = Self::oracle_at(era, index) else { return };
		let Some(mut h) = HyperNodes::<T>::get(&owner) else {
			// It left: the place it kept in this era goes now.
			OracleOf::<T>::mutate_exists(&owner, |slot| {
				if slot.is_some_and(|s| s.era == era) {
					*slot = None;
				}
			});
			return;
		};
		let (due, misses) = EraAccuracyPages::<T>::get(era, index / ORACLE_PAGE)
			.get((index % ORACLE_PAGE) as usize)
			.copied()
			.unwrap_or((0, 0));
		h.due = h.due.saturating_add(due);
		h.misses = h.misses.saturating_add(misses);
		// Removed HyperNodes earn nothing; the Links are those staked when the era started.
		if !h.removed {
			Self::pay_hypernode(era, &owner, links, h.accuracy());
		}
		let p = Params::<T>::get();
		if !h.removed && h.due >= p.min_reports_for_accuracy && h.accuracy() < p.min_accuracy {
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
		if p.accuracy_window > 0 && (era.saturating_add(1)) % p.accuracy_window == 0 {
			h.due = 0;
			h.misses = 0;
		}
		HyperNodes::<T>::insert(&owner, h);
	}

	/// Pays `owner` its `links`' part of `era`'s HyperNode budget × `accuracy`.
	fn pay_hypernode(era: EraIndex, owner: &T::AccountId, links: u32, accuracy: Perbill) {
		let mut r = EraRewards::<T>::get(era);
		let gross = multiply_by_rational_with_rounding(
			r.hypernode_budget,
			links.min(r.links).into(),
			r.links.into(),
			Rounding::Down,
		)
		.unwrap_or(0);
		let amount = accuracy
			.mul_floor(gross)
			.min(r.hypernode_budget.saturating_sub(r.hypernode_paid));
		if amount == 0
			|| T::Currency::transfer(&T::Pool::account(), owner, amount, Preservation::Preserve)
				.is_err()
		{
			return;
		}
		r.hypernode_paid = r.hypernode_paid.saturating_add(amount);
		EraRewards::<T>::insert(era, r);
		Self::deposit_event(Event::HyperNodeRewarded { era, owner: owner.clone(), amount });
	}

	/// One node's verdict for the era of `ctx`: score, failure record, repair window, its
	/// oracles' accuracy (in `accuracy`, by oracle index), a slash (into `slashes`).
	/// Returns the node's capacity points (what the era's node rewards are shared by; 0
	/// for a node priced above its cluster's maximum).
	pub(crate) fn aggregate_node(
		ctx: &EraContext<'_>,
		node: NodeId,
		target: icn_primitives::providers::ProbeTarget,
		assigned: Vec<u32>,
		accuracy: &mut AccuracyPages,
	) -> u128 {
		let era = ctx.era;
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
			accuracy.count(*index, miss);
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

	/// Closes `era` (its nodes aggregated, the era before's slashes applied, its HyperNodes
	/// settled): drops its accuracy counters and reward accounting. Constant work.
	pub(crate) fn finalize_era(era: EraIndex) {
		let _ = EraAccuracyPages::<T>::clear_prefix(era, Self::max_pages(), None);
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
