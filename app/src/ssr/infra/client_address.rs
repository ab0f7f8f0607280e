//! Who is asking: the client's address, for throttling and for the logs.
//!
//! The address is the TCP peer's, unless the peer is one of the proxies the
//! operator trusts (`TRUSTED_PROXIES`, a list of networks): then it is the
//! rightmost address of `X-Forwarded-For` that is not itself a trusted proxy.
//! Without trusted proxies the header is ignored: anyone can write it.

use std::net::IpAddr;

/// One network, `address/prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Option<Network> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address.parse::<IpAddr>().ok()?, prefix.parse::<u8>().ok()?),
            None => {
                let address = text.parse::<IpAddr>().ok()?;
                (address, if address.is_ipv4() { 32 } else { 128 })
            }
        };
        let bits = if address.is_ipv4() { 32 } else { 128 };
        (prefix <= bits).then_some(Network { address, prefix })
    }

    fn contains(&self, address: IpAddr) -> bool {
        let (network, address, bits) = match (self.address, address) {
            (IpAddr::V4(n), IpAddr::V4(a)) => (u128::from(u32::from(n)), u128::from(u32::from(a)), 32),
            (IpAddr::V6(n), IpAddr::V6(a)) => (u128::from(n), u128::from(a), 128),
            (IpAddr::V6(n), IpAddr::V4(a)) => {
                return Network { address: IpAddr::V6(n), prefix: self.prefix }
                    .contains(IpAddr::V6(a.to_ipv6_mapped()));
            }
            (IpAddr::V4(_), IpAddr::V6(a)) => match a.to_ipv4_mapped() {
                Some(a) => return self.contains(IpAddr::V4(a)),
                None => return false,
            },
        };
        let shift = bits - u32::from(self.prefix);
        let mask = if shift >= 128 { 0 } else { u128::MAX << shift };
        network & mask == address & mask
    }
}

/// The networks of the proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// Parses a comma- or space-separated list of networks (`10.0.0.0/8`,
    /// `127.0.0.1`, `::1/128`); names the first entry that is not one.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        text.split([',', ' '])
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| Network::parse(entry).ok_or_else(|| format!("{entry:?} is not an address or a network")))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// True when no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `address` is a trusted proxy.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    /// The client's address: `peer`, or, when `peer` is a trusted proxy, the
    /// rightmost address of the `X-Forwarded-For` values (in the order the
    /// headers came) that is not a trusted proxy. An entry that is not an
    /// address stops the walk at the hop before it, which vouched for it.
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl IntoIterator<Item = &'a str>) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.into_iter().flat_map(|value| value.split(',')).map(str::trim).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(address) = hop.parse::<IpAddr>() else { return client };
            client = address;
            if !self.contains(address) {
                return address;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::TrustedProxies;
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("127.0.0.1"), ["203.0.113.7"]), ip("127.0.0.1"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_first_untrusted_hop_from_the_right() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").expect("networks");
        // The client forged a first value; the proxy appended the real one.
        assert_eq!(proxies.client(ip("127.0.0.1"), ["6.6.6.6, 203.0.113.7"]), ip("203.0.113.7"));
        assert_eq!(proxies.client(ip("127.0.0.1"), ["203.0.113.7, 10.1.2.3"]), ip("203.0.113.7"), "two proxies");
        assert_eq!(proxies.client(ip("127.0.0.1"), ["6.6.6.6", "203.0.113.7"]), ip("203.0.113.7"), "two headers");
        assert_eq!(proxies.client(ip("198.51.100.1"), ["203.0.113.7"]), ip("198.51.100.1"), "an untrusted peer");
        assert_eq!(
            proxies.client(ip("127.0.0.1"), ["garbage, 10.0.0.9"]),
            ip("10.0.0.9"),
            "no further than the proxy vouches"
        );
        assert_eq!(proxies.client(ip("127.0.0.1"), Vec::<&str>::new()), ip("127.0.0.1"));
    }

    #[test]
    fn networks_of_both_families_and_bad_entries() {
        let proxies = TrustedProxies::parse("192.168.0.0/16 ::1 fd00::/8").expect("networks");
        assert!(!proxies.is_empty());
        assert!(proxies.contains(ip("192.168.200.1")) && !proxies.contains(ip("192.169.0.1")));
        assert!(proxies.contains(ip("::1")) && proxies.contains(ip("fd12::1")) && !proxies.contains(ip("fe80::1")));
        assert!(proxies.contains(ip("::ffff:192.168.1.1")), "an IPv4 address seen as IPv6");
        assert!(TrustedProxies::parse("0.0.0.0/0").expect("all").contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "localhost", "10.0.0/8", "::1/129"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
        assert!(TrustedProxies::parse("").expect("none").is_empty());
    }
}
