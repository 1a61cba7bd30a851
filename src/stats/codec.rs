//! Little-endian reading of the exact state that aggregates and banks
//! write, for shard folders.

/// Reads little-endian values from the front of a byte slice.
pub struct LeReader<'b>(pub &'b [u8]);

impl<'b> LeReader<'b> {
    /// The next `N` bytes, or `None` if fewer remain.
    pub fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, tail) = self.0.split_at_checked(N)?;
        self.0 = tail;
        Some(head.try_into().expect("N bytes"))
    }

    pub fn u64(&mut self) -> Option<u64> {
        self.bytes().map(u64::from_le_bytes)
    }
}
