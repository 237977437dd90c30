//! The full node: Aura block production, GRANDPA finality, off-chain workers, JSON-RPC and
//! Prometheus metrics, on a ParityDB database; on development chains, blocks on demand
//! instead (`--sealing`, manual seal).

use std::{sync::Arc, time::Duration};

use futures::FutureExt;
use icn_runtime::{apis::RuntimeApi, opaque::Block};
use sc_client_api::{Backend, BlockBackend};
use sc_consensus_aura::{ImportQueueParams, SlotProportion, StartAuraParams};
use sc_consensus_grandpa::SharedVoterState;
use sc_consensus_manual_seal::EngineCommand;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_consensus_aura::sr25519::{AuthorityId as AuraId, AuthorityPair as AuraPair};

pub use crate::cli::Sealing;

/// A block hash.
type BlockHash = <Block as sp_runtime::traits::Block>::Hash;

/// The largest block the node authors: the runtime's `RuntimeBlockLength` (8 MiB, all of it
/// for operational transactions such as `system.set_code`), instead of the block proposer's
/// generic 4 MiB default, under which a runtime upgrade of more than 4 MiB would wait in the
/// pool forever (the test build's runtime, with its benchmarks, is 5.4 MB since the
/// governance pallets; the runtime allows operational calls 8 MiB blocks).
const MAX_BLOCK_LENGTH: usize = 8 * 1024 * 1024;

/// The host functions the runtime may call: Substrate's, plus the benchmarking ones when the
/// runtime is built with `runtime-benchmarks`.
#[cfg(not(feature = "runtime-benchmarks"))]
pub type HostFunctions = sp_io::SubstrateHostFunctions;
/// The host functions the runtime may call: Substrate's, plus the benchmarking ones when the
/// runtime is built with `runtime-benchmarks`.
#[cfg(feature = "runtime-benchmarks")]
pub type HostFunctions =
	(sp_io::SubstrateHostFunctions, frame_benchmarking::benchmarking::HostFunctions);

/// The full client: the runtime is always executed as WASM.
pub type FullClient =
	sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<HostFunctions>>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;

/// The minimum period of blocks on which justifications will be imported and generated.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// The parts of a node shared by the node itself and the subcommands that open its database.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
	(
		sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>,
		sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
		Option<Telemetry>,
	),
>;

/// Opens the database and builds the client, the transaction pool and the import queue: Aura's
/// (seals and slots verified), or with `sealing` manual seal's, which takes the blocks of a
/// `--sealing` chain (an Aura pre-digest, no seal) from its peers, so a node syncs them.
pub fn new_partial(config: &Configuration, sealing: bool) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			vec![],
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			PoolTasks(task_manager.spawn_essential_handle()),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;

	let cidp_client = client.clone();
	let import_queue = if sealing {
		sc_consensus_manual_seal::import_queue(
			Box::new(client.clone()),
			&task_manager.spawn_essential_handle(),
			config.prometheus_registry(),
		)
	} else {
		sc_consensus_aura::import_queue::<AuraPair, _, _, _, _, _>(ImportQueueParams {
			block_import: grandpa_block_import.clone(),
			justification_import: Some(Box::new(grandpa_block_import.clone())),
			client: client.clone(),
			create_inherent_data_providers: move |parent_hash, _| {
				let cidp_client = cidp_client.clone();
				async move {
					let slot_duration = sc_consensus_aura::standalone::slot_duration_at(
						&*cidp_client,
						parent_hash,
					)?;
					let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
					let slot =
						sp_consensus_aura::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
							*timestamp,
							slot_duration,
						);
					Ok((slot, timestamp))
				}
			},
			spawner: &task_manager.spawn_essential_handle(),
			registry: config.prometheus_registry(),
			check_for_equivocation: Default::default(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			compatibility_mode: Default::default(),
		})?
	};

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (grandpa_block_import, grandpa_link, telemetry),
	})
}

/// Builds and starts a full node; with `sealing`, a development node that seals blocks on
/// demand instead of Aura slots and GRANDPA votes.
pub fn new_full<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	config: Configuration,
	sealing: Option<Sealing>,
) -> Result<TaskManager, ServiceError> {
	if sealing.is_some() && config.chain_spec.chain_type() == sc_service::ChainType::Live {
		return Err(ServiceError::Other(
			"--sealing is for development chains (--dev, --chain local): a live chain's blocks \
			 are sealed by Aura and finalized by GRANDPA"
				.into(),
		));
	}
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, grandpa_link, mut telemetry),
	} = new_partial(&config, sealing.is_some())?;

	// Development keys (`--dev`, `--alice`, …): besides the session keys the runtime lists,
	// the seed's sr25519 key is the node's HyperNode report key (`icno`), so the dev chain's
	// genesis HyperNode (Alice) reports from the first era. In memory only, like the others.
	if let Some(seed) = config.dev_key_seed.as_deref() {
		use sp_keystore::Keystore;
		keystore_container
			.keystore()
			.sr25519_generate_new(pallet_icn_sla::KEY_TYPE, Some(seed))
			.map_err(|e| ServiceError::Other(format!("inserting the {seed} icno key: {e}")))?;
	}

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let peer_store_handle = net_config.peer_store_handle();
	let genesis_hash = client
		.block_hash(0)
		.ok()
		.flatten()
		.ok_or_else(|| ServiceError::Other("the database has no genesis block".into()))?;
	let grandpa_protocol_name =
		sc_consensus_grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			peer_store_handle,
		);
	// A sealing node finalizes its own blocks: no GRANDPA gossip.
	if sealing.is_none() {
		net_config.add_notification_protocol(grandpa_protocol_config);
	}

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	// Off-chain workers run on every node that enables them (`--offchain-worker`): the SLA
	// oracle's HTTP probes run there, with the node's keystore for signing reports.
	if config.offchain_worker.enabled {
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: true,
				custom_extensions: |_| vec![],
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let backoff_authoring_blocks: Option<()> = None;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();

	// `engine_createBlock` / `engine_finalizeBlock` reach the sealing task through this.
	let (seal_sink, seal_commands) = futures::channel::mpsc::channel(1024);
	let rpc_extensions_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();
		let manual_seal = sealing.map(|_| seal_sink);

		Box::new(move |_| {
			let deps = crate::rpc::FullDeps {
				client: client.clone(),
				pool: pool.clone(),
				manual_seal: manual_seal.clone(),
			};
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: Arc::new(network.clone()),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_extensions_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	// The block builder of Aura slots and of `--sealing`: blocks up to MAX_BLOCK_LENGTH.
	let new_proposer = || {
		let mut factory = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		);
		factory.set_default_block_size_limit(MAX_BLOCK_LENGTH);
		factory
	};

	if let Some(sealing) = sealing {
		let proposer_factory = new_proposer();
		let sealer = manual_sealing(
			sealing,
			client,
			select_chain,
			transaction_pool,
			proposer_factory,
			seal_commands,
		)?;
		// Sealing is essential: if it fails, the node stops. No GRANDPA voter: each sealed
		// block is finalized by the sealing task.
		task_manager.spawn_essential_handle().spawn_blocking(
			"manual-seal",
			Some("block-authoring"),
			with_grace(sealer),
		);
		return Ok(task_manager);
	}

	if role.is_authority() {
		let proposer_factory = new_proposer();

		let slot_duration = sc_consensus_aura::slot_duration::<AuraId, _, _>(&*client)?;

		let aura = sc_consensus_aura::start_aura::<AuraPair, _, _, _, _, _, _, _, _, _, _>(
			StartAuraParams {
				slot_duration,
				client,
				select_chain,
				block_import,
				proposer_factory,
				create_inherent_data_providers: move |_, ()| async move {
					let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
					let slot =
						sp_consensus_aura::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
							*timestamp,
							slot_duration,
						);
					Ok((slot, timestamp))
				},
				force_authoring,
				backoff_authoring_blocks,
				keystore: keystore_container.keystore(),
				sync_oracle: sync_service.clone(),
				justification_sync_link: sync_service.clone(),
				block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
				max_block_proposal_slot_portion: None,
				telemetry: telemetry.as_ref().map(|x| x.handle()),
				compatibility_mode: Default::default(),
			},
		)?;

		// Block authoring is essential: if it fails, the node stops.
		task_manager.spawn_essential_handle().spawn_blocking(
			"aura",
			Some("block-authoring"),
			with_grace(aura),
		);
	}

	if enable_grandpa {
		// Only authorities vote and need the keystore.
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };

		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};

		let grandpa_params = sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: Arc::new(sync_service),
			notification_service: grandpa_notification_service,
			voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
			prometheus_registry,
			shared_voter_state: SharedVoterState::empty(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		};

		// The GRANDPA voter is essential: if it fails, the node stops.
		task_manager.spawn_essential_handle().spawn_blocking(
			"grandpa-voter",
			None,
			with_grace(sc_consensus_grandpa::run_grandpa_voter(grandpa_params)?),
		);
	}

	Ok(task_manager)
}

/// The block-sealing task of `--sealing`: manual seal with Aura pre-digests, each block
/// finalized at once; sealed when transactions arrive (`instant`) or on a timer, and on
/// `engine_createBlock`.
fn manual_sealing(
	sealing: Sealing,
	client: Arc<FullClient>,
	select_chain: FullSelectChain,
	pool: Arc<sc_transaction_pool::TransactionPoolHandle<Block, FullClient>>,
	proposer_factory: sc_basic_authorship::ProposerFactory<
		sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
		FullClient,
	>,
	rpc_commands: futures::channel::mpsc::Receiver<EngineCommand<BlockHash>>,
) -> Result<impl core::future::Future<Output = ()> + Send + 'static, ServiceError> {
	use futures::StreamExt;
	use sc_transaction_pool_api::TransactionPool;

	let slot_duration = sc_consensus_aura::slot_duration::<AuraId, _, _>(&*client)?;
	let seal = || EngineCommand::SealNewBlock {
		create_empty: true,
		finalize: true,
		parent_hash: None,
		sender: None,
	};
	let commands: futures::stream::BoxStream<'static, EngineCommand<BlockHash>> = match sealing {
		// A block per batch of transactions the pool imported: a notification whose
		// transactions an earlier block already took seals nothing. The pool notifies a
		// transaction once; one that arrives while a block is being imported can miss that
		// block and find no view ready for it yet (polkadot-sdk #10104), so a check every
		// second seals whatever is still ready.
		Sealing::Instant => {
			let when_ready = || EngineCommand::SealNewBlock {
				create_empty: false,
				finalize: true,
				parent_hash: None,
				sender: None,
			};
			let (ready, ready_tick) = (pool.clone(), pool.clone());
			let notified = pool
				.import_notification_stream()
				.filter(move |_| futures::future::ready(ready.status().ready > 0))
				.map(move |_| when_ready());
			let leftovers = futures::stream::unfold((), |()| async {
				futures_timer::Delay::new(Duration::from_secs(1)).await;
				Some(((), ()))
			})
			.filter(move |()| futures::future::ready(ready_tick.status().ready > 0))
			.map(move |()| when_ready());
			futures::stream::select(futures::stream::select(notified, leftovers), rpc_commands)
				.boxed()
		},
		Sealing::Interval(ms) => futures::stream::select(
			futures::stream::unfold((), move |()| async move {
				futures_timer::Delay::new(Duration::from_millis(ms)).await;
				Some((seal(), ()))
			}),
			rpc_commands,
		)
		.boxed(),
	};

	let cidp_client = client.clone();
	let create_inherent_data_providers = move |parent: BlockHash, ()| {
		let client = cidp_client.clone();
		async move {
			// The timestamp alone: the Aura pre-digest's slot is derived from it, and manual seal
			// counts the inherent data entries as the block's inherent extrinsics — an `auraslot`
			// entry (no extrinsic of its own) would make a one-transaction block look empty and
			// refused ("Transaction pool is empty").
			let timestamp = sealing_timestamp(&client, parent, slot_duration.as_millis());
			Ok(sp_timestamp::InherentDataProvider::new(timestamp))
		}
	};

	Ok(sc_consensus_manual_seal::run_manual_seal(sc_consensus_manual_seal::ManualSealParams {
		block_import: client.clone(),
		env: proposer_factory,
		client,
		pool,
		commands_stream: commands,
		select_chain,
		consensus_data_provider: Some(Box::new(
			sc_consensus_manual_seal::consensus::aura::AuraConsensusDataProvider::new_with_slot_duration(
				slot_duration,
			),
		)),
		create_inherent_data_providers,
	}))
}

/// The timestamp of a block sealed on `parent`: the wall clock, but at least one slot after the
/// parent's timestamp, so that every block has an Aura slot of its own (pallet-aura refuses a
/// slot that does not increase) however fast blocks are sealed; when sealing is slower than
/// slots, the chain's clock follows the wall clock.
fn sealing_timestamp(
	client: &FullClient,
	parent: BlockHash,
	slot_duration_ms: u64,
) -> sp_timestamp::Timestamp {
	use codec::Decode;
	use sc_client_api::StorageProvider;
	let key = [sp_io::hashing::twox_128(b"Timestamp"), sp_io::hashing::twox_128(b"Now")].concat();
	let parent_ms = client
		.storage(parent, &sp_core::storage::StorageKey(key))
		.ok()
		.flatten()
		.and_then(|data| u64::decode(&mut &data.0[..]).ok())
		.unwrap_or_default();
	let now = sp_timestamp::Timestamp::current().as_millis();
	sp_timestamp::Timestamp::new(now.max(parent_ms.saturating_add(slot_duration_ms)))
}

/// How long an essential task that returned waits before it is reported as failed (and the
/// node stops). When the node is stopping, the task manager drops it within that time.
const ESSENTIAL_GRACE: Duration = Duration::from_secs(5);

/// An essential task's future that, when it returns, is reported only after
/// [`ESSENTIAL_GRACE`]. Essential tasks (the transaction pool's background work, Aura, the
/// GRANDPA voter) also return when what they serve is dropped while the node stops or an
/// offline subcommand (`export-blocks`, `check-block`, …) finishes; reported at once, that
/// printed "Essential task `txpool-background` failed. Shutting down service." on every clean
/// stop. Now the task manager drops such a task in its grace time and nothing is printed; a
/// task that really fails still stops the node, 5 s later, and a panic at once.
fn with_grace(
	future: impl core::future::Future<Output = ()> + Send + 'static,
) -> futures::future::BoxFuture<'static, ()> {
	Box::pin(async move {
		future.await;
		futures_timer::Delay::new(ESSENTIAL_GRACE).await
	})
}

/// Spawns the transaction pool's background tasks as essential tasks [`with_grace`].
#[derive(Clone)]
struct PoolTasks(sc_service::SpawnEssentialTaskHandle);

impl sp_core::traits::SpawnEssentialNamed for PoolTasks {
	fn spawn_essential_blocking(
		&self,
		name: &'static str,
		group: Option<&'static str>,
		future: futures::future::BoxFuture<'static, ()>,
	) {
		sp_core::traits::SpawnEssentialNamed::spawn_essential_blocking(
			&self.0,
			name,
			group,
			with_grace(future),
		)
	}

	fn spawn_essential(
		&self,
		name: &'static str,
		group: Option<&'static str>,
		future: futures::future::BoxFuture<'static, ()>,
	) {
		sp_core::traits::SpawnEssentialNamed::spawn_essential(
			&self.0,
			name,
			group,
			with_grace(future),
		)
	}
}
