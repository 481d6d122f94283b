"""The brat mapping file: which brat types and attributes mean which Parley annotations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from parley.authoring.mentions import MENTION_KINDS
from parley.model.errors import InputError, Problem
from parley.model.records import ROLES, STATEMENT_KINDS
from parley.seeds.yamlfile import read_yaml

MAPPING_FORMAT = "parley-brat-mapping/1"


@dataclass
class Mapping:
    entities: dict[str, str]  # T type -> registry kind
    normalisation: dict[str, str]  # N database name -> "registry" | "wikidata"
    meetings: dict[str, dict[str, str]]  # E type -> {argument role -> participant role}
    statements: dict[str, dict]  # E or R type -> {speaker, quote, target, kind, paraphrase}
    acts_for: set[str]  # R types: Arg1 person acts for Arg2 party
    kind_attribute: str
    paraphrase_attribute: str
    role_attribute: str
    documents: dict[str, dict]


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; raise `InputError` for unknown kinds and roles."""
    shown = str(path)
    root = read_yaml(path, shown)
    if not isinstance(root, dict) or root.get("format") != MAPPING_FORMAT:
        raise InputError(
            Problem(
                shown, 1, "not a brat mapping file", f"start it with `format: {MAPPING_FORMAT}`"
            )
        )
    problems = []

    def unknown(section: str, where: str, what: str, value, allowed: Sequence[str]) -> None:
        if value not in allowed:
            line = root.line_of(section) if hasattr(root, "line_of") else 1
            problems.append(
                Problem(
                    shown,
                    line,
                    f"{where}: unknown {what} '{value}'",
                    f"use one of {', '.join(allowed)}",
                )
            )

    entities = dict(root.get("entities") or {})
    for t, kind in entities.items():
        unknown("entities", f"entities.{t}", "kind", kind, MENTION_KINDS)
    meetings = {}
    for e, spec in (root.get("meetings") or {}).items():
        roles = dict((spec or {}).get("roles") or {})
        for arg, role in roles.items():
            unknown("meetings", f"meetings.{e}.roles.{arg}", "role", role, ROLES)
        meetings[e] = roles
    statements = {}
    for e, spec in (root.get("statements") or {}).items():
        statements[e] = _statement_spec(dict(spec or {}))
        unknown(
            "statements", f"statements.{e}.kind", "kind", statements[e]["kind"], STATEMENT_KINDS
        )
    if problems:
        raise InputError(problems)
    return Mapping(
        entities=entities,
        normalisation=dict(root.get("normalisation") or {"Parley": "registry"}),
        meetings=meetings,
        statements=statements,
        acts_for=set(root.get("acts_for") or []),
        kind_attribute=str(root.get("kind_attribute", "Kind")),
        paraphrase_attribute=str(root.get("paraphrase_attribute", "Paraphrase")),
        role_attribute=str(root.get("role_attribute", "Role")),
        documents={str(k): dict(v or {}) for k, v in (root.get("documents") or {}).items()},
    )


def _statement_spec(spec: dict) -> dict:
    """A statement type's argument roles, kind and paraphrase flag, with their defaults."""
    return {
        "speaker": spec.get("speaker", "Speaker"),
        "quote": spec.get("quote", "Quote"),
        "target": spec.get("target", "Target"),
        "kind": spec.get("kind", "make-statement"),
        "paraphrase": bool(spec.get("paraphrase", False)),
    }
