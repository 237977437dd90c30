//! The records of the providers pallet: topology, nodes, delegations and parameters.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::ConstU32, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use icn_primitives::{
	providers::{ClusterId, LinkId, RegionId},
	Balance,
};
use scale_info::TypeInfo;
use sp_runtime::{FixedPointNumber, FixedU128, Perbill};

use crate::Config;

/// Longest name of a region or cluster, in bytes.
pub const MAX_NAME_LEN: u32 = 32;
/// Longest storage endpoint URL, in bytes.
pub const MAX_ENDPOINT_LEN: u32 = 256;
/// Longest audit object path, in bytes.
pub const MAX_AUDIT_PATH_LEN: u32 = 128;
/// The audit object's chunk size (protocol §4.2).
pub const AUDIT_CHUNK_SIZE: u32 = 4096;

/// A name (region `EU-W`, cluster `FRA-1`).
pub type Name = BoundedVec<u8, ConstU32<MAX_NAME_LEN>>;
/// A storage endpoint base URL (`https://…`).
pub type EndpointUrl = BoundedVec<u8, ConstU32<MAX_ENDPOINT_LEN>>;
/// An audit object path, relative to the endpoint.
pub type AuditPath = BoundedVec<u8, ConstU32<MAX_AUDIT_PATH_LEN>>;

/// An ISO 3166-1 alpha-2 country code, upper case (`DE`, `FR`).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct CountryCode(pub [u8; 2]);

impl CountryCode {
	/// Two upper-case ASCII letters.
	pub fn is_well_formed(&self) -> bool {
		self.0.iter().all(|c| c.is_ascii_uppercase())
	}
}

/// What a cluster sells (storage now; the others are valid kinds for later).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum ResourceKind {
	/// Object storage; one capacity unit is 1 TiB.
	Storage,
	/// Compute.
	Compute,
	/// GPU.
	Gpu,
	/// Bandwidth.
	Bandwidth,
}

/// A node's declared hardware class (enterprise tier is required, protocol §3).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum HardwareClass {
	/// Enterprise-grade hardware in a professional data centre.
	Enterprise,
	/// Anything else; refused at registration.
	Consumer,
}

/// A region: its countries and its collateral and reward parameters.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Region<T: Config> {
	/// Its name (`EU-W`).
	pub name: Name,
	/// The countries nodes of this region may be located in.
	pub countries: BoundedVec<CountryCode, T::MaxCountries>,
	/// Collateral per capacity unit, ICNT planck (6 months of a unit's expected reward).
	pub collateral_per_unit: Balance,
	/// Weight of this region's capacity in the capacity-reward split.
	pub reward_weight: Perbill,
}

/// A cluster of a region.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Cluster {
	/// Its region.
	pub region: RegionId,
	/// Its name (`FRA-1`).
	pub name: Name,
	/// What it sells.
	pub kind: ResourceKind,
	/// Highest price per unit-era a booking pays; nodes asking more are never assigned.
	pub max_price: Balance,
	/// Latency bound for SLA probes, in milliseconds.
	pub latency_bound_ms: u32,
}

/// The audit object a node serves for proof-of-storage probes (protocol §4.2):
/// `<endpoint>/<path>` of `size` bytes in chunks of 4096, and `<path>.hashes`, the
/// concatenated blake2-256 of every chunk, whose own blake2-256 is `root`.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct AuditObject {
	/// Path relative to the endpoint, no leading `/`.
	pub path: AuditPath,
	/// Size in bytes.
	pub size: u64,
	/// Chunk size in bytes; must be 4096.
	pub chunk_size: u32,
	/// `blake2_256` of the `.hashes` object.
	pub root: [u8; 32],
}

impl AuditObject {
	/// An audit object of `size` bytes at `path` (truncated to [`MAX_AUDIT_PATH_LEN`]) in
	/// chunks of [`AUDIT_CHUNK_SIZE`], committed to `root`.
	pub fn new(path: &str, size: u64, root: [u8; 32]) -> Self {
		Self {
			path: BoundedVec::truncate_from(path.as_bytes().to_vec()),
			size,
			chunk_size: AUDIT_CHUNK_SIZE,
			root,
		}
	}

	/// Number of chunks (`⌈size / chunk_size⌉`).
	pub fn chunks(&self) -> u64 {
		if self.chunk_size == 0 {
			return 0;
		}
		self.size.div_ceil(u64::from(self.chunk_size))
	}
}

/// Where a node is in its life cycle (protocol §3).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum NodeStatus<BlockNumber> {
	/// Registered, collateral not yet complete; cannot be booked.
	Registered,
	/// Fully collateralized and serving.
	Active,
	/// Failing its SLA (set by the oracle); not booked.
	Failing,
	/// Slashed below its collateral requirement; not booked, rewards go to collateral.
	UnderCollateralized,
	/// Leaving: collateral, Links and delegations are released at `unlock_at`.
	Exiting {
		/// Block from which `finish_exit` releases everything.
		unlock_at: BlockNumber,
	},
}

/// A Hardware Provider node.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Node<T: Config> {
	/// The provider account that registered it (and holds its collateral).
	pub provider: T::AccountId,
	/// Its cluster.
	pub cluster: ClusterId,
	/// Capacity units committed.
	pub capacity: u32,
	/// Capacity units booked by the marketplace.
	pub booked: u32,
	/// Where it is.
	pub location: CountryCode,
	/// Storage endpoint base URL.
	pub endpoint: EndpointUrl,
	/// The audit object it serves.
	pub audit: AuditObject,
	/// Reservation price, ICNT planck per unit per era.
	pub reservation_price: Balance,
	/// Declared hardware class.
	pub hardware: HardwareClass,
	/// Provider's commission on delegators' rewards.
	pub commission: Perbill,
	/// Block at which the commitment ends.
	pub commitment_end: BlockNumberFor<T>,
	/// Life-cycle status.
	pub status: NodeStatus<BlockNumberFor<T>>,
	/// Whether the SLA oracle reports it failing.
	pub failing: bool,
	/// The provider's own ICNT collateral, held (`HpCollateral`).
	pub collateral: Balance,
	/// ICN Links locked as collateral.
	pub links: BoundedVec<LinkId, T::MaxLinksPerNode>,
	/// Block of registration.
	pub registered_at: BlockNumberFor<T>,
}

/// One account's delegation to one node: points in the node's [`DelegationPool`] (what the
/// stake is worth follows the pool's slashes) and its place in the pool's reward index.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Delegation<BlockNumber> {
	/// ICNT held on the delegator's account for it (`HpDelegation`): what it delegated less
	/// what it withdrew and the slashes already applied to it.
	pub held: Balance,
	/// Points delegated and earning.
	pub active: Balance,
	/// Points undelegated, still slashable until withdrawn at `unlock_at`.
	pub unbonding: Balance,
	/// When the unbonding points may be withdrawn.
	pub unlock_at: BlockNumber,
	/// The pool's [`DelegationPool::reward_per_point`] when its rewards were last settled.
	pub reward_index: FixedU128,
	/// Rewards settled to it and not claimed yet (in the pot).
	pub unclaimed: Balance,
}

impl<B> Delegation<B> {
	/// All its points, active and unbonding.
	pub fn points(&self) -> Balance {
		self.active.saturating_add(self.unbonding)
	}
}

/// A node's delegations as one pool, so that neither a reward nor a slash of the node loops
/// over its delegators (protocol §3, docs/architecture.md "Delegation pools"):
///
/// - **Stake** is counted in points. A slash lowers the pool's `value` at once (what every
///   point is worth) and adds to `unapplied`; each delegation pays its part (its `held`
///   above its points' worth) to the treasury when it is next settled.
/// - **Rewards** raise `reward_per_point` (per active point) and move into the pot; each
///   delegation's share is settled into its `unclaimed` and claimed from the pot.
///
/// The pool outlives its node until its last delegation leaves. Invariant: the delegations'
/// `held` add up to `value + unapplied`.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct DelegationPool {
	/// Points of every delegation, active and unbonding.
	pub points: Balance,
	/// Points that earn rewards (active).
	pub active_points: Balance,
	/// ICNT every point together is worth after slashes: what a slash of the delegators can
	/// still take.
	pub value: Balance,
	/// Slashed from the delegators and still held on their accounts, moved to the treasury
	/// as each delegation settles.
	pub unapplied: Balance,
	/// Rewards per active point since the pool began.
	pub reward_per_point: FixedU128,
	/// Rewards credited to the pool's delegators (moved into the pot).
	pub paid: Balance,
	/// Of which claimed out of the pot.
	pub claimed: Balance,
	/// Number of delegations.
	pub delegators: u32,
}

impl DelegationPool {
	/// What `points` of the pool are worth now, rounded down (all the points: all the value).
	pub fn value_of(&self, points: Balance) -> Balance {
		if points >= self.points {
			return self.value;
		}
		sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
			points,
			self.value,
			self.points,
			sp_runtime::Rounding::Down,
		)
		.unwrap_or(0)
	}

	/// The points `amount` ICNT buys now (rounded down), `None` when the pool's stake was
	/// slashed to nothing while points remain (or the points would overflow).
	pub fn points_for(&self, amount: Balance) -> Option<Balance> {
		if self.points == 0 {
			return Some(amount);
		}
		if self.value == 0 {
			return None;
		}
		sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
			amount,
			self.points,
			self.value,
			sp_runtime::Rounding::Down,
		)
	}

	/// The points worth `amount` ICNT now, rounded up (what undelegating `amount` takes).
	pub fn points_worth(&self, amount: Balance) -> Option<Balance> {
		if self.value == 0 {
			return None;
		}
		sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
			amount,
			self.points,
			self.value,
			sp_runtime::Rounding::Up,
		)
	}

	/// Rewards `active` points earned since `index`, rounded down.
	pub fn rewards_since(&self, active: Balance, index: FixedU128) -> Balance {
		use sp_runtime::traits::Saturating;
		self.reward_per_point.saturating_sub(index).saturating_mul_int(active)
	}
}

/// Governance-set parameters of the provider protocol.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProviderParams {
	/// ICNT one ICN Link counts for as node collateral.
	pub link_collateral_value: Balance,
	/// Blocks between the start of an exit or an undelegation and the release of funds;
	/// longer than the slashing exposure window (≥ 4 eras).
	pub unbonding_delay: u32,
	/// Whether endpoints may be loopback, private or link-local (dev and local chains only).
	pub allow_private_endpoints: bool,
	/// Months of the commitment at registration (36).
	pub commitment_months: u32,
	/// Months one commitment extension adds (6).
	pub extension_months: u32,
	/// Smallest delegation, ICNT planck.
	pub min_delegation: Balance,
	/// The highest commission a provider may set (50 %); a raise takes effect only after the
	/// unbonding delay, so delegators can leave first.
	#[serde(default = "default_max_commission")]
	pub max_commission: Perbill,
	/// Bytes of audit object a node must serve per declared capacity unit (64 KiB per TiB in
	/// production; 0 on `dev`/`local`), up to the largest audit object: declared capacity
	/// costs stored and served bytes, not only collateral.
	#[serde(default)]
	pub audit_bytes_per_unit: u64,
}

/// The highest commission unless governance sets another: 50 %.
pub fn default_max_commission() -> Perbill {
	Perbill::from_percent(50)
}

impl Default for ProviderParams {
	/// The production values: a Link counts 10,000 ICNT, 28 days of unbonding, public
	/// endpoints only, 36-month commitments extended by 6 months, 100 ICNT smallest
	/// delegation, commissions up to 50 %, 64 KiB of audit object per capacity unit.
	fn default() -> Self {
		use icn_primitives::{currency::ICNT, time::DAYS};
		Self {
			link_collateral_value: 10_000 * ICNT,
			unbonding_delay: 28 * DAYS,
			allow_private_endpoints: false,
			commitment_months: 36,
			extension_months: 6,
			min_delegation: 100 * ICNT,
			max_commission: default_max_commission(),
			audit_bytes_per_unit: 64 * 1024,
		}
	}
}

/// What a provider declares when registering a node.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct NodeSpec {
	/// The cluster it joins.
	pub cluster: ClusterId,
	/// Capacity units (1 unit = 1 TiB for storage).
	pub capacity: u32,
	/// Where it is; must be one of the region's countries.
	pub location: CountryCode,
	/// Storage endpoint base URL (`http`/`https`, public host).
	pub endpoint: EndpointUrl,
	/// The audit object it serves.
	pub audit: AuditObject,
	/// Reservation price, ICNT planck per unit per era.
	pub reservation_price: Balance,
	/// Declared hardware class; must be enterprise.
	pub hardware: HardwareClass,
	/// Commission on delegators' rewards.
	pub commission: Perbill,
}

impl NodeSpec {
	/// A spec of `capacity` units in `cluster`, with the defaults tests, benchmarks and tools
	/// start from: located in `DE`, endpoint `https://s3.example.com/node`, a one-chunk audit
	/// object `audit/object.bin` (root `[1; 32]`), 1 ICNT per unit-era, enterprise hardware,
	/// 10 % commission. The `with_*` methods change one field each.
	pub fn new(cluster: ClusterId, capacity: u32) -> Self {
		use icn_primitives::currency::ICNT;
		Self {
			cluster,
			capacity,
			location: CountryCode(*b"DE"),
			endpoint: BoundedVec::truncate_from(b"https://s3.example.com/node".to_vec()),
			audit: AuditObject::new("audit/object.bin", u64::from(AUDIT_CHUNK_SIZE), [1; 32]),
			reservation_price: ICNT,
			hardware: HardwareClass::Enterprise,
			commission: Perbill::from_percent(10),
		}
	}

	/// The storage endpoint (truncated to its bound).
	pub fn with_endpoint(mut self, url: &str) -> Self {
		self.endpoint = BoundedVec::truncate_from(url.as_bytes().to_vec());
		self
	}

	/// The audit object.
	pub fn with_audit(mut self, audit: AuditObject) -> Self {
		self.audit = audit;
		self
	}

	/// The reservation price, ICNT planck per unit per era.
	pub fn with_price(mut self, price: Balance) -> Self {
		self.reservation_price = price;
		self
	}

	/// The commission on delegators' rewards.
	pub fn with_commission(mut self, commission: Perbill) -> Self {
		self.commission = commission;
		self
	}

	/// The country the node is in.
	pub fn with_location(mut self, location: CountryCode) -> Self {
		self.location = location;
		self
	}
}

/// Changes to a node; `None` leaves a field as it is.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct NodeUpdate {
	/// New capacity (not below what is booked; collateral must cover it).
	pub capacity: Option<u32>,
	/// New reservation price.
	pub reservation_price: Option<Balance>,
	/// New endpoint.
	pub endpoint: Option<EndpointUrl>,
	/// New audit object.
	pub audit: Option<AuditObject>,
	/// New commission.
	pub commission: Option<Perbill>,
}
