"""The synthetic corpus generator of bench/ (its names must not run out at 100,000 articles)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import generate


def test_the_registry_of_100000_articles_is_made_with_unique_names():
    """Regression: 33,333 people used up the two-to-three-syllable surnames and `Names.make`
    looped for ever; names now grow a syllable after repeated collisions."""
    registry = generate.make_registry(random.Random("parley-bench-7-100000"), 100_000)
    ids = [person["id"] for person in registry.people]
    assert len(ids) == 33_333 and len(set(ids)) == len(ids)
    spellings = [s for person in registry.people for s in person["spellings"]]
    assert len(set(spellings)) == len(spellings)


def test_names_grow_only_when_the_short_ones_collide():
    """Short names are drawn first: with few names taken, none is longer than asked."""
    names = generate.Names(random.Random(1))
    made = [names.make((2, 2)) for _ in range(50)]
    longest = max(len(w) for w in generate.SYLLABLES) * 2
    assert all(len(w) <= longest for w in made)
