//! Placeholder until `icn-node benchmark pallet --pallet pallet_multisig` writes this runtime's
//! own weights here (upstream's reference-machine figures meanwhile).

pub type WeightInfo<T> = pallet_multisig::weights::SubstrateWeight<T>;
