"""The HTML report: self-contained, charts per kind, no way for article text to run script.

The browser tests run Debian's chromium headless when it is installed (CI installs it) and
look at both the rendered pixels and the DOM it built.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html
import numpy as np
import pytest

from newsmon import store
from newsmon.present.report import CSP, build_report
from tests.conftest import run_cli
from tests.test_timeline import T0, Page, Said, add_sources, build_karsa, publish, put_story

CHROMIUM = "/usr/bin/chromium"
KILLED_RGB = (0xB3, 0x26, 0x1E)  # the colour of "killed" in cards and charts

PAYLOADS = [
    "<script>alert('title')</script>",
    '"><img src=x onerror=alert(1)>',
    "</style><script>alert('style')</script>",
    "<svg onload=alert(2)><animate attributeName=href to=javascript:alert(3) /></svg>",
    '<a href="javascript:alert(4)">click</a>',
    '<iframe srcdoc="<script>alert(5)</script>"></iframe>',
    "' onmouseover='alert(6)",
    "<math><mtext></mtext><mglyph><style><img src=x onerror=alert(7)></style></mglyph></math>",
]
EVIL = " ".join(PAYLOADS)


def build_evil(db: Any, settings: Any) -> None:
    """A story whose every stored string is hostile: title, text, outlet, source, URL."""
    store.sources.sync_sources(
        db,
        [
            type(
                "S", (), {"id": "evil", "name": "Evil <b>Outlet</b>" + PAYLOADS[1], "lang": "en",
                          "feeds": [], "sitemaps": [], "poll_every": "15m"},
            )()
        ],
        T0,
    )  # fmt: skip
    text = f"At least 12 people were killed {EVIL}, officials said. {EVIL}"
    links = [
        Page("javascript:alert(document.domain)//https://evil.example/a", "evil"),
        Page(" javascript:alert(8)", "evil"),
        Page('https://evil.example/"onmouseover=alert(9)', "evil"),
    ]
    for minutes, page in enumerate(links):
        publish(
            db, settings, page, text=text, at=T0 + timedelta(minutes=minutes), title=EVIL,
            said=[Said("killed", "at_least", 12, "At least 12 people", PAYLOADS[0])],
        )  # fmt: skip
    edited = text.replace("At least 12", "At least 14") + " " + PAYLOADS[3]
    publish(
        db, settings, links[0], text=edited, at=T0 + timedelta(hours=1), title=EVIL + "!",
        said=[Said("killed", "at_least", 14, "At least 14 people", PAYLOADS[2])],
    )  # fmt: skip
    put_story(db, 66, links, title=EVIL)


@pytest.fixture
def report(db, settings) -> str:
    build_karsa(db, settings)
    build_evil(db, settings)
    return build_report(db, now=datetime.now(UTC))


def assert_inert(document: Any) -> None:
    """Fail if a parsed document holds anything that could run or load."""
    tags = {el.tag for el in document.iter() if isinstance(el.tag, str)}
    for forbidden in ("script", "iframe", "img", "object", "embed", "animate", "math", "form"):
        assert forbidden not in tags, forbidden
    assert len(document.findall(".//style")) == 1
    for el in document.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name.lower() in ("href", "src", "xlink:href", "action", "formaction"):
                assert value.startswith(("#", "https://", "http://")), (el.tag, value)
    svg_links = [el for el in document.iter() if isinstance(el.tag, str) and el.tag == "a"]
    assert all("javascript" not in (el.get("href") or "").lower() for el in svg_links)


def test_report_is_one_offline_document_under_a_strict_csp(report):
    assert report.startswith("<!DOCTYPE html>")
    document = lxml.html.document_fromstring(report)
    (csp,) = document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == CSP
    assert csp.startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    assert document.findtext(".//title") == "newsmon report"
    assert "<script" not in report.lower() and "<link" not in report.lower()
    # Nothing is fetched to display it: every link is a page anchor or an article URL.
    assert not document.xpath("//*[@src]")
    assert_inert(document)


def test_article_text_cannot_inject_markup(report):
    document = lxml.html.document_fromstring(report)
    assert_inert(document)
    section = document.get_element_by_id("story-66")
    text = section.text_content()
    # The payloads are shown as the text they are.
    for payload in PAYLOADS:
        assert payload in text
    assert "Evil <b>Outlet</b>" in text
    assert not section.findall(".//b[.='Outlet']")
    # Non-http(s) URLs are never links; a URL with a quote stays one attribute.
    hrefs = section.xpath(".//a/@href")
    assert hrefs and all(h.startswith("https://evil.example/") for h in hrefs)
    assert 'https://evil.example/"onmouseover=alert(9)' in hrefs
    assert report.count("</style>") == 1


def test_each_kind_gets_a_step_chart_and_the_toll_reads_at_a_glance(report):
    document = lxml.html.document_fromstring(report)
    karsa = document.get_element_by_id("story-1")
    charts = karsa.xpath(".//figure[@class='chart']")
    assert [c.findtext("figcaption") for c in charts] == ["killed", "injured", "displaced"]
    killed_svg = charts[0].find("svg")
    labels = [t.text for t in killed_svg.iter("text")]
    assert "at least 240" in labels and "more than 255" in labels
    step = [p.get("d") for p in killed_svg.iter("path") if p.get("stroke") == "#b3261e"]
    assert len(step) == 1 and "V" in step[0] and step[0].startswith("M")
    # One dot per statement: 5 killed entries, the stale one hollow.
    dots = killed_svg.xpath(".//g[title]")
    assert len(dots) == 5
    assert sum(1 for d in dots if d.find("circle").get("fill") == "#fff") == 1
    cards = [" ".join(" ".join(c.itertext()).split()) for c in karsa.xpath(".//div[@class='card']")]
    assert cards[0].startswith("killed more than 255 ↑ from at least 240")
    assert cards[2].startswith("displaced 14,000 first figure")
    index = document.xpath("//section[@class='index']//tr")[1].text_content()
    assert "killed more than 255" in " ".join(index.split())


def test_report_shows_diffs_side_by_side_and_stale_pages(report):
    document = lxml.html.document_fromstring(report)
    karsa = document.get_element_by_id("story-1")
    (diff,) = karsa.xpath(".//table[@class='diff']")[:1]
    assert [d.text for d in diff.iter("del")][:2] == [
        "Karsa offensive: at least 240 killed",
        "At least 240",
    ]
    assert "More than 255" in [i.text for i in diff.iter("ins")]
    notes = " ".join(n.text_content() for n in karsa.xpath(".//div[@class='note']"))
    assert "still says this after more than 255 from Le Courrier continental" in notes


def test_empty_store_reports_no_stories(db):
    page = build_report(db, now=datetime.now(UTC))
    assert "No stories yet" in page
    assert_inert(lxml.html.document_fromstring(page))


def test_report_limits_the_number_of_stories_and_puts_figures_first(db, settings):
    build_karsa(db, settings)
    quiet = Page("https://meridian.example/rail", "meridian")
    publish(db, settings, quiet, text="Rail workers began a strike.", at=T0 + timedelta(days=1))
    put_story(db, 2, [quiet])
    one = lxml.html.document_fromstring(build_report(db, stories=1, now=datetime.now(UTC)))
    assert [s.get("id") for s in one.xpath("//section[@class='story']")] == ["story-1"]
    both = lxml.html.document_fromstring(build_report(db, now=datetime.now(UTC)))
    assert [s.get("id") for s in both.xpath("//section[@class='story']")] == [
        "story-1",
        "story-2",
    ]


# --- in a real browser ------------------------------------------------------------------------


def png_pixels(path: Path, rows: int) -> np.ndarray:
    """Decode the first ``rows`` rows of an 8-bit RGB/RGBA PNG (enough to look at the top)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompressobj().decompress(b"".join(idat), (stride + 1) * rows)
    out = np.zeros((rows, stride), dtype=np.int64)
    previous = np.zeros(stride, dtype=np.int64)
    for r in range(min(rows, height)):
        line = raw[r * (stride + 1) : (r + 1) * (stride + 1)]
        kind, row = line[0], np.frombuffer(line[1:], dtype=np.uint8).astype(np.int64)
        if kind == 0:
            cur = row
        elif kind == 2:
            cur = (row + previous) % 256
        elif kind == 1:
            cur = row.reshape(-1, bpp).cumsum(axis=0).reshape(-1) % 256
        else:
            cur = np.zeros(stride, dtype=np.int64)
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                up = previous[i]
                if kind == 3:
                    cur[i] = (row[i] + (left + up) // 2) % 256
                else:
                    up_left = previous[i - bpp] if i >= bpp else 0
                    p = left + up - up_left
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                    pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                    cur[i] = (row[i] + pred) % 256
        out[r] = cur
        previous = cur
    return out.reshape(rows, width, bpp)[:, :, :3]


def chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )


@pytest.fixture
def browser() -> str:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):  # .ci/run installs it: a skip there would hide the checks
            pytest.fail(f"{CHROMIUM} is missing on CI (.ci/run installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); CI installs it")
    return CHROMIUM


def test_report_renders_in_headless_chromium(browser, report, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(report, encoding="utf-8")
    shot = tmp_path / "shot.png"
    result = chromium(
        f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri(), tmp=tmp_path
    )
    assert shot.exists(), result.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # a blank 1280x2000 page compresses to a few KB
    pixels = png_pixels(shot, rows=900)  # header, story list, cards and the first charts
    colours = {tuple(p) for p in pixels[::3, ::3].reshape(-1, 3)}
    assert len(colours) > 200, len(colours)
    # The killed card's border and the killed step line are drawn in the killed colour.
    killed = np.all(pixels == np.array(KILLED_RGB), axis=2)
    assert killed.sum() > 1000, killed.sum()

    dom = chromium("--dump-dom", page.as_uri(), tmp=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    document = lxml.html.document_fromstring(dom.stdout)
    assert document.findtext(".//title") == "newsmon report"  # no payload rewrote it
    assert_inert(document)
    karsa = document.get_element_by_id("story-1")
    assert len(karsa.xpath(".//figure[@class='chart']//svg")) == 3
    assert "more than 255" in [t.text for t in karsa.xpath(".//svg//text")]
    evil = document.get_element_by_id("story-66")
    assert PAYLOADS[0] in evil.text_content()


def test_charts_cope_with_zero_huge_and_single_figures(db, settings):
    page = Page("https://valley.example/flood", "valley")
    text = "No one was killed. About 1,200,000 people were affected by the floods."
    publish(
        db, settings, page, text=text, at=T0,
        said=[Said("killed", "exact", 0, "No one"),
              Said("affected", "about", 1_200_000, "About 1,200,000 people")],
    )  # fmt: skip
    put_story(db, 3, [page])
    document = lxml.html.document_fromstring(build_report(db, now=datetime.now(UTC)))
    charts = document.xpath("//section[@id='story-3']//figure[@class='chart']")
    assert [c.findtext("figcaption") for c in charts] == ["killed", "affected"]
    axis = [t.text for t in charts[1].iter("text") if t.get("class") == "axis"]
    assert "1.5M" in axis and "0" in axis
    assert "about 1,200,000" in [t.text for t in charts[1].iter("text")]
    assert_inert(document)


# --- a figure that changes often ---------------------------------------------------------------

MEASURE = """<script>
const out = [];
for (const svg of document.querySelectorAll("figure.chart svg")) {
  const marks = [...svg.querySelectorAll("text, g > circle, g > path")];
  out.push(marks.map(t => {
    const b = t.getBBox();
    const cls = t.tagName === "text" ? t.getAttribute("class") : "dot";
    return {text: t.textContent, cls: cls, x: b.x, y: b.y, w: b.width, h: b.height};
  }));
}
const pre = document.createElement("pre");
pre.id = "boxes";
pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"""


def build_busy(db: Any, settings: Any) -> list[int]:
    """One page whose toll changes 30 times in a day, once downwards (a correction)."""
    add_sources(db)
    page = Page("https://meridian.example/karsa-live", "meridian")
    values = [100 + 17 * i for i in range(30)]
    values[21] = values[19] - 40  # a decrease
    for i, value in enumerate(values):
        text = f"At least {value} people have been killed in Karsa, officials said. Update {i}."
        publish(
            db, settings, page, text=text, at=T0 + timedelta(minutes=40 * i),
            said=[Said("killed", "at_least", value, f"At least {value} people")],
        )  # fmt: skip
    put_story(db, 7, [page], title="Karsa live: the toll hour by hour")
    return values


def overlaps(a: dict, b: dict) -> bool:
    return (
        min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > 0.5
        and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > 0.5
    )


def test_labels_of_a_figure_that_changes_30_times_never_collide(browser, db, settings, tmp_path):
    values = build_busy(db, settings)
    page = tmp_path / "busy.html"  # written by the real CLI, as a person would
    run_cli("--db", str(tmp_path / "newsmon.db"), "report", "--out", str(page))
    report = page.read_text(encoding="utf-8")
    shot = tmp_path / "busy.png"
    result = chromium(
        f"--screenshot={shot}", "--window-size=1280,1400", page.as_uri(), tmp=tmp_path
    )
    assert shot.exists(), result.stderr[-2000:]
    killed = np.all(png_pixels(shot, rows=1400) == np.array(KILLED_RGB), axis=2)
    assert killed.sum() > 1000, killed.sum()  # the step line and its labels were drawn

    # The same renderer measures every label of the chart: the report itself runs no script
    # (its CSP forbids it), so a copy without the CSP carries the measuring one.
    document = lxml.html.document_fromstring(report)
    (chart,) = document.xpath("//section[@id='story-7']//figure[@class='chart']")
    measured = tmp_path / "measure.html"
    measured.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        + document.findtext(".//style")
        + "</style></head><body>"
        + lxml.html.tostring(chart, encoding="unicode")
        + MEASURE
        + "</body></html>",
        encoding="utf-8",
    )
    dom = chromium("--dump-dom", "--virtual-time-budget=5000", measured.as_uri(), tmp=tmp_path)
    (drawn,) = json.loads(lxml.html.document_fromstring(dom.stdout).findtext(".//pre"))
    boxes = [b for b in drawn if b["cls"] != "dot"]
    dots = [b for b in drawn if b["cls"] == "dot"]
    assert len(dots) >= 30
    steps = [b for b in boxes if b["cls"] == "step"]
    marks = [b for b in boxes if b["cls"] == "mark"]
    assert len(steps) >= 4 and marks, boxes
    collisions = [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if overlaps(a, b)
    ]
    assert collisions == []
    covered = [(a["text"], i) for a in boxes for i, d in enumerate(dots) if overlaps(a, d)]
    assert covered == []  # no label sits on a dot (nor a dot on a label)
    # The current figure is always written; the correction is marked and says so.
    assert f"at least {values[-1]}" in [s["text"] for s in steps]
    assert [m["text"] for m in marks] == ["↓ decrease"]
    svg = chart.find(".//svg")
    assert len(svg.xpath(".//circle[@r='10']")) == 1  # the ring the label names
    width = float(svg.get("viewbox").split()[2])  # lxml.html lowercases attribute names
    assert all(b["x"] >= 0 and b["x"] + b["w"] <= width for b in boxes)  # none cut off
