//! The committed C header must equal what cbindgen generates from src/ffi/.
//! To accept an intended change: `AVCCDB_BLESS=1 cargo test --test ffi_header_drift`.

use std::path::Path;

fn generate() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
        .expect("cbindgen failed to generate the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

#[test]
fn committed_header_matches_generated() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/avccdb.h");
    let generated = generate();
    if std::env::var_os("AVCCDB_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write include/avccdb.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()))
            + 1;
        panic!(
            "include/avccdb.h differs from the header generated from src/ffi/ \
             (first difference at line {line}).\n\
             If the change is intended, regenerate it with:\n  \
             AVCCDB_BLESS=1 cargo test --test ffi_header_drift"
        );
    }
}

#[test]
fn header_declares_the_foundation_functions() {
    let generated = generate();
    for name in [
        "avccdb_major_version",
        "avccdb_minor_version",
        "avccdb_free",
        "avccdb_last_error_code",
        "AVCCDB_ERR_CORRUPTION",
        "extern \"C\"",
    ] {
        assert!(generated.contains(name), "header lacks {name}");
    }
}
