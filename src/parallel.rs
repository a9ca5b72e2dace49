//! Work over many independent items on every core, for the parts of a start that touch every
//! entry (reading files, decoding the cache, building search records). A handful of scoped
//! threads over contiguous chunks: the items are many and alike, so there is nothing for a
//! work-stealing pool to balance, and results come back in the items' order.

/// At most this many threads, however many cores: beyond it, a start is bound by the disk.
const MAX_THREADS: usize = 8;

/// `f` applied to every item, on up to one thread per core, in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(MAX_THREADS);
    if threads == 1 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        // A panic in `f` is a bug; it is raised here rather than lost with the items.
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
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
