//! The write lock and write merging: a FIFO queue of writers whose head
//! holds the lock. The head (the group's leader) takes the writers queued
//! behind it into its group, writes the group, then wakes them with the
//! result and hands the lock to the next head.
//!
//! This is the seeds' writeLockC / writeMergeC / writeMergedC / writeAckC
//! protocol with a queue in place of rendezvous channels: a writer that
//! does not fit the group (or does not merge) simply stays queued and
//! becomes the next head, which is the seeds' "hand the lock to the writer
//! that did not fit". Followers spin briefly (on machines with more than
//! two CPUs), then park; a writer that finds the queue empty takes the
//! lock without copying its batch.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::Thread;

use parking_lot::Mutex;

use crate::batch::Batch;
use crate::error::{Error, Result};

const WAITING: u8 = 0;
/// The waiter is now the head of the queue: it holds the write lock.
const LEADER: u8 = 1;
/// A leader wrote the waiter's batch (or the database closed); the result
/// is in its request.
const DONE: u8 = 2;

/// How often a follower checks its state before it parks, on a machine
/// with more than two CPUs: a group commit is often shorter than a
/// park/unpark round trip. With two or fewer, a spinning follower takes
/// the core the leader or the compaction needs: it parks at once (measured
/// in `docs/PERFORMANCE.md`, "Writers").
const SPIN_ROUNDS: u32 = 64;

fn spin_rounds() -> u32 {
    static ROUNDS: OnceLock<u32> = OnceLock::new();
    *ROUNDS.get_or_init(|| match std::thread::available_parallelism() {
        Ok(n) if n.get() > 2 => SPIN_ROUNDS,
        _ => 0,
    })
}

/// Batches with more capacity than this are not kept by an idle waiter.
const KEEP_BATCH_CAPACITY: usize = 256 << 10;

/// What a queued writer asks for.
pub(crate) struct Request {
    /// A copy of the writer's batch, made only when it had to queue.
    pub batch: Batch,
    pub sync: bool,
    pub merge: bool,
    /// Wants the lock for itself (transactions, range compaction): never
    /// merged into another group.
    pub exclusive: bool,
    pub result: Option<Result<()>>,
}

/// One writer's place in the queue. Each thread reuses its own waiter, so
/// a queued write allocates nothing once the thread's buffers have grown.
pub(crate) struct Waiter {
    state: AtomicU8,
    thread: Thread,
    pub request: Mutex<Request>,
}

impl Waiter {
    fn new() -> Waiter {
        Waiter {
            state: AtomicU8::new(WAITING),
            thread: std::thread::current(),
            request: Mutex::new(Request {
                batch: Batch::new(),
                sync: false,
                merge: false,
                exclusive: false,
                result: None,
            }),
        }
    }

    /// Marks the waiter with `state` and wakes its thread.
    fn signal(&self, state: u8) {
        self.state.store(state, Ordering::Release);
        self.thread.unpark();
    }

    /// Blocks until a leader or close changes the state from WAITING.
    fn wait(&self) -> u8 {
        for _ in 0..spin_rounds() {
            let s = self.state.load(Ordering::Acquire);
            if s != WAITING {
                return s;
            }
            std::hint::spin_loop();
        }
        loop {
            let s = self.state.load(Ordering::Acquire);
            if s != WAITING {
                return s;
            }
            // An unpark before this park (or left over from an earlier
            // write) makes it return at once; the loop re-checks.
            std::thread::park();
        }
    }
}

thread_local! {
    static THREAD_WAITER: Arc<Waiter> = Arc::new(Waiter::new());
}

/// The thread's own waiter (a fresh one while thread-locals are torn down).
fn thread_waiter() -> Arc<Waiter> {
    THREAD_WAITER
        .try_with(Arc::clone)
        .unwrap_or_else(|_| Arc::new(Waiter::new()))
}

/// How a writer got the lock.
pub(crate) enum Entry {
    /// It holds the write lock and writes its own batch as leader.
    Leader,
    /// A leader wrote its batch; this is that group's result.
    Done(Result<()>),
}

#[derive(Default)]
struct QueueState {
    /// `queue[0]` holds the write lock.
    queue: VecDeque<Arc<Waiter>>,
    closed: bool,
}

#[derive(Default)]
pub(crate) struct WriteQueue {
    state: Mutex<QueueState>,
    /// `state.queue.len()`, readable without the lock: a leader with no
    /// one queued behind it skips the lock when it looks for followers.
    queued: AtomicUsize,
}

impl WriteQueue {
    /// Queues a write of `batch`; returns once the writer leads a group or
    /// a leader has written its batch.
    pub(crate) fn enter_write(&self, batch: &Batch, sync: bool, merge: bool) -> Result<Entry> {
        let me = thread_waiter();
        {
            let mut state = self.state.lock();
            if state.closed {
                return Err(Error::Closed);
            }
            if state.queue.is_empty() {
                state.queue.push_back(me);
                self.queued.store(1, Ordering::Release);
                return Ok(Entry::Leader);
            }
        }
        // Queued behind a leader: it may merge this batch, so it needs a
        // copy it can read (made outside the queue lock).
        {
            let mut req = me.request.lock();
            req.batch.reset();
            req.batch.append(batch);
            req.sync = sync;
            req.merge = merge;
            req.exclusive = false;
            req.result = None;
        }
        self.enqueue_and_wait(me).map(|entry| {
            let mut req = entry.1.request.lock();
            if req.batch.capacity() > KEEP_BATCH_CAPACITY {
                req.batch = Batch::new();
            }
            entry.0
        })
    }

    /// Takes the write lock outright, for work that is not a batch.
    pub(crate) fn enter_exclusive(&self) -> Result<()> {
        // Its own waiter: the lock may be released from another thread
        // (a transaction), and this thread may queue writes meanwhile.
        let me = Arc::new(Waiter::new());
        me.request.lock().exclusive = true;
        match self.enqueue_and_wait(me)?.0 {
            Entry::Leader => Ok(()),
            Entry::Done(result) => result.and(Err(Error::Closed)),
        }
    }

    fn enqueue_and_wait(&self, me: Arc<Waiter>) -> Result<(Entry, Arc<Waiter>)> {
        me.state.store(WAITING, Ordering::Relaxed);
        {
            let mut state = self.state.lock();
            if state.closed {
                return Err(Error::Closed);
            }
            let lead = state.queue.is_empty();
            state.queue.push_back(me.clone());
            self.queued.store(state.queue.len(), Ordering::Release);
            if lead {
                return Ok((Entry::Leader, me));
            }
        }
        match me.wait() {
            LEADER => Ok((Entry::Leader, me)),
            _ => {
                let result = me
                    .request
                    .lock()
                    .result
                    .take()
                    .unwrap_or(Err(Error::Closed));
                Ok((Entry::Done(result), me))
            }
        }
    }

    /// For the leader: moves the followers that may join its group out of
    /// the queue into `group`, in order, while `admit` accepts each one's
    /// request. Stops at an exclusive or non-merging writer, or at the
    /// first one `admit` refuses; that one becomes the next leader.
    pub(crate) fn take_followers(
        &self,
        group: &mut Vec<Arc<Waiter>>,
        mut admit: impl FnMut(&Request) -> bool,
    ) {
        // A writer queuing after this check waits for the next leader.
        if self.queued.load(Ordering::Acquire) <= 1 {
            return;
        }
        let mut state = self.state.lock();
        while state.queue.len() > 1 {
            let accepted = {
                let req = state.queue[1].request.lock();
                !req.exclusive && req.merge && admit(&req)
            };
            if !accepted {
                break;
            }
            if let Some(w) = state.queue.remove(1) {
                group.push(w);
            }
        }
        self.queued.store(state.queue.len(), Ordering::Release);
    }

    /// For the leader: acknowledges the writers it wrote with `result`.
    pub(crate) fn acknowledge(&self, group: &mut Vec<Arc<Waiter>>, result: &Result<()>) {
        for w in group.drain(..) {
            w.request.lock().result = Some(result.clone());
            w.signal(DONE);
        }
    }

    /// For the leader, between groups: takes the writer queued right behind
    /// it out of the queue, so that the leader writes its group for it —
    /// unless there is none or it wants the lock for itself.
    pub(crate) fn take_next(&self) -> Option<Arc<Waiter>> {
        if self.queued.load(Ordering::Acquire) <= 1 {
            return None;
        }
        let mut state = self.state.lock();
        if state.queue.len() < 2 || state.queue[1].request.lock().exclusive {
            return None;
        }
        let next = state.queue.remove(1);
        self.queued.store(state.queue.len(), Ordering::Release);
        next
    }

    /// For the leader: acknowledges the writers it wrote with `result`,
    /// then releases the lock to the next queued writer, if any.
    #[cfg(test)]
    pub(crate) fn finish(&self, group: &mut Vec<Arc<Waiter>>, result: &Result<()>) {
        self.acknowledge(group, result);
        self.release();
    }

    /// Releases the lock: the next queued writer becomes the leader.
    pub(crate) fn release(&self) {
        let mut state = self.state.lock();
        state.queue.pop_front();
        self.queued.store(state.queue.len(), Ordering::Release);
        if let Some(next) = state.queue.front() {
            next.signal(LEADER);
        }
    }

    /// Writers in the queue, the lock holder included.
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        let len = self.state.lock().queue.len();
        assert_eq!(len, self.queued.load(Ordering::Acquire));
        len
    }

    /// Fails every queued writer but the lock holder with `Error::Closed`;
    /// later writers fail at once.
    pub(crate) fn close(&self) {
        let mut state = self.state.lock();
        state.closed = true;
        while state.queue.len() > 1 {
            if let Some(w) = state.queue.pop_back() {
                w.request.lock().result = Some(Err(Error::Closed));
                w.signal(DONE);
            }
        }
        self.queued.store(state.queue.len(), Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;

    /// Waits until `n` writers (the lock holder included) are queued.
    fn wait_queued(q: &WriteQueue, n: usize) {
        while q.state.lock().queue.len() < n {
            std::thread::yield_now();
        }
    }

    fn batch(tag: u8) -> Batch {
        let mut b = Batch::new();
        b.put(&[tag], b"v");
        b
    }

    #[test]
    fn an_idle_queue_makes_the_writer_leader_at_once() {
        let q = WriteQueue::default();
        assert!(matches!(
            q.enter_write(&batch(1), false, true),
            Ok(Entry::Leader)
        ));
        q.release();
        assert!(matches!(
            q.enter_write(&batch(2), false, true),
            Ok(Entry::Leader)
        ));
        q.release();
    }

    #[test]
    fn a_leader_merges_queued_writers_and_acknowledges_them() {
        let q = Arc::new(WriteQueue::default());
        q.enter_exclusive().unwrap();
        let followers: Vec<_> = (0..3u8)
            .map(|i| {
                let q = q.clone();
                std::thread::spawn(move || match q.enter_write(&batch(i), i == 1, true) {
                    Ok(Entry::Done(r)) => r,
                    Ok(Entry::Leader) => panic!("follower {i} became leader"),
                    Err(e) => Err(e),
                })
            })
            .collect();
        // Wait until all three are queued behind the lock holder.
        wait_queued(&q, 4);
        // As the lock holder, take every follower into a group.
        let mut group = Vec::new();
        let mut keys = Vec::new();
        let mut sync = false;
        q.take_followers(&mut group, |req| {
            keys.push(req.batch.iter().next().unwrap().key.to_vec());
            sync |= req.sync;
            true
        });
        assert_eq!(group.len(), 3);
        assert!(sync, "the group syncs when any member asked for it");
        keys.sort();
        assert_eq!(keys, [vec![0], vec![1], vec![2]]);
        q.finish(&mut group, &Err(Error::invalid_argument("group failed")));
        for f in followers {
            let r = f.join().unwrap();
            assert!(matches!(r, Err(Error::InvalidArgument(ref m)) if m == "group failed"));
        }
        assert!(q.state.lock().queue.is_empty());
    }

    #[test]
    fn a_refused_writer_becomes_the_next_leader() {
        let q = Arc::new(WriteQueue::default());
        q.enter_exclusive().unwrap();
        let start = Arc::new(Barrier::new(2));
        let follower = {
            let (q, start) = (q.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let entry = q.enter_write(&batch(7), false, true).unwrap();
                let led = matches!(entry, Entry::Leader);
                if led {
                    q.release();
                }
                led
            })
        };
        start.wait();
        wait_queued(&q, 2);
        let mut group = Vec::new();
        q.take_followers(&mut group, |_| false);
        assert!(group.is_empty());
        q.finish(&mut group, &Ok(()));
        assert!(
            follower.join().unwrap(),
            "the refused writer must lead next"
        );
    }

    #[test]
    fn non_merging_and_exclusive_writers_are_never_taken() {
        let q = Arc::new(WriteQueue::default());
        q.enter_exclusive().unwrap();
        let lone = {
            let q = q.clone();
            std::thread::spawn(move || {
                let led = matches!(
                    q.enter_write(&batch(1), false, false).unwrap(),
                    Entry::Leader
                );
                q.release();
                led
            })
        };
        wait_queued(&q, 2);
        let mut group = Vec::new();
        q.take_followers(&mut group, |_| true);
        assert!(group.is_empty());
        q.finish(&mut group, &Ok(()));
        assert!(lone.join().unwrap());
    }

    #[test]
    fn take_next_hands_over_queued_writers_but_not_exclusive_ones() {
        let q = Arc::new(WriteQueue::default());
        q.enter_exclusive().unwrap();
        assert!(q.take_next().is_none(), "nobody queued");
        let writer = {
            let q = q.clone();
            std::thread::spawn(move || q.enter_write(&batch(3), true, false))
        };
        wait_queued(&q, 2);
        let exclusive = {
            let q = q.clone();
            std::thread::spawn(move || {
                q.enter_exclusive().unwrap();
                q.release();
            })
        };
        wait_queued(&q, 3);
        // The writer's request is handed over, whole, for the leader to
        // write; the exclusive waiter behind it is not.
        let next = q.take_next().expect("the queued writer");
        {
            let req = next.request.lock();
            assert!(req.sync && !req.merge && !req.exclusive);
            assert_eq!(req.batch.iter().next().unwrap().key, &[3]);
        }
        assert!(q.take_next().is_none(), "an exclusive waiter leads itself");
        q.acknowledge(&mut vec![next], &Ok(()));
        assert!(matches!(writer.join().unwrap(), Ok(Entry::Done(Ok(())))));
        q.release();
        exclusive.join().unwrap();
        assert_eq!(q.queued(), 0);
    }

    #[test]
    fn close_fails_queued_writers_and_later_ones() {
        let q = Arc::new(WriteQueue::default());
        q.enter_exclusive().unwrap();
        let waiting = {
            let q = q.clone();
            std::thread::spawn(move || q.enter_write(&batch(1), false, true))
        };
        wait_queued(&q, 2);
        q.close();
        assert!(matches!(
            waiting.join().unwrap(),
            Ok(Entry::Done(Err(Error::Closed)))
        ));
        q.release();
        assert!(matches!(
            q.enter_write(&batch(2), false, true),
            Err(Error::Closed)
        ));
        assert!(matches!(q.enter_exclusive(), Err(Error::Closed)));
    }
}
