//! Builds the runtime's WASM blob (`WASM_BINARY`) with `substrate-wasm-builder`.
//!
//! The blob is built for `wasm32v1-none`. Where rustup cannot install that target,
//! `scripts/setup.sh` builds it offline and `scripts/env.sh` sets `WASM_BUILD_TOOLCHAIN`
//! (docs/wasm-offline.md).

/// With `metadata-hash`, the metadata hash that `CheckMetadataHash` (Ledger) verifies is
/// embedded in the runtime; token symbol and decimals as in `icn_primitives::currency`.
#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("ICNT", 18)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// The runtime isn't compiled to WASM from within the WASM build.
#[cfg(not(feature = "std"))]
fn main() {}
