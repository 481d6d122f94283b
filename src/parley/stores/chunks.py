"""The requests of `parley load`, cut from the quads as they are read from disk.

`Cutter.cut` turns the stream of quads (`model.layout.QuadStream`, in file order) into
`Unit`s of at most `batch` triples each, holding only the unit being filled: memory does not
grow with the corpus. A unit is one request's worth: with `one_graph` (the Graph Store
Protocol) one part of one graph, sent by PUT when it is the graph's first part (replacing the
store's copy) and by POST after it; else (Oxigraph's bulk path) consecutive parts of any
graphs, sent as one N-Quads POST after the graphs whose first part it holds are dropped.

The same files and options always give the same units, so an interrupted load can skip the
units it had done (`--resume`); every unit can be sent twice without changing the result.

Blank nodes: a blank node label names one node only within one request, and adding a triple
with a blank node twice adds it twice. So a graph's triples with blank nodes are held back
while its triples are read; when the graph ends within the unit where it started (the
ontology: the only graph of Parley's with blank nodes), the whole graph becomes a unit of its
own, sent by PUT. Otherwise (a graph with blank nodes larger than a batch, or named again
after another graph) it is listed in `whole`, and `wholes` reads the files again for those
graphs alone and sends each by PUT (every triple with a blank node in it) and POSTs; memory
then grows with that graph, never with the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox


@dataclass(eq=False)  # parts are told apart by identity
class Part:
    """Quads of one graph; `first`: the graph's first part, which replaces the store's copy."""

    graph: str
    quads: list[ox.Quad]
    first: bool


@dataclass
class Unit:
    """One request's worth of parts; `whole`: a graph with blank nodes, sent on its own."""

    parts: list[Part]
    whole: bool = False

    @property
    def size(self) -> int:
        return sum(len(part.quads) for part in self.parts)


@dataclass
class Cutter:
    batch: int
    one_graph: bool
    counts: dict[str, int] = field(default_factory=dict)  # triples per graph, as read
    whole: set[str] = field(default_factory=set)  # graphs with blank nodes over several units
    _parts: list[Part] = field(default_factory=list)  # the unit being filled
    _size: int = 0
    _graph: str = ""  # the graph being read
    _part: Part | None = None  # its part in the unit being filled
    _began: bool = False  # whether that graph's first triple is in the unit being filled
    _blank: list[ox.Quad] = field(default_factory=list)  # its triples with blank nodes

    def __post_init__(self):
        if self.batch < 1:
            raise ValueError("batch must be at least 1")

    def cut(self, quads: Iterable[ox.Quad]) -> Iterator[Unit]:
        """The units of the quads, in order (each yielded as soon as it is full)."""
        node = None  # the graph name of the quads being read
        count = 0  # triples read of that graph since it was named
        blank, quoted = ox.BlankNode, ox.Triple
        for quad in quads:
            name = quad.graph_name
            if name != node:
                yield from self._end_graph(count)
                node, count = name, 0
                yield from self._start_graph(name.value)
            count += 1
            subject, object_ = type(quad.subject), type(quad.object)
            if (
                subject is blank
                or object_ is blank
                or ((subject is quoted or object_ is quoted) and has_blank_node(quad))
            ):
                self._blank.append(quad)
                continue
            part = self._part or self._new_part()
            part.quads.append(quad)
            self._size += 1
            if self._size >= self.batch:
                yield self._flush()
        yield from self._end_graph(count)
        if self._parts:
            yield self._flush()

    def _start_graph(self, graph: str) -> Iterator[Unit]:
        if self.one_graph and self._parts:
            yield self._flush()
        self._graph = graph
        self._began = graph not in self.counts
        self.counts.setdefault(graph, 0)
        self._part = None
        if self._began:
            self._new_part()

    def _new_part(self) -> Part:
        self._part = Part(self._graph, [], first=self._began)
        self._parts.append(self._part)
        return self._part

    def _end_graph(self, count: int) -> Iterator[Unit]:
        """A graph's quads have been read (until another graph is named)."""
        if not self._graph:
            return
        self.counts[self._graph] += count
        if not self._blank:
            return
        if self._began:  # the whole graph is in the unit being filled: take it out, PUT it
            part = self._part
            self._parts = [other for other in self._parts if other is not part]
            self._size -= len(part.quads)
            quads = list(dict.fromkeys(part.quads + self._blank))  # a triple stated twice: once
            self.counts[self._graph] = len(quads)
            yield Unit([Part(self._graph, quads, first=True)], whole=True)
            self._part = None
        else:
            self.whole.add(self._graph)
        self._blank = []

    def wholes(self, quads: Iterable[ox.Quad]) -> Iterator[Unit]:
        """Units that send each graph of `whole` whole, read again from `quads`: a PUT with
        every triple that has a blank node, then POSTs of ground triples (see `batches`)."""
        found: dict[str, set[ox.Quad]] = {graph: set() for graph in self.whole}
        if found:
            for quad in quads:
                held = found.get(quad.graph_name.value)
                if held is not None:
                    held.add(quad)
        for graph in sorted(found):
            held = sorted(found.pop(graph), key=str)
            self.counts[graph] = len(held)
            for index, part in enumerate(batches(held, self.batch)):
                yield Unit([Part(graph, part, first=index == 0)], whole=True)

    def _flush(self) -> Unit:
        unit = Unit([part for part in self._parts if part.quads])
        self._parts, self._size, self._part, self._began = [], 0, None, False
        return unit


def batches(triples: list, batch: int) -> list[list]:
    """The requests for one graph (triples or quads): every one with a blank node goes in
    the first (a blank node label means the same node only within one request), then the
    ground ones in batches of `batch`. The first batch may be larger than `batch`; there is
    always one."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    blank = [t for t in triples if has_blank_node(t)]
    ground = [t for t in triples if not has_blank_node(t)]
    split = max(0, batch - len(blank))
    first, rest = blank + ground[:split], ground[split:]
    return [first] + [rest[start : start + batch] for start in range(0, len(rest), batch)]


def has_blank_node(triple) -> bool:
    """Whether a triple or quad has a blank node (in a quoted triple too)."""
    return any(
        isinstance(term, ox.BlankNode) or (isinstance(term, ox.Triple) and has_blank_node(term))
        for term in (triple.subject, triple.object)
    )
