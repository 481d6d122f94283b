"""The query UI of `parley serve` in real headless Chromium (issue 18): the page loads from the
server alone, the saved queries are its tabs, a saved query runs and its rows appear. And a
page from another site, or from a domain re-pointed at 127.0.0.1, cannot use the server."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from browser import CHROMIUM, Chromium
from serving import parley_serve
from ssrf import Canary, service_attacks

from parley import api

pytest_plugins = ["servers"]
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium missing: run scripts/ensure-chromium.sh"
)

ROWS = "document.querySelectorAll('.yasr table tbody tr').length"


@pytest.fixture(scope="module")
def served(kg_dir, tmp_path_factory):
    with parley_serve(kg_dir, tmp_path_factory.mktemp("serve-ui")) as serving:
        yield serving


@pytest.fixture
def chromium(tmp_path):
    browser = Chromium(tmp_path / "profile", mapped=("rebind.test", "evil.test"))
    yield browser
    browser.close()


def test_the_ui_loads_offers_the_saved_queries_and_runs_one(served, chromium, kg_dir, tmp_path):
    chromium.navigate(f"{served.base}/")
    saved = sorted(name for name, query in api.catalogue().items() if not query.online)
    tabs = chromium.wait_for(
        "(() => { const t = Array.from(document.querySelectorAll('.tabPanel')).length;"
        " const names = Array.from(document.querySelectorAll('#saved button'), b => b.textContent);"
        f" return names.length === {len(saved)} && t ? names : null; }})()"
    )
    assert sorted(tabs) == saved
    titles = chromium.evaluate(
        "Array.from(document.querySelectorAll('.tabsList .tab a'),"
        " a => a.textContent.replace('✖', '').trim())"
    )
    assert sorted(t for t in titles if t) == saved, titles

    chromium.click(f"#saved li:nth-child({saved.index('who-met-whom') + 1}) button")
    chromium.wait_for("window.parleyYasgui.getTab().getName() === 'who-met-whom'")
    chromium.click(".tabPanel.active .yasqe_queryButton")
    count = chromium.wait_for(f"{ROWS} || null")
    local = api.run_query("who-met-whom", kg_dir, backend="oxigraph")
    assert count == len(local.table.rows) > 0
    text = chromium.evaluate("document.querySelector('.yasr table').innerText")
    assert str(local.table.rows[0][0]) in text
    chromium.screenshot(tmp_path / "ui.png")
    assert (tmp_path / "ui.png").stat().st_size > 20_000

    requests = chromium.requests()
    assert all(url.startswith(f"{served.base}/") for url in requests), requests
    assert f"{served.base}/query" in requests
    assert chromium.errors() == []


def _serve_page(html: bytes) -> ThreadingHTTPServer:
    class Page(BaseHTTPRequestHandler):
        def log_message(self, format, *args) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


ATTACK_PAGE = """<!DOCTYPE html><html><body>
<form id="f" method="POST" action="{target}/query" target="sink">
<input type="hidden" name="query" value="{query_attr}"></form>
<iframe name="sink"></iframe>
<img src="{target}/query?query={query_url}">
<script>
const target = {target_js}, query = {query_js};
fetch(target + "/query?query=" + encodeURIComponent(query), {{mode: "no-cors"}});
fetch(target + "/query", {{method: "POST", mode: "no-cors",
  headers: {{"Content-Type": "application/x-www-form-urlencoded"}},
  body: "query=" + encodeURIComponent(query)}});
fetch(target + "/query", {{method: "POST", mode: "no-cors",
  headers: {{"Content-Type": "text/plain"}}, body: query}});
document.getElementById("f").submit();
</script></body></html>"""


def test_pages_of_other_sites_cannot_use_the_server(served, chromium):
    """A page on another site (evil.test), on another port of this machine, or on a domain
    re-pointed at 127.0.0.1 (rebind.test, DNS rebinding) drives the browser at the server with
    forms, images and fetches: every request is refused (403); no query runs."""
    canary = Canary()
    query = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"
    html = ATTACK_PAGE.format(
        target=served.base,
        query_attr=query.replace('"', "&quot;"),
        query_url=urllib.parse.quote(query),
        target_js=json.dumps(served.base),
        query_js=json.dumps(query),
    ).encode()
    page = _serve_page(html)
    try:
        pages = [f"http://127.0.0.1:{page.server_port}/", f"http://evil.test:{page.server_port}/"]
        for url in pages:
            chromium.navigate(url)
            chromium.wait_for("document.readyState === 'complete'")
            chromium.pump(3)
        chromium.navigate(f"http://rebind.test:{served.port}/")
        chromium.pump(3)
        evil = json.dumps(service_attacks(canary.url())[0][1])
        with contextlib.suppress(RuntimeError):  # the refused page runs this in its origin
            chromium.evaluate(f"fetch('/query?query=' + encodeURIComponent({evil}))")
        chromium.pump(2)
    finally:
        page.shutdown()
        page.server_close()
    answered = [
        (url, status)
        for url, status in chromium.statuses()
        if url.startswith((served.base, f"http://rebind.test:{served.port}"))
    ]
    print(f"\n{len(answered)} requests from other sites:", sorted({s for _, s in answered}))
    assert len(answered) == 2 * 5 + 3, answered  # 2 pages x (form, image, 3 fetches); rebind.test
    assert all(status == 403 for _, status in answered), answered
    assert canary.connections == 0
    canary.close()
