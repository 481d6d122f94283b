"""The JSON Schemas in schemas/: seed files validate, and enums cannot drift from model.py."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from parley.model import records as model
from parley.seeds import (
    annotation_context,
    annotation_entries,
    annotation_sources,
    annotations,
    checks,
    registry,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).parent / "data" / "annotations"


def load_schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def as_json(value):
    """YAML data as an editor sees it: unquoted dates are ISO strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def read(path: Path):
    return as_json(yaml.safe_load(path.read_text(encoding="utf-8")))


def errors(name: str, data) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator(name).iter_errors(data)
    ]


REPRINT = Path(__file__).parent / "data" / "reprint" / "annotations" / "001-reprint.yaml"
ANNOTATION_FILES = [
    *sorted((SEEDS / "annotations").glob("*.yaml")),
    FIXTURES / "annotations" / "001-tiny.yaml",
    REPRINT,
]
REGISTRY_FILES = sorted((SEEDS / "registry").glob("*.yaml")) + sorted(
    (FIXTURES / "registry").glob("*.yaml")
)


@pytest.mark.parametrize("path", ANNOTATION_FILES, ids=lambda p: p.name)
def test_annotation_file_validates(path):
    problems = errors("annotations.schema.json", read(path))
    assert not problems, f"{path} does not match schemas/annotations.schema.json — fix:\n" + (
        "\n".join(problems)
    )


@pytest.mark.parametrize("path", REGISTRY_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_registry_file_validates(path):
    problems = errors("registry.schema.json", read(path))
    assert not problems, f"{path} does not match schemas/registry.schema.json — fix:\n" + (
        "\n".join(problems)
    )


def test_all_seed_annotation_files_are_covered():
    assert len(list((SEEDS / "annotations").glob("*.yaml"))) >= 4


# --- the schema rejects what the loader rejects (so the validation tests can fail) ------------


def tiny() -> dict:
    return read(FIXTURES / "annotations" / "001-tiny.yaml")


def reprint() -> dict:
    return read(REPRINT)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["meetings"][0]["participants"][0].update(role="leader"), "role"),
        (lambda d: d["statements"][0].update(kind="threaten"), "kind"),
        (lambda d: d["statements"][0].update(speeker="x"), "speeker"),
        (lambda d: d["claims"][0].update(value="twenty-seven"), "value"),
        (lambda d: d["claims"][1].update(value="ministerial"), "value"),
        (lambda d: d["claims"][0].update(qualifier="roughly"), "qualifier"),
        (lambda d: d["article"].update(sha256="ABC"), "sha256"),
        (lambda d: d["article"].update(date="28 May 2007"), "date"),
        (lambda d: d["article"].pop("outlet_evidence"), "outlet_evidence"),
        (lambda d: d["article"].pop("date_note"), "date_note"),
        (lambda d: d["meetings"][0]["date"].pop("text"), "text"),
        (lambda d: d["meetings"][0].update(event="Round 1"), "event"),
        (lambda d: d["statements"][1]["quote"].update(occurrence=0), "occurrence"),
        (lambda d: d["mentions"].update({"anna-smith": []}), "anna-smith"),
        (lambda d: d.update(format="parley-annotations/2"), "format"),
    ],
)
def test_annotation_schema_rejects(change, where):
    data = tiny()
    assert not errors("annotations.schema.json", data)
    change(data)
    found = errors("annotations.schema.json", data)
    assert found and any(where in e for e in found), found


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["meetings"][0]["duration"].update(value="four hours"), "duration/value"),
        (lambda d: d["meetings"][0]["duration"].update(value="P1W"), "duration/value"),
        (lambda d: d["meetings"][0]["duration"].pop("text"), "duration"),
        (lambda d: d["offices"][1].update(status="retired"), "status"),
        (lambda d: d["offices"][1]["start"].update(value="spring 2015"), "start/value"),
        (lambda d: d["offices"][1]["end"].pop("text"), "end"),
        (lambda d: d["claims"][0].update(value=98), "value"),
        (lambda d: d["claims"][0].update(value="1998"), "value"),
        (lambda d: d["article"]["found_at"].pop("evidence"), "found_at"),
        (lambda d: d["article"]["found_at"].update(site="Strelsau Herald"), "found_at/site"),
        (lambda d: d["article"]["original"].update(outlet="Test Wire"), "original/outlet"),
        (lambda d: d["article"]["original"].update(when="March 5"), "original"),
    ],
)
def test_annotation_schema_rejects_bad_new_fields(change, where):
    """found_at, original, duration, office status/start/end and first-since-year."""
    data = reprint()
    assert not errors("annotations.schema.json", data)
    change(data)
    found = errors("annotations.schema.json", data)
    assert found and any(where in e for e in found), found


@pytest.mark.parametrize(
    ("section", "entry"),
    [
        ("peoples", {"id": "x", "label": "X"}),
        ("people", {"id": "x"}),
        ("people", {"id": "X Y", "label": "X"}),
        ("people", {"id": "x", "label": "X", "office": "ambassador"}),
        ("states", {"id": "x", "label": "X", "wikidata": {"id": "794", "verified": "checked"}}),
        ("places", {"id": "x", "label": "X", "kind": "town"}),
        ("posts", {"id": "x", "label": "X"}),
        ("posts", {"id": "x", "label": "X", "office": "king"}),
        ("posts", {"id": "x", "label": "X", "office": "director", "holders": [{"person": "y"}]}),
        ("meetings", {"id": "x", "label": "X", "round": 0}),
        ("meetings", {"id": "x", "label": "X", "date": "2007-05"}),
    ],
)
def test_registry_schema_rejects(section, entry):
    assert errors("registry.schema.json", {section: [entry]})


def test_registry_schema_accepts_partial_dates():
    post = {"id": "x", "label": "X", "office": "director"}
    post["holders"] = [
        {"person": "y", "start": "2006-05", "end": 2010, "source": "s"},
        {"person": "z", "start": "2007-03-29", "end": None, "source": "s"},
    ]
    assert not errors("registry.schema.json", {"posts": [post]})


# --- no drift: enums and field names equal those of the code ---------------------------------


def test_annotation_enums_equal_model():
    defs = load_schema("annotations.schema.json")["$defs"]
    assert tuple(defs["participant"]["properties"]["role"]["enum"]) == model.ROLES
    assert tuple(defs["statement"]["properties"]["kind"]["enum"]) == model.STATEMENT_KINDS
    assert tuple(defs["dateBasis"]["enum"]) == model.DATE_BASES
    qualifier = defs["claim"]["properties"]["qualifier"]["anyOf"][0]["enum"]
    assert tuple(qualifier) == model.QUALIFIERS
    assert tuple(defs["claim"]["properties"]["property"]["enum"]) == tuple(model.CLAIM_PROPERTIES)
    assert tuple(defs["office"]["properties"]["status"]["enum"]) == model.HOLDING_STATUSES
    duration_qualifier = defs["durationValue"]["properties"]["qualifier"]["anyOf"][0]["enum"]
    assert tuple(duration_qualifier) == model.QUALIFIERS


def test_claim_value_types_equal_model():
    defs = load_schema("annotations.schema.json")["$defs"]
    expected = {
        "integer": {"type": "integer", "minimum": 0},
        "ref": {"$ref": "#/$defs/id"},
        "level": {"enum": list(model.LEVELS)},
        "year": {"type": "integer", "minimum": 1000, "maximum": 9999},
    }
    by_property = {
        rule["if"]["properties"]["property"]["const"]: rule["then"]["properties"]["value"]
        for rule in defs["claim"]["allOf"]
    }
    assert by_property == {p: expected[k] for p, k in model.CLAIM_PROPERTIES.items()}


def test_annotation_top_level_keys_equal_loader():
    schema = load_schema("annotations.schema.json")
    assert tuple(schema["properties"]) == annotations.TOP_KEYS
    assert schema["properties"]["format"]["const"] == annotations.FORMAT
    assert set(schema["required"]) == {"format", "article"}


def test_patterns_equal_checks():
    ann = load_schema("annotations.schema.json")["$defs"]
    reg = load_schema("registry.schema.json")["$defs"]
    assert ann["id"]["pattern"] == checks.SLUG.pattern == reg["id"]["pattern"]
    assert reg["common"]["properties"]["wikidata"]["properties"]["id"]["pattern"] == (
        checks.QID.pattern
    )
    assert {"type": "string", "pattern": checks.PARTIAL_DATE.pattern} in reg["partialDate"]["anyOf"]
    assert {"type": "string", "pattern": checks.PARTIAL_DATE.pattern} in ann["partialDate"]["anyOf"]
    assert ann["duration"]["pattern"] == checks.DURATION.pattern


def test_registry_sections_and_fields_equal_loader():
    schema = load_schema("registry.schema.json")
    defs = schema["$defs"]
    assert set(schema["properties"]) == set(registry.REGISTRY_SECTIONS)
    assert tuple(defs["common"]["properties"]) == registry.COMMON
    for section, (kind, fields) in registry.REGISTRY_SECTIONS.items():
        ref = schema["properties"][section]["items"]["$ref"]
        assert ref == f"#/$defs/{kind}", section
        entry = defs[kind]
        assert set(entry.get("properties", {})) == set(fields), kind
        assert entry["unevaluatedProperties"] is False
        assert set(entry.get("required", ())) == set(registry.REQUIRED.get(kind, ())), kind
        for name, spec in fields.items():
            if isinstance(spec, tuple):
                enum = entry["properties"][name]
                enum = enum.get("enum") or enum["anyOf"][0]["enum"]
                assert tuple(enum) == spec, f"{kind}.{name}"


def test_registry_enums_equal_model():
    defs = load_schema("registry.schema.json")["$defs"]
    assert tuple(defs["post"]["properties"]["office"]["enum"]) == model.OFFICES
    kinds = defs["organisation"]["properties"]["kind"]["anyOf"][0]["enum"]
    assert tuple(kinds) == model.ORGANISATION_KINDS
    assert tuple(defs["place"]["properties"]["kind"]["anyOf"][0]["enum"]) == model.PLACE_KINDS


# the loader names allowed keys in calls `check.keys(node, what, (required…), (optional…))`:
# read them from the source, so that a key added to the loader must be added to the schema
ANNOTATION_OBJECTS = {
    "quote_spec": ("evidence", None),
    "date_value": ("dateValue", None),
    "partial_date_value": ("partialDateValue", None),
    "duration_value": ("durationValue", None),
    "attr_ref": ("reference", None),
    "read_found_at": ("foundAt", None),
    "read_original": ("original", None),
    "_article": ("article", None),
    "_furniture": ("article", "furniture"),
    "read_meeting": ("meeting", None),
    "_participant": ("participant", None),
    "read_statement": ("statement", None),
    "read_office": ("office", None),
    "read_claim": ("claim", None),
}
REGISTRY_OBJECTS = {"_entity": None, "_wikidata": "wikidata", "_holders": "holders"}


def loader_keys(module) -> dict[str, tuple[set[str], set[str]]]:
    """{function name: (required keys, optional keys)} from the literal `keys(...)` calls."""
    tree = ast.parse(inspect.getsource(module))
    found = {}
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        for call in ast.walk(func):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "keys"
                and len(call.args) == 4
            ):
                try:
                    required = set(ast.literal_eval(call.args[2]))
                    optional = set(ast.literal_eval(call.args[3]))
                except ValueError:
                    continue
                found[func.name] = (required, optional)
    return found


def _object_schema(defs: dict, name: str, sub: str | None) -> dict:
    schema = defs[name]
    if sub == "furniture":
        schema = schema["properties"]["furniture"]["items"]
    if "oneOf" in schema:  # evidence: the mapping form
        schema = next(s for s in schema["oneOf"] if s.get("type") == "object")
    return schema


def test_annotation_object_keys_equal_loader():
    defs = load_schema("annotations.schema.json")["$defs"]
    keys = {
        name: found
        for module in (annotation_context, annotations, annotation_entries, annotation_sources)
        for name, found in loader_keys(module).items()
    }
    assert set(keys) == set(ANNOTATION_OBJECTS), "a loader function checks keys: map it here"
    for func, (name, sub) in ANNOTATION_OBJECTS.items():
        required, optional = keys[func]
        schema = _object_schema(defs, name, sub)
        assert set(schema["properties"]) == required | optional, f"{func} vs $defs/{name}"
        assert set(schema["required"]) == required, f"{func} vs $defs/{name}"
        assert schema["additionalProperties"] is False


def test_registry_object_keys_equal_loader():
    defs = load_schema("registry.schema.json")["$defs"]
    keys = loader_keys(registry)
    assert set(keys) == set(REGISTRY_OBJECTS) - {"_entity"}  # _entity's keys are computed
    common = defs["common"]["properties"]
    schemas = {
        "_wikidata": common["wikidata"],
        "_holders": defs["post"]["properties"]["holders"]["items"],
    }
    for func, schema in schemas.items():
        required, optional = keys[func]
        assert set(schema["properties"]) == required | optional, func
        assert set(schema["required"]) == required, func
        assert schema["additionalProperties"] is False
