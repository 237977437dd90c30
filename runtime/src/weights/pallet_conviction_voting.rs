//! Placeholder until `icn-node benchmark pallet --pallet pallet_conviction_voting` writes this runtime's
//! own weights here (upstream's reference-machine figures meanwhile).

pub type WeightInfo<T> = pallet_conviction_voting::weights::SubstrateWeight<T>;
