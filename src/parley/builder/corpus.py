"""Build the knowledge graph from a seeds folder: load, check, map, serialise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

from rdflib import Dataset

from parley.model.errors import InputError
from parley.model.kgcommit import kg_lock
from parley.model.kgio import disk_error
from parley.model.layout import KG_FILES, TRIG_NAME
from parley.model.records import AnnotatedArticle, Registry
from parley.seeds.annotations import annotation_files, load_annotations, seeds_problems
from parley.seeds.registry import load_registry


@dataclass(frozen=True)
class Corpus:
    registry: Registry
    articles: tuple[AnnotatedArticle, ...]


class Files(Mapping):
    """File name in kg/ -> content; contents on disk are read when asked for."""

    def __init__(self, files: dict[str, bytes | Path]):
        self._files = files

    def __getitem__(self, name: str) -> bytes:
        value = self._files[name]
        return value.read_bytes() if isinstance(value, Path) else value

    def __iter__(self):
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def size(self, name: str) -> int:
        value = self._files[name]
        return value.stat().st_size if isinstance(value, Path) else len(value)


@dataclass(frozen=True)
class BuildResult:
    files: Files  # file name in kg/ -> content
    written: tuple[Path, ...] = ()
    stale: tuple[str, ...] = ()  # with check=True: files that differ from kg/
    quads: int = 0  # in all named graphs
    graphs: int = 0  # named graphs that hold triples
    skipped: tuple = ()  # with skip_unready: a Problem per article left out, and why

    @cached_property
    def dataset(self) -> Dataset:
        """The built graph as an rdflib Dataset, parsed on first use (slow on large corpora)."""
        ds = Dataset()
        ds.parse(data=self.files[TRIG_NAME], format="trig")
        return ds


def load_corpus(seeds: Path) -> Corpus:
    """Read the registry and every annotation file; raise `InputError` listing all problems."""
    problems = seeds_problems(seeds)
    if not seeds.is_dir():
        raise InputError(problems)
    registry = load_registry(seeds / "registry")
    articles_dir = seeds / "articles"
    loaded: list[AnnotatedArticle] = []
    for path in annotation_files(seeds):
        try:
            loaded.append(load_annotations(path, articles_dir, registry))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return Corpus(registry=registry, articles=tuple(loaded))


def build(
    seeds: Path,
    out: Path | None = None,
    check: bool = False,
    progress=None,
    skip_unready: bool = False,
    keep_store: bool = True,
) -> BuildResult:
    """Build from `seeds`; write into `out` (atomically), or with `check` compare instead.

    Articles are loaded, mapped, validated and reasoned one by one, in parallel, and cached by
    content hash (see `parley.builder.pipeline`). Every input problem is reported before kg/
    is touched; writing then holds the lock of `out` (`kg/.parley.lock`) until the
    end: a second build into the same folder fails at once with `UsageError` instead of
    interleaving its files. kg/'s files change as one (`model.kgcommit`); a disk that is full
    or read-only is a one-line `UsageError`, and kg/ is left as it was.
    `progress` is a `parley.model.progress` reporter (default: silent). With `skip_unready`,
    articles without an annotation file and draft annotation files are left out (listed in
    `BuildResult.skipped`) instead of failing the build. Without `keep_store`, no Oxigraph
    store is kept for `parley query` (an earlier one is removed): kg/'s files only, for a
    corpus kept in an external triplestore.
    """
    from parley.builder.combine import build_kg  # lazy: `parley query` starts without the build

    lock = partial(kg_lock, stale=KG_FILES)
    try:
        built = build_kg(
            seeds,
            out,
            check,
            progress=progress,
            lock=lock,
            skip_unready=skip_unready,
            keep_store=keep_store,
        )
    except OSError as exc:
        raise disk_error(exc, f"{out or 'kg'}/ is unchanged") from None
    files = Files(built.files)
    result = dict(files=files, quads=built.quads, graphs=built.graphs, skipped=built.skipped)
    if out is None:
        return BuildResult(**result)
    if check:
        return BuildResult(**result, stale=built.stale)
    return BuildResult(**result, written=tuple(out / name for name in files))
