//! Writes seed corpora for every fuzz target, one directory per target
//! under `DIR`: real proofs (found, absent, history) from a small database
//! with several layers, framed as each proof target reads its input, and
//! the engine's own files and encodings for the other decoders
//! (`engine_seeds`). Usage: `make_corpus DIR`.

mod engine_seeds;

use std::path::Path;

use avccdb::{Db, Options, ReadOptions, WriteOptions};

fn main() {
    let out = std::env::args().nth(1).expect("usage: make_corpus DIR");
    let out = Path::new(&out);
    let db_dir = std::env::temp_dir().join(format!("avccdb-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&db_dir);
    let db = Db::open(
        &db_dir,
        Options {
            write_buffer: 16 << 10,
            compaction_table_size: 16 << 10,
            compaction_total_size: 64 << 10,
            ..Options::default()
        },
    )
    .expect("open");
    let wo = WriteOptions::default();
    for round in 0..4u64 {
        for i in 0..2000u64 {
            let key = format!("k{:04}", (i * 7) % 1500);
            if i % 11 == 0 {
                db.delete_with_version(key.as_bytes(), round, &wo).unwrap();
            } else {
                let value = format!("value-{round}-{i}");
                db.put_with_version(key.as_bytes(), round, value.as_bytes(), &wo)
                    .unwrap();
            }
        }
    }
    let ro = ReadOptions {
        snapshot: Some(db.snapshot()),
        ..ReadOptions::default()
    };
    for dir in ["proof_decode", "proof_verify"] {
        std::fs::create_dir_all(out.join(dir)).unwrap();
    }
    let mut n = 0;
    for (i, key) in ["k0000", "k0007", "k0700", "k1499", "k9999", "a", "k0011"]
        .iter()
        .enumerate()
    {
        let frame = |selector: u8, proof: &[u8], root: &[u8; 32]| {
            let mut f = root.to_vec();
            f.push(key.len() as u8);
            f.extend_from_slice(key.as_bytes());
            f.push(selector);
            f.extend_from_slice(proof);
            f
        };
        let get = db.get_with_proof(key.as_bytes(), u64::MAX, &ro).unwrap();
        let old = db.get_with_proof(key.as_bytes(), 1, &ro).unwrap();
        let hist = db
            .version_history_with_proof(key.as_bytes(), 0, 3, &ro)
            .unwrap();
        // Selectors as the verify target reads them: 0 = latest,
        // 4 = version 1, 5 = history [0, 5] (the proof is for [0, 3]: a
        // near miss for the fuzzer to mutate).
        for (sel, proof, root) in [
            (0u8, &get.proof, get.root),
            (4, &old.proof, old.root),
            (5, &hist.proof, hist.root),
        ] {
            let bytes = proof.encode();
            std::fs::write(out.join("proof_decode").join(format!("{i}-{sel}")), &bytes).unwrap();
            std::fs::write(
                out.join("proof_verify").join(format!("{i}-{sel}")),
                frame(sel, &bytes, &root),
            )
            .unwrap();
            n += 1;
        }
    }
    drop(ro);
    drop(db);
    let _ = std::fs::remove_dir_all(&db_dir);
    println!("{n} proofs written under {}", out.display());
    for w in engine_seeds::write_engine_seeds(out) {
        println!(
            "{} seeds written under {}",
            w.files,
            out.join(w.dir).display()
        );
    }
}
