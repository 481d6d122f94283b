"""The fast build: per article, in parallel, cached by content hash; only cross-article work
looks at the whole corpus.

Each article is one *unit*, computed by `article_unit` (in a worker process when many are
due): load and check the annotation file, map it to triples, serialise its TriG block, close
it under the ontology's OWL RL rules on top of the registry (`rules.Engine`), validate its own
nodes with the compiled shapes (`validate.compiled_*`) and the graph-local SPARQL checks. The
result is cached under `.cache/parley/units/` ($PARLEY_CACHE overrides the folder) keyed by
the SHA-256 of everything it depends on (the code, ontology, shapes and checks; the registry;
the annotation file; the article text). What a unit
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

Here: computing the units and the plan. Beside it: `unit` (the unit and its key), `unitcache`
(the cache of units), `context` (what all units share), `tools` (cache folders, code version,
compiled ontology, shapes and checks), `unitterms` (N-Triples strings), `unitwork` (one unit's
validation and reasoning); `combine` puts the units together into kg/.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from parley.builder import unitcache
from parley.builder.context import Context
from parley.builder.mapper import ArticleMapper, registry_graph
from parley.builder.unit import CROSS_ARTICLE_FIELDS, Unit, unit_key
from parley.builder.unitcache import cache_path, is_cached, read_cached, write_cached
from parley.builder.unitindex import Index, Splicer, stat_of
from parley.builder.unitterms import (
    REGISTRY,
    TripleSink,
)
from parley.builder.unitwork import make_unit
from parley.model import iris
from parley.model.errors import InputError
from parley.model.layout import INFERRED_NAME, TRIG_NAME
from parley.model.progress import Update
from parley.seeds.annotations import (
    annotation_files,
    is_unready,
    load_annotations,
    seeds_problems,
)
from parley.seeds.registry import load_registry
from parley.seeds.seedfile import absent, try_read_seed, try_seed_names

PARALLEL_FROM = 24  # uncached articles from which worker processes pay off


# --- one unit --------------------------------------------------------------------------------


# --- context shared by all units ---------------------------------------------------------------


# --- computing the units -----------------------------------------------------------------------

_CONTEXT: Context | None = None


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

    try:
        doc = load_annotations(path, articles, context.registry)
    except InputError as exc:
        return Unit(name=path.stem, graph="", key=key, problems=list(exc.problems))
    sink = TripleSink()
    ArticleMapper(context.registry, doc, sink).map()
    graph = str(iris.article_graph(doc.article.id))
    return make_unit(doc.article.id, graph, key, sink, context)


def article_unit(job: tuple[str, str, str]) -> tuple:
    """Worker: the unit of one annotation file (from the cache when its inputs are unchanged).
    A unit the cache holds comes back without its cross-article sets (`light`): they stay in
    the cache file, and the work across articles reads them from there one unit at a time."""
    path_text, articles_text, key = job
    cached = read_cached(key)
    if cached is not None:
        return light(cached[0]), None, True
    path = Path(path_text)
    with _no_gc():
        computed = _compute_unit(path, Path(articles_text), key, _CONTEXT)
    if isinstance(computed, Unit):
        return computed, None, False  # problems are not cached: they are cheap to find again
    unit, block, inferred = computed
    if unitcache.writes():
        write_cached(key, (unit, block, inferred))
        return light(unit), None, False
    return unit, (block, inferred), False


def light(unit: Unit) -> Unit:
    """`unit` without its cross-article sets (the unit cache keeps them)."""
    return replace(unit, **dict.fromkeys(CROSS_ARTICLE_FIELDS, frozenset()))


@dataclass
class Plan:
    """Every unit of a seeds folder, in graph order, with where their blocks are."""

    units: list[Unit]  # articles in graph order, then the registry
    blocks: dict[str, tuple[bytes, bytes]]  # key -> (trig, inferred) when not in a cache file
    context: Context
    fresh: int  # units computed (not from the cache)
    shared_inferred: bytes | None = None  # inferred triples about shared resources (Turtle body)
    light: set[str] = field(default_factory=set)  # keys of the units held without their
    # cross-article sets, which only the unit cache keeps (`cross_units` reads them back)
    inputs: dict = field(default_factory=dict)  # annotation file name -> (stats, unit key)
    splicer: Splicer | None = None  # unchanged units' blocks in the last build's kg files
    registry_digest: str = ""
    hydrated: int = 0  # units whose cross-article sets were read back (counted per unit once)
    inferred_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # of the last
    # kg/inferred.ttl written from the units' blocks: unit key -> (offset, length)
    skipped: tuple = ()  # with skip_unready: Problems of the articles left out
    cross: dict = field(default_factory=dict)  # results of the work across articles, by kind
    keep_store: bool = True  # keep the Oxigraph store `parley query` reads (else remove it)

    def lighten(self) -> None:
        """Drop what only the work on the units read, once it is done and before the store is
        loaded: the cross-article sets of units held in memory (those of the others are in
        the unit cache only) and the context (the registry in its many forms)."""
        global _CONTEXT

        for unit in self.units:
            if unit.key not in self.light:
                for name in CROSS_ARTICLE_FIELDS:
                    setattr(unit, name, frozenset())
        self.context = None
        _CONTEXT = None

    def cross_units(self):
        """The article units in graph order, each with its cross-article sets: those held
        light are read back from the unit cache one at a time and not kept, so that what the
        work across articles reads of every article is never in memory at once."""
        for unit in self.units[:-1]:
            if unit.key not in self.light:
                yield unit
                continue
            cached = read_cached(unit.key)
            if cached is None:
                raise RuntimeError(f"cache entry of {unit.name} vanished during the build")
            self.hydrated += 1
            yield cached[0]


def registry_digest(seeds: Path) -> str:
    """What the registry is read from (with the sources its citations name); a folder or
    file that cannot be read counts as `\0refused` (the registry loader reports it)."""
    digest = hashlib.sha256()
    for folder in ("registry", "sources"):
        names = try_seed_names(seeds / folder, ".yaml", seeds)
        if names is None:
            digest.update(folder.encode() + b"\0refused")
        for name in names or ():
            data = try_read_seed(seeds / folder / name, seeds)
            entry = os.fsencode(f"{folder}/{name}")
            digest.update(entry + b"\0" + (b"\0refused" if data is None else data))
    links = seeds / "links" / "decisions.yaml"
    if not absent(links):
        data = try_read_seed(links, seeds)
        digest.update(b"links\0" + (b"\0refused" if data is None else data))
    return digest.hexdigest()


def plan(
    seeds: Path,
    cache: Path | None,
    progress: Update | None = None,
    write_cache: bool = True,
    workers: int | None = None,
    index: Index | None = None,
    skip_unready: bool = False,
) -> Plan:
    """Load, map, validate and reason every article (cached, in parallel); raise InputError.

    With the `index` of the last build, unchanged annotation files are known by their stat
    and their units taken from it (light: see `Plan.cross_units`). With `skip_unready`, articles
    without an annotation file and draft annotation files are left out and listed in
    `Plan.skipped` instead of failing the build."""
    global _CONTEXT

    problems = seeds_problems(seeds)
    if problems and not seeds.is_dir():
        raise InputError(problems)
    unitcache.configure(cache, write_cache)
    reg_digest = registry_digest(seeds)
    registry, triples = _registry_model(seeds, reg_digest)
    context = _CONTEXT = Context(registry, triples)
    articles_dir = seeds / "articles"
    if index is not None and index.registry != reg_digest:
        index = None
    inputs = Index(version="", registry=reg_digest)
    jobs, units, light = [], [], set()
    for path in annotation_files(seeds):
        text = articles_dir / f"{path.stem}.txt"
        stats = stat_of(path), stat_of(text)
        key = index.key_of(path.name, *stats) if index is not None else None
        if key is None:
            article = try_read_seed(text, seeds)
            data = try_read_seed(path, seeds)  # None: refused, the loader reports why
            # what a unit depends on: the file's name and bytes and its article's text (where
            # the seeds folder is, or how it was named, only shows in problems, not cached)
            key = unit_key(
                reg_digest,
                path.name,
                b"\0refused" if data is None else data,
                b"\0missing" if article is None else article,
            )
        inputs.record_input(path.name, *stats, key)
        known = index.units.get(key) if index is not None else None
        if known is not None and is_cached(key):
            units.append(known)
            light.add(key)
            if progress:
                progress(1)
        else:
            jobs.append((str(path), str(articles_dir), key))
    skipped = [p for p in problems if skip_unready and is_unready(p)]
    problems = [p for p in problems if p not in skipped]
    fresh, blocks = _computed(
        jobs, progress, workers, skip_unready, units, problems, skipped, light
    )
    if problems:
        raise InputError(problems)
    units.sort(key=lambda u: f"<{u.graph}>")
    reg_unit, block = _registry_unit(reg_digest, triples, context)
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
        skipped=tuple(sorted(skipped, key=lambda p: p.file)),
    )


def _computed(jobs, progress, workers, skip_unready, units, problems, skipped, light) -> tuple:
    """Run the jobs, adding to `units`, `problems`, `light` (the keys of units whose
    cross-article sets are in the cache only) and (a draft, when `skip_unready`, with
    whatever else it still gets wrong) `skipped`; (units computed, blocks held in memory)."""
    fresh, blocks = 0, {}
    for unit, held, cached in _map(jobs, progress, workers):
        if skip_unready and any(is_unready(p) for p in unit.problems):
            skipped.extend(p for p in unit.problems if is_unready(p))
            continue
        problems.extend(unit.problems)
        units.append(unit)
        fresh += not cached
        if held is not None:
            blocks[unit.key] = held
        elif not unit.problems:
            light.add(unit.key)
    return fresh, blocks


def _registry_unit(reg_digest: str, triples, context: Context) -> tuple:
    """The registry's unit and TriG block (cached by the registry digest)."""
    reg_key = unit_key(reg_digest)
    made = read_cached(reg_key)
    if made is None:
        made = make_unit("registry", REGISTRY, reg_key, triples, context)
        write_cached(reg_key, made)
    unit, block, _ = made
    return unit, block


def _registry_model(seeds: Path, reg_digest: str) -> tuple:
    """The registry's model and triples, cached by what they are read from (and where: the
    model keeps its files' paths for messages); raises with every registry problem."""
    model_key = unit_key(reg_digest, "registry model", str(seeds / "registry"))
    model = read_cached(model_key)
    if model is None:
        registry = load_registry(seeds / "registry")
        triples = TripleSink()
        registry_graph(registry, triples)
        model = (registry, triples)
        write_cached(model_key, model)
    return model


def _map(jobs: list, progress: Update | None, workers: int | None):
    """Run `article_unit` over the jobs, in worker processes when enough are not cached."""
    due = [j for j in jobs if cache_path(j[2]) is None or not cache_path(j[2]).exists()]
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
