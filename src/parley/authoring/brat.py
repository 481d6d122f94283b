"""Import brat standoff annotations (`.txt` + `.ann`: T, R, E, A, N lines) into Parley's
annotation format, driven by a mapping file (see docs/brat.md)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from parley.authoring.bratann import parse_ann
from parley.authoring.bratconvert import convert_document
from parley.authoring.bratmapping import Mapping, load_mapping
from parley.model.errors import InputError, Problem
from parley.model.kgio import write_atomic
from parley.model.records import Registry
from parley.seeds.annotations import load_annotations
from parley.seeds.checks import SLUG
from parley.seeds.registry import load_registry
from parley.seeds.seedfile import read_seed, try_read_seed


@dataclass(frozen=True)
class ImportResult:
    files: dict[str, str]  # article id -> annotation YAML
    written: tuple[Path, ...]


def import_folder(
    folder: Path, mapping_path: Path, seeds: Path, force: bool = False, write: bool = True
) -> ImportResult:
    """Convert every `*.ann` (with its `.txt`) in `folder` into `seeds/annotations/ID.yaml`,
    copying the text to `seeds/articles/ID.txt`. All files are checked with the real loader
    before anything is written; existing files are kept unless `force`."""
    if not folder.is_dir():
        raise InputError(Problem(str(folder), None, "brat folder not found", "pass a folder"))
    mapping = load_mapping(mapping_path)
    registry = load_registry(seeds / "registry")
    outputs, problems = _convert_folder(folder, mapping, registry)
    if not outputs and not problems:
        problems.append(Problem(str(folder), None, "no .ann files", "export from brat first"))
    if problems:
        raise InputError(problems)
    problems += _check_with_loader(outputs, registry)
    for ident in outputs:
        target = seeds / "annotations" / f"{ident}.yaml"
        if target.exists() and not force:
            problems.append(
                Problem(
                    str(target),
                    None,
                    "exists already",
                    "move it away, or pass --force to replace it",
                )
            )
    if problems:
        raise InputError(problems)
    written = _write(outputs, seeds) if write else []
    return ImportResult(files={k: v[0] for k, v in outputs.items()}, written=tuple(written))


def _convert_folder(
    folder: Path, mapping: Mapping, registry: Registry
) -> tuple[dict[str, tuple[str, bytes]], list[Problem]]:
    """(article id -> (annotation YAML, its .txt's bytes), problems) for the `*.ann` files;
    the files are read as seed files are (regular files only, size-capped, never blocking)."""
    problems: list[Problem] = []
    outputs: dict[str, tuple[str, bytes]] = {}
    for ann_path in sorted(folder.glob("*.ann")):
        ident = ann_path.stem
        txt = ann_path.with_suffix(".txt")
        if not SLUG.match(ident):
            problems.append(
                Problem(
                    str(ann_path),
                    None,
                    f"'{ident}' is not an article id",
                    "rename the .txt/.ann pair to a lower-case slug",
                )
            )
            continue
        if not txt.exists():
            problems.append(
                Problem(str(ann_path), None, "no .txt beside the .ann", f"add {txt.name}")
            )
            continue
        try:
            data = read_seed(txt)
            ann = parse_ann(ann_path, data.decode("utf-8"))
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        except UnicodeDecodeError:
            problems.append(Problem(str(txt), None, "not valid UTF-8", "save it as UTF-8"))
            continue
        doc, found = convert_document(ann, mapping, registry, ident)
        problems.extend(found)
        body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
        outputs[ident] = (f"# imported from brat: {ann_path.name}\n" + body, data)
    return outputs, problems


def _check_with_loader(outputs, registry) -> list[Problem]:
    """Load each converted file with the real loader (in a scratch folder)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "articles").mkdir()
        for ident, (body, text) in outputs.items():
            (root / "articles" / f"{ident}.txt").write_bytes(text)
            path = root / f"{ident}.yaml"
            path.write_text(body, encoding="utf-8")
            try:
                load_annotations(path, root / "articles", registry)
            except InputError as exc:
                for p in exc.problems:
                    problems.append(Problem(f"{ident}.yaml (converted)", p.line, p.message, p.hint))
    return problems


def _write(outputs: dict[str, tuple[str, bytes]], seeds: Path) -> list[Path]:
    """Write each annotation file, and its article text unless the same text is there."""
    written: list[Path] = []
    for ident, (body, text) in outputs.items():
        article = seeds / "articles" / f"{ident}.txt"
        if try_read_seed(article, seeds) != text:  # None: none there, or refused
            write_atomic(article, text)
            written.append(article)
        target = seeds / "annotations" / f"{ident}.yaml"
        write_atomic(target, body.encode("utf-8"))
        written.append(target)
    return written
