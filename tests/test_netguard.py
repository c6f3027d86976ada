"""The destination policy: which hosts and addresses the fetcher may connect to."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from newsmon.ingest.netguard import (
    AddressPolicy,
    RefusedDestination,
    address_problem,
    embedded_ipv4,
    parse_ip_host,
    system_resolver,
)
from tests.loopback import static_resolver


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("10.1", "10.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("93.184.216.34", "93.184.216.34"),
        ("example.org", None),
        ("news.example.co.uk", None),
        ("0xdeadbeef.example", None),
        ("xn--bcher-kva.example", None),
    ],
)
def test_parse_ip_host_reads_numbers_like_a_socket(host: str, expected: str | None) -> None:
    address = parse_ip_host(host)
    assert (str(address) if address is not None else None) == expected


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "256.1.1.1", "example.123", "1.2.3.08", "fe80::1%eth0"]
)
def test_parse_ip_host_refuses_numeric_garbage(host: str) -> None:
    with pytest.raises(RefusedDestination):
        parse_ip_host(host)


@pytest.mark.parametrize(
    ("address", "word"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "CGNAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("198.18.0.1", "private"),
        ("192.0.2.10", "private"),
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("fd00::1", "private"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("fec0::1", "site-local"),
        ("2001:db8::1", "private"),
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("::ffff:169.254.169.254", "169.254.169.254"),
        ("64:ff9b::a00:1", "10.0.0.1"),
        ("64:ff9b:1::1", "NAT64"),
        ("::7f00:1", "IPv4-compatible"),
        ("2002:7f00:1::1", "127.0.0.1"),
    ],
)
def test_non_global_addresses_have_a_problem(address: str, word: str) -> None:
    problem = address_problem(ipaddress.ip_address(address))
    assert problem is not None and word in problem


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_global_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


def test_embedded_ipv4_unwraps_mapped_nat64_and_6to4() -> None:
    assert str(embedded_ipv4(ipaddress.ip_address("::ffff:10.1.2.3"))) == "10.1.2.3"
    assert str(embedded_ipv4(ipaddress.ip_address("64:ff9b::7f00:1"))) == "127.0.0.1"
    assert str(embedded_ipv4(ipaddress.ip_address("2002:c0a8:101::"))) == "192.168.1.1"
    assert embedded_ipv4(ipaddress.ip_address("2606:4700::1111")) is None


def test_default_policy_refuses_local_names_and_loopback() -> None:
    policy = AddressPolicy.from_setting(False)
    for host in ["localhost", "LOCALHOST.", "api.localhost", "printer.local", "db.internal"]:
        with pytest.raises(RefusedDestination):
            policy.check_host(host)
    with pytest.raises(RefusedDestination):
        policy.check_address(ipaddress.ip_address("127.0.0.1"))
    assert policy.check_host("news.example.org") is None


def test_allow_list_opens_only_its_ranges() -> None:
    policy = AddressPolicy.from_setting(["127.0.0.2/32", "10.9.0.0/16"])
    policy.check_address(ipaddress.ip_address("127.0.0.2"))
    policy.check_address(ipaddress.ip_address("10.9.3.4"))
    policy.check_address(ipaddress.ip_address("::ffff:127.0.0.2"))
    for refused in ["127.0.0.1", "127.0.0.3", "10.8.0.1", "169.254.169.254", "::1"]:
        with pytest.raises(RefusedDestination):
            policy.check_address(ipaddress.ip_address(refused))


def test_allow_all_allows_everything() -> None:
    policy = AddressPolicy.from_setting(True)
    policy.check_address(ipaddress.ip_address("169.254.169.254"))
    assert policy.check_host("localhost") is None


def test_resolve_refuses_if_any_answer_is_non_global() -> None:
    policy = AddressPolicy.from_setting(False)
    resolver = static_resolver(
        {
            "mixed.example": ["93.184.216.34", "10.0.0.7"],
            "good.example": ["93.184.216.34", "2606:4700::1111", "93.184.216.34"],
            "scoped.example": ["fe80::1%2"],
            "junk.example": ["not-an-ip"],
            "empty.example": [],
        }
    )

    async def run() -> None:
        with pytest.raises(RefusedDestination, match=r"10\.0\.0\.7"):
            await policy.resolve("mixed.example", 80, resolver)
        assert await policy.resolve("good.example", 80, resolver) == [
            "93.184.216.34",
            "2606:4700::1111",
        ]
        for host in ("scoped.example", "junk.example"):
            with pytest.raises(RefusedDestination):
                await policy.resolve(host, 80, resolver)
        with pytest.raises(LookupError):
            await policy.resolve("empty.example", 80, resolver)
        # Literal addresses never reach the resolver.
        with pytest.raises(RefusedDestination):
            await policy.resolve("0x7f000001", 80, resolver)

    asyncio.run(run())


def test_system_resolver_answers_from_the_hosts_file() -> None:
    addresses = asyncio.run(system_resolver("localhost", 80))
    assert addresses and all(ipaddress.ip_address(a).is_loopback for a in addresses)
    assert asyncio.run(system_resolver("127.0.0.2", 80)) == ["127.0.0.2"]
