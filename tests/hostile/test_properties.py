"""Property tests: the functions that read foreign values never raise past their boundary.

Each reads text a server, a feed or a file chose; hypothesis searches for a value that makes
it raise anything but its documented error, or return something a caller cannot use.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsmon.core.errors import ParseError
from newsmon.core.urls import canonical_url, url_host
from newsmon.facts.numbers import parse_digits
from newsmon.ingest import headers
from newsmon.ingest.dates import parse_date
from newsmon.ingest.netguard import AddressPolicy, RefusedDestination, parse_ip_host

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
# Header values as httpx hands them over: any str (latin-1 decoded bytes, or UTF-8).
header_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(max_codepoint=0xFF)),
    st.from_regex(r"[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} -?\d{1,25} \d\d:\d\d:\d\d ?[A-Z+-]{0,5}\d*"),
    st.from_regex(r"\s*[0-9²³¹٠-٩０-９.eE+-]{1,30}\s*"),
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(header_text)
@example("²")
@example("Mon, 01 Jan 99999999999999999999 00:00:00 GMT")
@example("Mon, 01 Jan 10000 00:00:00 GMT")
@example("Mon, 01 Jan 0001 00:00:00 +2359")
@example("1e400")
def test_retry_after_is_a_finite_non_negative_number_or_none(value: str) -> None:
    delay = headers.retry_after_s(value, NOW)
    assert delay is None or (math.isfinite(delay) and delay >= 0)


@FAST
@given(header_text)
@example('"caf\xe9"')
@example('W/"\xff\xfe"')
@example('"v1"\r\nX-Injected: 1')
def test_validators_kept_can_always_be_sent(value: str) -> None:
    for kept in (headers.etag(value), headers.last_modified(value), headers.sendable(value)):
        if kept is not None:
            kept.encode("ascii")  # httpx encodes header values as ASCII
            assert "\r" not in kept and "\n" not in kept
            assert len(kept) <= headers.MAX_VALIDATOR_CHARS


@FAST
@given(header_text)
@example("²")
@example("99999999999999999999999")
def test_content_length_is_a_non_negative_int_or_none(value: str) -> None:
    length = headers.content_length(value)
    assert length is None or (isinstance(length, int) and length >= 0)


date_text = st.one_of(
    st.text(max_size=120),
    st.from_regex(r"-?\d{1,6}-\d{1,2}-\d{1,2}([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?"),
    st.from_regex(r"[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{1,20} \d\d:\d\d(:\d\d)? ?[A-Z+-]{0,5}\d*"),
)


@FAST
@given(date_text)
@example("0001-01-01T00:00:00+14:00")
@example("9999-12-31T23:59:59-14:00")
@example("Mon, 01 Jan 99999999999999999999 00:00:00 GMT")
def test_feed_dates_are_utc_in_range_or_none(value: str) -> None:
    moment = parse_date(value)
    if moment is not None:
        assert moment.utcoffset() == timedelta(0)
        assert 1900 <= moment.year <= 2200


url_text = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda scheme, host, rest: f"{scheme}://{host}{rest}",
        st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", "mailto", ""]),
        st.text(max_size=60),
        st.text(max_size=120),
    ),
)


@FAST
@given(url_text, st.one_of(st.none(), st.just("https://example.org/news/"), st.text(max_size=40)))
@example("http://[::1", None)
@example("http:\\\\host", None)
@example("http://a\udcff.example/", None)
@example("//127.0.0.1:99999/", "https://example.org/")
def test_canonical_url_returns_an_http_url_or_raises_parse_error(
    url: str, base: str | None
) -> None:
    try:
        canonical = canonical_url(url, base=base)
    except ParseError:
        return
    assert canonical.startswith(("http://", "https://"))
    assert canonical_url(canonical) == canonical  # canonical is a fixed point
    url_host(canonical)


@FAST
@given(st.text(max_size=80))
@example("0x7f.1")
@example("[::ffff:127.0.0.1]")
@example("127.0.0.1\udcff")
def test_host_checks_refuse_or_answer(host: str) -> None:
    policy = AddressPolicy.from_setting(["127.0.0.2/32"])
    try:
        parse_ip_host(host)
        policy.check_host(host)
    except RefusedDestination:
        pass


number_text = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[0-9٠-٩۰-۹０-９]{1,4}([,.'’  \u202f\u200b٬،][0-9٠-٩۰-۹０-９]{1,4}){0,8}"),
)


@FAST
@given(number_text, st.sampled_from([".", ","]), st.booleans())
@example("١٬٢٠٠", ".", False)
@example("1" * 400, ".", False)
@example("9" * 30 + ".5", ",", True)
def test_numbers_read_as_exact_or_finite_values(text: str, mark: str, before: bool) -> None:
    value = parse_digits(text, mark, before)
    assert value is None or isinstance(value, int) or math.isfinite(value)
