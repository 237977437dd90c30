//! ICN Links on `pallet-nfts`: [`NftLinks`] implements [`LinkRegistry`] over any
//! `nonfungibles_v2` implementation (the runtime's `pallet-nfts` instance) and one collection.
//!
//! A Link is *locked* by disabling its transfer (`pallet-nfts` records a pallet attribute
//! that only the pallet or its force origin can clear): a locked Link can neither be
//! transferred nor burned, and locking it twice fails, which is what keeps one Link from
//! backing two things at once — a provider node here, a HyperNode stake in the SLA pallet.

use core::marker::PhantomData;
use frame_support::traits::{
	tokens::nonfungibles_v2::{Create, Inspect, Mutate, Transfer},
	Get,
};
use icn_primitives::providers::{LinkId, LinkRegistry};
use sp_runtime::{DispatchError, DispatchResult};

/// [`LinkRegistry`] over the `nonfungibles_v2` implementation `N`, collection `C`, item
/// configuration `IC` and collection configuration `CC` (both their defaults: transferable
/// items, no maximum supply, only the collection's issuer mints).
pub struct NftLinks<N, C, IC, CC>(PhantomData<(N, C, IC, CC)>);

impl<AccountId, N, C, IC, CC> LinkRegistry<AccountId> for NftLinks<N, C, IC, CC>
where
	N: Inspect<AccountId, ItemId = LinkId>
		+ Transfer<AccountId>
		+ Mutate<AccountId, IC>
		+ Create<AccountId, CC>,
	N::CollectionId: PartialEq,
	C: Get<N::CollectionId>,
	IC: Default,
	CC: Default,
{
	fn owner(link: LinkId) -> Option<AccountId> {
		N::owner(&C::get(), &link)
	}

	fn is_locked(link: LinkId) -> bool {
		// The collection's items are transferable, so an existing item that cannot be
		// transferred is one whose transfer was disabled.
		N::owner(&C::get(), &link).is_some() && !N::can_transfer(&C::get(), &link)
	}

	fn lock(link: LinkId) -> DispatchResult {
		N::owner(&C::get(), &link).ok_or(DispatchError::Other("no such ICN Link"))?;
		N::disable_transfer(&C::get(), &link)
	}

	fn unlock(link: LinkId) -> DispatchResult {
		N::enable_transfer(&C::get(), &link)
	}

	fn seize(link: LinkId, to: &AccountId) -> DispatchResult {
		N::enable_transfer(&C::get(), &link)?;
		<N as Transfer<AccountId>>::transfer(&C::get(), &link, to)
	}

	fn mint(link: LinkId, to: &AccountId) -> DispatchResult {
		N::mint_into(&C::get(), &link, to, &IC::default(), true)
	}

	fn create_collection(admin: &AccountId) -> DispatchResult {
		if N::collection_owner(&C::get()).is_some() {
			return Ok(());
		}
		let id = N::create_collection(admin, admin, &CC::default())?;
		if id != C::get() {
			return Err(DispatchError::Other("the ICN Links collection got an unexpected id"));
		}
		Ok(())
	}
}
