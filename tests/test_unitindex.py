"""The kg index: what it trusts and when it refuses."""

from __future__ import annotations

import os
import time

from parley.builder.unitindex import Index, Splicer, load_index, save_index, stat_of


def test_a_file_changed_just_now_is_not_trusted_by_its_stat(tmp_path):
    """Like git's racy check: an mtime this recent could be shared by a change still to come."""
    old, new, text = tmp_path / "old.yaml", tmp_path / "new.yaml", tmp_path / "a.txt"
    old.write_text("a", "utf-8")
    new.write_text("b", "utf-8")
    text.write_text("t", "utf-8")
    past = time.time() - 3600
    os.utime(old, (past, past))
    os.utime(text, (past, past))
    index = Index(version="v", registry="r")
    index.record_input("old.yaml", stat_of(old), stat_of(text), "k-old")
    index.record_input("new.yaml", stat_of(new), stat_of(text), "k-new")
    assert index.key_of("old.yaml", stat_of(old), stat_of(text)) == "k-old"
    assert index.key_of("new.yaml", stat_of(new), stat_of(text)) is None
    old.write_text("cc", "utf-8")
    os.utime(old, (past, past))  # same mtime, other size
    assert index.key_of("old.yaml", stat_of(old), stat_of(text)) is None


def test_a_link_or_a_missing_file_is_never_trusted_by_its_stat(tmp_path):
    """Issue 18: a link is read and checked (seeds.seedfile) on every build; stat_of(link) is
    None, and an input without a stat is neither recorded nor found."""
    old, text = tmp_path / "old.yaml", tmp_path / "a.txt"
    old.write_text("a", "utf-8")
    (tmp_path / "link.yaml").symlink_to(old)
    past = time.time() - 3600
    os.utime(old, (past, past))
    assert stat_of(tmp_path / "link.yaml") is None and stat_of(text) is None
    index = Index(version="v", registry="r")
    index.record_input("old.yaml", stat_of(old), None, "k-old")
    assert index.inputs == {}
    index.inputs["old.yaml"] = (stat_of(old), None, "k-old")  # as an older index had it
    assert index.key_of("old.yaml", stat_of(old), None) is None


def test_an_index_of_another_code_version_or_a_damaged_one_is_ignored(tmp_path):
    path = tmp_path / "units.index"
    save_index(path, Index(version="v1", registry="r"))
    assert load_index(path, "v1") is not None
    assert load_index(path, "v2") is None
    path.write_bytes(path.read_bytes()[:10])
    assert load_index(path, "v1") is None
    assert load_index(tmp_path / "missing", "v1") is None


def test_the_splicer_reads_ranges_only_from_the_file_it_was_told_about(tmp_path):
    kg = tmp_path / "kg"
    kg.mkdir()
    (kg / "a.trig").write_bytes(b"0123456789")

    def stamp(path):
        st = path.stat()
        return [st.st_size, st.st_mtime_ns]

    index = Index(version="v", registry="r", ranges={"a.trig": {"k": (2, 3), "e": (0, 0)}})
    index.stamps = {"a.trig": stamp(kg / "a.trig")}
    splicer = Splicer(kg, index, stamp)
    (kg / "a.trig").unlink()  # replaced after the splicer opened it: still readable
    assert splicer.block("a.trig", "k") == b"234"
    assert splicer.block("a.trig", "e") == b""
    assert splicer.block("a.trig", "other") is None
    splicer.close()
    (kg / "a.trig").write_bytes(b"changed!!!")
    assert Splicer(kg, index, stamp).block("a.trig", "k") is None  # its stamp differs
