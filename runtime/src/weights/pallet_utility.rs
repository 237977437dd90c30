//! Placeholder until `icn-node benchmark pallet --pallet pallet_utility` writes this runtime's
//! own weights here (upstream's reference-machine figures meanwhile).

pub type WeightInfo<T> = pallet_utility::weights::SubstrateWeight<T>;
