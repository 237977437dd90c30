//! The referendum tracks: who may decide what, with how much deposit, over how long, and
//! with what approval and support. docs/governance.md explains them; the numbers are here.
//!
//! Times are in six-second blocks (`MINUTES` = 10 blocks, `HOURS` = 600, `DAYS` = 14,400).
//! Support is the share of the active issuance voting aye (conviction does not multiply it);
//! approval is the share of conviction-weighted votes that are aye. Both fall linearly over
//! the decision period, from their ceiling at the start to their floor at the end.

use super::origins;
use crate::{
	currency::ICNT,
	time::{DAYS, HOURS, MINUTES},
	Balance, BlockNumber, OriginCaller,
};
use alloc::borrow::Cow;
use pallet_referenda::{Curve, Track};
use sp_runtime::{str_array as s, Perbill};

/// A referendum track's id (its index in [`TRACKS`]).
pub type TrackId = u16;

/// Root: runtime upgrades and anything no other track can do.
pub const ROOT: TrackId = 0;
/// Protocol administration: the ICN pallets' parameters and admin calls.
pub const PROTOCOL_ADMIN: TrackId = 1;
/// Cancelling or killing referenda.
pub const REFERENDUM_CANCELLER: TrackId = 2;
/// Treasury spends up to 50,000 ICNT.
pub const SMALL_SPENDER: TrackId = 3;
/// Treasury spends up to 5,000,000 ICNT.
pub const TREASURER: TrackId = 4;

const fn percent(x: u32) -> Perbill {
	Perbill::from_percent(x)
}

/// `x` per mille (0.1 % steps).
const fn per_mille(x: u32) -> Perbill {
	Perbill::from_parts(x * 1_000_000)
}

/// A curve falling linearly from `ceil` to `floor` over the whole decision period.
const fn linear(floor: Perbill, ceil: Perbill) -> Curve {
	Curve::LinearDecreasing { length: percent(100), floor, ceil }
}

/// The tracks, sorted by id.
pub static TRACKS: [Track<TrackId, Balance, BlockNumber>; 5] = [
	Track {
		id: ROOT,
		info: pallet_referenda::TrackInfo {
			name: s("root"),
			max_deciding: 1,
			decision_deposit: 100_000 * ICNT,
			prepare_period: 2 * HOURS,
			decision_period: 14 * DAYS,
			confirm_period: DAYS,
			min_enactment_period: DAYS,
			min_approval: linear(percent(50), percent(100)),
			min_support: linear(per_mille(5), percent(50)),
		},
	},
	Track {
		id: PROTOCOL_ADMIN,
		info: pallet_referenda::TrackInfo {
			name: s("protocol_admin"),
			max_deciding: 10,
			decision_deposit: 10_000 * ICNT,
			prepare_period: HOURS,
			decision_period: 7 * DAYS,
			confirm_period: 3 * HOURS,
			min_enactment_period: HOURS,
			min_approval: linear(percent(50), percent(100)),
			min_support: linear(per_mille(1), percent(20)),
		},
	},
	Track {
		id: REFERENDUM_CANCELLER,
		info: pallet_referenda::TrackInfo {
			name: s("referendum_canceller"),
			max_deciding: 100,
			decision_deposit: 10_000 * ICNT,
			prepare_period: HOURS,
			decision_period: 7 * DAYS,
			confirm_period: HOURS,
			min_enactment_period: 10 * MINUTES,
			min_approval: linear(percent(50), percent(100)),
			min_support: linear(per_mille(1), percent(10)),
		},
	},
	Track {
		id: SMALL_SPENDER,
		info: pallet_referenda::TrackInfo {
			name: s("small_spender"),
			max_deciding: 50,
			decision_deposit: 1_000 * ICNT,
			prepare_period: HOURS,
			decision_period: 7 * DAYS,
			confirm_period: 2 * HOURS,
			min_enactment_period: HOURS,
			min_approval: linear(percent(50), percent(100)),
			min_support: linear(Perbill::from_parts(100_000), percent(5)),
		},
	},
	Track {
		id: TREASURER,
		info: pallet_referenda::TrackInfo {
			name: s("treasurer"),
			max_deciding: 10,
			decision_deposit: 50_000 * ICNT,
			prepare_period: 2 * HOURS,
			decision_period: 14 * DAYS,
			confirm_period: DAYS,
			min_enactment_period: DAYS,
			min_approval: linear(percent(50), percent(100)),
			min_support: linear(per_mille(5), percent(20)),
		},
	},
];

/// The runtime's tracks and which origin each dispatches with.
pub struct TracksInfo;
impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = TrackId;
	type RuntimeOrigin =
		<crate::RuntimeOrigin as frame_support::traits::OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<Self::Id, Balance, BlockNumber>>> {
		TRACKS.iter().map(Cow::Borrowed)
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		match origin {
			OriginCaller::system(frame_system::RawOrigin::Root) => Ok(ROOT),
			OriginCaller::Origins(origin) => Ok(match origin {
				origins::Origin::ProtocolAdmin => PROTOCOL_ADMIN,
				origins::Origin::ReferendumCanceller => REFERENDUM_CANCELLER,
				origins::Origin::SmallSpender => SMALL_SPENDER,
				origins::Origin::Treasurer => TREASURER,
			}),
			_ => Err(()),
		}
	}
}
