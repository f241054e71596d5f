//! The RFC 8288 `Link` header parser: never panics, and every URL it returns is a piece of the
//! header (it invents nothing).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    let links = mastolite::pagination::parse_link_header(header);
    for url in [&links.next, &links.prev].into_iter().flatten() {
        assert!(
            header.contains(url.as_str()),
            "{url:?} is not in {header:?}"
        );
    }
});
