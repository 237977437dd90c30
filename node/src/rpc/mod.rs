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
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the RPC extensions need from the node.
pub struct FullDeps<C, P> {
	/// The client instance to use.
	pub client: Arc<C>,
	/// Transaction pool instance.
	pub pool: Arc<P>,
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
	C::Api: pallet_icn_providers::runtime_api::ProvidersApi<Block, AccountId, icn_runtime::BlockNumber>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;

	// `system_accountNextIndex`, `system_dryRun`.
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	// `payment_queryInfo`, `payment_queryFeeDetails`.
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;

	// ICN methods (`icn_*`), each backed by a pallet's runtime API.
	{
		use vesting::{IcnVesting, IcnVestingApiServer};
		// `icn_vestingInfo`, `icn_bucketInfo`.
		module.merge(IcnVesting::new(client.clone()).into_rpc())?;
		use marketplace::{IcnMarketplace, IcnMarketplaceApiServer};
		// `icn_quote`, `icn_bookings`, `icn_clusterUsage`.
		module.merge(IcnMarketplace::new(client.clone()).into_rpc())?;
		use providers::{IcnProviders, IcnProvidersApiServer};
		// `icn_nodeInfo`, `icn_clusterNodes`, `icn_providerNodes`, `icn_delegation`.
		module.merge(IcnProviders::new(client.clone()).into_rpc())?;
		use sla::{IcnSla, IcnSlaApiServer};
		// `icn_slaScore`, `icn_nodeSla`, `icn_assignments`, `icn_pendingSlashes`.
		module.merge(IcnSla::new(client).into_rpc())?;
	}

	Ok(module)
}
