"""Wikidata's JSON formats: wbsearchentities, wbgetentities and Reconciliation API v0.2."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from parley.link.wikidata import Client, WikidataError
from parley.seeds.checks import QID

ENTITY_SPACE = "http://www.wikidata.org/entity/"
BATCH = 50  # wbgetentities takes at most 50 ids per request


@dataclass(frozen=True)
class Hit:
    """One search or reconciliation result."""

    qid: str
    label: str
    description: str
    rank: int  # 0 = first
    matched: str = ""  # the label or alias that matched
    score: float | None = None  # reconciliation score
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class WdStatement:
    """One statement: the item value (QID) or None, its rank and qualifier values."""

    id: str
    value: str | None
    rank: str
    qualifiers: tuple[tuple[str, tuple[object, ...]], ...] = ()

    def qualifier(self, pid: str) -> tuple[object, ...]:
        return dict(self.qualifiers).get(pid, ())


@dataclass(frozen=True)
class Item:
    """An item from wbgetentities, with the time it was retrieved."""

    qid: str
    labels: dict[str, str]
    descriptions: dict[str, str]
    aliases: dict[str, tuple[str, ...]]
    claims: dict[str, tuple[WdStatement, ...]]
    retrieved: str

    def label(self, language: str = "en") -> str:
        return self.labels.get(language, "")

    def values(self, pid: str) -> list[str]:
        """Item values of `pid` that are not deprecated."""
        return [s.value for s in self.claims.get(pid, ()) if s.value and s.rank != "deprecated"]


def _bad(answer_of: str, what: str) -> WikidataError:
    return WikidataError(
        f"{answer_of}: unexpected answer ({what}) — is the URL a Wikidata API or "
        "reconciliation service?"
    )


def search(client: Client, api: str, text: str, language: str = "en", limit: int = 10):
    """wbsearchentities for `text`: (hits, retrieval time)."""
    answer = client.get(
        api,
        {
            "action": "wbsearchentities",
            "search": text,
            "language": language,
            "uselang": language,
            "type": "item",
            "limit": str(limit),
            "format": "json",
        },
    )
    where = f"wbsearchentities '{text}'"
    body = answer.body
    if not isinstance(body, dict) or not isinstance(body.get("search"), list):
        raise _bad(where, "no 'search' list")
    hits = []
    for rank, raw in enumerate(body["search"]):
        if not isinstance(raw, dict) or not QID.match(str(raw.get("id", ""))):
            raise _bad(where, f"result {rank + 1} has no item id")
        match = raw.get("match") if isinstance(raw.get("match"), dict) else {}
        hits.append(
            Hit(
                qid=raw["id"],
                label=str(raw.get("label", "")),
                description=str(raw.get("description", "")),
                rank=rank,
                matched=str(match.get("text", "")),
            )
        )
    return hits, answer.retrieved


def get_items(
    client: Client,
    api: str,
    qids: Iterable[str],
    props: str = "labels|descriptions|aliases|claims",
    languages: Iterable[str] = ("en",),
) -> dict[str, Item]:
    """wbgetentities in batches of 50; missing items are left out, redirects followed."""
    wanted = sorted(set(qids), key=qid_number)
    out: dict[str, Item] = {}
    for i in range(0, len(wanted), BATCH):
        batch = wanted[i : i + BATCH]
        answer = client.get(
            api,
            {
                "action": "wbgetentities",
                "ids": "|".join(batch),
                "props": props,
                "languages": "|".join(languages),
                "format": "json",
            },
        )
        where = f"wbgetentities {batch[0]}…" if len(batch) > 1 else f"wbgetentities {batch[0]}"
        body = answer.body
        if not isinstance(body, dict) or not isinstance(body.get("entities"), dict):
            raise _bad(where, "no 'entities' object")
        answered = set()
        for key, raw in body["entities"].items():
            if not isinstance(raw, dict):
                raise _bad(where, f"entity {key} is not an object")
            answered.add(key)
            if "missing" in raw:
                continue
            item = parse_item(raw, answer.retrieved, where)
            out[item.qid] = item
            redirect = raw.get("redirects")
            if isinstance(redirect, dict) and redirect.get("from"):
                out[str(redirect["from"])] = item
                answered.add(str(redirect["from"]))
        left_out = [q for q in batch if q not in answered]
        if left_out:  # the API answers every id asked for, if only with "missing"
            raise _bad(where, f"nothing about {', '.join(left_out[:3])}{'…' * (len(left_out) > 3)}")
    return out


def parse_item(raw: dict, retrieved: str, where: str) -> Item:
    qid = str(raw.get("id", ""))
    if not QID.match(qid):
        raise _bad(where, f"entity without an item id: {qid!r}")

    def texts(name: str) -> dict[str, str]:
        value = raw.get(name) or {}
        if not isinstance(value, dict):
            raise _bad(where, f"{qid}.{name} is not an object")
        return {lang: str(v.get("value", "")) for lang, v in value.items() if isinstance(v, dict)}

    aliases_raw = raw.get("aliases") or {}
    if not isinstance(aliases_raw, dict):
        raise _bad(where, f"{qid}.aliases is not an object")
    aliases = {
        lang: tuple(str(a.get("value", "")) for a in values if isinstance(a, dict))
        for lang, values in aliases_raw.items()
        if isinstance(values, list)
    }
    claims_raw = raw.get("claims") or {}
    if not isinstance(claims_raw, dict):
        raise _bad(where, f"{qid}.claims is not an object")
    claims = {
        pid: tuple(_statement(s) for s in statements if isinstance(s, dict))
        for pid, statements in claims_raw.items()
        if isinstance(statements, list)
    }
    return Item(
        qid=qid,
        labels=texts("labels"),
        descriptions=texts("descriptions"),
        aliases=aliases,
        claims=claims,
        retrieved=retrieved,
    )


def _statement(raw: dict) -> WdStatement:
    qualifiers = raw.get("qualifiers") if isinstance(raw.get("qualifiers"), dict) else {}
    return WdStatement(
        id=str(raw.get("id", "")),
        value=snak_value(raw.get("mainsnak")),
        rank=str(raw.get("rank", "normal")),
        qualifiers=tuple(
            sorted(
                (pid, tuple(v for v in map(snak_value, snaks) if v is not None))
                for pid, snaks in qualifiers.items()
                if isinstance(snaks, list)
            )
        ),
    )


def snak_value(snak: object):
    """An item id (str) or a time (`WikiTime`) of a value snak; None otherwise."""
    if not isinstance(snak, dict) or snak.get("snaktype") != "value":
        return None
    datavalue = snak.get("datavalue")
    if not isinstance(datavalue, dict) or not isinstance(datavalue.get("value"), dict):
        return None
    value = datavalue["value"]
    if datavalue.get("type") == "wikibase-entityid":
        qid = value.get("id") or (f"Q{value['numeric-id']}" if "numeric-id" in value else "")
        return str(qid) if QID.match(str(qid)) else None
    if datavalue.get("type") == "time":
        return wiki_time(value)
    return None


TIME = re.compile(r"^\+(\d{4,})-(\d\d)-(\d\d)T")


@dataclass(frozen=True)
class WikiTime:
    """A Wikidata time value reduced to an ISO date, year-month or year by its precision."""

    iso: str


def wiki_time(value: dict) -> WikiTime | None:
    """`+2007-03-29T00:00:00Z` with precision 11/10/9 -> `2007-03-29` / `2007-03` / `2007`."""
    match = TIME.match(str(value.get("time", "")))
    precision = value.get("precision")
    if not match or len(match.group(1)) != 4 or precision not in (9, 10, 11):
        return None
    year, month, day = match.groups()
    if precision == 9:
        return WikiTime(year)
    if precision == 10 and month != "00":
        return WikiTime(f"{year}-{month}")
    if precision == 11 and month != "00" and day != "00":
        return WikiTime(f"{year}-{month}-{day}")
    return None


def qid_number(qid: str) -> int:
    return int(qid[1:]) if QID.match(qid) else 0


def reconcile_manifest(client: Client, url: str) -> dict:
    """The service manifest; raise unless it speaks v0.2 for Wikidata items."""
    answer = client.get(url, {})
    body = answer.body
    if not isinstance(body, dict) or "name" not in body:
        raise _bad(f"reconciliation manifest {url}", "no 'name'")
    versions = body.get("versions")
    if isinstance(versions, list) and "0.2" not in versions:
        raise WikidataError(
            f"{url}: the service supports versions {versions}, not 0.2 — use a v0.2 endpoint"
        )
    space = str(body.get("identifierSpace", ""))
    if space.rstrip("/") != ENTITY_SPACE.rstrip("/"):
        raise WikidataError(
            f"{url}: identifierSpace is '{space}', not Wikidata's {ENTITY_SPACE} — "
            "use a Wikidata reconciliation service"
        )
    return body


def reconcile(client: Client, url: str, queries: dict[str, dict]) -> dict[str, list[Hit]]:
    """Send a batch of reconciliation queries (`q0`…) and parse the candidates of each."""
    answer = client.post(url, {"queries": json.dumps(queries, sort_keys=True)})
    body = answer.body
    where = f"reconciliation {url}"
    if not isinstance(body, dict):
        raise _bad(where, "not an object")
    out: dict[str, list[Hit]] = {}
    for key in queries:
        result = body.get(key, {})
        results = result.get("result") if isinstance(result, dict) else None
        if not isinstance(results, list):
            raise _bad(where, f"no result list for {key}")
        hits = []
        for rank, raw in enumerate(results):
            if not isinstance(raw, dict) or not QID.match(str(raw.get("id", ""))):
                raise _bad(where, f"{key} result {rank + 1} has no item id")
            types = tuple(str(t.get("id")) for t in raw.get("type") or () if isinstance(t, dict))
            try:
                score = float(raw.get("score", 0))
            except (TypeError, ValueError):
                raise _bad(where, f"{key} result {rank + 1} has a non-numeric score") from None
            hits.append(
                Hit(
                    qid=raw["id"],
                    label=str(raw.get("name", "")),
                    description=str(raw.get("description", "")),
                    rank=rank,
                    matched=str(raw.get("name", "")) if raw.get("match") else "",
                    score=score,
                    types=types,
                )
            )
        out[key] = hits
    return out
