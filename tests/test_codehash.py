"""Cache keys hash whole sub-packages: a module added, edited or removed changes them."""

from __future__ import annotations

from pathlib import Path

from parley.builder.caches import CODE_PACKAGES
from parley.model.codehash import tree_digest
from parley.model.layout import package_root
from parley.query.answers import ANSWER_PACKAGES


def _tree(root: Path) -> Path:
    (root / "build").mkdir(parents=True)
    (root / "build" / "plan.py").write_text("X = 1\n")
    (root / "data").mkdir()
    (root / "data" / "shapes.ttl").write_text("# shapes\n")
    return root


def test_a_new_module_in_a_sub_package_changes_the_key(tmp_path):
    root = _tree(tmp_path)
    before = tree_digest(("build",), data=("data",), root=root)
    (root / "build" / "new_stage.py").write_text("Y = 2\n")
    assert tree_digest(("build",), data=("data",), root=root) != before


def test_edits_renames_and_data_change_the_key_and_other_files_do_not(tmp_path):
    root = _tree(tmp_path)
    key = tree_digest(("build",), data=("data",), root=root)
    (root / "build" / "notes.txt").write_text("not code\n")
    assert tree_digest(("build",), data=("data",), root=root) == key
    (root / "build" / "plan.py").write_text("X = 2\n")
    edited = tree_digest(("build",), data=("data",), root=root)
    assert edited != key
    (root / "build" / "plan.py").rename(root / "build" / "stages.py")
    assert tree_digest(("build",), data=("data",), root=root) != edited
    (root / "data" / "shapes.ttl").write_text("# other shapes\n")
    assert tree_digest(("build",), root=root) != tree_digest(("build",), ("data",), root=root)


def test_engine_versions_are_part_of_the_key(tmp_path):
    root = _tree(tmp_path)
    assert tree_digest(("build",), engines=("rdflib",), root=root) != tree_digest(
        ("build",), root=root
    )


def test_the_keys_name_existing_sub_packages():
    for name in (*CODE_PACKAGES, *ANSWER_PACKAGES):
        assert (package_root() / name / "__init__.py").is_file(), f"{name}: no such sub-package"
