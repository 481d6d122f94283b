"""The Wikidata client and JSON parsing, against a local stand-in server (never the real one)."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import socket

import pytest
from wikidata_server import Canned, FakeWikidata

from parley.link import wdjson
from parley.link.wikidata import Client, WikidataError, user_agent

FIXED = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
SEARCH = {
    "action": "wbsearchentities",
    "search": "Ryan Crocker",
    "language": "en",
    "type": "item",
    "format": "json",
}


@pytest.fixture
def wd():
    with FakeWikidata() as server:
        yield server


def client(tmp_path, **kw) -> tuple[Client, list[float]]:
    waits: list[float] = []
    options = {"cache": tmp_path / "cache", "timeout": 2.0, "retries": 3, "backoff": 0.5}
    options.update(kw)
    return Client(sleep=waits.append, clock=lambda: FIXED, **options), waits


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_answer_is_cached_and_replayed_offline_with_the_server_stopped(tmp_path):
    with FakeWikidata() as wd:
        c, _ = client(tmp_path)
        online = c.get(wd.api, SEARCH)
        api = wd.api
    assert [h["id"] for h in online.body["search"]] == ["Q90000002", "Q90000001"]
    assert not online.from_cache and c.sent == 1
    path = c.cache_path("GET", api, {k: str(v) for k, v in SEARCH.items()})
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["retrieved"] == "2024-05-01T12:00:00Z"
    assert record["params"]["search"] == "Ryan Crocker"
    offline, _ = client(tmp_path, offline=True)
    replay = offline.get(api, SEARCH)
    assert replay.from_cache and replay.body == online.body and offline.sent == 0
    assert replay.retrieved == "2024-05-01T12:00:00Z"


def test_cache_files_are_deterministic(tmp_path, wd):
    a, _ = client(tmp_path / "a")
    b, _ = client(tmp_path / "b")
    a.get(wd.api, SEARCH)
    b.get(wd.api, dict(reversed(list(SEARCH.items()))))  # parameter order does not matter
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.json"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.json"))
    assert files_a == files_b and len(files_a) == 1
    assert (tmp_path / "a" / files_a[0]).read_bytes() == (tmp_path / "b" / files_b[0]).read_bytes()


def test_offline_cache_miss_is_a_clear_error(tmp_path):
    c, _ = client(tmp_path, offline=True)
    with pytest.raises(WikidataError, match=r"offline: no cached answer .* without --offline"):
        c.get("http://127.0.0.1:9/w/api.php", SEARCH)
    assert c.sent == 0


def test_descriptive_user_agent_is_sent(tmp_path, wd):
    c, _ = client(tmp_path, agent=user_agent("mailto:someone@example.org"))
    c.get(wd.api, SEARCH)
    agent = wd.seen[0].headers["User-Agent"]
    assert agent.startswith("parley-kg/") and "mailto:someone@example.org" in agent


def test_429_waits_as_retry_after_says(tmp_path, wd):
    wd.script = [Canned(429, {"Retry-After": "7"}, b"Too many requests")]
    c, waits = client(tmp_path)
    answer = c.get(wd.api, SEARCH)
    assert waits == [7.0]
    assert len(wd.seen) == 2 and answer.body["success"] == 1


def test_429_retry_after_as_http_date(tmp_path, wd):
    later = email.utils.format_datetime(FIXED + dt.timedelta(seconds=30), usegmt=True)
    wd.script = [Canned(429, {"Retry-After": later})]
    c, waits = client(tmp_path)
    c.get(wd.api, SEARCH)
    assert waits == [30.0]


def test_retry_after_beyond_the_limit_gives_up(tmp_path, wd):
    wd.script = [Canned(429, {"Retry-After": "86400"})]
    c, waits = client(tmp_path)
    with pytest.raises(WikidataError, match=r"asks to wait 86400 s .* try again later"):
        c.get(wd.api, SEARCH)
    assert waits == []


def test_5xx_is_retried_with_exponential_back_off(tmp_path, wd):
    wd.script = [Canned(503), Canned(502)]
    c, waits = client(tmp_path)
    assert c.get(wd.api, SEARCH).body["success"] == 1
    assert waits == [0.5, 1.0]


def test_retries_are_bounded_and_nothing_is_cached(tmp_path, wd):
    wd.script = [Canned(500)] * 3
    c, waits = client(tmp_path, retries=2)
    with pytest.raises(WikidataError, match="gave up after 3 attempts, last: HTTP 500"):
        c.get(wd.api, SEARCH)
    assert len(wd.seen) == 3 and waits == [0.5, 1.0]
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_client_errors_are_not_retried(tmp_path, wd):
    c, waits = client(tmp_path)
    with pytest.raises(WikidataError, match="HTTP 404"):
        c.get(wd.base + "/nowhere", {})
    assert len(wd.seen) == 1 and waits == []


def test_slow_answer_times_out(tmp_path, wd):
    wd.script = [Canned(delay=1.0)]
    c, _ = client(tmp_path, timeout=0.05, retries=0)
    with pytest.raises(WikidataError, match=r"no complete answer within 0\.05 s"):
        c.get(wd.api, SEARCH)


def test_timeout_then_answer(tmp_path, wd):
    wd.script = [Canned(delay=1.0)]
    c, waits = client(tmp_path, timeout=0.05, retries=1)
    assert c.get(wd.api, SEARCH).body["success"] == 1
    assert waits == [0.5]


def test_unreachable_service(tmp_path):
    c, waits = client(tmp_path, retries=1)
    with pytest.raises(WikidataError, match=r"cannot connect .* --offline"):
        c.get(f"http://127.0.0.1:{closed_port()}/w/api.php", SEARCH)
    assert waits == [0.5]


def test_malformed_body_is_a_clear_error(tmp_path, wd):
    wd.script = [Canned(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")]
    c, _ = client(tmp_path)
    with pytest.raises(WikidataError, match=r"answer is not JSON .*<html>maintenance"):
        c.get(wd.api, SEARCH)


def test_api_error_is_reported(tmp_path, wd):
    c, _ = client(tmp_path)
    with pytest.raises(WikidataError, match="API reported error 'badvalue'"):
        c.get(wd.api, {"action": "nonsense"})


def test_maxlag_is_retried_after_the_wait_given(tmp_path, wd):
    lag = {"error": {"code": "maxlag", "info": "Waiting for a database server: 6 seconds lagged."}}
    wd.script = [Canned(200, {"Retry-After": "5"}, json.dumps(lag).encode())]
    c, waits = client(tmp_path)
    assert c.get(wd.api, SEARCH).body["success"] == 1
    assert waits == [5.0]


def test_gzip_answers_are_decoded(tmp_path):
    with FakeWikidata(gzip_answers=True) as wd:
        c, _ = client(tmp_path)
        assert c.get(wd.api, SEARCH).body["search"][0]["id"] == "Q90000002"
        assert wd.seen[0].headers["Accept-Encoding"] == "gzip"


def test_damaged_cache_file(tmp_path, wd):
    c, _ = client(tmp_path)
    c.get(wd.api, SEARCH)
    (path,) = (tmp_path / "cache").rglob("*.json")
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(WikidataError, match="damaged cache file — delete it"):
        c.get(wd.api, SEARCH)


def test_search_results_are_parsed_in_rank_order(tmp_path, wd):
    c, _ = client(tmp_path)
    hits, retrieved = wdjson.search(c, wd.api, "Erbil")
    assert [(h.qid, h.rank) for h in hits] == [("Q90000012", 0), ("Q213189", 1), ("Q90000011", 2)]
    assert hits[1].label == "Erbil Governorate" and retrieved == "2024-05-01T12:00:00Z"
    assert wd.seen[0].params["action"] == "wbsearchentities"


def test_search_answer_of_the_wrong_shape(tmp_path, wd):
    wd.script = [Canned(200, {}, b'{"query": {}}')]
    c, _ = client(tmp_path)
    with pytest.raises(WikidataError, match="no 'search' list"):
        wdjson.search(c, wd.api, "Erbil")


def test_items_with_claims_qualifiers_and_ranks(tmp_path, wd):
    c, _ = client(tmp_path)
    items = wdjson.get_items(c, wd.api, ["Q90000001", "Q90000004", "Q99999999"])
    assert sorted(items) == ["Q90000001", "Q90000004"]  # Q99999999 is missing
    crocker = items["Q90000001"]
    assert crocker.label() == "Ryan Crocker" and crocker.values("P27") == ["Q30"]
    # the deprecated P39 statement is kept as a statement but is not a value
    assert crocker.values("P39") == ["Q90000003"]
    assert [s.rank for s in crocker.claims["P39"]] == ["normal", "deprecated"]
    held = crocker.claims["P39"][0]
    assert [t.iso for t in held.qualifier("P580")] == ["2007-03-29"]  # precision 11: day
    assert [t.iso for t in held.qualifier("P582")] == ["2009"]  # precision 9: year
    qomi = items["Q90000004"].claims["P39"][0]
    assert [t.iso for t in qomi.qualifier("P580")] == ["2006-05"]  # precision 10: month


def test_items_are_fetched_in_batches_of_50(tmp_path, wd):
    c, _ = client(tmp_path)
    wdjson.get_items(c, wd.api, [f"Q{n}" for n in range(1, 121)], "labels")
    batches = [s.params["ids"].split("|") for s in wd.seen]
    assert [len(b) for b in batches] == [50, 50, 20]


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ({"time": "+2007-03-29T00:00:00Z", "precision": 11}, "2007-03-29"),
        ({"time": "+2007-03-00T00:00:00Z", "precision": 10}, "2007-03"),
        ({"time": "+2007-00-00T00:00:00Z", "precision": 9}, "2007"),
        ({"time": "+2007-00-00T00:00:00Z", "precision": 11}, None),  # day unknown
        ({"time": "+2000-00-00T00:00:00Z", "precision": 8}, None),  # decade
        ({"time": "-0500-00-00T00:00:00Z", "precision": 9}, None),  # BCE
    ],
)
def test_wikidata_times(value, iso):
    result = wdjson.wiki_time(value)
    assert (result.iso if result else None) == iso


def test_reconciliation_manifest_must_be_wikidata_v02(tmp_path, wd):
    c, _ = client(tmp_path)
    assert wdjson.reconcile_manifest(c, wd.reconcile)["versions"] == ["0.1", "0.2"]
    other = {"name": "x", "versions": ["0.2"], "identifierSpace": "http://example.org/id/"}
    wd.script = [Canned(200, {}, json.dumps(other).encode())]
    c2, _ = client(tmp_path / "other")
    with pytest.raises(WikidataError, match=r"identifierSpace .* not Wikidata's"):
        wdjson.reconcile_manifest(c2, wd.reconcile)


def test_reconciliation_queries_are_posted_and_parsed(tmp_path, wd):
    c, _ = client(tmp_path)
    found = wdjson.reconcile(c, wd.reconcile, {"q0": {"query": "Ryan Crocker", "type": "Q5"}})
    assert [(h.qid, h.types) for h in found["q0"]] == [("Q90000001", ("Q5",))]
    assert wd.seen[0].method == "POST" and json.loads(wd.seen[0].params["queries"])["q0"]
