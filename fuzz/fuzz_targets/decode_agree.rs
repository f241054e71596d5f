//! The two JSON backends agree: when serde_json and miniserde both decode an input, they give
//! equal values (the design's "identical under both backends", on inputs nobody wrote by hand).
#![no_main]

#[macro_use]
#[path = "entities.rs"]
mod entities;

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;

fn agree<T>(text: &str)
where
    T: serde::de::DeserializeOwned + miniserde::Deserialize + PartialEq + Debug,
{
    if let (Ok(a), Ok(b)) = (
        serde_json::from_str::<T>(text),
        miniserde::json::from_str::<T>(text),
    ) {
        assert_eq!(a, b, "serde_json and miniserde differ on {text:?}");
    }
}

fuzz_target!(|data: &[u8]| for_entity!(data, agree));
