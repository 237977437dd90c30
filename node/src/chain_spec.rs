//! Chain specifications: `dev` and `local` from the runtime's genesis presets, or a JSON
//! file (e.g. `chain-specs/staging-raw.json`, the committed staging network);
//! `staging-preset` builds the staging network from this runtime's `staging` preset, which
//! `scripts/chain-specs.sh` turns into the committed files.

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

/// A chain spec for one of the runtime's genesis presets, with ICNT's chain properties.
fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id("icn")
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(icn_runtime::genesis::chain_properties())
		.build())
}

/// The `dev` chain: Alice alone validates and is root.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"ICN Development",
		"icn_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// The `local` testnet: Alice, Bob, Charlie and Dave validate.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"ICN Local Testnet",
		"icn_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// The staging network from this runtime's `staging` preset (production lengths, three
/// validators of its own). Its committed raw form is `chain-specs/staging-raw.json`.
pub fn staging_chain_spec() -> Result<ChainSpec, String> {
	from_preset("ICN Staging", "icn_staging", ChainType::Live, "staging")
}
