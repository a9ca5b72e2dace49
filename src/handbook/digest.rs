//! Stable content digests (FNV-1a, 64 bits): the same bytes give the same digest on every
//! machine and Rust release, which std's hasher does not promise. Used to tell whether the
//! index on disk still matches the handbook.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

#[derive(Debug, Clone, Copy)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Self {
        Digest(OFFSET)
    }
}

impl Digest {
    /// Adds a field; fields are delimited, so ("ab", "c") and ("a", "bc") differ.
    pub fn eat(&mut self, bytes: &[u8]) -> &mut Self {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(PRIME);
        self
    }

    pub fn value(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_stable_and_delimit_fields() {
        assert_eq!(
            Digest::default().eat(b"najemnina").value(),
            Digest::default().eat(b"najemnina").value()
        );
        assert_ne!(
            Digest::default().eat(b"ab").eat(b"c").value(),
            Digest::default().eat(b"a").eat(b"bc").value()
        );
        // Pinned, so a change of algorithm is noticed (it would rebuild every index).
        assert_eq!(Digest::default().eat(b"").value(), 0xaf64724c8602eb6e);
    }
}
