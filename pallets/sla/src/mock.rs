//! A test runtime: balances, NFTs (Links), the real providers pallet (nodes to probe and
//! slash) and this pallet, with 10-block eras; offchain signing through the `icno` keys.

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, Hooks},
	weights::{Weight, WeightMeter},
};
use icn_primitives::{currency::ICNT, Balance};
use pallet_icn_providers::{
	AuditObject, ClusterGenesis, NodeSpec, ProviderParams, RegionGenesis, ResourceKind,
};
use sp_runtime::{
	traits::IdentifyAccount, AccountId32, BuildStorage, MultiSignature, MultiSigner, Perbill,
};

use crate::{self as pallet_icn_sla, NodeId};

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Nfts: pallet_nfts,
		Providers: pallet_icn_providers,
		Sla: pallet_icn_sla,
	}
);

icn_test_utils::impl_base_configs!(Test);

parameter_types! {
	pub const AggregationWeight: Weight = Weight::from_parts(u64::MAX / 4, u64::MAX / 4);
	/// Results per report transaction; a test lowers it to see a report sent in parts.
	pub static MaxReportResults: u32 = 32;
	/// The last era the (mock) marketplace has settled; `None`: none yet.
	pub static SettledUpTo: Option<u32> = Some(u32::MAX);
	pub const RemovalCooldown: u32 = 5;
	/// The most active HyperNodes; a test raises it past a page of the snapshot.
	pub static MaxHyperNodes: u32 = 16;
}

/// The marketplace's settlement, as [`SettledUpTo`] says.
pub struct MockSettlement;
impl icn_primitives::providers::SettledEras for MockSettlement {
	fn settled(era: u32) -> bool {
		SettledUpTo::get().is_some_and(|s| era <= s)
	}
}

/// Blocks per era in tests.
pub const ERA: u64 = 10;
/// Collateral per unit.
pub const PER_UNIT: Balance = 100 * ICNT;
/// A HyperNode registration's deposit.
pub const HYPERNODE_DEPOSIT: Balance = 100 * ICNT;

#[derive_impl(pallet_icn_providers::config_preludes::TestDefaultConfig)]
impl pallet_icn_providers::Config for Test {
	type Currency = Balances;
	type Links = TestLinks;
	type Treasury = Treasury;
	type AdminOrigin = frame_system::EnsureRoot<sp_runtime::AccountId32>;
	type Clock = icn_primitives::clock::FixedClocks<{ ERA as u32 }, 100>;
	type SlashQueue = Sla;
}

/// The transaction the off-chain worker submits in tests.
pub type Extrinsic =
	sp_runtime::generic::UncheckedExtrinsic<AccountId32, RuntimeCall, MultiSignature, ()>;

impl frame_system::offchain::SigningTypes for Test {
	type Public = MultiSigner;
	type Signature = MultiSignature;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateSignedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_signed_transaction<
		A: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		public: MultiSigner,
		account: AccountId32,
		_nonce: u32,
	) -> Option<Extrinsic> {
		let signature = A::sign(&call.encode_call(), public)?;
		Some(Extrinsic::new_signed(call, account, signature, ()))
	}
}

/// Encodes a call for signing in tests.
trait EncodeCall {
	fn encode_call(&self) -> Vec<u8>;
}
impl EncodeCall for RuntimeCall {
	fn encode_call(&self) -> Vec<u8> {
		codec::Encode::encode(self)
	}
}

impl crate::Config for Test {
	type AuthorityId = crate::crypto::OracleAuthId;
	type Targets = Providers;
	type Slashing = Providers;
	type Links = TestLinks;
	type Clock = icn_primitives::clock::FixedClocks<{ ERA as u32 }, 100>;
	type MaxHyperNodes = MaxHyperNodes;
	type HyperNodeDeposit = ConstU128<HYPERNODE_DEPOSIT>;
	type AdminOrigin = frame_system::EnsureRoot<AccountId32>;
	type SlashCancelOrigin = frame_system::EnsureRoot<AccountId32>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxLinksPerHyperNode = ConstU32<4>;
	type MaxReportResults = MaxReportResults;
	type RemovalCooldown = RemovalCooldown;
	type Settlement = MockSettlement;
	type SignerProof = MultiSignature;
	type AggregationWeightPerBlock = AggregationWeight;
	type Currency = Balances;
	type Capacity = Providers;
	type Rewards = Providers;
	type Pool = MockPool;
	type WeightInfo = ();
	type ExtensionWeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

/// Benchmark set-up in tests: Links minted by root, nodes from the providers' helper.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId32, MultiSignature> for BenchHelper {
	fn signer(owner: &AccountId32) -> (AccountId32, MultiSignature) {
		let public = sp_io::crypto::sr25519_generate(crate::KEY_TYPE, None);
		let proof = sp_io::crypto::sr25519_sign(
			crate::KEY_TYPE,
			&public,
			&Sla::signer_proof_payload(owner),
		)
		.expect("the test keystore signs");
		(account_of(public), proof.into())
	}
	fn link(owner: &AccountId32) -> u32 {
		let link = pallet_icn_providers::NextLinkId::<Test>::get();
		frame_support::assert_ok!(Providers::mint_link(RuntimeOrigin::root(), owner.clone()));
		link
	}
	fn probe_nodes(n: u32, delegators: bool) -> Vec<NodeId> {
		pallet_icn_providers::bench_helpers::bookable_nodes::<Test>(0, n, 1, delegators)
	}
	fn max_cluster_nodes() -> u32 {
		32
	}
}

/// Test account `n`.
/// What the mock rewards pool releases per block.
pub const POOL_PER_BLOCK: Balance = 1_000 * ICNT;
/// What the mock rewards pool holds at genesis.
pub const POOL_FUNDS: Balance = 10_000_000 * ICNT;

/// A rewards pool releasing [`POOL_PER_BLOCK`] every block.
pub struct MockPool;
impl icn_primitives::providers::RewardsPool<AccountId32> for MockPool {
	fn account() -> AccountId32 {
		account(250)
	}
	fn released_budget(block: u64) -> Balance {
		POOL_PER_BLOCK * Balance::from(block)
	}
	fn unfreeze_released() {}
}

/// The sr25519 `icno` key of HyperNode owner `n` (a real key: registration proves it).
pub fn oracle_key(n: u8) -> sp_core::sr25519::Pair {
	use sp_core::Pair;
	sp_core::sr25519::Pair::from_string(&format!("//Oracle{n}"), None).unwrap()
}

/// The signing account of HyperNode owner `n`'s key.
pub fn signer(n: u8) -> AccountId32 {
	use sp_core::Pair;
	account_of(oracle_key(n).public())
}

/// `key`'s proof that it signs for `owner`'s HyperNode on this chain.
pub fn proof(key: &sp_core::sr25519::Pair, owner: &AccountId32) -> MultiSignature {
	use sp_core::Pair;
	key.sign(&Sla::signer_proof_payload(owner)).into()
}

/// Owner `n` registers its HyperNode (in DE) with its own `icno` key and the key's proof.
pub fn register(n: u8) -> sp_runtime::DispatchResult {
	Sla::register_hypernode(
		RuntimeOrigin::signed(account(n)),
		signer(n),
		*b"DE",
		b"oracle.example.com".to_vec().try_into().unwrap(),
		proof(&oracle_key(n), &account(n)),
	)
}

/// The account of an sr25519 public key.
pub fn account_of(public: sp_core::sr25519::Public) -> AccountId32 {
	MultiSigner::from(public).into_account()
}

/// A node spec of `units` in cluster 0 serving `endpoint`.
pub fn spec(endpoint: &str, audit: AuditObject) -> NodeSpec {
	NodeSpec::new(0, 10).with_endpoint(endpoint).with_audit(audit)
}

/// Accounts 1..=30 hold 1,000,000 ICNT; accounts 11..=20 own Links 0..=9 (one each);
/// cluster 0 (500 ms latency bound) in region `EU-W` (DE); private endpoints allowed.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			balances: (1..=30)
				.map(|n| (account(n), 1_000_000 * ICNT))
				.chain([(account(250), POOL_FUNDS)])
				// The treasury's existential deposit funds the delegators' pot at genesis.
				.chain([(Treasury::get(), 1)])
				.collect(),
			..Default::default()
		},
		providers: pallet_icn_providers::GenesisConfig {
			params: Some(ProviderParams {
				unbonding_delay: 4 * ERA as u32,
				allow_private_endpoints: true,
				audit_bytes_per_unit: 0,
				..Default::default()
			}),
			regions: vec![RegionGenesis {
				name: "EU-W".into(),
				countries: vec!["DE".into()],
				collateral_per_unit: PER_UNIT,
				reward_weight: Perbill::one(),
			}],
			clusters: vec![ClusterGenesis {
				region: 0,
				name: "FRA-1".into(),
				kind: ResourceKind::Storage,
				max_price: 10 * ICNT,
				latency_bound_ms: 500,
			}],
			links: (11..=20).map(|n| (account(n), 1)).collect(),
		},
		sla: Default::default(),
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	// A keystore for the benchmarks' signing keys.
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| run_to_block(1));
	ext
}

/// Runs the hooks of every block up to `n`.
pub fn run_to_block(n: u64) {
	while System::block_number() < n || System::block_number() == 0 {
		let b = System::block_number() + 1;
		System::set_block_number(b);
		Sla::on_initialize(b);
		Sla::on_poll(b, &mut WeightMeter::new());
		if b >= n {
			break;
		}
	}
}

/// Registers a node of provider `n` serving `endpoint`; returns its id.
pub fn provider_node(n: u8, endpoint: &str, audit: AuditObject) -> NodeId {
	let id = pallet_icn_providers::NextNodeId::<Test>::get();
	frame_support::assert_ok!(Providers::register_node(
		RuntimeOrigin::signed(account(n)),
		spec(endpoint, audit),
		10 * PER_UNIT,
		Default::default()
	));
	id
}

/// Runs `test`, then checks the pallets' invariants.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Sla::do_try_state().expect("sla invariants hold");
		Providers::do_try_state().expect("providers invariants hold");
	});
}

/// Externalities for off-chain worker tests, built up as pallet-broker's `TestExt`: start
/// from the mock chain ([`WorkerExt::new`]) or from nothing ([`WorkerExt::bare`], for
/// probing alone), add what the worker uses, then [`WorkerExt::execute_with`]:
///
/// ```ignore
/// let mut w = WorkerExt::new().with_test_offchain().with_pool().with_oracle_key("//Oracle");
/// let (http, pool, oracle) = (w.http(), w.pool(), w.oracle());
/// w.execute_with(|| crate::offchain::run::<Test>(System::block_number()));
/// ```
pub struct WorkerExt {
	ext: sp_io::TestExternalities,
	http: Option<std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::OffchainState>>>,
	pool: Option<std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>>,
	oracle: Option<sp_core::sr25519::Public>,
}

impl WorkerExt {
	/// The mock chain at block 1 ([`new_test_ext`]).
	pub fn new() -> Self {
		Self::from(new_test_ext())
	}

	/// No chain state: for the worker's probing and sampling functions alone.
	pub fn bare() -> Self {
		Self::from(sp_io::TestExternalities::default())
	}

	fn from(ext: sp_io::TestExternalities) -> Self {
		Self { ext, http: None, pool: None, oracle: None }
	}

	/// HTTP requests go to `net` (a scripted or simulated network).
	pub fn with_network(mut self, net: impl sp_core::offchain::Externalities + 'static) -> Self {
		self.ext.register_extension(sp_core::offchain::OffchainWorkerExt::new(net));
		self
	}

	/// The worker's local storage is `db`.
	pub fn with_local_storage(
		mut self,
		db: impl sp_core::offchain::DbExternalities + 'static,
	) -> Self {
		self.ext.register_extension(sp_core::offchain::OffchainDbExt::new(db));
		self
	}

	/// Substrate's test off-chain externalities for both HTTP (expected requests and their
	/// answers, [`Self::http`]) and local storage.
	pub fn with_test_offchain(mut self) -> Self {
		let (offchain, state) = sp_core::offchain::testing::TestOffchainExt::new();
		self.http = Some(state);
		self.with_network(offchain.clone()).with_local_storage(offchain)
	}

	/// A transaction pool that keeps what the worker submits ([`Self::pool`]).
	pub fn with_pool(mut self) -> Self {
		let (pool, state) = sp_core::offchain::testing::TestTransactionPoolExt::new();
		self.ext.register_extension(sp_core::offchain::TransactionPoolExt::new(pool));
		self.pool = Some(state);
		self
	}

	/// A keystore holding one `icno` oracle key derived from `suri` ([`Self::oracle`]).
	pub fn with_oracle_key(mut self, suri: &str) -> Self {
		use sp_keystore::Keystore;
		let keystore = sp_keystore::testing::MemoryKeystore::new();
		let public = keystore
			.sr25519_generate_new(crate::KEY_TYPE, Some(suri))
			.expect("a memory keystore generates keys");
		self.ext.register_extension(sp_keystore::KeystoreExt::new(keystore));
		self.oracle = Some(public);
		self
	}

	/// The HTTP state of [`Self::with_test_offchain`].
	pub fn http(
		&self,
	) -> std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::OffchainState>> {
		self.http.clone().expect("built with_test_offchain")
	}

	/// The pool of [`Self::with_pool`].
	pub fn pool(
		&self,
	) -> std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>> {
		self.pool.clone().expect("built with_pool")
	}

	/// The oracle key of [`Self::with_oracle_key`].
	pub fn oracle(&self) -> sp_core::sr25519::Public {
		self.oracle.expect("built with_oracle_key")
	}

	/// Runs `f` in these externalities.
	pub fn execute_with<R>(&mut self, f: impl FnOnce() -> R) -> R {
		self.ext.execute_with(f)
	}
}
