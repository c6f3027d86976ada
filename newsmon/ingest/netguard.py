"""Decide which destinations the fetcher may connect to (the SSRF guard).

Only http/https URLs whose every resolved address is globally routable are allowed, unless
``allow_private_networks`` opens non-global space (True) or named ranges of it (a list).
Host strings that a socket would read as an IPv4 address ("127.1", "0x7f000001",
"2130706433") are parsed the way ``inet_aton`` does, so they cannot slip past as names.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})

# RFC 6761 reserves these names for the local machine / local use.
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")

# A host whose last label starts with a digit or "0x" is an IPv4 address or invalid
# (WHATWG URL "ends in a number"); anything else is a name to resolve.
_LAST_LABEL_NUMERIC = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$")

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")


class RefusedDestination(Exception):
    """The host or one of its addresses may not be connected to; ``str()`` says why."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-global addresses are allowed: none, all, or those in ``networks``."""

    allow_all: bool = False
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_setting(cls, value: bool | list[str]) -> AddressPolicy:
        """Build from ``fetch.allow_private_networks`` (False, True or a list of CIDRs)."""
        if value is True:
            return cls(allow_all=True)
        if value is False:
            return cls()
        return cls(networks=tuple(ipaddress.ip_network(n, strict=False) for n in value))

    def check_host(self, host: str) -> IPAddress | None:
        """Return the address when ``host`` is an IP literal, None for a name; refuse bad hosts."""
        host = host.lower()
        if not host:
            raise RefusedDestination("URL has no host")
        address = parse_ip_host(host)
        if address is not None:
            self.check_address(address)
            return address
        name = host.removesuffix(".")
        if not _NAME.match(name):
            raise RefusedDestination(f"host {host!r} is not a valid DNS name")
        if not self.allow_all and (name in _LOCAL_NAMES or name.endswith(_LOCAL_SUFFIXES)):
            raise RefusedDestination(f"host {host!r} names the local machine or network")
        return None

    def check_address(self, address: IPAddress) -> None:
        """Refuse ``address`` when it is not global and not explicitly allowed."""
        if self.allow_all:
            return
        problem = address_problem(address)
        if problem is None:
            return
        candidates = [address]
        # Only an IPv4-mapped address (::ffff:a.b.c.d) reaches the IPv4 host itself: a socket
        # connects to it over IPv4. NAT64, 6to4 and IPv4-compatible addresses are routed to a
        # gateway off this machine, so an allowed "127.0.0.2/32" never opens them.
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        for net in self.networks:
            if any(a.version == net.version and a in net for a in candidates):
                return
        raise RefusedDestination(f"{address} is {problem}")

    async def resolve(self, host: str, port: int, resolver: Resolver) -> list[str]:
        """Return the checked addresses for ``host``; refuse if ANY answer is not allowed."""
        literal = self.check_host(host)
        if literal is not None:
            return [str(literal)]
        answers = await resolver(host.lower().removesuffix("."), port)
        if not answers:
            raise LookupError(f"no address for {host}")
        checked: list[str] = []
        for answer in answers:
            try:
                address = ipaddress.ip_address(answer.split("%", 1)[0])
            except ValueError as exc:
                raise RefusedDestination(f"resolver gave a non-address {answer!r}") from exc
            if "%" in answer:
                raise RefusedDestination(f"{answer} is a scoped (link-local) address")
            self.check_address(address)
            if str(address) not in checked:
                checked.append(str(address))
        return checked


def parse_ip_host(host: str) -> IPAddress | None:
    """Return the address a socket would connect to for ``host``, None for a DNS name.

    IPv4 spellings follow ``inet_aton``: 1 to 4 parts, each decimal, octal (leading 0) or
    hex (0x). A host that ends in a numeric label but is no valid address is refused.
    """
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        if "%" in host:
            raise RefusedDestination(f"scoped IPv6 address {host!r} refused")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise RefusedDestination(f"invalid IPv6 address {host!r}") from exc
    labels = host.removesuffix(".").split(".")
    if not _LAST_LABEL_NUMERIC.match(labels[-1]):
        return None
    try:
        packed = socket.inet_aton(host.removesuffix("."))
    except OSError:
        raise RefusedDestination(f"host {host!r} is neither a name nor an IPv4 address") from None
    if not all(_LAST_LABEL_NUMERIC.match(label) for label in labels):
        # inet_aton (glibc) stops at whitespace; a mix of digits and names is never a host.
        raise RefusedDestination(f"host {host!r} is neither a name nor an IPv4 address")
    return ipaddress.IPv4Address(packed)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address carried by an IPv4-mapped, NAT64, 6to4 or compatible address."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64 or (address in _V4_COMPATIBLE and int(address) > 0xFFFF):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    return None


def address_problem(address: IPAddress) -> str | None:
    """Return why ``address`` is not a public destination ("loopback", ...), or None."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None:
            if address in _V4_COMPATIBLE:
                return "an IPv4-compatible IPv6 address (deprecated)"
            inner = address_problem(embedded)
            return f"an IPv6 form of {embedded}, {inner}" if inner else None
        if address in _NAT64_LOCAL:
            return "a local-use NAT64 address"
        if address in _SITE_LOCAL:
            return "a site-local address"
    elif address in _CGNAT:
        return "shared address space (CGNAT, 100.64.0.0/10)"
    for attribute, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_reserved", "reserved"),
        ("is_private", "private"),
    ):
        if getattr(address, attribute):
            return f"a {label} address"
    if not address.is_global:
        return "not a global address"
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the event loop's getaddrinfo; return address strings in order."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        text = str(sockaddr[0])
        if text not in addresses:
            addresses.append(text)
    return addresses
