//! The UTF-8 decoder walked in product with the DFA, and the readability order of bytes.
//!
//! The decoder has eight states. [`BOUNDARY`] means "between two code points"; the others
//! remember how many continuation bytes are still needed and, for the first one, which range
//! is allowed (so overlong forms, surrogates and code points above U+10FFFF are rejected).

/// Between two code points: the only state in which a string may end.
pub(super) const BOUNDARY: u8 = 0;
/// One continuation byte `80..=BF` is needed.
const NEED1: u8 = 1;
/// Two continuation bytes are needed, the first in `A0..=BF` (after `E0`).
const NEED2_E0: u8 = 2;
/// Two continuation bytes are needed, the first in `80..=9F` (after `ED`).
const NEED2_ED: u8 = 3;
/// Two continuation bytes `80..=BF` are needed.
const NEED2: u8 = 4;
/// Three continuation bytes are needed, the first in `90..=BF` (after `F0`).
const NEED3_F0: u8 = 5;
/// Three continuation bytes are needed, the first in `80..=8F` (after `F4`).
const NEED3_F4: u8 = 6;
/// Three continuation bytes `80..=BF` are needed.
const NEED3: u8 = 7;

/// Number of decoder states.
pub(super) const STATES: usize = 8;

/// The decoder state after reading `byte` in `state`, or `None` if the byte is not valid there.
pub(super) fn step(state: u8, byte: u8) -> Option<u8> {
    let next = match (state, byte) {
        (BOUNDARY, 0x00..=0x7F) => BOUNDARY,
        (BOUNDARY, 0xC2..=0xDF) => NEED1,
        (BOUNDARY, 0xE0) => NEED2_E0,
        (BOUNDARY, 0xED) => NEED2_ED,
        (BOUNDARY, 0xE1..=0xEC | 0xEE..=0xEF) => NEED2,
        (BOUNDARY, 0xF0) => NEED3_F0,
        (BOUNDARY, 0xF1..=0xF3) => NEED3,
        (BOUNDARY, 0xF4) => NEED3_F4,
        (NEED1, 0x80..=0xBF) => BOUNDARY,
        (NEED2_E0, 0xA0..=0xBF) | (NEED2_ED, 0x80..=0x9F) | (NEED2, 0x80..=0xBF) => NEED1,
        (NEED3_F0, 0x90..=0xBF) | (NEED3_F4, 0x80..=0x8F) | (NEED3, 0x80..=0xBF) => NEED2,
        _ => return None,
    };
    Some(next)
}

/// Readability rank of a byte: lower is more readable. Distinct bytes have distinct ranks.
///
/// Order: `a-z`, `0-9`, `A-Z`, `- _ / : .`, other printable ASCII, space, then non-ASCII
/// (`C3` first, so `é`-like letters come first; continuation bytes `A0..=BF` before `80..=9F`),
/// and control characters last.
pub(super) fn rank(byte: u8) -> u16 {
    let b = u16::from(byte);
    match byte {
        b'a'..=b'z' => b - u16::from(b'a'),
        b'0'..=b'9' => 26 + b - u16::from(b'0'),
        b'A'..=b'Z' => 36 + b - u16::from(b'A'),
        b'-' => 62,
        b'_' => 63,
        b'/' => 64,
        b':' => 65,
        b'.' => 66,
        0x21..=0x7E => 100 + b,
        b' ' => 300,
        0xC3 => 400,
        0xA0..=0xBF => 500 + b,
        0x80..=0x9F => 700 + b,
        0xC0..=0xFF => 1000 + b,
        // 0x00..=0x1F and 0x7F.
        _ => 2000 + b,
    }
}

/// All 256 bytes, most readable first.
pub(super) fn bytes_by_rank() -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=u8::MAX).collect();
    bytes.sort_by_key(|&b| rank(b));
    bytes
}

/// One outgoing edge of a search node: the byte to feed the DFA and the next decoder state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Edge {
    /// The most readable byte of its (byte class, next decoder state) pair.
    pub(super) byte: u8,
    /// The decoder state after `byte`.
    pub(super) next: u8,
}

/// For each decoder state, its edges in readability order: one per distinct
/// (DFA byte class, next decoder state), labelled with the most readable such byte.
///
/// Bytes of one class lead to the same DFA state, so one edge per pair reaches every
/// successor node, and the chosen byte gives the most readable path.
pub(super) fn edge_table(class_of: impl Fn(u8) -> u8) -> Vec<Vec<Edge>> {
    let order = bytes_by_rank();
    let mut table = Vec::with_capacity(STATES);
    for state in 0..STATES {
        let state = u8::try_from(state).unwrap_or(BOUNDARY);
        // (class, next decoder state) pairs already given an edge.
        let mut seen = vec![false; 256 * STATES];
        let mut edges = Vec::new();
        for &byte in &order {
            if let Some(next) = step(state, byte) {
                let pair = usize::from(class_of(byte)) * STATES + usize::from(next);
                if let Some(slot) = seen.get_mut(pair).filter(|seen| !**seen) {
                    *slot = true;
                    edges.push(Edge { byte, next });
                }
            }
        }
        table.push(edges);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the decoder over `bytes`; true iff it ends at a boundary without rejecting.
    fn accepts(bytes: &[u8]) -> bool {
        let mut state = BOUNDARY;
        for &b in bytes {
            match step(state, b) {
                Some(next) => state = next,
                None => return false,
            }
        }
        state == BOUNDARY
    }

    #[test]
    fn decoder_agrees_with_std_on_all_short_sequences() {
        // Every 1- and 2-byte sequence, and 3-/4-byte sequences around the edge cases.
        for a in 0..=u8::MAX {
            assert_eq!(accepts(&[a]), std::str::from_utf8(&[a]).is_ok(), "{a:x}");
            for b in 0..=u8::MAX {
                let s = [a, b];
                assert_eq!(accepts(&s), std::str::from_utf8(&s).is_ok(), "{a:x} {b:x}");
            }
        }
        for &a in &[0xE0u8, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5] {
            for b in 0x70..=0xC5u8 {
                for c in [0x7Fu8, 0x80, 0x9F, 0xA0, 0xBF, 0xC0] {
                    let s3 = [a, b, c];
                    assert_eq!(accepts(&s3), std::str::from_utf8(&s3).is_ok(), "{s3:x?}");
                    for d in [0x7Fu8, 0x80, 0xBF, 0xC0] {
                        let s4 = [a, b, c, d];
                        assert_eq!(accepts(&s4), std::str::from_utf8(&s4).is_ok(), "{s4:x?}");
                    }
                }
            }
        }
    }

    #[test]
    fn ranks_are_a_total_order_in_the_documented_order() {
        let order = bytes_by_rank();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 256);
        let head: String = order.iter().take(67).map(|&b| char::from(b)).collect();
        assert_eq!(head, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_/:.");
        assert!(rank(b'~') < rank(b' '));
        assert!(rank(b' ') < rank(0xC3));
        assert!(rank(0xC3) < rank(0xC2));
        assert!(rank(0xFF) < rank(0x00));
        assert!(rank(0xFF) < rank(0x7F));
    }

    #[test]
    fn edge_table_with_one_class_per_byte_has_one_edge_per_valid_byte() {
        let table = edge_table(|b| b);
        assert_eq!(table.len(), STATES);
        assert_eq!(table.first().map(Vec::len), Some(128 + 30 + 16 + 5));
        assert_eq!(table.first().and_then(|e| e.first()).map(|e| e.byte), Some(b'a'));
        // With a single class, the boundary state has one edge per reachable decoder state.
        let single = edge_table(|_| 0);
        let boundary: Vec<u8> =
            single.first().map(|e| e.iter().map(|e| e.byte).collect()).unwrap_or_default();
        assert_eq!(boundary, vec![b'a', 0xC3, 0xE0, 0xE1, 0xED, 0xF0, 0xF1, 0xF4]);
    }
}
