//! The committed C headers must equal what cbindgen generates:
//! `include/avccdb.h` from src/ffi/ (leveldb.rs excluded) with
//! cbindgen.toml, `include/leveldb/c.h` from src/ffi/leveldb.rs with
//! cbindgen-leveldb.toml. To accept an intended change:
//! `AVCCDB_BLESS=1 cargo test --test ffi_header_drift`.

use std::path::Path;

fn generate(config: &str, src: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join(config)).expect("cbindgen config");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join(src))
        .generate()
        .expect("cbindgen failed to generate the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

fn native() -> String {
    generate("cbindgen.toml", "src/ffi/mod.rs")
}

fn leveldb() -> String {
    generate("cbindgen-leveldb.toml", "src/ffi/leveldb.rs")
}

fn check(header: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(header);
    if std::env::var_os("AVCCDB_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).expect("create include dir");
        std::fs::write(&path, generated).expect("write header");
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
            "{header} differs from the header generated from src/ffi/ \
             (first difference at line {line}).\n\
             If the change is intended, regenerate it with:\n  \
             AVCCDB_BLESS=1 cargo test --test ffi_header_drift"
        );
    }
}

#[test]
fn committed_header_matches_generated() {
    check("include/avccdb.h", &native());
}

#[test]
fn committed_leveldb_header_matches_generated() {
    check("include/leveldb/c.h", &leveldb());
}

#[test]
fn header_declares_the_foundation_functions() {
    let generated = native();
    for name in [
        "avccdb_major_version",
        "avccdb_minor_version",
        "avccdb_free",
        "avccdb_last_error_code",
        "AVCCDB_ERR_CORRUPTION",
        "avccdb_open(",
        "avccdb_get2(",
        "avccdb_get_into(",
        "extern \"C\"",
    ] {
        assert!(generated.contains(name), "header lacks {name}");
    }
    assert!(
        !generated.contains("leveldb_t"),
        "leveldb names stay out of avccdb.h"
    );
}

/// Every function LevelDB 1.23's c.h declares, in its order.
const LEVELDB_FUNCTIONS: &[&str] = &[
    "leveldb_open",
    "leveldb_close",
    "leveldb_put",
    "leveldb_delete",
    "leveldb_write",
    "leveldb_get",
    "leveldb_create_iterator",
    "leveldb_create_snapshot",
    "leveldb_release_snapshot",
    "leveldb_property_value",
    "leveldb_approximate_sizes",
    "leveldb_compact_range",
    "leveldb_destroy_db",
    "leveldb_repair_db",
    "leveldb_iter_destroy",
    "leveldb_iter_valid",
    "leveldb_iter_seek_to_first",
    "leveldb_iter_seek_to_last",
    "leveldb_iter_seek",
    "leveldb_iter_next",
    "leveldb_iter_prev",
    "leveldb_iter_key",
    "leveldb_iter_value",
    "leveldb_iter_get_error",
    "leveldb_writebatch_create",
    "leveldb_writebatch_destroy",
    "leveldb_writebatch_clear",
    "leveldb_writebatch_put",
    "leveldb_writebatch_delete",
    "leveldb_writebatch_iterate",
    "leveldb_writebatch_append",
    "leveldb_options_create",
    "leveldb_options_destroy",
    "leveldb_options_set_comparator",
    "leveldb_options_set_filter_policy",
    "leveldb_options_set_create_if_missing",
    "leveldb_options_set_error_if_exists",
    "leveldb_options_set_paranoid_checks",
    "leveldb_options_set_env",
    "leveldb_options_set_info_log",
    "leveldb_options_set_write_buffer_size",
    "leveldb_options_set_max_open_files",
    "leveldb_options_set_cache",
    "leveldb_options_set_block_size",
    "leveldb_options_set_block_restart_interval",
    "leveldb_options_set_max_file_size",
    "leveldb_options_set_compression",
    "leveldb_comparator_create",
    "leveldb_comparator_destroy",
    "leveldb_filterpolicy_create",
    "leveldb_filterpolicy_destroy",
    "leveldb_filterpolicy_create_bloom",
    "leveldb_readoptions_create",
    "leveldb_readoptions_destroy",
    "leveldb_readoptions_set_verify_checksums",
    "leveldb_readoptions_set_fill_cache",
    "leveldb_readoptions_set_snapshot",
    "leveldb_writeoptions_create",
    "leveldb_writeoptions_destroy",
    "leveldb_writeoptions_set_sync",
    "leveldb_cache_create_lru",
    "leveldb_cache_destroy",
    "leveldb_create_default_env",
    "leveldb_env_destroy",
    "leveldb_env_get_test_directory",
    "leveldb_free",
    "leveldb_major_version",
    "leveldb_minor_version",
];

#[test]
fn leveldb_header_declares_all_of_leveldb_c_h() {
    let generated = leveldb();
    for name in LEVELDB_FUNCTIONS {
        assert!(
            generated.contains(&format!(" {name}(")) || generated.contains(&format!("*{name}(")),
            "leveldb/c.h lacks {name}"
        );
    }
    let declared = generated.matches(" leveldb_").count();
    assert!(declared >= LEVELDB_FUNCTIONS.len());
    for ty in [
        "leveldb_t",
        "leveldb_cache_t",
        "leveldb_comparator_t",
        "leveldb_env_t",
        "leveldb_filelock_t",
        "leveldb_filterpolicy_t",
        "leveldb_iterator_t",
        "leveldb_logger_t",
        "leveldb_options_t",
        "leveldb_randomfile_t",
        "leveldb_readoptions_t",
        "leveldb_seqfile_t",
        "leveldb_snapshot_t",
        "leveldb_writablefile_t",
        "leveldb_writebatch_t",
        "leveldb_writeoptions_t",
    ] {
        assert!(
            generated.contains(&format!("typedef struct {ty} {ty};")),
            "leveldb/c.h lacks the type {ty}"
        );
    }
    assert!(generated.contains("leveldb_no_compression = 0"));
    assert!(generated.contains("leveldb_snappy_compression = 1"));
    assert!(
        !generated.contains("typedef struct avccdb"),
        "no native types leak into leveldb/c.h"
    );
}
