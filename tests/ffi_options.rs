//! Options through the C API: every setter has a getter that returns what
//! was set, and the settings reach the engine (flow-control triggers,
//! compression, cache sharing).

mod ffi_support;

use avccdb::ffi::cache::*;
use avccdb::ffi::compaction::*;
use avccdb::ffi::filter::*;
use avccdb::ffi::memory::avccdb_free;
use avccdb::ffi::options::*;
use avccdb::ffi::readoptions::*;
use avccdb::ffi::stats::*;
use avccdb::ffi::writeoptions::*;
use ffi_support::{take_string, Db, TempDir};

#[test]
fn every_setter_has_a_matching_getter() {
    let o = avccdb_options_create();
    // SAFETY: a live options handle.
    unsafe {
        // Defaults: LevelDB's create_if_missing, avccdb's others.
        assert_eq!(avccdb_options_get_create_if_missing(o), 0);
        assert_eq!(avccdb_options_get_write_buffer_size(o), 4 << 20);
        assert_eq!(avccdb_options_get_compression(o), AVCCDB_SNAPPY_COMPRESSION);
        assert_eq!(avccdb_options_get_bloom_bits_per_key(o), 10);
        assert_eq!(
            take_string(avccdb_options_get_comparator_name(o)).as_deref(),
            Some("leveldb.BytewiseComparator")
        );
        assert_eq!(
            take_string(avccdb_options_get_filter_policy_name(o)).as_deref(),
            Some("avccdb.BloomFilter")
        );

        avccdb_options_set_create_if_missing(o, 1);
        avccdb_options_set_error_if_exists(o, 7);
        avccdb_options_set_paranoid_checks(o, 1);
        avccdb_options_set_write_buffer_size(o, 123_456);
        avccdb_options_set_max_open_files(o, 77);
        avccdb_options_set_block_cache_capacity(o, 1 << 20);
        avccdb_options_set_block_size(o, 8192);
        avccdb_options_set_block_restart_interval(o, 4);
        avccdb_options_set_max_file_size(o, 3 << 20);
        avccdb_options_set_compression(o, AVCCDB_NO_COMPRESSION);
        avccdb_options_set_write_l0_slowdown_trigger(o, 5);
        avccdb_options_set_write_l0_pause_trigger(o, 9);
        avccdb_options_set_compaction_l0_trigger(o, 3);
        avccdb_options_set_compaction_total_size(o, 40 << 20);
        avccdb_options_set_compaction_total_size_multiplier(o, 7.5);
        avccdb_options_set_no_write_merge(o, 1);
        avccdb_options_set_no_sync(o, 1);
        avccdb_options_set_disable_large_batch_transaction(o, 1);
        avccdb_options_set_bloom_bits_per_key(o, 0);
        avccdb_options_set_env(o, std::ptr::null_mut());
        avccdb_options_set_info_log(o, std::ptr::null_mut());

        assert_eq!(avccdb_options_get_create_if_missing(o), 1);
        assert_eq!(
            avccdb_options_get_error_if_exists(o),
            1,
            "booleans normalise"
        );
        assert_eq!(avccdb_options_get_paranoid_checks(o), 1);
        assert_eq!(avccdb_options_get_write_buffer_size(o), 123_456);
        assert_eq!(avccdb_options_get_max_open_files(o), 77);
        assert_eq!(avccdb_options_get_block_cache_capacity(o), 1 << 20);
        assert_eq!(avccdb_options_get_block_size(o), 8192);
        assert_eq!(avccdb_options_get_block_restart_interval(o), 4);
        assert_eq!(avccdb_options_get_max_file_size(o), 3 << 20);
        assert_eq!(
            avccdb_options_get_compaction_table_size(o),
            3 << 20,
            "same setting"
        );
        avccdb_options_set_compaction_table_size(o, 5 << 20);
        assert_eq!(avccdb_options_get_max_file_size(o), 5 << 20);
        assert_eq!(avccdb_options_get_compression(o), AVCCDB_NO_COMPRESSION);
        assert_eq!(avccdb_options_get_write_l0_slowdown_trigger(o), 5);
        assert_eq!(avccdb_options_get_write_l0_pause_trigger(o), 9);
        assert_eq!(avccdb_options_get_compaction_l0_trigger(o), 3);
        assert_eq!(avccdb_options_get_compaction_total_size(o), 40 << 20);
        assert_eq!(avccdb_options_get_compaction_total_size_multiplier(o), 7.5);
        assert_eq!(avccdb_options_get_no_write_merge(o), 1);
        assert_eq!(avccdb_options_get_no_sync(o), 1);
        assert_eq!(avccdb_options_get_disable_large_batch_transaction(o), 1);
        assert_eq!(avccdb_options_get_bloom_bits_per_key(o), 0);
        assert!(
            avccdb_options_get_filter_policy_name(o).is_null(),
            "no filter at all"
        );

        // Shared cache and custom bloom policy.
        let cache = avccdb_cache_create_lru(3 << 20);
        avccdb_options_set_cache(o, cache);
        avccdb_cache_destroy(cache); // the options keep their reference
        assert_eq!(avccdb_options_get_block_cache_capacity(o), 3 << 20);
        avccdb_options_set_cache(o, std::ptr::null_mut());
        assert_eq!(avccdb_options_get_block_cache_capacity(o), 1 << 20);
        let bloom = avccdb_filterpolicy_create_bloom(12);
        avccdb_options_set_filter_policy(o, bloom);
        avccdb_filterpolicy_destroy(bloom);
        let name = avccdb_options_get_filter_policy_name(o);
        assert_eq!(take_string(name).as_deref(), Some("avccdb.BloomFilter"));
        avccdb_options_destroy(o);

        let ro = avccdb_readoptions_create();
        assert_eq!(avccdb_readoptions_get_fill_cache(ro), 1);
        avccdb_readoptions_set_fill_cache(ro, 0);
        avccdb_readoptions_set_verify_checksums(ro, 1);
        avccdb_readoptions_set_all_versions(ro, 1);
        assert_eq!(avccdb_readoptions_get_fill_cache(ro), 0);
        assert_eq!(avccdb_readoptions_get_verify_checksums(ro), 1);
        assert_eq!(avccdb_readoptions_get_all_versions(ro), 1);
        assert_eq!(avccdb_readoptions_has_snapshot(ro), 0);
        avccdb_readoptions_destroy(ro);

        let wo = avccdb_writeoptions_create();
        assert_eq!(avccdb_writeoptions_get_sync(wo), 0);
        avccdb_writeoptions_set_sync(wo, 1);
        avccdb_writeoptions_set_no_write_merge(wo, 1);
        assert_eq!(avccdb_writeoptions_get_sync(wo), 1);
        assert_eq!(avccdb_writeoptions_get_no_write_merge(wo), 1);
        avccdb_writeoptions_destroy(wo);
        avccdb_free(std::ptr::null_mut());
    }
}

fn counter(db: &Db, name: &std::ffi::CStr) -> u64 {
    let mut v = 0;
    // SAFETY: live handle; NUL-terminated name; valid out-pointer.
    assert_eq!(
        unsafe { avccdb_property_int(db.db, name.as_ptr(), &mut v) },
        1,
        "{name:?}"
    );
    v
}

/// Writes ~`n` KiB of distinct keys.
fn fill(db: &Db, tag: u32, n: u32) {
    let v = vec![b'v'; 1000];
    for i in 0..n {
        db.put(format!("{tag}-{i:06}").as_bytes(), &v);
    }
}

#[test]
fn l0_triggers_delay_then_pause_writers() {
    let dir = TempDir::new("triggers");
    let db = Db::open_with(&dir, |o| {
        // SAFETY: a live options handle.
        unsafe {
            avccdb_options_set_write_buffer_size(o, 16 << 10);
            avccdb_options_set_write_l0_slowdown_trigger(o, 2);
            avccdb_options_set_write_l0_pause_trigger(o, 4);
            avccdb_options_set_compaction_l0_trigger(o, 2);
        }
    });
    // SAFETY: a live db handle; the pause token is released once.
    let pause = unsafe { avccdb_pause_compactions(db.db) };
    assert!(!pause.is_null());
    // Two flushes put level 0 at the slowdown trigger: writes are delayed.
    while counter(&db, c"level0.tables") < 2 {
        fill(&db, 0, 4);
    }
    let delays = counter(&db, c"write_delay_count");
    fill(&db, 1, 4);
    assert!(
        counter(&db, c"write_delay_count") > delays,
        "slowdown applied"
    );

    // At the pause trigger a writer waits until compaction resumes.
    std::thread::scope(|s| {
        // ~12 write buffers' worth: far past the pause trigger, so the
        // writer must wait while compactions are held.
        let writer = s.spawn(|| fill(&db, 2, 200));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while counter(&db, c"write_paused") == 0 {
            assert!(std::time::Instant::now() < deadline, "writes never paused");
            std::thread::yield_now();
        }
        assert!(counter(&db, c"level0.tables") >= 4);
        // SAFETY: the token from avccdb_pause_compactions, released once.
        unsafe { avccdb_resume_compactions(pause) };
        writer.join().unwrap();
    });
    // Compaction drains level 0 once resumed.
    let mut err = std::ptr::null_mut();
    // SAFETY: live handle; NULL bounds mean the whole key space.
    unsafe {
        avccdb::ffi::compaction::avccdb_compact_range2(
            db.db,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            &mut err,
        )
    };
    assert!(err.is_null());
    assert_eq!(counter(&db, c"level0.tables"), 0);
    assert_eq!(counter(&db, c"write_paused"), 0);
}

#[test]
fn shared_cache_is_filled_by_reads() {
    let dir = TempDir::new("cache");
    let cache = avccdb_cache_create_lru(4 << 20);
    let db = Db::open_with(&dir, |o| {
        // SAFETY: live handles.
        unsafe {
            avccdb_options_set_cache(o, cache);
            avccdb_options_set_compression(o, AVCCDB_NO_COMPRESSION);
        }
    });
    fill(&db, 0, 200);
    let mut err = std::ptr::null_mut();
    // SAFETY: live handles.
    unsafe {
        avccdb::ffi::compaction::avccdb_compact_range2(
            db.db,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            &mut err,
        );
        assert!(err.is_null());
        assert_eq!(avccdb_cache_get_capacity(cache), 4 << 20);
        let before = avccdb_cache_get_usage(cache);
        for i in (0..200).step_by(10) {
            assert!(db.get(format!("0-{i:06}").as_bytes()).is_some());
        }
        assert!(
            avccdb_cache_get_usage(cache) > before,
            "reads fill the shared cache"
        );
        assert_eq!(
            counter(&db, c"block_cache_size") as usize,
            avccdb_cache_get_usage(cache)
        );
        avccdb_cache_destroy(cache);
    }
    // The database keeps the cache alive after the handle is gone.
    assert!(db.get(b"0-000005").is_some());
}
