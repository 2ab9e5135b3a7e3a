//! When the SQLite store may answer a request: after the group holding its work has committed
//! and — with [`Durability::Full`](passerelle_core::Durability::Full) — after the write-ahead
//! log holding that commit is on the disk.
//!
//! SQLite's own `synchronous = FULL` flushes the log inside `COMMIT`, while the one writer is
//! held: every request queued behind it waits out the disk as well as the work. Here the writer commits without flushing
//! (`NORMAL`) and goes on with the next group. Requests waiting for their answer flush the log
//! themselves, one at a time: the first to find no flush under way leads one, which releases
//! every group committed before it began, and whoever is still waiting when it ends leads the
//! next (the leader and followers of MySQL's and PostgreSQL's group commit). No thread of its
//! own, so a request alone pays no hand-over. Nothing is acknowledged before it is on the disk,
//! as with `FULL`.
//!
//! Reading is safe too: every request, pulls included, runs in a group and waits for its own
//! group's flush, which covers every group before it — so no answer carries a row a power cut
//! could still take back (a device must never hold, or have passed with its cursor, a row the
//! server then loses and numbers again).
//!
//! A failed flush leaves the log's state on the disk unknown (the kernel may have dropped the
//! pages it could not write): the store then refuses every request until it is restarted and
//! SQLite recovers from what the disk holds, as PostgreSQL does.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::{StoreFailure, StoreResult};

/// Flushes the write-ahead log to the disk.
pub type Flush = Box<dyn FnMut() -> std::io::Result<()> + Send>;

/// The groups' outcomes, shared by the writer and the requests waiting for their answer.
pub struct Ledger {
    state: Mutex<State>,
    /// Woken when a group ends or a flush completes.
    settled: Condvar,
    /// The log's flush, taken by the leader of each flush; `None` when commits are not flushed.
    flush: Option<Mutex<Flush>>,
}

#[derive(Default)]
struct State {
    /// The last group that ended (committed or rolled back).
    ended: u64,
    /// Recent groups that rolled back instead of committing.
    failed: BTreeSet<u64>,
    /// Every group up to this one is on the disk.
    flushed: u64,
    /// A request is flushing the log.
    flushing: bool,
    /// A flush failed: nothing from then on can be acknowledged.
    flush_failed: bool,
}

impl Ledger {
    /// A ledger whose groups are on the disk once `flush` has run after them, or at once
    /// (`None`: the operator chose not to flush).
    pub fn new(flush: Option<Flush>) -> Self {
        Self {
            state: Mutex::default(),
            settled: Condvar::new(),
            flush: flush.map(Mutex::new),
        }
    }

    /// Whether groups wait for a flush.
    #[cfg(test)]
    pub fn flushes(&self) -> bool {
        self.flush.is_some()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that `group` ended, committed (`ok`) or rolled back. Groups end in order.
    pub fn ended(&self, group: u64, ok: bool) {
        let mut s = self.state();
        s.ended = group;
        if !ok {
            s.failed.insert(group);
            let keep_after = group.saturating_sub(10_000);
            s.failed.retain(|g| *g > keep_after);
        }
        drop(s);
        self.settled.notify_all();
    }

    /// Refuses new work once a flush has failed.
    pub fn check_writable(&self) -> StoreResult<()> {
        if self.state().flush_failed {
            Err(StoreFailure::Database("flush"))
        } else {
            Ok(())
        }
    }

    /// Waits until `group` has ended and, if the ledger flushes, is on the disk — leading a
    /// flush if none is under way; its failure if it rolled back or could not be flushed.
    pub fn wait_for(&self, group: u64) -> StoreResult<()> {
        let mut s = self.state();
        loop {
            if s.ended >= group {
                match &self.flush {
                    None => break,
                    Some(_) if s.flushed >= group => break,
                    Some(_) if s.flush_failed => return Err(StoreFailure::Database("flush")),
                    Some(flush) if !s.flushing => {
                        s = self.lead(s, flush);
                        continue;
                    }
                    Some(_) => {}
                }
            }
            s = self.settled.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        if s.failed.contains(&group) {
            Err(StoreFailure::Database("commit"))
        } else {
            Ok(())
        }
    }

    /// Flushes every group ended so far, outside the ledger's lock, and wakes the waiting.
    fn lead<'a>(
        &'a self,
        mut s: MutexGuard<'a, State>,
        flush: &Mutex<Flush>,
    ) -> MutexGuard<'a, State> {
        s.flushing = true;
        // Every group up to `target` has written its log before this flush starts.
        let target = s.ended;
        drop(s);
        let outcome = {
            let mut flush = flush.lock().unwrap_or_else(PoisonError::into_inner);
            catch_unwind(AssertUnwindSafe(&mut *flush))
                .unwrap_or_else(|_| Err(std::io::Error::other("the flush panicked")))
        };
        let mut s = self.state();
        s.flushing = false;
        if outcome.is_ok() {
            s.flushed = s.flushed.max(target);
        } else if !s.flush_failed {
            s.flush_failed = true;
            tracing::error!(
                "the write-ahead log could not be flushed to the disk: refusing every request \
                 until the server is restarted"
            );
        }
        self.settled.notify_all();
        s
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use super::*;

    /// A flush that counts itself and takes `ms`, as a disk does.
    fn counting(count: &Arc<AtomicU64>, ms: u64) -> Flush {
        let count = Arc::clone(count);
        Box::new(move || {
            std::thread::sleep(Duration::from_millis(ms));
            count.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }

    #[test]
    fn a_durable_wait_ends_only_after_a_flush_that_began_after_the_group_ended() {
        let flushes = Arc::new(AtomicU64::new(0));
        let ledger = Ledger::new(Some(counting(&flushes, 1)));
        for group in 1..=20 {
            let before = flushes.load(Ordering::SeqCst);
            ledger.ended(group, true);
            ledger.wait_for(group).unwrap();
            assert_eq!(flushes.load(Ordering::SeqCst), before + 1, "group {group}");
        }
    }

    #[test]
    fn one_flush_releases_every_group_ended_before_it() {
        let flushes = Arc::new(AtomicU64::new(0));
        let ledger = Ledger::new(Some(counting(&flushes, 1)));
        for group in 1..=50 {
            ledger.ended(group, true);
        }
        for group in (1..=50).rev() {
            ledger.wait_for(group).unwrap();
        }
        assert_eq!(flushes.load(Ordering::SeqCst), 1);
    }

    /// Groups that end while a flush is under way wait for it and then share the next one.
    #[test]
    fn waiters_behind_a_flush_share_the_next() {
        let flushes = Arc::new(AtomicU64::new(0));
        let ledger = Arc::new(Ledger::new(Some(counting(&flushes, 50))));
        ledger.ended(1, true);
        let first = {
            let ledger = Arc::clone(&ledger);
            std::thread::spawn(move || ledger.wait_for(1))
        };
        while !ledger.state().flushing {
            std::thread::yield_now();
        }
        let rest: Vec<_> = (2..=8)
            .map(|group| {
                ledger.ended(group, true);
                let ledger = Arc::clone(&ledger);
                std::thread::spawn(move || ledger.wait_for(group))
            })
            .collect();
        first.join().unwrap().unwrap();
        for waiter in rest {
            waiter.join().unwrap().unwrap();
        }
        assert_eq!(flushes.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn without_flushes_a_group_is_answered_when_it_ends() {
        let ledger = Ledger::new(None);
        ledger.ended(1, true);
        ledger.wait_for(1).unwrap();
        assert!(!ledger.flushes());
    }

    #[test]
    fn a_rolled_back_group_fails_its_members_flushed_or_not() {
        for flush in [None, Some(counting(&Arc::new(AtomicU64::new(0)), 0))] {
            let ledger = Ledger::new(flush);
            ledger.ended(1, false);
            assert!(matches!(
                ledger.wait_for(1),
                Err(StoreFailure::Database("commit"))
            ));
        }
    }

    #[test]
    fn a_failed_flush_fails_the_waiting_and_refuses_what_comes_after() {
        let mut first = true;
        let ledger = Ledger::new(Some(Box::new(move || {
            if std::mem::take(&mut first) {
                Ok(())
            } else {
                Err(std::io::Error::other("EIO"))
            }
        })));
        ledger.ended(1, true);
        ledger.wait_for(1).unwrap();
        ledger.check_writable().unwrap();
        ledger.ended(2, true);
        assert!(matches!(
            ledger.wait_for(2),
            Err(StoreFailure::Database("flush"))
        ));
        assert!(matches!(
            ledger.check_writable(),
            Err(StoreFailure::Database("flush"))
        ));
        ledger.wait_for(1).unwrap();
    }

    #[test]
    fn a_panicking_flush_counts_as_failed_and_blocks_nobody() {
        let ledger = Ledger::new(Some(Box::new(|| panic!("flush"))));
        ledger.ended(1, true);
        assert!(matches!(
            ledger.wait_for(1),
            Err(StoreFailure::Database("flush"))
        ));
        assert!(!ledger.state().flushing);
    }
}
