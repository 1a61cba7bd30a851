//! Shards: `--shard K/N` splits a study into N deterministic parts, each
//! run anywhere, whose aggregates `entente merge` combines exactly.

use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (both counted from 1, as on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// This shard's share of `total` items (runs or sweep points): the
    /// contiguous range `[⌊(K−1)·T/N⌋, ⌊K·T/N⌋)`. The N ranges cover
    /// `0..total` exactly once, and differ in length by at most one.
    pub fn range(&self, total: u64) -> (u64, u64) {
        let at = |k: u64| (u128::from(k) * u128::from(total) / u128::from(self.count)) as u64;
        (at(self.index - 1), at(self.index))
    }

    /// The folder name suffix, `shard-K-of-N`.
    pub fn label(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a shard: expected K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!("2/8".parse(), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/4", "5/4", "3", "a/b", "1/0", "", "/", "-1/4"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_cover_once() {
        for total in [0u64, 1, 7, 103, 10_000] {
            for count in 1..=9 {
                let mut next = 0;
                for index in 1..=count {
                    let (first, end) = Shard { index, count }.range(total);
                    assert_eq!(first, next);
                    assert!(end - first <= total / count + 1);
                    next = end;
                }
                assert_eq!(next, total);
            }
        }
    }
}
