//! IP addresses and CIDR ranges for `IpAddress`/`NotIpAddress`
//! (docs/semantics.md §4). IPv4 and IPv6 are disjoint: an IPv4 address is
//! never in an IPv6 range and vice versa (SIM), IPv4-mapped IPv6 addresses
//! (`::ffff:10.0.0.1`) included.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A CIDR range of IPv4 or IPv6 addresses, its host bits cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IpRange {
    /// `network/prefix`, prefix 0–32.
    V4 {
        /// The network address (host bits zero).
        network: u32,
        /// The prefix length.
        prefix: u8,
    },
    /// `network/prefix`, prefix 0–128.
    V6 {
        /// The network address (host bits zero).
        network: u128,
        /// The prefix length.
        prefix: u8,
    },
}

impl IpRange {
    /// Parses `203.0.113.0/24`, `2001:DB8::/64` (hex digits in any case,
    /// `::` compression, an embedded IPv4 tail), or a bare address meaning
    /// `/32` or `/128`. An address with host bits set (`10.0.0.1/8`) means
    /// its network (`10.0.0.0/8`), as CIDR notation does; see
    /// [`IpRange::parse_noting_host_bits`].
    ///
    /// # Errors
    /// A message naming the value.
    pub fn parse(text: &str) -> Result<IpRange, String> {
        IpRange::parse_noting_host_bits(text).map(|(range, _)| range)
    }

    /// As [`IpRange::parse`], also telling whether host bits were set.
    ///
    /// # Errors
    /// A message naming the value.
    pub fn parse_noting_host_bits(text: &str) -> Result<(IpRange, bool), String> {
        let bad = |why: &str| format!("`{text}` is not an IP address or CIDR range{why}");
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr = parse_addr(addr).ok_or_else(|| bad(""))?;
        let max = match addr {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= max && p.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| bad(&format!(": the prefix length must be 0-{max}")))?,
        };
        let range = match addr {
            IpAddr::V4(a) => IpRange::V4 { network: u32::from(a) & mask32(prefix), prefix },
            IpAddr::V6(a) => IpRange::V6 { network: u128::from(a) & mask128(prefix), prefix },
        };
        Ok((range, !range.contains_start(addr)))
    }

    fn contains_start(&self, addr: IpAddr) -> bool {
        match (*self, addr) {
            (IpRange::V4 { network, .. }, IpAddr::V4(a)) => network == u32::from(a),
            (IpRange::V6 { network, .. }, IpAddr::V6(a)) => network == u128::from(a),
            _ => false,
        }
    }

    /// Whether `addr` lies in the range (never across IPv4 and IPv6).
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (*self, addr) {
            (IpRange::V4 { network, prefix }, IpAddr::V4(a)) => {
                u32::from(a) & mask32(prefix) == network
            }
            (IpRange::V6 { network, prefix }, IpAddr::V6(a)) => {
                u128::from(a) & mask128(prefix) == network
            }
            _ => false,
        }
    }

    /// First and last IPv4 address, for an IPv4 range.
    pub fn v4_bounds(&self) -> Option<(u32, u32)> {
        match *self {
            IpRange::V4 { network, prefix } => Some((network, network | !mask32(prefix))),
            IpRange::V6 { .. } => None,
        }
    }

    /// First and last IPv6 address, for an IPv6 range.
    pub fn v6_bounds(&self) -> Option<(u128, u128)> {
        match *self {
            IpRange::V6 { network, prefix } => Some((network, network | !mask128(prefix))),
            IpRange::V4 { .. } => None,
        }
    }
}

/// Parses one IPv4 or IPv6 address (no prefix, no zone, no brackets) with
/// the standard library's strict grammar: dotted-quad IPv4 without leading
/// zeros, RFC 4291 IPv6 text (any case, `::`, embedded IPv4).
pub fn parse_addr(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>().ok()
}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

/// `network/prefix`, IPv6 in RFC 5952 form (lower case, `::`).
impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IpRange::V4 { network, prefix } => write!(f, "{}/{prefix}", Ipv4Addr::from(network)),
            IpRange::V6 { network, prefix } => write!(f, "{}/{prefix}", Ipv6Addr::from(network)),
        }
    }
}

/// The "roundest" value of `[lo, hi]`: the one with the most trailing zero
/// bits (`0.0.0.0`, `10.0.0.0`, `::`).
pub(crate) fn roundest(lo: u128, hi: u128) -> u128 {
    if lo >= hi {
        return lo;
    }
    // `d` is the highest bit where lo and hi differ: lo has 0 there, hi 1.
    let d = 127 - (lo ^ hi).leading_zeros();
    let below = (1u128 << d) - 1;
    if lo & ((below << 1) | 1) == 0 {
        lo
    } else {
        hi & !below
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> IpRange {
        IpRange::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn a(s: &str) -> IpAddr {
        parse_addr(s).unwrap()
    }

    #[test]
    fn accepted_ranges() {
        for (text, canonical) in [
            ("203.0.113.0/24", "203.0.113.0/24"),
            ("203.0.113.7", "203.0.113.7/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("2001:DB8::/64", "2001:db8::/64"),
            ("2001:db8:1234:5678::/64", "2001:db8:1234:5678::/64"),
            ("2001:DB8:0:0:0:0:0:1", "2001:db8::1/128"),
            ("::/0", "::/0"),
            ("::ffff:10.0.0.1/128", "::ffff:10.0.0.1/128"),
            ("10.1.2.3/8", "10.0.0.0/8"),
            ("2001:db8::ff/120", "2001:db8::/120"),
        ] {
            assert_eq!(r(text).to_string(), canonical, "{text}");
        }
        assert!(IpRange::parse_noting_host_bits("10.1.2.3/8").unwrap().1);
        assert!(!IpRange::parse_noting_host_bits("10.0.0.0/8").unwrap().1);
        assert!(IpRange::parse_noting_host_bits("2001:db8::1/64").unwrap().1);
    }

    #[test]
    fn rejected_ranges() {
        for text in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/-1",
            "10.0.0/8",
            "10.0.0.256",
            "010.0.0.1",
            "10.0.0.1 ",
            "[::1]",
            "fe80::1%eth0",
            "2001:db8:::1",
            "1:2:3:4:5:6:7:8:9",
            "10.0.0.0/8/8",
            "*",
            "abc",
        ] {
            assert!(IpRange::parse(text).is_err(), "{text}");
        }
        assert!(IpRange::parse("10.0.0.0/33").unwrap_err().contains("0-32"));
    }

    #[test]
    fn containment_and_disjoint_families() {
        let net = r("203.0.113.0/24");
        assert!(net.contains(a("203.0.113.0")) && net.contains(a("203.0.113.255")));
        assert!(!net.contains(a("203.0.114.0")) && !net.contains(a("203.0.112.255")));
        let v6 = r("2001:DB8:1234:5678::/64");
        assert!(v6.contains(a("2001:db8:1234:5678:ffff::1")));
        assert!(!v6.contains(a("2001:db8:1234:5679::")));
        assert!(r("0.0.0.0/0").contains(a("255.255.255.255")));
        assert!(!r("0.0.0.0/0").contains(a("::")));
        assert!(!r("::/0").contains(a("10.0.0.1")));
        assert!(r("::/0").contains(a("::ffff:10.0.0.1")));
        assert!(!r("10.0.0.0/8").contains(a("::ffff:10.0.0.1")));
        assert_eq!(r("10.0.0.0/8").v4_bounds(), Some((0x0a00_0000, 0x0aff_ffff)));
        assert_eq!(r("::/0").v6_bounds(), Some((0, u128::MAX)));
    }

    #[test]
    fn roundest_values() {
        assert_eq!(roundest(0, u128::from(u32::MAX)), 0);
        assert_eq!(roundest(5, 5), 5);
        assert_eq!(roundest(0x0a00_0001, 0x0aff_ffff), 0x0a80_0000);
        assert_eq!(roundest(3, 9), 8);
        assert_eq!(roundest(8, 15), 8);
        assert_eq!(roundest(1, u128::MAX), 1u128 << 127);
    }
}
