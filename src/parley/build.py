"""Build the knowledge graph from a seeds folder: load, check, map, serialise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset

from .annotations import load_annotations
from .errors import InputError, Problem
from .kgio import trig_bytes, write_atomic
from .mapper import map_corpus
from .model import AnnotatedArticle, Registry
from .reason import INFERRED_NAME, infer
from .registry import load_registry

TRIG_NAME = "parley.trig"


@dataclass(frozen=True)
class Corpus:
    registry: Registry
    articles: tuple[AnnotatedArticle, ...]


@dataclass(frozen=True)
class BuildResult:
    dataset: Dataset
    files: dict[str, bytes]  # file name in kg/ -> content
    written: tuple[Path, ...] = ()
    stale: tuple[str, ...] = ()  # with check=True: files that differ from kg/


def load_corpus(seeds: Path) -> Corpus:
    """Read the registry and every annotation file; raise `InputError` listing all problems."""
    if not seeds.is_dir():
        raise InputError(
            Problem(
                str(seeds),
                None,
                "seeds folder not found",
                "pass --seeds DIR with articles/, annotations/ and registry/",
            )
        )
    registry = load_registry(seeds / "registry")
    articles_dir = seeds / "articles"
    problems: list[Problem] = []
    loaded: list[AnnotatedArticle] = []
    annotation_files = sorted((seeds / "annotations").glob("*.yaml"))
    annotated = {p.stem for p in annotation_files}
    for text in sorted(articles_dir.glob("*.txt")):
        if text.stem not in annotated:
            problems.append(
                Problem(
                    str(text),
                    None,
                    "article has no annotation file",
                    f"write {seeds / 'annotations' / (text.stem + '.yaml')}",
                )
            )
    for path in annotation_files:
        try:
            loaded.append(load_annotations(path, articles_dir, registry))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return Corpus(registry=registry, articles=tuple(loaded))


def build(seeds: Path, out: Path | None = None, check: bool = False) -> BuildResult:
    """Build from `seeds`; write into `out` (atomically), or with `check` compare instead."""
    corpus = load_corpus(seeds)
    dataset = map_corpus(corpus.registry, list(corpus.articles))
    files = {TRIG_NAME: trig_bytes(dataset), INFERRED_NAME: infer(dataset).data}
    if out is None:
        return BuildResult(dataset=dataset, files=files)
    if check:
        stale = tuple(name for name, data in files.items() if _read(out / name) != data)
        return BuildResult(dataset=dataset, files=files, stale=stale)
    written = []
    for name, data in files.items():
        if _read(out / name) != data:
            write_atomic(out / name, data)
        written.append(out / name)
    return BuildResult(dataset=dataset, files=files, written=tuple(written))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
