//! `stats`: the engine's `avccdb.stats` table and a summary in human
//! units, from a read-only open (so the activity counters describe this
//! open alone: they start at zero; levels, files and sizes are the
//! database's).

use std::io::Write;
use std::path::Path;

use avccdb::Stats;

use crate::args::Format;
use crate::error::CliResult;
use crate::json::Obj;
use crate::open::open_read;
use crate::text::{human_bytes, human_duration};

pub fn stats(out: &mut dyn Write, fmt: Format, db: &Path) -> CliResult {
    let handle = open_read(db)?;
    let stats = handle.stats();
    if fmt.json {
        let mut obj = Obj::new();
        for name in Stats::counter_names() {
            if let Some(v) = stats.counter(&name) {
                obj = obj.num(&name, v);
            }
        }
        writeln!(out, "{}", obj.render())?;
        return Ok(());
    }
    if let Some(table) = handle.property("avccdb.stats") {
        write!(out, "{table}")?;
        if !table.ends_with('\n') {
            writeln!(out)?;
        }
    }
    let (files, bytes) = stats
        .levels
        .iter()
        .fold((0, 0), |(f, b), l| (f + l.tables, b + l.size));
    writeln!(out)?;
    writeln!(out, "tables:        {files} ({})", human_bytes(bytes))?;
    for (level, l) in stats
        .levels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.tables > 0)
    {
        writeln!(
            out,
            "  level {level}:     {} tables, {}",
            l.tables,
            human_bytes(l.size)
        )?;
    }
    writeln!(
        out,
        "write delays:  {} ({})",
        stats.write_delay_count,
        human_duration(stats.write_delay_duration)
    )?;
    writeln!(
        out,
        "merged writes: {} in {} groups",
        stats.writes_merged, stats.write_groups
    )?;
    writeln!(
        out,
        "compactions:   {} memdb, {} level-0, {} other, {} seek, {} trivial moves",
        stats.memdb_compactions,
        stats.level0_compactions,
        stats.non_level0_compactions,
        stats.seek_compactions,
        stats.trivial_moves
    )?;
    writeln!(
        out,
        "I/O:           {} read, {} written",
        human_bytes(stats.io_read),
        human_bytes(stats.io_write)
    )?;
    if let Some(e) = &stats.background_error {
        writeln!(out, "background error: {e}")?;
    }
    Ok(())
}
