"""The data graph indexed (subject -> predicate -> objects) for the compiled SHACL validator."""

from __future__ import annotations

from collections import defaultdict

from rdflib import RDF, RDFS, Literal, URIRef

from parley.validate.compiled_shapes import Shape

_RDF_TYPE = RDF.type


class Data:
    """An index of triples: subject -> predicate -> objects; classes with their subclasses.

    With a `base` (say the ontology and the registry, indexed once), lookups see both, and
    `targets` (with `own_only`) selects focus nodes typed (or subjects) in this layer only.
    """

    def __init__(self, triples, base: Data | None = None):
        self.base = base
        self.out: dict = defaultdict(lambda: defaultdict(list))
        self.instances: dict = defaultdict(set)
        subclass: dict = defaultdict(set)
        seen = set()
        unique = isinstance(triples, set | frozenset)  # no duplicates to skip
        type_, sub = str(RDF.type), str(RDFS.subClassOf)
        out, instances = self.out, self.instances
        for t in triples:
            if unique:
                if base is not None and base.has(t):
                    continue
            elif t in seen or (base is not None and base.has(t)):
                continue
            else:
                seen.add(t)
            s, p, o = t
            out[s][p].append(o)
            if type(p) is URIRef:  # rdflib's `==` on URIRefs, without its cost
                if str.__eq__(p, type_):
                    instances[o].add(s)
                elif str.__eq__(p, sub):
                    subclass[o].add(s)
        self.subclasses = subclass
        self._closure: dict = {}
        self._instance: dict = {}

    def has(self, t) -> bool:
        node = self.out.get(t[0])
        if node is not None and t[2] in node.get(t[1], ()):
            return True
        return self.base is not None and self.base.has(t)

    def objects(self, s, p) -> list:
        node = self.out.get(s)
        mine = node.get(p, []) if node else []
        if self.base is None:
            return mine
        theirs = self.base.objects(s, p)
        if not theirs:
            return mine
        return theirs + mine if mine else theirs

    def subclasses_of(self, c) -> set:
        """c and every class below it (rdfs:subClassOf*, in the data)."""
        if c not in self._closure:
            found, todo = {c}, [c]
            while todo:
                current = todo.pop()
                below = set(self.subclasses.get(current, ()))
                if self.base is not None:
                    below |= self.base.subclasses.get(current, set())
                for sub in below:
                    if sub not in found:
                        found.add(sub)
                        todo.append(sub)
            self._closure[c] = found
        return self._closure[c]

    def is_instance(self, node, c) -> bool:
        if isinstance(node, Literal):
            return False
        key = (node, c)
        found = self._instance.get(key)
        if found is None:
            types = self.objects(node, _RDF_TYPE)
            found = self._instance[key] = bool(types) and not self.subclasses_of(c).isdisjoint(
                types
            )
        return found

    def targets(self, shape: Shape, own_only: bool = False) -> set:
        found = set()
        layers = [self] if own_only or self.base is None else [self, self.base]
        for layer in layers:
            for c in shape.targets_class:
                for sub in self.subclasses_of(c):
                    found.update(layer.instances.get(sub, ()))
            for p in shape.targets_subjects_of:
                found.update(s for s, props in layer.out.items() if p in props)
        return found
