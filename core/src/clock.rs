//! Hybrid logical clock: a timestamp that follows the wall clock but never goes backwards and
//! orders causally related writes across devices, used to merge edits (last writer wins).
//!
//! A stamp packs wall milliseconds (47 bits, good until the year 6429) and a 16-bit counter
//! into one positive `i64`, so SQLite compares stamps as plain integers.

use crate::time::Millis;

/// One hybrid-logical-clock stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc(i64);

const COUNTER_BITS: u32 = 16;
const COUNTER_MAX: i64 = (1 << COUNTER_BITS) - 1;

impl Hlc {
    /// The stamp as stored.
    pub fn as_i64(self) -> i64 {
        self.0
    }

    /// A stamp read back from storage or the network.
    pub fn from_i64(v: i64) -> Self {
        Self(v.max(0))
    }

    /// Wall-clock part, in milliseconds.
    pub fn wall(self) -> Millis {
        self.0 >> COUNTER_BITS
    }

    /// Logical counter part.
    pub fn counter(self) -> i64 {
        self.0 & COUNTER_MAX
    }

    fn pack(wall: Millis, counter: i64) -> Self {
        if counter > COUNTER_MAX {
            // 65,536 events in one millisecond: borrow the next millisecond.
            Self((wall + 1) << COUNTER_BITS)
        } else {
            Self((wall.max(0) << COUNTER_BITS) | counter)
        }
    }

    /// The stamp for a local event at wall time `now`, after `self` was the latest seen.
    #[must_use]
    pub fn tick(self, now: Millis) -> Self {
        if now > self.wall() {
            Self::pack(now, 0)
        } else {
            Self::pack(self.wall(), self.counter() + 1)
        }
    }

    /// The stamp after receiving `remote` at wall time `now`: later than both.
    #[must_use]
    pub fn receive(self, remote: Self, now: Millis) -> Self {
        let wall = now.max(self.wall()).max(remote.wall());
        let counter = match (wall == self.wall(), wall == remote.wall()) {
            (true, true) => self.counter().max(remote.counter()) + 1,
            (true, false) => self.counter() + 1,
            (false, true) => remote.counter() + 1,
            (false, false) => 0,
        };
        Self::pack(wall, counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_follows_wall_clock_and_never_goes_back() {
        let a = Hlc::default().tick(1_000);
        assert_eq!((a.wall(), a.counter()), (1_000, 0));
        let b = a.tick(900); // wall clock stepped back
        assert!(b > a);
        assert_eq!((b.wall(), b.counter()), (1_000, 1));
        let c = b.tick(2_000);
        assert_eq!((c.wall(), c.counter()), (2_000, 0));
    }

    #[test]
    fn receive_orders_after_both_sides() {
        let local = Hlc::default().tick(1_000);
        let remote = Hlc::default().tick(5_000).tick(5_000);
        let after = local.receive(remote, 2_000);
        assert!(after > local && after > remote);
        assert_eq!(after.wall(), 5_000);
    }

    #[test]
    fn counter_overflow_borrows_next_millisecond() {
        let full = Hlc::pack(10, COUNTER_MAX);
        let next = full.tick(10);
        assert!(next > full);
        assert_eq!(next.wall(), 11);
    }
}
