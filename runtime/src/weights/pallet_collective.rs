//! Placeholder until `icn-node benchmark pallet --pallet pallet_collective` writes this runtime's
//! own weights here (upstream's reference-machine figures meanwhile).

pub type WeightInfo<T> = pallet_collective::weights::SubstrateWeight<T>;
