//! Shared by the decode targets: the first byte of the input picks the entity type, the rest is
//! the JSON text (UTF-8, as the client reads bodies before decoding).

/// Calls `$check::<T>(text)` for the entity type `T` that the input's first byte picks.
macro_rules! for_entity {
    ($data:expr, $check:ident) => {
        if let Some((which, rest)) = $data.split_first() {
            if let Ok(text) = std::str::from_utf8(rest) {
                match which % 6 {
                    0 => $check::<mastolite::Account>(text),
                    1 => $check::<mastolite::CredentialAccount>(text),
                    2 => $check::<mastolite::Application>(text),
                    3 => $check::<mastolite::CredentialApplication>(text),
                    4 => $check::<mastolite::Token>(text),
                    _ => $check::<Vec<mastolite::Account>>(text),
                }
            }
        }
    };
}
