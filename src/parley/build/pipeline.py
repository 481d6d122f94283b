"""The fast build: per article, in parallel, cached by content hash; only cross-article work
looks at the whole corpus.

Each article is one *unit*, computed by `article_unit` (in a worker process when many are
due): load and check the annotation file, map it to triples, serialise its TriG block, close
it under the ontology's OWL RL rules on top of the registry (`rules.Engine`), validate its own
nodes with the compiled shapes (`compiled_eval`) and the graph-local SPARQL checks. The result is
cached under `.cache/parley/units/` ($PARLEY_CACHE overrides the folder) keyed by the SHA-256
of everything it depends on (the code, ontology, shapes and checks; the registry; the
annotation file; the article text). What a unit
shares with others — triples about registry resources, the joins that rules make through them
— is small, and is combined across units at the end:

- kg/parley.trig is the units' blocks in graph order (byte-identical to serialising the whole
  sorted dataset at once); kg/inferred.ttl likewise from per-unit blocks plus the shared part;
- the reasoning across articles (parley:met through a meeting reported by two articles) runs
  once over the shared triples; the validation of registry resources (a meeting needs two
  participants, from any article) once over theirs; checks that compare graphs run on Oxigraph.

A manifest per kg/ folder (`.cache/parley/kg/NAME-HASH/manifest.json`) records what the last
build wrote (sizes, modification times and hashes of the files, and where the combined
validation and reasoning results are), so `parley validate` and `parley reason` reuse them
when kg/ is unchanged instead of parsing the graph again; beside it, an Oxigraph store in step
with kg/ answers `parley query`.

Here: the unit, the context all units share, the unit cache and the plan. Beside it:
`buildtools` (cache folders, code version, compiled ontology, shapes and checks), `unitterms`
(terms and N-Triples strings), `unitwork` (one unit's validation and reasoning); `combine`
puts the units together.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from parley.build.tools import code_version, tools
from parley.build.unitindex import Index, Splicer, stat_of
from parley.build.unitterms import (
    PARLEY_IRI,
    PREFIXES,
    REGISTRY,
    TYPE,
    Locality,
    TripleSink,
    header_and_body,
    ox_term,
    sets_digest,
    sorted_quads,
)
from parley.build.unitwork import NeedsFullReasoning, reason_unit, reasoning_strings, validate_unit
from parley.model import iris
from parley.model.errors import InputError

MANIFEST = "manifest.json"
TRIG_NAME = "parley.trig"
INFERRED_NAME = "inferred.ttl"
PARALLEL_FROM = 24  # uncached articles from which worker processes pay off
Progress = Callable[[int], None] | None


# --- one unit --------------------------------------------------------------------------------


@dataclass
class Unit:
    """What one graph contributes; `block` and `inferred_block` stay in the cache file."""

    name: str  # article id, or "registry"
    graph: str  # graph IRI
    key: str
    problems: list = field(default_factory=list)
    quads: int = 0
    local_triples: int = 0  # triples whose subject is the unit's own (not shared with others)
    shared: frozenset = frozenset()  # triples (N-Triples strings) whose subject is shared
    shared_values: frozenset = frozenset()  # facts about local values of shared-subject triples
    violations: tuple = ()  # validate.Violation of the unit's own nodes and its check rows
    joins: frozenset = frozenset()  # triples rules may join with another unit's
    derived_shared: frozenset = frozenset()  # inferred triples about shared subjects
    asserted_shared: frozenset = frozenset()  # reasoning input about shared subjects
    inferred_counts: Counter = field(default_factory=Counter)  # (predicate, class) counts
    inferred_first: str = ""  # first and last subject of the unit's inferred block
    inferred_last: str = ""
    errors: tuple = ()  # owlrl-style inconsistency messages
    full_reasoning: bool = False  # owl:sameAs between Parley resources: owlrl must run
    refs: frozenset = frozenset()  # per IRI outside the unit it refers to: one triple that does
    # digests of what the work across articles reads of this unit (validation: name, shared,
    # shared_values, refs; reasoning: joins, derived_shared, asserted_shared)
    boundary_digest: str = ""
    reason_digest: str = ""


def unit_key(*parts: bytes | str) -> str:
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def make_unit(name: str, graph: str, key: str, triples: set, context: Context) -> tuple:
    """Compute a unit from its rdflib triples; return (Unit, trig block, inferred block)."""
    t = tools()
    quads, strings = sorted_quads(triples, ox.NamedNode(graph))
    _, block = header_and_body(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES))
    article = None if graph == REGISTRY else name
    unit = Unit(name=name, graph=graph, key=key, quads=len(quads))
    if article is None:  # the registry: everything in it is shared
        unit.shared = frozenset(strings)
        return unit, block, b""
    local = Locality(article)
    shared = frozenset(x for x in strings if not local[x[0]])
    unit.shared = shared
    unit.local_triples = len(strings) - len(shared)
    unit.refs = references(strings, article, local)
    by_subject: dict[str, list] = {}
    for x in strings:
        by_subject.setdefault(x[0], []).append(x)
    nested = context.nested_predicates
    values = set()
    for _, _, o in shared:
        if local[o]:
            values.update(x for x in by_subject.get(o, ()) if x[1] == TYPE or x[1] in nested)
    unit.shared_values = frozenset(values)
    # the checks across graphs may ask which registry resources an article refers to, not how
    # (crossarticle.boundary_store): the digest takes those IRIs, not the triples that refer
    # to them, and, to be safe, every IRI outside Parley's namespace (Wikidata, schema.org…);
    # Parley's own vocabulary (classes, statement kinds) is left out, so that editing a kind
    # reuses it
    registry_subjects = context.registry_subjects
    referred = frozenset(
        (o,) for _, _, o in unit.refs if o in registry_subjects or not o.startswith(PARLEY_IRI)
    )
    unit.boundary_digest = sets_digest(name, shared, unit.shared_values, referred)
    unit.violations = tuple(validate_unit(article, graph, triples, quads, context))
    inferred = b""
    if t.rules is not None:
        try:
            inferred = reason_unit(unit, article, strings, context, local)
        except NeedsFullReasoning:
            unit.full_reasoning = True
    else:
        unit.full_reasoning = True
    return unit, block, inferred


def references(
    strings: list[tuple[str, str, str]], article: str, local: Locality | None = None
) -> frozenset:
    """For each IRI outside the article that one of its own nodes refers to, the first such
    triple (N-Triples order) whose subject is not that IRI: what checks across graphs need to
    know that (not how often) the article refers to a shared resource."""
    local = local if local is not None else Locality(article)
    first: dict[str, tuple[str, str, str]] = {}
    for x in strings:  # sorted: the first triple per object wins
        s, _, o = x
        if o.startswith("<") and o != s and local[s] and not local[o]:
            first.setdefault(o, x)
    return frozenset(first.values())


# --- context shared by all units ---------------------------------------------------------------


CHECK_STORE_USES = 20  # articles checked in one registry store before it is made afresh


class Context:
    """The registry as every unit sees it: triples, quads, the closed registry, term lookup."""

    def __init__(self, registry, registry_triples: set):
        from parley.reason.rules import Engine

        t = tools()
        self.registry = registry
        self.registry_triples = registry_triples
        g = ox.NamedNode(REGISTRY)
        self.registry_quads = [
            ox.Quad(ox_term(s), ox_term(p), ox_term(o), g) for s, p, o in registry_triples
        ]
        self.registry_strings = [
            (str(q.subject), str(q.predicate), str(q.object)) for q in self.registry_quads
        ]
        self.registry_subjects = frozenset(x[0] for x in self.registry_strings)
        self.nested_predicates = frozenset(
            f"<{p}>" for p in (t.shapes.nested_predicates if t.shapes else ())
        )
        self.shacl_base = None
        if t.shapes is not None:
            from parley.validate import compiled_data

            self.shacl_base = compiled_data.Data([*t.ontology, *registry_triples])
        self.engine = None
        self.registry_input: list = []
        if t.rules is not None:
            self.engine = Engine(t.rules)
            self.registry_input = list(reasoning_strings(self.registry_strings, t.terms))
            self.engine.add([*t.rules.schema, *self.registry_input])
        self._terms: dict[str, object] = {}
        self._check_store: tuple[int, ox.Store] | None = None
        self._check_store_uses = 0

    def check_store(self) -> ox.Store:
        """An in-memory store holding the registry graph, for the local checks of one article
        (the caller adds the article's graph, then removes it). Loading the registry for every
        article made the per-article work grow with the registry; reusing one store for ever
        does too (Oxigraph's in-memory store keeps what was removed), so it is renewed every
        CHECK_STORE_USES articles and in each worker process."""
        self._check_store_uses += 1
        stale = self._check_store is None or self._check_store[0] != os.getpid()
        if stale or self._check_store_uses > CHECK_STORE_USES:
            store = ox.Store()
            store.extend(self.registry_quads)
            self._check_store = (os.getpid(), store)
            self._check_store_uses = 1
        return self._check_store[1]

    def term(self, text: str):
        """The pyoxigraph term of an N-Triples string."""
        if text.startswith("<"):
            return ox.NamedNode(text[1:-1])
        found = self._terms.get(text)
        if found is None:
            triple = next(
                iter(ox.parse(f"<urn:x> <urn:x> {text} .", format=ox.RdfFormat.N_TRIPLES))
            )
            found = self._terms[text] = triple.object
        return found


# --- computing the units -----------------------------------------------------------------------

_CONTEXT: Context | None = None
_CACHE_DIR: Path | None = None
_WRITE_CACHE = True


def _cache_path(key: str) -> Path | None:
    if _CACHE_DIR is None:
        return None
    return _CACHE_DIR / "units" / key[:2] / f"{key}.unit"


def _is_cached(key: str) -> bool:
    """Whether the unit cache holds `key` (`_cache_path(key).exists()` without Path objects:
    a rebuild asks this for every article)."""
    if _CACHE_DIR is None:
        return False
    return os.path.exists(os.path.join(_CACHE_DIR, "units", key[:2], f"{key}.unit"))


def read_cached(key: str):
    """(Unit, trig block, inferred block) from the cache, or None."""
    path = _cache_path(key)
    if path is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        return pickle.loads(zlib.decompress(raw))
    except Exception:  # a truncated or stale cache file is simply recomputed
        return None


def write_cached(key: str, value) -> None:
    from parley.model.kgio import write_atomic

    path = _cache_path(key)
    if path is None or not _WRITE_CACHE:
        return
    write_atomic(path, zlib.compress(pickle.dumps(value, protocol=5), 1), fsync=False)


@contextlib.contextmanager
def _no_gc():
    """The cyclic garbage collector off while one unit is computed: the unit makes few cycles
    (reference counting frees it), but its many young objects would set off collections that
    walk them and everything the context holds, time and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compute_unit(path: Path, articles: Path, key: str, context: Context) -> tuple | Unit:
    """(Unit, trig block, inferred block), or a Unit with the file's problems."""
    from parley.build.mapper import ArticleMapper
    from parley.seeds.annotations import load_annotations

    try:
        doc = load_annotations(path, articles, context.registry)
    except InputError as exc:
        return Unit(name=path.stem, graph="", key=key, problems=list(exc.problems))
    sink = TripleSink()
    ArticleMapper(context.registry, doc, sink).map()
    graph = str(iris.article_graph(doc.article.id))
    return make_unit(doc.article.id, graph, key, sink, context)


def article_unit(job: tuple[str, str, str]) -> tuple:
    """Worker: the unit of one annotation file (from the cache when its inputs are unchanged)."""
    path_text, articles_text, key = job
    cached = read_cached(key)
    if cached is not None:
        unit, block, inferred = cached
        return unit, None, True
    path = Path(path_text)
    with _no_gc():
        computed = _compute_unit(path, Path(articles_text), key, _CONTEXT)
    if isinstance(computed, Unit):
        return computed, None, False  # problems are not cached: they are cheap to find again
    unit, block, inferred = computed
    if _CACHE_DIR is not None and _WRITE_CACHE:
        write_cached(key, (unit, block, inferred))
        return unit, None, False
    return unit, (block, inferred), False


@dataclass
class Plan:
    """Every unit of a seeds folder, in graph order, with where their blocks are."""

    units: list[Unit]  # articles in graph order, then the registry
    blocks: dict[str, tuple[bytes, bytes]]  # key -> (trig, inferred) when not in a cache file
    context: Context
    fresh: int  # units computed (not from the cache)
    shared_inferred: bytes | None = None  # inferred triples about shared resources (Turtle body)
    light: set[str] = field(default_factory=set)  # keys of units taken from the kg index,
    # without their cross-article sets (`hydrate` reads those when they are needed)
    inputs: dict = field(default_factory=dict)  # annotation file name -> (stats, unit key)
    splicer: Splicer | None = None  # unchanged units' blocks in the last build's kg files
    registry_digest: str = ""
    hydrated: int = 0  # units whose cross-article sets were read back
    inferred_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # of the last
    # kg/inferred.ttl written from the units' blocks: unit key -> (offset, length)

    def lighten(self) -> None:
        """Drop what only validation and reasoning across articles read (most of a unit's
        memory; at 10,000 articles ~1.5 GB) once they are done."""
        for unit in self.units:
            for name in CROSS_ARTICLE_FIELDS:
                setattr(unit, name, frozenset())

    def hydrate(self) -> None:
        """Give the units taken from the kg index their cross-article sets (from the cache)."""
        if not self.light:
            return
        for i, unit in enumerate(self.units):
            if unit.key in self.light:
                cached = read_cached(unit.key)
                if cached is None:
                    raise RuntimeError(f"cache entry of {unit.name} vanished during the build")
                self.units[i] = cached[0]
        self.hydrated += len(self.light)
        self.light.clear()


CROSS_ARTICLE_FIELDS = (
    "shared",
    "shared_values",
    "refs",
    "joins",
    "derived_shared",
    "asserted_shared",
)


def registry_digest(seeds: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((seeds / "registry").glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    links = seeds / "links" / "decisions.yaml"
    if links.exists():
        digest.update(b"links\0" + links.read_bytes())
    return digest.hexdigest()


def plan(
    seeds: Path,
    cache: Path | None,
    progress: Progress = None,
    write_cache: bool = True,
    workers: int | None = None,
    index: Index | None = None,
) -> Plan:
    """Load, map, validate and reason every article (cached, in parallel); raise InputError.

    With the `index` of the last build, unchanged annotation files are known by their stat
    and their units taken from it (light: see `Plan.hydrate`)."""
    global _CONTEXT, _CACHE_DIR, _WRITE_CACHE
    from parley.build.mapper import registry_graph
    from parley.seeds.annotations import seeds_problems
    from parley.seeds.registry import load_registry

    problems = seeds_problems(seeds)
    if problems and not seeds.is_dir():
        raise InputError(problems)
    _CACHE_DIR, _WRITE_CACHE = cache, write_cache
    reg_digest = registry_digest(seeds)
    # the registry's model and triples, cached by what they are read from (and where: the
    # model keeps its files' paths for messages)
    model_key = unit_key(reg_digest, "registry model", str(seeds / "registry"))
    model = read_cached(model_key)
    if model is None:
        registry = load_registry(seeds / "registry")  # raises with every registry problem
        triples = TripleSink()
        registry_graph(registry, triples)
        write_cached(model_key, (registry, triples))
    else:
        registry, triples = model
    context = _CONTEXT = Context(registry, triples)
    articles_dir = seeds / "articles"
    if index is not None and index.registry != reg_digest:
        index = None
    inputs = Index(version="", registry=reg_digest)
    jobs, units, light = [], [], set()
    for path in sorted((seeds / "annotations").glob("*.yaml"), key=lambda p: p.name):
        text = articles_dir / f"{path.stem}.txt"
        stats = stat_of(path), stat_of(text)
        key = index.key_of(path.name, *stats) if index is not None else None
        if key is None:
            try:
                article = text.read_bytes()
            except OSError:
                article = b"\0missing"
            # what a unit depends on: the file's name and bytes and its article's text (where
            # the seeds folder is, or how it was named, only shows in problems, not cached)
            key = unit_key(reg_digest, path.name, path.read_bytes(), article)
        inputs.record_input(path.name, *stats, key)
        known = index.units.get(key) if index is not None else None
        if known is not None and _is_cached(key):
            units.append(known)
            light.add(key)
            if progress:
                progress(1)
        else:
            jobs.append((str(path), str(articles_dir), key))
    fresh, blocks = 0, {}
    for unit, held, cached in _map(jobs, progress, workers):
        if unit.problems:
            problems.extend(unit.problems)
        units.append(unit)
        fresh += not cached
        if held is not None:
            blocks[unit.key] = held
    if problems:
        raise InputError(problems)
    units.sort(key=lambda u: f"<{u.graph}>")
    reg_key = unit_key(reg_digest)
    made = read_cached(reg_key)
    if made is None:
        made = make_unit("registry", REGISTRY, reg_key, triples, context)
        write_cached(reg_key, made)
    reg_unit, block, _ = made
    units.append(reg_unit)
    blocks[reg_unit.key] = (block, b"")
    return Plan(
        units=units,
        blocks=blocks,
        context=context,
        fresh=fresh,
        light=light,
        inputs=inputs.inputs,
        registry_digest=reg_digest,
    )


def _map(jobs: list, progress: Progress, workers: int | None):
    """Run `article_unit` over the jobs, in worker processes when enough are not cached."""
    due = [j for j in jobs if _cache_path(j[2]) is None or not _cache_path(j[2]).exists()]
    n = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if len(due) < PARALLEL_FROM or n < 2:
        for job in jobs:
            result = article_unit(job)
            if progress:
                progress(1)
            yield result
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Pool(n) as pool:
        for result in pool.imap(article_unit, jobs, chunksize=4):
            if progress:
                progress(1)
            yield result


def read_blocks(plan_: Plan, unit: Unit, lazy: bool = False) -> tuple[bytes, bytes]:
    """A unit's TriG and inferred blocks: held, copied from the last kg files, or from the
    cache; `lazy`: blocks may be `FileSlice`s of the old files, for writing."""
    if unit.key in plan_.blocks:
        return plan_.blocks[unit.key]
    if plan_.splicer is not None:
        get = plan_.splicer.slice if lazy else plan_.splicer.block
        trig = get(TRIG_NAME, unit.key)
        inferred = get(INFERRED_NAME, unit.key) if trig is not None else None
        if inferred is not None:
            return trig, inferred
    cached = read_cached(unit.key)
    if cached is None:
        raise RuntimeError(f"cache entry of {unit.name} vanished during the build")
    return cached[1], cached[2]
