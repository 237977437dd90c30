//! Building signed transactions natively (std only): used by the node's `benchmark`
//! extrinsic builders and by the end-to-end tests, which submit real signed transactions
//! over JSON-RPC. Wallets do the same from the runtime's metadata.

use codec::Encode;
use sp_core::{sr25519, Pair, H256};
use sp_runtime::generic::Era;

use crate::{Nonce, Runtime, RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic, VERSION};

/// The transaction extensions of an immortal transaction with `nonce` and `tip`.
pub fn tx_extension(nonce: Nonce, tip: crate::Balance) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		pallet_icn_sla::CheckReport::<Runtime>::new(),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// Signs `call` by `signer` as an immortal transaction with `nonce`, for the chain whose
/// genesis hash is `genesis_hash`, against this runtime's spec and transaction versions.
pub fn sign(
	call: RuntimeCall,
	signer: &sr25519::Pair,
	nonce: Nonce,
	genesis_hash: H256,
) -> UncheckedExtrinsic {
	let extension = tx_extension(nonce, 0);
	// The implicit data every extension signs but does not carry in the transaction.
	let implicit = (
		(),
		VERSION.spec_version,
		VERSION.transaction_version,
		genesis_hash,
		genesis_hash,
		(),
		(),
		(),
		(),
		None,
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		sp_runtime::AccountId32::from(signer.public()).into(),
		signature.into(),
		extension,
	)
}
