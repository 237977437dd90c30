//! Placeholder until `icn-node benchmark pallet --pallet pallet_proxy` writes this runtime's
//! own weights here (upstream's reference-machine figures meanwhile).

pub type WeightInfo<T> = pallet_proxy::weights::SubstrateWeight<T>;
