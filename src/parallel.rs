//! Work over many independent items on every core, for the parts of a start that touch every
//! entry (reading files, decoding the cache, building search records) and for the parts of a
//! search over a large handbook (`search::SPLIT_FROM`). Scoped threads take
//! blocks of items in turn, the calling thread among them: on a shared machine one core can be
//! taken away for milliseconds, and with fixed halves the whole start then waited for the
//! slower one. Results come back in the items' order.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// At most this many threads, however many cores: beyond it, a start is bound by the disk.
const MAX_THREADS: usize = 8;
/// Blocks per thread: enough for a thread that falls behind to be caught up by the others.
const BLOCKS_PER_THREAD: usize = 4;

/// How many threads `map` uses at most: one per core, up to `MAX_THREADS`. Asked once: the
/// standard library asks the kernel, and reads cgroup files, every time.
pub fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(MAX_THREADS)
    })
}

/// `f` applied to every item, on up to one thread per core, in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let block = items.len().div_ceil(threads * BLOCKS_PER_THREAD);
    let blocks: Vec<&[T]> = items.chunks(block).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(items) = blocks.get(at) else {
                return done;
            };
            done.push((at, items.iter().map(&f).collect()));
        }
    };
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for helper in helpers {
            // A panic in `f` is a bug; it is raised here rather than lost with the items.
            done.extend(
                helper
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        done
    });
    done.sort_unstable_by_key(|(at, _)| *at);
    done.into_iter().flat_map(|(_, results)| results).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_the_order_of_the_items() {
        let items: Vec<u32> = (0..1001).collect();
        let squares = super::map(&items, |i| i * i);
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u32], |i| *i).is_empty());
        assert_eq!(super::map(&[7], |i| i + 1), [8]);
    }
}
