//! The clearing price (protocol §6) as a pure function, apart from FRAME (as `pallet-broker`'s
//! `adapt_price.rs`): which nodes a booking takes and what the builder pays.
//!
//! Offers priced above the cluster's maximum, or whose commitment ends before the booking
//! does, are left out. The rest are taken cheapest first (then higher SLA score, then longer
//! remaining commitment, then lower node id), each up to its free units, until the booking is
//! filled. Every unit pays the **clearing price**: the price of the dearest node taken. The
//! builder pays that for every unit and era, plus the protocol margin on it.

use crate::{NodeId, Quote, QuoteError};
use alloc::vec::Vec;
use icn_primitives::{providers::NodeOffer, Balance};
use sp_runtime::Perbill;

/// One node's offer as the clearing ranks it: the ledger's offer and the node's SLA score.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RankedOffer<AccountId> {
	/// The node's offer.
	pub offer: NodeOffer<AccountId>,
	/// Its SLA score (higher first among equal prices).
	pub score: Perbill,
}

/// What is asked, and the cluster's rules.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Request {
	/// Capacity units.
	pub units: u32,
	/// Eras.
	pub eras: u32,
	/// The cluster's highest reservation price.
	pub max_price: Balance,
	/// The block at which the booking ends: a node's commitment must last until then.
	pub ends_at: u64,
	/// The most nodes one booking may use.
	pub max_nodes: u32,
	/// The protocol margin on top of the providers' price.
	pub margin: Perbill,
}

/// Clears `request` against `offers` (see the module docs). `units` and `eras` must be
/// positive (the caller checks; zero is [`QuoteError::Empty`] here too).
pub fn clear<AccountId>(
	offers: Vec<RankedOffer<AccountId>>,
	request: Request,
) -> Result<Quote, QuoteError> {
	if request.units == 0 || request.eras == 0 {
		return Err(QuoteError::Empty);
	}
	let mut offers: Vec<_> = offers
		.into_iter()
		.filter(|o| {
			o.offer.price <= request.max_price
				&& u64::from(o.offer.commitment_end) >= request.ends_at
		})
		.collect();
	offers.sort_by(|a, b| {
		a.offer
			.price
			.cmp(&b.offer.price)
			.then(b.score.cmp(&a.score))
			.then(b.offer.commitment_end.cmp(&a.offer.commitment_end))
			.then(a.offer.node.cmp(&b.offer.node))
	});
	let mut left = request.units;
	let mut price = 0;
	let mut assignments: Vec<(NodeId, u32)> = Vec::new();
	for o in offers {
		if left == 0 {
			break;
		}
		let take = left.min(o.offer.free_units);
		if take == 0 {
			continue;
		}
		assignments.push((o.offer.node, take));
		price = o.offer.price;
		left -= take;
	}
	if left > 0 {
		return Err(QuoteError::Unfillable);
	}
	if assignments.len() > request.max_nodes as usize {
		return Err(QuoteError::TooManyNodes);
	}
	let per_era = price.checked_mul(request.units.into()).ok_or(QuoteError::Overflow)?;
	let margin_per_era = request.margin.mul_floor(per_era);
	let provider_total = per_era.checked_mul(request.eras.into()).ok_or(QuoteError::Overflow)?;
	let margin_total =
		margin_per_era.checked_mul(request.eras.into()).ok_or(QuoteError::Overflow)?;
	let total = provider_total.checked_add(margin_total).ok_or(QuoteError::Overflow)?;
	Ok(Quote { price, provider_total, margin_total, total, assignments })
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn offer(
		node: NodeId,
		free_units: u32,
		price: Balance,
		score: u32,
		commitment_end: icn_primitives::BlockNumber,
	) -> RankedOffer<u64> {
		RankedOffer {
			offer: NodeOffer { node, provider: 0, free_units, price, commitment_end },
			score: Perbill::from_percent(score),
		}
	}

	fn request(units: u32, eras: u32) -> Request {
		Request {
			units,
			eras,
			max_price: 100,
			ends_at: 1_000,
			max_nodes: 4,
			margin: Perbill::from_percent(10),
		}
	}

	#[test]
	fn cheapest_first_and_everyone_pays_the_clearing_price() {
		let offers = vec![
			offer(1, 5, 30, 100, 2_000),
			offer(2, 5, 10, 100, 2_000),
			offer(3, 5, 20, 100, 2_000),
		];
		let q = clear(offers, request(8, 3)).unwrap();
		assert_eq!(q.assignments, vec![(2, 5), (3, 3)]);
		assert_eq!(q.price, 20);
		assert_eq!(q.provider_total, 20 * 8 * 3);
		assert_eq!(q.margin_total, 2 * 8 * 3);
		assert_eq!(q.total, 22 * 8 * 3);
	}

	#[test]
	fn ties_go_to_the_better_score_then_the_longer_commitment_then_the_lower_id() {
		let offers = vec![
			offer(1, 1, 10, 90, 5_000),
			offer(2, 1, 10, 95, 2_000),
			offer(3, 1, 10, 90, 6_000),
			offer(4, 1, 10, 90, 6_000),
		];
		let q = clear(offers, request(4, 1)).unwrap();
		assert_eq!(q.assignments, vec![(2, 1), (3, 1), (4, 1), (1, 1)]);
	}

	#[test]
	fn offers_above_the_maximum_or_ending_too_soon_are_left_out() {
		let offers = vec![
			offer(1, 5, 101, 100, 2_000),
			offer(2, 5, 10, 100, 999),
			offer(3, 2, 50, 100, 1_000),
		];
		assert_eq!(clear(offers.clone(), request(2, 1)).unwrap().assignments, vec![(3, 2)]);
		assert_eq!(clear(offers, request(3, 1)), Err(QuoteError::Unfillable));
	}

	#[test]
	fn refusals_are_named() {
		let many: Vec<_> = (0..5).map(|n| offer(n, 1, 10, 100, 2_000)).collect();
		assert_eq!(clear(many, request(5, 1)), Err(QuoteError::TooManyNodes));
		assert_eq!(clear(vec![offer(1, 5, 10, 100, 2_000)], request(0, 1)), Err(QuoteError::Empty));
		let mut r = request(2, 2);
		r.max_price = Balance::MAX;
		assert_eq!(
			clear(vec![offer(1, 5, Balance::MAX / 2, 100, 2_000)], r),
			Err(QuoteError::Overflow)
		);
	}

	proptest! {
		/// Whatever the offers: the assignment fills exactly the units from offers that
		/// qualify, within their free units and the node limit; no cheaper qualifying offer
		/// keeps free units while a dearer one is used; the price is the dearest taken; the
		/// totals are exact.
		#[test]
		fn the_clearing_is_fill_exact_and_cheapest(
			raw in proptest::collection::vec((0u32..6, 1u128..60, 0u32..=100, 900u32..1_100), 0..12),
			units in 1u32..20,
			eras in 1u32..10,
		) {
			let offers: Vec<_> = raw.iter().enumerate().map(|(i, (f, p, s, c))| offer(i as NodeId, *f, *p, *s, *c)).collect();
			let r = request(units, eras);
			let qualifies = |o: &RankedOffer<u64>| o.offer.price <= r.max_price && u64::from(o.offer.commitment_end) >= r.ends_at;
			match clear(offers.clone(), r) {
				Ok(q) => {
					prop_assert_eq!(q.assignments.iter().map(|(_, u)| u).sum::<u32>(), units);
					prop_assert!(q.assignments.len() <= r.max_nodes as usize);
					let by_id = |n: NodeId| offers.iter().find(|o| o.offer.node == n).unwrap();
					for (n, u) in &q.assignments {
						let o = by_id(*n);
						prop_assert!(qualifies(o) && *u <= o.offer.free_units && o.offer.price <= q.price);
					}
					prop_assert!(q.assignments.iter().any(|(n, _)| by_id(*n).offer.price == q.price));
					for o in offers.iter().filter(|o| qualifies(o) && o.offer.price < q.price) {
						let used = q.assignments.iter().find(|(n, _)| *n == o.offer.node).map_or(0, |(_, u)| *u);
						prop_assert_eq!(used, o.offer.free_units, "cheaper node {} left free units", o.offer.node);
					}
					prop_assert_eq!(q.provider_total, q.price * u128::from(units) * u128::from(eras));
					prop_assert_eq!(q.total, q.provider_total + r.margin.mul_floor(q.price * u128::from(units)) * u128::from(eras));
				},
				Err(QuoteError::Unfillable) => {
					let free: u32 = offers.iter().filter(|o| qualifies(o)).map(|o| o.offer.free_units).sum();
					prop_assert!(free < units);
				},
				Err(QuoteError::TooManyNodes) => {},
				Err(e) => prop_assert!(false, "unexpected {:?}", e),
			}
		}
	}
}
