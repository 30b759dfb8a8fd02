//! The two background workers of the seeds. The memdb worker writes the
//! frozen memdb to a level-0 table (pausing table compaction meanwhile);
//! the table worker compacts by score, runs range compactions, and
//! acknowledges paused writers once level 0 is below the pause trigger.

use std::sync::Arc;

use crossbeam_channel::{select, Receiver};

use crate::db::core::{Ack, DbInner, MemCmd, TableCmd};
use crate::db::info_log::info;
use crate::error::Result;

pub(crate) fn spawn_workers(db: &Arc<DbInner>, channels: crate::db::core::WorkerChannels) {
    let mut workers = db.workers.lock();
    let mem_db = db.clone();
    let mem_rx = channels.mem_rx;
    workers.push(
        std::thread::Builder::new()
            .name("avccdb-mcomp".into())
            .spawn(move || memdb_worker(&mem_db, &mem_rx))
            .expect("spawning the memdb compaction thread"),
    );
    let table_db = db.clone();
    let (table_rx, pause_rx) = (channels.table_rx, channels.pause_rx);
    workers.push(
        std::thread::Builder::new()
            .name("avccdb-tcomp".into())
            .spawn(move || table_worker(&table_db, &table_rx, &pause_rx))
            .expect("spawning the table compaction thread"),
    );
}

fn memdb_worker(db: &Arc<DbInner>, commands: &Receiver<MemCmd>) {
    loop {
        select! {
            recv(commands) -> cmd => match cmd {
                Ok(MemCmd::Auto(ack)) => {
                    let result = flush_frozen_paused(db);
                    if let Err(e) = &result {
                        db.set_bg_error(e);
                    }
                    if let Some(ack) = ack {
                        let _ = ack.send(result);
                    }
                }
                Err(_) => return,
            },
            recv(db.close_rx) -> _ => return,
        }
    }
}

/// Flushes the frozen memdb with table compaction paused, then lets table
/// compaction look at the new level-0 table.
fn flush_frozen_paused(db: &Arc<DbInner>) -> Result<()> {
    if db.state.read().frozen.is_none() {
        return Ok(());
    }
    if let Some(e) = db.bg_error() {
        return Err(e);
    }
    // Pausing is a handshake: the table worker takes the resume channel
    // between compaction steps and waits until it is dropped.
    let (resume_tx, resume_rx) = crossbeam_channel::bounded::<()>(0);
    select! {
        send(db.pause_tx, resume_rx) -> _ => {},
        recv(db.close_rx) -> _ => return Err(crate::Error::Closed),
    }
    let result = db.flush_frozen();
    drop(resume_tx);
    if result.is_ok() {
        db.trigger_table();
    }
    result
}

/// Waits while the memdb worker holds table compaction paused.
pub(crate) fn wait_resumed(db: &DbInner, resume: Receiver<()>) {
    select! {
        recv(resume) -> _ => {},
        recv(db.close_rx) -> _ => {},
    }
}

/// Checks, between compaction steps, whether the memdb worker wants table
/// compaction paused, and if so waits until it is done.
pub(crate) fn honor_pause(db: &DbInner, pause: &Receiver<Receiver<()>>) {
    if let Ok(resume) = pause.try_recv() {
        wait_resumed(db, resume);
    }
}

fn table_worker(db: &Arc<DbInner>, commands: &Receiver<TableCmd>, pause: &Receiver<Receiver<()>>) {
    let mut waiting: Vec<Ack> = Vec::new();
    loop {
        let cmd = if db.needs_table_compaction() && db.bg_error().is_none() {
            select! {
                recv(commands) -> cmd => cmd.ok(),
                recv(pause) -> resume => {
                    if let Ok(resume) = resume { wait_resumed(db, resume); }
                    continue;
                }
                recv(db.close_rx) -> _ => return,
                default => None,
            }
        } else {
            // Nothing to compact: paused writers may go on, unless
            // compaction is merely held by a `CompactionPause`.
            if let Some(e) = db.bg_error() {
                ack_all(&mut waiting, Err(e));
            } else if db.writes_may_resume() {
                ack_all(&mut waiting, Ok(()));
            }
            select! {
                recv(commands) -> cmd => match cmd {
                    Ok(cmd) => Some(cmd),
                    Err(_) => return,
                },
                recv(pause) -> resume => {
                    if let Ok(resume) = resume { wait_resumed(db, resume); }
                    continue;
                }
                recv(db.close_rx) -> _ => return,
            }
        };
        if db.is_closed() {
            return;
        }
        match cmd {
            Some(TableCmd::Auto(Some(ack))) => {
                if let Some(e) = db.bg_error() {
                    let _ = ack.send(Err(e));
                } else if db.writes_may_resume() {
                    let _ = ack.send(Ok(()));
                } else {
                    waiting.push(ack);
                }
            }
            Some(TableCmd::Auto(None)) | None => {}
            Some(TableCmd::Range {
                level,
                begin,
                end,
                ack,
            }) => {
                let result =
                    db.compact_range_levels(level, begin.as_deref(), end.as_deref(), pause);
                if let Err(e) = &result {
                    info!(db.log, "range compaction failed: {e}");
                    // As for automatic compactions: after a failed write or
                    // a damaged input, nothing more is written until reopen.
                    if matches!(e, crate::Error::Io(_) | crate::Error::Corruption(_)) {
                        db.set_bg_error(e);
                    }
                }
                let _ = ack.send(result);
            }
        }
        if db.bg_error().is_none() {
            if let Err(e) = db.compact_once(pause) {
                db.set_bg_error(&e);
            }
        }
        if let Some(e) = db.bg_error() {
            ack_all(&mut waiting, Err(e));
        } else if !waiting.is_empty() && db.writes_may_resume() {
            ack_all(&mut waiting, Ok(()));
        }
    }
}

fn ack_all(waiting: &mut Vec<Ack>, result: Result<()>) {
    for ack in waiting.drain(..) {
        let _ = ack.send(result.clone());
    }
}

impl DbInner {
    /// Writers paused by level 0 may go on (the seeds' resumeWrite).
    pub(crate) fn writes_may_resume(&self) -> bool {
        self.current_version().num_tables(0) < self.opts.write_l0_pause_trigger
    }
}
