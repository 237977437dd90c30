//! Root foot-guns on the chain's time, one test each, named after the mistake: each did its
//! damage on the code before its fix (a month or era length was a plain number every reader
//! divided by).

use crate::{mock::*, Bucket, Eras, Error, Months, Vesting as Schedules};
use frame_support::{assert_noop, assert_ok};
use icn_primitives::clock::MONTH_SCALE;

/// What every schedule of the genesis has vested by now.
fn vested_everywhere() -> u128 {
	Schedules::<Test>::iter_values()
		.flatten()
		.map(|s| Vesting::vested_now(&s))
		.sum()
}

/// `set_month_blocks(1)` made every schedule count one month per block since genesis:
/// 60 months had passed at block 60, and every allocation (Team, Investors, the Network
/// rewards) could be released in the next block. Now a month length applies from the block it
/// is set (month time already passed stays what it was: nothing vests at once), and may at
/// most halve or double per change.
#[test]
fn a_one_block_month_vests_everything_at_once() {
	run(|| {
		// 2.5 months in (10-block months): the DevCo and Ecosystem schedules are releasing.
		System::set_block_number(25);
		let before = vested_everywhere();
		assert_noop!(
			Vesting::set_month_blocks(RuntimeOrigin::root(), 1),
			Error::<Test>::TimeChangeTooLarge
		);
		// Halving, as far as one change may go: nothing more has vested in this block.
		assert_ok!(Vesting::set_month_blocks(RuntimeOrigin::root(), 5));
		assert_eq!(vested_everywhere(), before);
		assert_eq!(Months::<Test>::get().position(25), 5 * MONTH_SCALE / 2);
		// Then month time runs at the new pace: a fifth of a month per block.
		System::set_block_number(26);
		assert_eq!(Months::<Test>::get().position(26), 5 * MONTH_SCALE / 2 + MONTH_SCALE / 5);
		assert!(vested_everywhere() > before);
		// Nothing of the Team's (12-month cliff) by then.
		assert_eq!(Vesting::vesting_info(&holder(Bucket::Team)).claimable, 0);
	});
}

/// Lengthening eras turned the era index back (`block / era_blocks`: block 101 was in era 50
/// with 2-block eras and in era 25 with 4-block ones), so the SLA oracle waited for eras it
/// had already finished and the marketplace settled eras twice. Now a new era length applies
/// from the next era boundary and the index continues from there.
#[test]
fn a_longer_era_turns_the_era_index_back() {
	run(|| {
		System::set_block_number(101);
		let eras = Eras::<Test>::get();
		assert_eq!(eras.era_of(101), 50);
		assert_ok!(Vesting::set_era_blocks(RuntimeOrigin::root(), 4));
		let eras = Eras::<Test>::get();
		// Era 50 ends as announced (blocks 100–101); era 51 is the first 4-block one.
		assert_eq!(eras.era_of(101), 50);
		assert_eq!((eras.era_start(51), eras.era_of(102), eras.era_of(105)), (102, 51, 51));
		assert_eq!((eras.era_start(52), eras.era_of(106)), (106, 52));
		// Past eras keep their blocks.
		assert_eq!(eras.era_start(10), 20);
	});
}
