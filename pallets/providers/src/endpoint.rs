//! Validation of a Hardware Provider's storage endpoint URL.
//!
//! An endpoint is the base URL of an HTTP/S3-compatible store that off-chain workers probe
//! later, so it must be something those workers can reach and nothing they should not reach:
//! `http://` or `https://`, a public host, an optional port and an optional path, and nothing
//! else (no user info, no query, no fragment).
//!
//! The host is checked the way a WHATWG URL parser (the `url` crate, browsers) would read it, so
//! that numeric spellings such as `0x7f000001` or `0177.0.0.1` cannot smuggle a loopback or
//! private address past the check: a host whose last label looks like a number must be a strict
//! dotted-quad IPv4 address.
//!
//! This is a syntactic check only. A public DNS name can still resolve to a private address
//! (DNS rebinding), so whoever connects must check the resolved address as well.
//!
//! The module depends on `core` only and never panics. IP literals are parsed and mostly
//! classified by `core::net`; by hand only what it does not do (yet, on stable): URL syntax,
//! the WHATWG numeric-host rule, and the special ranges listed at [`ipv4_is_private`] and
//! [`ipv6_is_private`].

use core::net::{Ipv4Addr, Ipv6Addr};

/// Why an endpoint URL is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EndpointError {
	/// Not `http://` or `https://` (scheme compared case-insensitively).
	BadScheme,
	/// The host is empty, malformed (bad label, bad IPv4/IPv6 literal, too long) or contains
	/// characters not allowed.
	BadHost,
	/// The port is not a number in 1..=65535.
	BadPort,
	/// User info (`user@`), a query (`?`) or a fragment (`#`), whitespace or control/non-ASCII
	/// bytes.
	BadSyntax,
	/// Loopback, private, link-local, unspecified, CGNAT (100.64/10), multicast/broadcast, or a
	/// local-only name (`localhost`, `*.localhost`, `*.local`, `*.internal`, `*.home.arpa`),
	/// refused unless private endpoints are allowed.
	PrivateHost,
}

/// The parsed parts of a valid endpoint.
///
/// All slices borrow from the validated URL and keep its original spelling (no case folding).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Endpoint<'a> {
	/// `true` for `https://`, `false` for `http://`.
	pub https: bool,
	/// The host as written in the URL: a DNS name, a dotted-quad IPv4 address, or an IPv6
	/// literal *including* its brackets (`[2001:db8::1]`), so that it can be put back into a
	/// URL as is.
	pub host: &'a [u8],
	/// The explicit port, if the URL has one.
	pub port: Option<u16>,
	/// The path: empty, or starting with `/`.
	pub path: &'a [u8],
}

/// Longest DNS name, in bytes (no trailing dot).
const MAX_NAME_LEN: usize = 253;
/// Longest DNS label, in bytes.
const MAX_LABEL_LEN: usize = 63;

/// Names that, alone or as the parent of a name, are only meaningful on a local network.
const LOCAL_SUFFIXES: [&[u8]; 5] =
	[b"localhost", b"localdomain", b"local", b"internal", b"home.arpa"];

/// What kind of host an endpoint has.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Host {
	/// A DNS name.
	Name,
	/// An IPv4 address.
	V4([u8; 4]),
	/// An IPv6 address, as eight 16-bit groups.
	V6([u16; 8]),
}

/// Validates `url` (raw bytes as stored on chain). `allow_private` lets
/// loopback/private/link-local/local-name hosts through (dev and test chains run on 127.0.0.1).
///
/// The form is `scheme://host[:port][/path]`:
/// - `scheme` is `http` or `https`, in any case;
/// - `host` is a DNS name (labels of 1..=63 characters from `[A-Za-z0-9-]`, not starting or
///   ending with `-`, at most 253 bytes, no trailing dot), a dotted-quad IPv4 address (no
///   leading zeros), or a bracketed IPv6 literal (no zone id);
/// - `port` is a decimal number in 1..=65535 without leading zeros;
/// - `path` is empty or starts with `/`, holds printable ASCII only, well-formed
///   percent-escapes only, and no `..` segment (also not spelled `%2e%2e`, `.%2e` or `%2e.`).
///
/// The URL may not contain user info, `?`, `#`, `\`, whitespace, control or non-ASCII bytes.
///
/// Unless `allow_private` is set, the host must be public: not a private, loopback,
/// link-local, unspecified, CGNAT, benchmarking, multicast or reserved address (IPv6 addresses
/// that embed an IPv4 address are judged by it), not a local-only name, and not a single-label
/// name (such as `minio`), which only resolves through a local search domain.
///
/// # Errors
///
/// The first rule broken, as an [`EndpointError`]. Syntax errors are reported before
/// [`EndpointError::PrivateHost`], so the result for a malformed URL does not depend on
/// `allow_private`.
pub fn validate(url: &[u8], allow_private: bool) -> Result<Endpoint<'_>, EndpointError> {
	if !url.iter().all(|b| (0x21..=0x7e).contains(b)) {
		return Err(EndpointError::BadSyntax);
	}
	let (https, rest) = strip_scheme(url).ok_or(EndpointError::BadScheme)?;
	if rest.iter().any(|b| matches!(b, b'?' | b'#' | b'\\')) {
		return Err(EndpointError::BadSyntax);
	}
	let path_start = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
	let (authority, path) = split_at(rest, path_start).ok_or(EndpointError::BadSyntax)?;
	if authority.contains(&b'@') {
		return Err(EndpointError::BadSyntax);
	}
	let (host, port) = split_host_port(authority)?;
	let kind = parse_host(host)?;
	let port = match port {
		Some(digits) => Some(parse_port(digits).ok_or(EndpointError::BadPort)?),
		None => None,
	};
	check_path(path)?;
	if !allow_private && is_private(host, kind) {
		return Err(EndpointError::PrivateHost);
	}
	Ok(Endpoint { https, host, port, path })
}

/// Splits `s` at `mid` without panicking.
fn split_at(s: &[u8], mid: usize) -> Option<(&[u8], &[u8])> {
	Some((s.get(..mid)?, s.get(mid..)?))
}

/// Returns whether the scheme is `https` and what follows `://`.
fn strip_scheme(url: &[u8]) -> Option<(bool, &[u8])> {
	for (https, prefix) in [(true, &b"https://"[..]), (false, &b"http://"[..])] {
		if let Some((head, rest)) = split_at(url, prefix.len()) {
			if head.eq_ignore_ascii_case(prefix) {
				return Some((https, rest));
			}
		}
	}
	None
}

/// Splits the authority into the host (brackets kept) and the port digits after a `:`.
fn split_host_port(authority: &[u8]) -> Result<(&[u8], Option<&[u8]>), EndpointError> {
	if authority.first() == Some(&b'[') {
		let close = authority.iter().position(|&b| b == b']').ok_or(EndpointError::BadHost)?;
		// `close < authority.len()`, so this cannot overflow.
		let (host, after) =
			split_at(authority, close.saturating_add(1)).ok_or(EndpointError::BadHost)?;
		match after.split_first() {
			None => Ok((host, None)),
			Some((b':', port)) => Ok((host, Some(port))),
			Some(_) => Err(EndpointError::BadHost),
		}
	} else {
		match authority.iter().position(|&b| b == b':') {
			None => Ok((authority, None)),
			Some(colon) => {
				let (host, after) = split_at(authority, colon).ok_or(EndpointError::BadHost)?;
				Ok((host, Some(after.get(1..).unwrap_or_default())))
			},
		}
	}
}

/// Checks the host syntax and says what kind of host it is.
fn parse_host(host: &[u8]) -> Result<Host, EndpointError> {
	if let Some(inner) = host.strip_prefix(b"[") {
		let inner = inner.strip_suffix(b"]").ok_or(EndpointError::BadHost)?;
		return parse_ipv6(inner).map(Host::V6).ok_or(EndpointError::BadHost);
	}
	if host.is_empty() || host.len() > MAX_NAME_LEN {
		return Err(EndpointError::BadHost);
	}
	for label in host.split(|&b| b == b'.') {
		if !is_dns_label(label) {
			return Err(EndpointError::BadHost);
		}
	}
	let last = host.rsplit(|&b| b == b'.').next().unwrap_or(host);
	if is_numeric_label(last) {
		parse_ipv4(host).map(Host::V4).ok_or(EndpointError::BadHost)
	} else {
		Ok(Host::Name)
	}
}

/// A DNS label: 1..=63 letters, digits and hyphens, not starting or ending with a hyphen.
fn is_dns_label(label: &[u8]) -> bool {
	!label.is_empty()
		&& label.len() <= MAX_LABEL_LEN
		&& label.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-')
		&& label.first() != Some(&b'-')
		&& label.last() != Some(&b'-')
}

/// Whether a WHATWG URL parser would read this last label as a number, which makes the whole
/// host an IPv4 address: all decimal digits, or `0x`/`0X` followed by hex digits (or nothing).
fn is_numeric_label(label: &[u8]) -> bool {
	if !label.is_empty() && label.iter().all(u8::is_ascii_digit) {
		return true;
	}
	match label {
		[b'0', b'x' | b'X', hex @ ..] => hex.iter().all(u8::is_ascii_hexdigit),
		_ => false,
	}
}

/// Parses a strict dotted quad: exactly four decimal octets, no leading zeros (`core::net`).
fn parse_ipv4(s: &[u8]) -> Option<[u8; 4]> {
	let ip: Ipv4Addr = core::str::from_utf8(s).ok()?.parse().ok()?;
	Some(ip.octets())
}

/// Parses a port: 1..=65535, decimal, no leading zeros.
fn parse_port(s: &[u8]) -> Option<u16> {
	if s.is_empty() || s.len() > 5 || s.first() == Some(&b'0') {
		return None;
	}
	u16::try_from(parse_decimal(s)?).ok()
}

/// Parses up to nine decimal digits (callers bound the length) into a `u32`.
fn parse_decimal(s: &[u8]) -> Option<u32> {
	s.iter().try_fold(0u32, |acc, &b| {
		let digit = char::from(b).to_digit(10)?;
		acc.checked_mul(10)?.checked_add(digit)
	})
}

/// Parses the inside of an IPv6 literal (RFC 4291 text form, an embedded dotted quad allowed,
/// no zone id) with `core::net`.
fn parse_ipv6(s: &[u8]) -> Option<[u16; 8]> {
	let ip: Ipv6Addr = core::str::from_utf8(s).ok()?.parse().ok()?;
	Some(ip.segments())
}

/// Checks the path: well-formed percent-escapes and no `..` segment.
fn check_path(path: &[u8]) -> Result<(), EndpointError> {
	let mut bytes = path.iter();
	while let Some(&b) = bytes.next() {
		if b == b'%' {
			match (bytes.next(), bytes.next()) {
				(Some(hi), Some(lo)) if hi.is_ascii_hexdigit() && lo.is_ascii_hexdigit() => {},
				_ => return Err(EndpointError::BadSyntax),
			}
		}
	}
	if path.split(|&b| b == b'/').any(is_dot_dot) {
		return Err(EndpointError::BadSyntax);
	}
	Ok(())
}

/// Whether a path segment is `..`, also when a dot is spelled `%2e` (as URL parsers read it).
fn is_dot_dot(segment: &[u8]) -> bool {
	strip_dot(segment).and_then(strip_dot).is_some_and(<[u8]>::is_empty)
}

/// Strips one leading `.` or `%2e` (any case).
fn strip_dot(s: &[u8]) -> Option<&[u8]> {
	if let Some(rest) = s.strip_prefix(b".") {
		return Some(rest);
	}
	let (head, rest) = split_at(s, 3)?;
	if head.eq_ignore_ascii_case(b"%2e") {
		Some(rest)
	} else {
		None
	}
}

/// Whether the host may only be reached on a local network.
fn is_private(host: &[u8], kind: Host) -> bool {
	match kind {
		Host::V4(ip) => ipv4_is_private(ip),
		Host::V6(groups) => ipv6_is_private(groups),
		Host::Name => name_is_private(host),
	}
}

/// Private, loopback, link-local, multicast and broadcast as `core::net` classifies them, plus
/// by hand what core does not classify on stable yet: 0/8 (`is_unspecified` is only 0.0.0.0),
/// 100.64/10 (CGNAT), 192.0.0/24 (IETF protocol assignments), 198.18/15 (benchmarking) and
/// 240/4 (reserved).
fn ipv4_is_private(octets: [u8; 4]) -> bool {
	let ip = Ipv4Addr::from(octets);
	let [a, b, c, _] = octets;
	ip.is_private()
		|| ip.is_loopback()
		|| ip.is_link_local()
		|| ip.is_multicast()
		|| ip.is_broadcast()
		|| a == 0
		|| (a == 100 && b & 0xc0 == 64)
		|| (a == 192 && b == 0 && c == 0)
		|| (a == 198 && b & 0xfe == 18)
		|| a >= 240
}

/// `::/96` (unspecified, loopback and IPv4-compatible), `::ffff:0:0/96` (IPv4-mapped,
/// `to_ipv4_mapped`), `::ffff:0:0:0/96` (IPv4-translated), `64:ff9b::/96` (NAT64) and
/// `2002::/16` (6to4) are judged by their embedded IPv4 address; `64:ff9b:1::/48` (local-use
/// NAT64), `fe80::/10` (link-local), `fec0::/10` (site-local), `fc00::/7` (unique local) and
/// `ff00::/8` (multicast) are private.
fn ipv6_is_private(g: [u16; 8]) -> bool {
	let ip = Ipv6Addr::from(g);
	let embedded = |hi: u16, lo: u16| {
		let [a, b] = hi.to_be_bytes();
		let [c, d] = lo.to_be_bytes();
		ipv4_is_private([a, b, c, d])
	};
	if let Some(v4) = ip.to_ipv4_mapped() {
		return ipv4_is_private(v4.octets());
	}
	let [g0, g1, g2, g3, g4, g5, g6, g7] = g;
	let zero_prefix = g0 == 0 && g1 == 0 && g2 == 0 && g3 == 0;
	if zero_prefix && ((g4 == 0 && g5 == 0) || (g4 == 0xffff && g5 == 0)) {
		return embedded(g6, g7);
	}
	if g0 == 0x64 && g1 == 0xff9b {
		if g2 == 0 && g3 == 0 && g4 == 0 && g5 == 0 {
			return embedded(g6, g7);
		}
		if g2 == 1 {
			return true;
		}
	}
	if g0 == 0x2002 {
		return embedded(g1, g2);
	}
	ip.is_unicast_link_local() || ip.is_unique_local() || ip.is_multicast() || g0 & 0xffc0 == 0xfec0
}

/// A single-label name, or a local-only name such as `localhost` or `nas.home.arpa`.
fn name_is_private(name: &[u8]) -> bool {
	!name.contains(&b'.') || LOCAL_SUFFIXES.iter().any(|suffix| is_name_or_subname(name, suffix))
}

/// Whether `name` is `suffix` or a name under it, ignoring ASCII case.
fn is_name_or_subname(name: &[u8], suffix: &[u8]) -> bool {
	let Some(cut) = name.len().checked_sub(suffix.len()) else { return false };
	let Some((head, tail)) = split_at(name, cut) else { return false };
	tail.eq_ignore_ascii_case(suffix) && (head.is_empty() || head.last() == Some(&b'.'))
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::{prelude::*, test_runner::TestCaseError};
	use EndpointError::*;

	fn ok(url: &str) -> Endpoint<'_> {
		match validate(url.as_bytes(), false) {
			Ok(endpoint) => endpoint,
			Err(e) => panic!("{url:?} refused: {e:?}"),
		}
	}

	fn err(url: &str) -> EndpointError {
		match validate(url.as_bytes(), false) {
			Ok(endpoint) => panic!("{url:?} accepted: {endpoint:?}"),
			Err(e) => e,
		}
	}

	fn err_always(url: &str) -> EndpointError {
		let e = err(url);
		assert_eq!(validate(url.as_bytes(), true), Err(e), "{url:?} with allow_private");
		e
	}

	fn private(url: &str) {
		assert_eq!(err(url), PrivateHost, "{url:?}");
		assert!(validate(url.as_bytes(), true).is_ok(), "{url:?} refused with allow_private");
	}

	#[test]
	fn good_urls_parse_into_parts() {
		assert_eq!(
			ok("https://s3.eu-central-1.example.com"),
			Endpoint { https: true, host: b"s3.eu-central-1.example.com", port: None, path: b"" }
		);
		assert_eq!(
			ok("http://203.0.113.7:9000/bucket"),
			Endpoint { https: false, host: b"203.0.113.7", port: Some(9000), path: b"/bucket" }
		);
		assert_eq!(
			ok("https://[2001:db8::1]:443/x"),
			Endpoint { https: true, host: b"[2001:db8::1]", port: Some(443), path: b"/x" }
		);
		assert_eq!(
			ok("HTTPS://Storage.Example.COM/"),
			Endpoint { https: true, host: b"Storage.Example.COM", port: None, path: b"/" }
		);
		assert!(!ok("HtTp://example.com").https);
		assert_eq!(ok("http://[2001:db8::1]").port, None);
	}

	#[test]
	fn more_good_urls() {
		for url in [
			"https://xn--bcher-kva.example",
			"https://a.b",
			"https://1a.example.com",
			"https://123.example.com",
			"https://1.2.3.a",
			"https://example.com:1",
			"https://example.com:65535",
			"https://example.com:443/",
			"https://example.com/a/b/c/",
			"https://example.com//double",
			"https://example.com/a%20b/%2F/%e2%82%ac",
			"https://example.com/.../x",
			"https://example.com/..a/a../.x/x./.",
			"https://example.com/a:b@c!$&'()*+,;=~_-.",
			"https://example.com/%2e",
			"https://8.8.8.8",
			"https://[2001:DB8::A]",
			"https://[1:2:3:4:5:6:7:8]",
			"https://[1:2:3:4:5:6:1.2.3.4]",
			"https://[1:2:3:4:5:6:7::]",
			"https://[::2:3:4:5:6:7:8]",
			"https://[2606:4700::]:8443/x",
		] {
			ok(url);
		}
	}

	#[test]
	fn scheme() {
		for url in [
			"ftp://example.com",
			"file:///etc/passwd",
			"https:/example.com",
			"https:example.com",
			"https//example.com",
			"httpx://example.com",
			"ws://example.com",
			"//example.com",
			"example.com",
			"",
			"h",
		] {
			assert_eq!(err_always(url), BadScheme, "{url:?}");
		}
	}

	#[test]
	fn empty_host() {
		for url in ["https://", "http://", "https://:443", "https:///path", "http://::1"] {
			assert_eq!(err_always(url), BadHost, "{url:?}");
		}
	}

	#[test]
	fn user_info_query_fragment_backslash() {
		for url in [
			"https://user@h",
			"https://user:pw@example.com",
			"https://@example.com",
			"https://example.com@127.0.0.1",
			"https://h?x",
			"https://h#f",
			"https://example.com/p?x=1",
			"https://example.com/p#frag",
			"https://example.com?",
			"https://example.com\\@evil.com",
			"https://example.com/a\\b",
		] {
			assert_eq!(err_always(url), BadSyntax, "{url:?}");
		}
		// `@` is an ordinary character in the path.
		assert_eq!(ok("https://example.com/a@b").path, b"/a@b");
	}

	#[test]
	fn whitespace_control_and_non_ascii() {
		for url in [
			&b"https://exa mple.com"[..],
			b"https://example.com/a b",
			b"https://example.com/\t",
			b"https://example.com\n",
			b" https://example.com",
			b"https://example.com\0",
			b"https://example.com/\x7f",
			b"https://ex\xc3\xa9.com",
			b"https://example.com/\xff",
		] {
			assert_eq!(validate(url, false), Err(BadSyntax), "{url:?}");
			assert_eq!(validate(url, true), Err(BadSyntax), "{url:?}");
		}
	}

	#[test]
	fn bad_dns_names() {
		for url in [
			"https://-a.com",
			"https://a-.com",
			"https://a.-b.com",
			"https://a..com",
			"https://.a.com",
			"https://a.com.",
			"https://.",
			"https://a_b.com",
			"https://a*b.com",
			"https://a%62.com",
			"https://a!b.com",
			"https://a[1].com",
			"https://a]",
		] {
			assert_eq!(err_always(url), BadHost, "{url:?}");
		}
	}

	#[test]
	fn name_length_limits() {
		let label63 = "a".repeat(63);
		ok(&format!("https://{label63}.com"));
		assert_eq!(err(&format!("https://a{label63}.com")), BadHost);

		// 4 * 63 + 1 = 253 bytes: the longest allowed name.
		let name253 = format!("{label63}.{label63}.{label63}.{}", "b".repeat(61));
		assert_eq!(name253.len(), 253);
		ok(&format!("https://{name253}"));
		let name254 = format!("{label63}.{label63}.{label63}.{}", "b".repeat(62));
		assert_eq!(err(&format!("https://{name254}")), BadHost);
	}

	#[test]
	fn bad_ipv4_and_numeric_names() {
		for url in [
			"https://256.1.1.1",
			"https://1.256.1.1",
			"https://1.1.1.256",
			"https://1000.1.1.1",
			"https://01.2.3.4",
			"https://1.2.3.04",
			"https://1.2.3.00",
			"https://010.0.0.1",
			"https://0177.0.0.1",
			"https://1.2.3",
			"https://1.2.3.4.5",
			"https://1",
			"https://2130706433",
			"https://0x7f000001",
			"https://0X7F000001",
			"https://0x7f.0.0.1",
			"https://127.0.0.0x1",
			"https://example.123",
			"https://example.0x1f",
			"https://example.0x",
		] {
			assert_eq!(err_always(url), BadHost, "{url:?}");
		}
	}

	#[test]
	fn ports() {
		assert_eq!(ok("https://example.com:8080").port, Some(8080));
		for url in [
			"https://h:0",
			"https://h:65536",
			"https://h:99999",
			"https://h:123456",
			"https://h:abc",
			"https://h:",
			"https://h:-1",
			"https://h:+1",
			"https://h:080",
			"https://h:00",
			"https://h:1:2",
			"https://example.com:443:443",
			"https://[2001:db8::1]:",
			"https://[2001:db8::1]:0",
			"https://[2001:db8::1]:1x",
		] {
			assert_eq!(err_always(url), BadPort, "{url:?}");
		}
	}

	#[test]
	fn bad_ipv6_literals() {
		for url in [
			"https://[]",
			"https://[",
			"https://[::1",
			"https://[::1]x",
			"https://[::1]]",
			"https://[[::1]]",
			"https://[:]",
			"https://[:::]",
			"https://[:1]",
			"https://[1:]",
			"https://[1::2::3]",
			"https://[1:::2]",
			"https://[1:2:3:4:5:6:7]",
			"https://[1:2:3:4:5:6:7:8:9]",
			"https://[1::2:3:4:5:6:7:8]",
			"https://[1:2:3:4:5:6:7:8::]",
			"https://[12345::]",
			"https://[g::1]",
			"https://[fe80::1%eth0]",
			"https://[fe80::1%25eth0]",
			"https://[::ffff:1.2.3]",
			"https://[::ffff:01.2.3.4]",
			"https://[::ffff:256.2.3.4]",
			"https://[::1.2.3.4:5]",
			"https://[1:2:3:4:5:6:7:1.2.3.4]",
			"https://[1.2.3.4]",
			"https://[example.com]",
			"https://[2001:db8::1]example.com",
			"https://2001:db8::1",
			"https://x[::1]",
		] {
			let e = err_always(url);
			assert!(e == BadHost || e == BadPort, "{url:?}: {e:?}");
		}
		// Unbracketed: the host is `2001`, numeric, hence BadHost.
		assert_eq!(err("https://2001:db8::1"), BadHost);
		assert_eq!(err("https://[::1"), BadHost);
		assert_eq!(err("https://[fe80::1%eth0]"), BadHost);
	}

	#[test]
	fn ipv6_groups() {
		assert_eq!(parse_ipv6(b"::"), Some([0; 8]));
		assert_eq!(parse_ipv6(b"::1"), Some([0, 0, 0, 0, 0, 0, 0, 1]));
		assert_eq!(parse_ipv6(b"1::"), Some([1, 0, 0, 0, 0, 0, 0, 0]));
		assert_eq!(parse_ipv6(b"2001:db8::1"), Some([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]));
		assert_eq!(parse_ipv6(b"1:2:3:4:5:6:7:8"), Some([1, 2, 3, 4, 5, 6, 7, 8]));
		assert_eq!(parse_ipv6(b"1:2::7:8"), Some([1, 2, 0, 0, 0, 0, 7, 8]));
		assert_eq!(parse_ipv6(b"1:2:3::5:6:7:8"), Some([1, 2, 3, 0, 5, 6, 7, 8]));
		assert_eq!(parse_ipv6(b"::ffff:10.0.0.1"), Some([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]));
		assert_eq!(
			parse_ipv6(b"1:2:3:4:5:6:192.168.0.1"),
			Some([1, 2, 3, 4, 5, 6, 0xc0a8, 0x0001])
		);
		assert_eq!(parse_ipv6(b"FFFF::aBcD"), Some([0xffff, 0, 0, 0, 0, 0, 0, 0xabcd]));
		assert_eq!(parse_ipv6(b"0000:0:00:000::"), Some([0; 8]));
		assert_eq!(parse_ipv6(b""), None);
		assert_eq!(parse_ipv6(b"1"), None);
		assert_eq!(parse_ipv6(b"1.2.3.4"), None);
		assert_eq!(parse_ipv6(b"::1.2.3.4.5"), None);
		assert_eq!(parse_ipv6(b"00000::"), None);
	}

	#[test]
	fn private_ipv4() {
		private("http://127.0.0.1:8080");
		assert_eq!(
			validate(b"http://127.0.0.1:8080", true),
			Ok(Endpoint { https: false, host: b"127.0.0.1", port: Some(8080), path: b"" })
		);
		for url in [
			"http://10.1.2.3",
			"http://192.168.1.1",
			"http://172.20.0.1",
			"http://169.254.169.254",
			"http://169.254.169.254/latest/meta-data/",
			"http://0.0.0.0",
			"http://0.1.2.3",
			"http://10.0.0.0",
			"http://10.255.255.255",
			"http://100.64.0.1",
			"http://100.127.255.255",
			"http://127.255.255.254",
			"http://172.16.0.0",
			"http://172.31.255.255",
			"http://192.0.0.1",
			"http://198.18.0.1",
			"http://198.19.255.255",
			"http://224.0.0.1",
			"http://239.255.255.250",
			"http://240.0.0.1",
			"http://255.255.255.255",
		] {
			private(url);
		}
		for url in [
			"http://1.1.1.1",
			"http://9.255.255.255",
			"http://11.0.0.0",
			"http://100.63.255.255",
			"http://100.128.0.0",
			"http://126.255.255.255",
			"http://128.0.0.0",
			"http://169.253.255.255",
			"http://169.255.0.0",
			"http://172.15.255.255",
			"http://172.32.0.0",
			"http://192.0.1.0",
			"http://192.0.2.1",
			"http://192.167.255.255",
			"http://192.169.0.0",
			"http://198.17.255.255",
			"http://198.20.0.0",
			"http://198.51.100.1",
			"http://223.255.255.255",
		] {
			ok(url);
		}
	}

	#[test]
	fn private_ipv6() {
		for url in [
			"http://[::1]",
			"http://[::]",
			"http://[0:0:0:0:0:0:0:1]",
			"http://[fe80::1]",
			"http://[febf::1]",
			"http://[fec0::1]",
			"http://[fc00::1]",
			"http://[fd12:3456::1]",
			"http://[ff02::1]",
			"http://[FF05::1:3]",
			"http://[::ffff:10.0.0.1]",
			"http://[::ffff:127.0.0.1]",
			"http://[::ffff:169.254.169.254]",
			"http://[::ffff:a00:1]",
			"http://[::ffff:0:7f00:1]",
			"http://[::127.0.0.1]",
			"http://[64:ff9b::10.0.0.1]",
			"http://[64:ff9b::a9fe:a9fe]",
			"http://[64:ff9b:1::1]",
			"http://[2002:a00:1::1]",
			"http://[2002:c0a8:101::1]",
		] {
			private(url);
		}
		for url in [
			"http://[2001:db8::1]",
			"http://[2606:4700:4700::1111]",
			"http://[::ffff:8.8.8.8]",
			"http://[::8.8.8.8]",
			"http://[64:ff9b::8.8.8.8]",
			"http://[2002:808:808::1]",
			"http://[fe00::1]",
			"http://[fbff::1]",
			"http://[1::1]",
		] {
			ok(url);
		}
	}

	#[test]
	fn private_names() {
		for url in [
			"http://localhost",
			"http://LOCALHOST:3000",
			"http://localhost/x",
			"http://foo.localhost",
			"http://Foo.LocalHost",
			"http://localhost.localdomain",
			"http://printer.local",
			"http://db.internal",
			"http://metadata.google.internal/computeMetadata/v1/",
			"http://home.arpa",
			"http://router.home.arpa",
			"http://Router.HOME.Arpa",
			"http://minio:9000",
			"http://metadata",
			"http://local",
		] {
			private(url);
		}
		for url in [
			"http://notlocalhost.com",
			"http://localhost.com",
			"http://localhost.example.com",
			"http://local.example.com",
			"http://foo.xlocal",
			"http://foo.notinternal",
			"http://arpa.example",
			"http://home.arpa.example",
		] {
			ok(url);
		}
	}

	#[test]
	fn paths() {
		for url in [
			"https://example.com/..",
			"https://example.com/../x",
			"https://example.com/a/..",
			"https://example.com/a/../b",
			"https://example.com/a/%2e%2e/b",
			"https://example.com/a/%2E%2E",
			"https://example.com/.%2e/",
			"https://example.com/%2e./",
			"https://example.com/a%",
			"https://example.com/a%2",
			"https://example.com/a%zz",
			"https://example.com/%g0",
		] {
			assert_eq!(err_always(url), BadSyntax, "{url:?}");
		}
	}

	#[test]
	fn syntax_errors_come_before_private_host() {
		assert_eq!(err_always("http://127.0.0.1:0"), BadPort);
		assert_eq!(err_always("http://localhost/../x"), BadSyntax);
		assert_eq!(err_always("http://localhost."), BadHost);
		assert_eq!(err_always("http://user@localhost"), BadSyntax);
	}

	#[test]
	fn parts_borrow_from_input() {
		let url = b"https://example.com:9000/bucket/prefix";
		let Ok(endpoint) = validate(url, false) else { panic!("refused") };
		assert_eq!(endpoint.host.as_ptr(), url[8..].as_ptr());
		assert_eq!(endpoint.path.as_ptr(), url[24..].as_ptr());
	}

	/// The validation of one URL: the strict and the lax results agree except that only the
	/// strict one may refuse a private host; what is accepted has its parts in order; and the
	/// same URL gives the same answer twice.
	fn consistent(url: &[u8]) -> Result<(), TestCaseError> {
		let strict = validate(url, false);
		let lax = validate(url, true);
		match (strict, lax) {
			(Ok(a), Ok(b)) => prop_assert_eq!(a, b),
			(Err(PrivateHost), Ok(_)) => {},
			(Err(a), Err(b)) => prop_assert_eq!(a, b),
			other => prop_assert!(false, "{:?}: {:?}", core::str::from_utf8(url), other),
		}
		if let Ok(e) = lax {
			prop_assert!(!e.host.is_empty());
			prop_assert!(e.path.is_empty() || e.path[0] == b'/');
			prop_assert!(e.port != Some(0));
			prop_assert_eq!(validate(url, true), Ok(e));
		}
		Ok(())
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(20_000))]

		/// URLs made of the characters that matter to the parser, after a scheme (or an
		/// opening bracket, or a numeric host): never a panic, always consistent.
		#[test]
		fn never_panics_and_results_are_consistent(
			prefix in prop::sample::select(vec![&b"http://"[..], b"https://", b"http://[", b"HTTP://1"]),
			rest in prop::collection::vec(prop::sample::select(b"ab0179fx.:-/[]%@?#\\ eE2.:".to_vec()), 0..24),
		) {
			let url = [prefix, &rest[..]].concat();
			consistent(&url)?;
		}

		/// Any IPv4 or IPv6 address as a host: parsed back to itself, and refused as private
		/// exactly when the classification says so.
		#[test]
		fn every_ip_literal_round_trips(v4 in any::<[u8; 4]>(), v6 in any::<[u16; 8]>()) {
			let ip4 = Ipv4Addr::from(v4);
			let url = alloc::format!("https://{ip4}:9000/b");
			let written = alloc::format!("{ip4}");
			prop_assert_eq!(validate(url.as_bytes(), true).map(|e| e.host), Ok(written.as_bytes()));
			prop_assert_eq!(validate(url.as_bytes(), false).is_err(), ipv4_is_private(v4));
			let ip6 = Ipv6Addr::from(v6);
			let url = alloc::format!("https://[{ip6}]/b");
			prop_assert_eq!(validate(url.as_bytes(), true).map(|e| e.host.len()), Ok(alloc::format!("[{ip6}]").len()));
			prop_assert_eq!(validate(url.as_bytes(), false).is_err(), ipv6_is_private(v6));
			consistent(url.as_bytes())?;
		}
	}
}
