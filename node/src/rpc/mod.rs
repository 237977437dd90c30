//! The node's JSON-RPC extensions, on top of the standard `system_*`, `chain_*`,
//! `state_*` and `author_*` methods that `sc-service` always serves.
//!
//! Custom methods (`icn_*`, backed by the runtime APIs of the ICN pallets) are merged here.

#![warn(missing_docs)]

pub mod marketplace;
pub mod providers;
pub mod sla;
pub mod vesting;

use std::sync::Arc;

use icn_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::{
	core::RpcResult,
	types::error::{ErrorObject, ErrorObjectOwned},
	RpcModule,
};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What an `icn_*` handler needs of the client: runtime APIs at a block, and the best block.
pub trait RuntimeApiClient:
	ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static
{
}

impl<C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static> RuntimeApiClient
	for C
{
}

/// Serves every `icn_*` method (each module implements its `Icn*ApiServer` for it) from the
/// client's runtime APIs: one way to pick the block and to report a failed runtime call.
pub struct IcnRpc<C> {
	client: Arc<C>,
}

impl<C> IcnRpc<C> {
	/// Creates the handler.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

impl<C: RuntimeApiClient> IcnRpc<C> {
	/// Calls `f` on the runtime API at block `at` (default: the best block). A failed call is
	/// error 1, "runtime API call failed", with the reason as its data.
	pub(crate) fn call<R>(
		&self,
		at: Option<<Block as sp_runtime::traits::Block>::Hash>,
		f: impl FnOnce(
			&C::Api,
			<Block as sp_runtime::traits::Block>::Hash,
		) -> Result<R, sp_api::ApiError>,
	) -> RpcResult<R> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		f(&self.client.runtime_api(), at).map_err(runtime_error)
	}
}

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(1, "runtime API call failed", Some(e.to_string()))
}

/// What the RPC extensions need from the node.
pub struct FullDeps<C, P> {
	/// The client instance to use.
	pub client: Arc<C>,
	/// Transaction pool instance.
	pub pool: Arc<P>,
	/// With `--sealing`: where `engine_createBlock` / `engine_finalizeBlock` send their
	/// commands.
	pub manual_seal: Option<
		futures::channel::mpsc::Sender<
			sc_consensus_manual_seal::EngineCommand<<Block as sp_runtime::traits::Block>::Hash>,
		>,
	>,
}

/// Builds the RPC extensions of a full node.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>,
	C: HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + 'static,
	C: Send + Sync + 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: pallet_icn_vesting::runtime_api::VestingApi<Block, AccountId, icn_runtime::BlockNumber>,
	C::Api: pallet_icn_marketplace::runtime_api::MarketplaceApi<Block, AccountId>,
	C::Api: pallet_icn_sla::runtime_api::SlaApi<Block, AccountId>,
	C::Api:
		pallet_icn_providers::runtime_api::ProvidersApi<Block, AccountId, icn_runtime::BlockNumber>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, manual_seal } = deps;

	// `engine_createBlock`, `engine_finalizeBlock` on a `--sealing` development node.
	if let Some(sink) = manual_seal {
		use sc_consensus_manual_seal::rpc::{ManualSeal, ManualSealApiServer};
		module.merge(ManualSeal::new(sink).into_rpc())?;
	}

	// `system_accountNextIndex`, `system_dryRun`.
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	// `payment_queryInfo`, `payment_queryFeeDetails`.
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;

	// ICN methods (`icn_*`), each backed by a pallet's runtime API.
	let icn = || IcnRpc::new(client.clone());
	// `icn_vestingInfo`, `icn_bucketInfo`.
	module.merge(vesting::IcnVestingApiServer::into_rpc(icn()))?;
	// `icn_quote`, `icn_bookings`, `icn_clusterUsage`.
	module.merge(marketplace::IcnMarketplaceApiServer::into_rpc(icn()))?;
	// `icn_nodeInfo`, `icn_clusterNodes`, `icn_providerNodes`, `icn_delegation`.
	module.merge(providers::IcnProvidersApiServer::into_rpc(icn()))?;
	// `icn_slaScore`, `icn_nodeSla`, `icn_assignments`, `icn_pendingSlashes`.
	module.merge(sla::IcnSlaApiServer::into_rpc(icn()))?;

	Ok(module)
}
