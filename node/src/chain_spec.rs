//! Chain specifications: `dev` and `local` from the runtime's genesis presets, or a JSON
//! file (e.g. `chain-specs/staging-raw.json`).

use icn_runtime::WASM_BINARY;
use sc_service::ChainType;

/// The chain specification of ICN Chain (no client extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"the runtime WASM blob is missing: build icn-node without SKIP_WASM_BUILD \
		 (run scripts/setup.sh first)"
			.to_string()
	})
}

/// The `dev` chain: Alice alone validates, sudo is Alice, private endpoints allowed.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("ICN Development")
		.with_id("icn_dev")
		.with_protocol_id("icn")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(icn_runtime::genesis::chain_properties())
		.build())
}

/// The `local` testnet: Alice and Bob validate.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("ICN Local Testnet")
		.with_id("icn_local")
		.with_protocol_id("icn")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(icn_runtime::genesis::chain_properties())
		.build())
}
