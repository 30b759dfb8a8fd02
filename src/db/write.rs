//! The write path of the seeds: write merging (through the queue of
//! `write_queue.rs`), `flush(n)` flow control (slowdown, room, pause,
//! rotate), one journal record per group, memdb insert, sequence
//! publication, and the acknowledgement of the merged writers.

use std::io::BufWriter;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::batch::{encode_batches_with_header, Batch};
use crate::db::core::{DbInner, JournalFile};
use crate::db::info_log::info;
use crate::db::stats::Counters;
use crate::db::write_queue::{Entry, Waiter};
use crate::error::{Error, Result};
use crate::journal::Writer;
use crate::key::MAX_SEQUENCE;
use crate::memdb::MemDb;
use crate::options::WriteOptions;
use crate::storage::names::journal_file_name;

/// A group's merge budget when the leader's own batch is small.
const MERGE_LIMIT: usize = 128 << 10;
/// The most a group may carry when the leader's own batch is large.
const MERGE_LIMIT_LARGE: usize = 1 << 20;
/// Groups a leader writes for writers queued behind it before it lets the
/// next one lead: bounds the extra latency of the leader's own write.
const DRAIN_GROUPS: usize = 8;

impl DbInner {
    /// Writes `batch` atomically: the entry point of every mutation.
    pub(crate) fn write(self: &Arc<Self>, batch: &Batch, wo: &WriteOptions) -> Result<()> {
        self.check_writable()?;
        if batch.is_empty() {
            return Ok(());
        }
        if !self.opts.disable_large_batch_transaction
            && batch.internal_len() > self.opts.write_buffer
        {
            let mut tx = self.open_transaction()?;
            tx.write(batch)?;
            return tx.commit();
        }
        let merge = !wo.no_write_merge && !self.opts.no_write_merge;
        let sync = wo.sync && !self.opts.no_sync;
        match self.write.enter_write(batch, sync, merge)? {
            // A leader wrote our batch in its group; its result is ours.
            Entry::Done(result) => result,
            Entry::Leader => self.write_locked(batch, merge, sync),
        }
    }

    /// Takes the write lock outright (transactions, compact_range, close).
    pub(crate) fn lock_write(&self) -> Result<()> {
        self.write.enter_exclusive()
    }

    /// Releases a lock taken with `lock_write`.
    pub(crate) fn unlock_write_plain(&self) {
        self.write.release();
    }

    /// The leader's work; the caller holds the write lock. It writes its
    /// own group, then — while the lock is still its own — the groups of
    /// writers that queued meanwhile (up to [`DRAIN_GROUPS`]), so that a
    /// parked writer is woken once, with its result, rather than first to
    /// take the lock. Then it releases the lock.
    fn write_locked(&self, own: &Batch, merge: bool, own_sync: bool) -> Result<()> {
        let mut leader = LeaderGuard {
            db: self,
            lead: None,
            group: Vec::new(),
        };
        let result = self.write_group(own, merge, own_sync, &mut leader.group);
        self.write.acknowledge(&mut leader.group, &result);
        for _ in 0..DRAIN_GROUPS {
            let Some(next) = self.write.take_next() else {
                break;
            };
            let next_result = {
                let req = next.request.lock();
                // Held by the guard while its batch is written: a panic
                // still wakes it (see LeaderGuard).
                leader.lead = Some(next.clone());
                self.write_group(&req.batch, req.merge, req.sync, &mut leader.group)
            };
            leader.group.extend(leader.lead.take());
            self.write.acknowledge(&mut leader.group, &next_result);
        }
        result
    }

    /// Writes one group led by `lead`: makes room, takes the queued
    /// writers that fit into `group`, journals and applies the whole group.
    fn write_group(
        &self,
        lead: &Batch,
        merge: bool,
        lead_sync: bool,
        group: &mut Vec<Arc<Waiter>>,
    ) -> Result<()> {
        self.check_writable()?;
        let (mem, mem_free) = self.make_room(lead.internal_len())?;

        let mut sync = lead_sync;
        if merge {
            let lead_len = lead.internal_len();
            let mut limit = if lead_len > MERGE_LIMIT {
                MERGE_LIMIT_LARGE.saturating_sub(lead_len)
            } else {
                MERGE_LIMIT
            };
            limit = limit.min(mem_free.saturating_sub(lead_len));
            // A writer that does not fit stays queued and leads next.
            self.write.take_followers(group, |req| {
                let len = req.batch.internal_len();
                if len > limit {
                    return false;
                }
                limit -= len;
                sync |= req.sync;
                true
            });
        }

        let result = {
            let requests: Vec<_> = group.iter().map(|w| w.request.lock()).collect();
            let mut batches: Vec<&Batch> = Vec::with_capacity(1 + requests.len());
            batches.push(lead);
            batches.extend(requests.iter().map(|r| &r.batch));
            let result = self.commit_group(&mem, &batches, sync);
            if result.is_ok() {
                let group_len: usize = batches.iter().map(|b| b.internal_len()).sum();
                if group_len >= mem_free {
                    if let Err(e) = self.rotate_mem(0, false) {
                        info!(self.log, "memdb rotation after a full write failed: {e}");
                    }
                }
            }
            result
        };
        Counters::add(&self.counters.writes_merged, group.len() as u64);
        Counters::add(&self.counters.write_groups, 1);
        result
    }

    /// Journals the group, inserts it into `mem`, publishes its sequences.
    fn commit_group(&self, mem: &MemDb, batches: &[&Batch], sync: bool) -> Result<()> {
        let count: u64 = batches.iter().map(|b| b.len() as u64).sum();
        let first_seq = self.last_seq.load(Ordering::Acquire) + 1;
        if first_seq + count > MAX_SEQUENCE {
            return Err(Error::NotSupported(
                "the sequence number space is exhausted".into(),
            ));
        }
        {
            let mut guard = self.journal.lock();
            let journal = guard.as_mut().ok_or(Error::Closed)?;
            let mut buf = std::mem::take(&mut journal.buf);
            let written = (|| -> Result<()> {
                encode_batches_with_header(&mut buf, first_seq, batches)?;
                journal.writer.add_record(&buf)?;
                journal.writer.flush()?;
                if sync {
                    journal.writer.sync()?;
                    journal.unsynced = false;
                } else {
                    journal.unsynced = true;
                }
                Ok(())
            })();
            Counters::add(&self.counters.io_write, buf.len() as u64);
            journal.buf = buf;
            if let Err(e) = written {
                // The journal may now end in a partial record; nothing more
                // may be appended after it — not even the failed group's
                // bytes still buffered, which dropping the writer (or a
                // flush at close) would write out.
                self.set_bg_error(&e);
                if let Some(failed) = guard.take() {
                    let (_file, _unwritten) = failed.writer.into_inner().into_parts();
                }
                return Err(e);
            }
        }
        let mut seq = first_seq;
        for batch in batches {
            for record in batch.iter() {
                mem.add(seq, record.kind, record.key, record.version, record.value);
                seq += 1;
            }
        }
        // Readers see the group only now, all at once.
        self.last_seq
            .store(first_seq + count - 1, Ordering::Release);
        Ok(())
    }

    /// The seeds' `flush(n)`: returns the memdb to write into and its free
    /// room, after slowing down, pausing or rotating as level 0 and the
    /// memdb's fill demand.
    pub(crate) fn make_room(&self, n: usize) -> Result<(Arc<MemDb>, usize)> {
        let slowdown = self.opts.write_l0_slowdown_trigger;
        let pause = self.opts.write_l0_pause_trigger;
        // Taken only once a write is held back: a clock read per write shows.
        let mut delayed_since: Option<Instant> = None;
        let outcome = loop {
            if self.is_closed() {
                break Err(Error::Closed);
            }
            let (mem, l0) = {
                let state = self.state.read();
                (state.mem.clone(), state.version.num_tables(0))
            };
            let free = mem.free();
            if l0 >= slowdown && delayed_since.is_none() {
                delayed_since = Some(Instant::now());
                std::thread::sleep(Duration::from_millis(1));
            } else if free >= n {
                break Ok((mem, free));
            } else if l0 >= pause {
                delayed_since.get_or_insert_with(Instant::now);
                self.counters.write_paused.store(true, Ordering::Relaxed);
                Counters::add(&self.counters.write_pause_count, 1);
                let waited = self.trigger_table_wait();
                self.counters.write_paused.store(false, Ordering::Relaxed);
                if let Err(e) = waited {
                    break Err(e);
                }
            } else if mem.is_empty() {
                // An empty memdb may grow to hold one oversized write.
                break Ok((mem, n));
            } else {
                break self.rotate_mem(n, false).map(|m| {
                    let free = m.free();
                    (m, free)
                });
            }
        };
        let c = &self.counters;
        if let Some(start) = delayed_since {
            let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
            Counters::add(&c.write_delay_count, 1);
            Counters::add(&c.write_delay_nanos, nanos);
            Counters::add(&c.unlogged_delay_count, 1);
            Counters::add(&c.unlogged_delay_nanos, nanos);
        } else if c.unlogged_delay_count.load(Ordering::Relaxed) > 0 {
            let n = c.unlogged_delay_count.swap(0, Ordering::Relaxed);
            let nanos = c.unlogged_delay_nanos.swap(0, Ordering::Relaxed);
            info!(
                self.log,
                "writes were delayed by level 0: {n} writes, {:?} in all",
                Duration::from_nanos(nanos)
            );
        }
        outcome
    }

    /// Freezes the memdb and starts a new one with a new journal (after
    /// waiting for the previous frozen memdb to be flushed), then asks the
    /// memdb worker to flush — and waits for it when `wait`. The caller
    /// holds the write lock.
    pub(crate) fn rotate_mem(&self, n: usize, wait: bool) -> Result<Arc<MemDb>> {
        self.trigger_mem_wait()?;
        let number = self.versions.lock().new_file_number();
        let path = journal_file_name(&self.dir, number);
        let file = self.opts.env.create_new(&path)?;
        self.opts.env.sync_dir(&self.dir)?;
        let mem = Arc::new(MemDb::new(self.icmp.clone(), self.opts.write_buffer.max(n)));
        let old = {
            let mut guard = self.journal.lock();
            let old = guard.replace(JournalFile {
                writer: Writer::new(BufWriter::with_capacity(64 << 10, file)),
                number,
                buf: Vec::new(),
                unsynced: false,
            });
            if let Some(mut old) = old {
                // Synced writes in the new journal must never outlive
                // unsynced ones before them in this one.
                let closed = if old.unsynced && !self.opts.no_sync {
                    old.writer.sync()
                } else {
                    old.writer.flush()
                };
                if let Err(e) = closed {
                    self.set_bg_error(&e);
                    // Never retry the write (dropping a BufWriter flushes).
                    let (_file, _unwritten) = old.writer.into_inner().into_parts();
                    return Err(e);
                }
                Some(old.number)
            } else {
                None
            }
        };
        {
            let mut state = self.state.write();
            if state.frozen.is_some() {
                return Err(Error::corruption(
                    "internal: a frozen memdb is still pending after waiting for its flush",
                ));
            }
            let frozen = std::mem::replace(&mut state.mem, mem.clone());
            state.frozen = Some(frozen);
            state.mem_journal = number;
        }
        info!(
            self.log,
            "memdb rotated: journal {:?} frozen, journal {number} started", old
        );
        if wait {
            self.trigger_mem_wait()?;
        } else {
            self.trigger_mem();
        }
        Ok(mem)
    }
}

/// Held by a leader: on the way out — normally or by a panic, which the C
/// facade catches — wakes any writer of an unfinished group with an error
/// and releases the write lock, so no writer waits forever. After a panic
/// the journal and memdb may disagree: writes fail until reopen.
struct LeaderGuard<'a> {
    db: &'a DbInner,
    /// A queued writer whose group the leader is writing for it.
    lead: Option<Arc<Waiter>>,
    /// The followers taken into the group being written.
    group: Vec<Arc<Waiter>>,
}

impl Drop for LeaderGuard<'_> {
    fn drop(&mut self) {
        let failed = Error::corruption("internal: a write group's leader panicked");
        if std::thread::panicking() {
            self.db.set_bg_error(&failed);
        }
        self.group.extend(self.lead.take());
        if !self.group.is_empty() {
            self.db.write.acknowledge(&mut self.group, &Err(failed));
        }
        self.db.write.release();
    }
}
