"""`parley report`: one self-contained, accessible HTML file, rendered in headless Chromium.

Chromium comes from Debian (`scripts/ensure-chromium.sh`, run by `make test`)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from seedsets import CORPUS

from parley import build
from parley.analyst.report_network import PALETTE
from parley.analyst.sentences import sentence_around
from parley.api import report
from parley.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = CORPUS
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    kg = tmp_path_factory.mktemp("kg")
    build(SEEDS, kg)
    out = tmp_path_factory.mktemp("report") / "report.html"
    return report(kg, out, SEEDS), out, kg


class Outline(HTMLParser):
    """Collects tags, attributes and text."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.open: list[str] = []
        self.tables = 0
        self.captions = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.tables += tag == "table"
        self.captions += tag == "caption"


def test_semantic_accessible_structure(rendered):
    result, out, _ = rendered
    html = out.read_text(encoding="utf-8")
    assert html == result.html
    outline = Outline()
    outline.feed(html)
    tags = [t for t, _ in outline.tags]
    for landmark in ("header", "nav", "main", "footer"):
        assert tags.count(landmark) == 1, landmark
    assert tags.count("h1") == 1 and "h2" in tags and "h3" in tags
    assert outline.tables >= 3 and outline.tables == outline.captions
    (svg,) = [a for t, a in outline.tags if t == "svg"]
    assert svg["role"] == "img" and svg["aria-labelledby"] == "net-title net-desc"
    assert ("html", {"lang": "en"}) in outline.tags
    assert all(a.get("scope") == "col" for t, a in outline.tags if t == "th")


def test_no_network_resources(rendered):
    html = rendered[0].html
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert "src=" not in html and "@import" not in html and "url(" not in html
    hrefs = [a["href"] for t, a in _tags(html) if t == "a"]
    assert hrefs and all(h.startswith("#") for h in hrefs)


def _tags(html):
    outline = Outline()
    outline.feed(html)
    return outline.tags


def test_network_colours_people_by_party(rendered):
    html = rendered[0].html
    # people on the circle: Crocker acts for the US, Kazemi Qomi for Iran (every seed says so)
    assert 'fill="#' in html
    legend = html[html.index('class="legend"') :]
    legend = legend[: legend.index("</ul>")]
    for party in ("Iran", "Iraq", "United States"):
        assert party in legend
    colours = {p: PALETTE[i] for i, p in enumerate(["Iran", "Iraq", "United States"])}
    assert f'fill="{colours["Iran"]}" stroke="#222222" stroke-width="1.5"><title>Hassan' in html
    assert f'fill="{colours["United States"]}" stroke="#222222" stroke-width="1.5"><title>Ryan' in (
        html
    )


def test_quote_shown_inside_its_sentence(rendered):
    html = rendered[0].html
    # 001: Crocker said that since the last meeting in May "we have actually seen ..."
    assert (
        "Crocker said that since the last meeting in May &quot;<mark>we have actually seen "
        "militia-related activity with Iranian support go up and not down</mark>&quot;."
    ) in html


def test_conflicts_list_both_sources(rendered):
    html = rendered[0].html
    section = html[html.index('id="conflicts"') : html.index('id="sources"')]
    # 000: "after 28 years"; 002: "First high-level meeting in 27 years"
    assert "<mark>melted the icy relations of the two states after 28 years</mark>" in section
    assert "<mark>First high-level meeting in 27 years</mark>" in section
    # 002 calls Mottaki "Iraq‘s foreign minister"; the registry gives that post to Zebari
    assert "Manouchehr Mottaki" in section and "Hoshyar Zebari" in section


def _visible_text(html: str) -> str:
    """The text a reader sees (tags and the File column's paths left out)."""
    text = re.sub(r"<code>[^<]*</code>", "", html)
    return re.sub(r"<[^>]+>", "", text)


def test_articles_named_by_outlet_headline_and_date(rendered):
    html = rendered[0].html
    text = _visible_text(html)
    for article in ("000-fars-ahmadinejad", "001-blog-clash", "002-aljazeera", "003-dpa"):
        assert article not in text, f"the report shows the file id {article}"
    timeline = _visible_text(html[html.index('id="timeline"') : html.index('id="network"')])
    # 004 (Iran Focus, dateline "London, May 31") gives round 1 its date ("on Monday")
    assert (
        "28 May 2007 per Iran Focus, “U.S.’s Crocker gives details of meeting with Iran envoy”, "
        "2007-05-31"
    ) in timeline
    conflicts = html[html.index('id="conflicts"') : html.index('id="sources"')]
    assert ">Al Jazeera, “Iran and US hold ‘positive’ talks”, 2007-05-28</a>" in conflicts


def test_unnamed_participants_are_named_by_their_party(rendered):
    html = rendered[0].html
    meetings = html[html.index('id="meetings"') : html.index('id="statements"')]
    # 002: "Iraqi officials also attended the meeting"
    assert "<td><em>unnamed Iraqi delegation</em></td><td>Iraq</td><td>attendee</td>" in meetings
    assert "<em>unnamed</em>" not in meetings
    network = html[html.index('id="network"') : html.index('id="meetings"')]
    assert "<td>unnamed Iraqi delegation</td><td>Ryan Crocker</td>" in network


def test_sentence_bounds():
    text = "First one. Second, with “a quote.” Third\nLine two."
    start = text.index("a quote")
    left, right = sentence_around(text, start, start + 7)
    assert text[left:right] == "Second, with “a quote.”"


def _png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes) into rows of pixel bytes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, *_ = header
    assert depth == 8 and colour in (2, 6)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, bpp, rows


def _chromium(args: list[str], tmp: Path) -> subprocess.CompletedProcess:
    cmd = [
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
    ]
    env = {**os.environ, "HOME": str(tmp)}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium missing: run scripts/ensure-chromium.sh")
def test_renders_in_headless_chromium(rendered, tmp_path):
    _, out, _ = rendered
    url = out.resolve().as_uri()
    dom = _chromium(["--dump-dom", url], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for name in ("Ryan Crocker", "Hassan Kazemi Qomi", "Nouri al-Maliki", "Who met whom"):
        assert name in dom.stdout, name
    shot = tmp_path / "shot.png"
    run = _chromium(["--window-size=1000,1400", f"--screenshot={shot}", url], tmp_path)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    width, bpp, rows = _png_pixels(shot)
    values = [sum(row[i : i + 3]) for row in rows[::7] for i in range(0, width * bpp, bpp * 7)]
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    dark = sum(v < 300 for v in values) / len(values)
    assert variance > 500, "the screenshot is blank"
    assert 0.005 < dark < 0.5  # text and drawing, not an empty or black page


def test_cli_report(rendered, tmp_path):
    _, _, kg = rendered
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        main, ["report", "--kg", str(kg), "--seeds", str(SEEDS), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == rendered[0].html  # deterministic
