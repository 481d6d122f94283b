"""Draft an annotation file for a new article: registry mentions (with transliteration
variants), quotations and their speakers, reported speech, dates and meeting triggers.

The draft is marked `draft: true`; the loader refuses it until a person has checked it and
removed that line. See docs/drafting.md for what it finds and how well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parley.model.errors import InputError, Problem, UsageError
from parley.model.records import MONTHS, WEEKDAYS, Entity, Registry
from parley.seeds.annotations import FORMAT
from parley.seeds.quotes import in_any, word_occurrences

MENTION_KINDS = ("person", "state", "organisation", "place")
AGENT_KINDS = ("person", "state", "organisation")
# site furniture: a line equal to one of these starts furniture (to the end, or to `end`)
FURNITURE_MARKERS = {
    "check also": None,
    "latest news": None,
    "most read": None,
    "must read": None,
    "related": None,
    "your views": "Send us your views",
    "source": None,
    "0 comments:": None,
    "post a comment": None,
}
SPEECH_VERBS = (
    r"said|says|told(?: (?:reporters|journalists|state television|[A-Z][\w-]+(?: [A-Z][\w-]+)*))?"
    r"|added|stressed|reiterated|insisted|announced|declared|noted|warned|claimed|saying"
    r"|explained|asserted|acknowledged"
)
SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
PRONOUN = re.compile(r"\b(?:he|she|He|She)\b")
OPEN_QUOTES = '“"'
CLOSE_OF = {"“": "”", '"': '"'}
MIN_QUOTE_WORDS = 5
MONTH_RE = "|".join(MONTHS)
DATE_PATTERNS = (
    ("stated", re.compile(rf"\b(?:{MONTH_RE}) \d{{1,2}}(?:, \d{{4}})?\b")),
    ("stated", re.compile(rf"\b\d{{1,2}} (?:{MONTH_RE})(?: \d{{4}})?\b")),
    ("relative", re.compile(rf"\b(?:on |last )?(?:{'|'.join(WEEKDAYS)})\b")),
    ("relative", re.compile(r"\b(?:[Ee]arlier |[Ll]ater )?today\b|\byesterday\b")),
)
MEETING_TRIGGER = re.compile(r"\b(?:talks|meeting|meetings|met|meet)\b")
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
KIND_CUES = (
    ("accuse", re.compile(r"\baccus\w*|\bblam\w*")),
    ("deny", re.compile(r"\bden(?:y|ied|ies)\b|\bcountered\b")),
    ("demand", re.compile(r"\bdemand\w*|\bmust\b|\bneed to\b")),
    ("request", re.compile(r"\bask(?:ed|s)?\b|\burg\w*|\brequest\w*|\bpressing for\b")),
    ("propose", re.compile(r"\bpropos\w*|\binvitation\b")),
    ("offer", re.compile(r"\boffer\w*")),
    ("agree", re.compile(r"\bagree\w*")),
    ("reject", re.compile(r"\breject\w*")),
    ("express-hope", re.compile(r"\bhop(?:e|ed|es|eful)\b")),
    ("praise", re.compile(r"\bprais\w*|\bwelcom\w*|\bpositive\b")),
    ("criticize", re.compile(r"\bcriticis\w*|\bcriticiz\w*|\bmistakes?\b|\bproblem\b")),
)


# --- transliteration variants -------------------------------------------------------------

# groups of interchangeable spellings in transliterated names (Persian/Arabic into English)
VARIANT_GROUPS = (("ou", "o", "u"), ("ee", "i", "y"), ("-", " "), ("kh", "k"))
MAX_VARIANTS = 64


def transliteration_variants(name: str) -> set[str]:
    """Spellings of `name` that differ by o/u/ou, i/y/ee, hyphen/space or kh/k (bounded).

    Only letters inside words of four or more letters vary ("US" never does); case follows
    the original letter. Variants are only used where they occur in the article.
    """
    pieces: list[tuple[str, ...]] = []
    i = 0
    long_word = _long_word_mask(name)
    while i < len(name):
        for group in VARIANT_GROUPS:
            token = next(
                (t for t in group if name[i : i + len(t)].lower() == t and long_word[i]), None
            )
            if token is not None:
                original = name[i : i + len(token)]
                options = [_same_case(original, t) for t in group]
                pieces.append(tuple(dict.fromkeys([original, *options])))
                i += len(token)
                break
        else:
            pieces.append((name[i],))
            i += 1
    out = set()
    for combo in itertools.islice(itertools.product(*pieces), MAX_VARIANTS * 8):
        out.add("".join(combo))
        if len(out) >= MAX_VARIANTS:
            break
    out.discard(name)
    return out


def _long_word_mask(name: str) -> list[bool]:
    mask = [False] * len(name)
    for m in re.finditer(r"[A-Za-z]{4,}(?:[- ][A-Za-z]+)*", name):
        for k in range(m.start(), m.end()):
            mask[k] = True
    # separators only vary between two name words
    for k, ch in enumerate(name):
        if ch in "- " and not (0 < k < len(name) - 1 and mask[k - 1] and mask[k + 1]):
            mask[k] = False
    return mask


def _same_case(original: str, token: str) -> str:
    if original[:1].isupper():
        return token[:1].upper() + token[1:]
    return token


_POSS = ("'s", "’s")
DEMONYM_GROUP = re.compile(
    r"\b([A-Z][a-z]+) (?:government sources|government|officials|sources|diplomats|"
    r"authorities|ministry|military)\b"
)


def demonyms(registry: Registry) -> dict[str, str]:
    """Adjectives of the registry's states ("Iranian", "Iraqi") -> state id."""
    out = {}
    for state in registry.of_kind("state"):
        label = state.label
        for form in (label + "ian", label + "i", label + "n", label[:-1] + "an"):
            out.setdefault(form, state.id)
    return out


# --- text helpers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A registry entity found in the text."""

    entity: str
    kind: str
    start: int
    end: int
    spelling: str


@dataclass
class Draft:
    """What the drafter found; `to_yaml()` renders the annotation file."""

    article_id: str
    sha256: str
    text: str
    date: dt.date | None
    title: tuple[int, int] | None = None
    outlet: Found | None = None
    furniture: list[tuple[int, int, str | None, str]] = field(default_factory=list)
    mentions: dict[str, list[str]] = field(default_factory=dict)
    variants: dict[str, str] = field(default_factory=dict)  # spelling found -> registry form
    meetings: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split at line breaks and after . ? ! followed by a space and a capital
    or an opening quote."""
    out = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in re.finditer(r"(?<=[.?!])[”\"]?\s+(?=[“\"A-Z\[])", line.group()):
            cut = line.start() + m.start()
            # keep a closing quote with its sentence
            while cut < line.end() and text[cut] in '”"':
                cut += 1
            if cut > start:
                out.append((start, cut))
            start = line.start() + m.end()
        if start < line.end():
            out.append((start, line.end()))
    return out


def evidence(text: str, start: int, end: int, furniture) -> str | dict:
    """An evidence value the loader resolves to exactly [start, end)."""
    quote = text[start:end]
    starts = []
    at = text.find(quote)
    while at != -1:
        if not in_any(at, at + len(quote), furniture):
            starts.append(at)
        at = text.find(quote, at + 1)
    if starts == [start]:
        return quote
    return {"quote": quote, "occurrence": starts.index(start) + 1}


def normalise_date(expr: str, basis: str, article_date: dt.date | None) -> dt.date | None:
    """A date expression ("on Tuesday", "May 28", "earlier today") as a calendar date."""
    if article_date is None:
        return None
    words = expr.replace(",", "").split()
    if basis == "relative":
        low = expr.lower()
        if "today" in low:
            return article_date
        if "yesterday" in low:
            return article_date - dt.timedelta(days=1)
        day = next(w for w in words if w in WEEKDAYS)
        back = (article_date.weekday() - WEEKDAYS.index(day)) % 7
        if words[0] == "last" and back == 0:
            back = 7
        return article_date - dt.timedelta(days=back)
    month = next(MONTHS.index(w) + 1 for w in words if w in MONTHS)
    numbers = [int(w) for w in words if w.isdigit()]
    day = next(n for n in numbers if n <= 31)
    year = next((n for n in numbers if n > 31), article_date.year)
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    if not any(n > 31 for n in numbers) and value > article_date + dt.timedelta(days=7):
        value = value.replace(year=value.year - 1)
    return value


# --- the drafter -----------------------------------------------------------------------------


class Drafter:
    def __init__(self, registry: Registry, text: str, article_date: dt.date | None):
        self.registry = registry
        self.text = text
        self.date = article_date
        self.furniture: list[tuple[int, int, str | None, str]] = []
        self.found: list[Found] = []
        self.variants: dict[str, str] = {}
        self.demonyms = demonyms(registry)

    @property
    def excluded(self) -> list[tuple[int, int]]:
        return [(s, e) for s, e, _, _ in self.furniture]

    def run(self, article_id: str, sha256: str) -> Draft:
        self._furniture()
        self._mentions()
        draft = Draft(article_id, sha256, self.text, self.date, furniture=self.furniture)
        draft.variants = self.variants
        for f in self.found:
            spellings = draft.mentions.setdefault(f.entity, [])
            if f.spelling not in spellings:
                spellings.append(f.spelling)
        draft.title = self._title()
        draft.outlet = next(
            (
                f
                for f in self.found
                if f.kind == "organisation"
                and self.registry.entities[f.entity].attr("kind") == "news-outlet"
            ),
            None,
        )
        draft.statements = self._statements()
        draft.meetings = self._meetings()
        return draft

    # furniture and mentions
    def _furniture(self) -> None:
        for line in re.finditer(r"[^\n]+", self.text):
            key = line.group().strip().lower()
            if key not in FURNITURE_MARKERS:
                continue
            if self.excluded and in_any(line.start(), line.end(), self.excluded):
                continue
            end_quote = FURNITURE_MARKERS[key]
            end = len(self.text)
            if end_quote:
                at = self.text.find(end_quote, line.end())
                if at == -1:
                    continue
                end = at + len(end_quote)
            start = line.start() + (len(line.group()) - len(line.group().lstrip()))
            self.furniture.append((start, end, end_quote, line.group().strip()))

    def _mentions(self) -> None:
        owners: dict[str, set[str]] = {}
        for e in self.registry.entities.values():
            if e.kind not in MENTION_KINDS:
                continue
            for spelling in self._spellings(e):
                owners.setdefault(spelling, set()).add(e.id)
        hits = []
        for spelling, ids in owners.items():
            if len(ids) != 1:
                continue  # shared by two entities: leave it to the annotator
            (entity_id,) = ids
            for s, t in word_occurrences(self.text, spelling):
                if not in_any(s, t, self.excluded):
                    hits.append((s, t, entity_id, spelling))
        kept: list[tuple[int, int, str, str]] = []
        for hit in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0], h[2])):
            if not any(hit[0] < k[1] and k[0] < hit[1] for k in kept):
                kept.append(hit)
        self.found = [
            Found(e, self.registry.entities[e].kind, s, t, sp) for s, t, e, sp in sorted(kept)
        ]

    def _spellings(self, e: Entity) -> list[str]:
        base = list(dict.fromkeys([*e.spellings, e.label]))
        out = list(base)
        for spelling in base:
            if e.kind not in ("person", "place"):
                continue
            for variant in sorted(transliteration_variants(spelling)):
                if variant not in out and variant in self.text:
                    out.append(variant)
                    self.variants[variant] = spelling
        return out

    def _title(self) -> tuple[int, int] | None:
        for s, t in sentences(self.text):
            if self.text[s:t].strip() and not in_any(s, t, self.excluded):
                return s, t
        return None

    def agents_in(self, start: int, end: int, kinds=AGENT_KINDS) -> list[Found]:
        return [f for f in self.found if start <= f.start and f.end <= end and f.kind in kinds]

    def person_before(self, pos: int) -> Found | None:
        people = [f for f in self.found if f.kind == "person" and f.end <= pos]
        return people[-1] if people else None

    def speaker_before(self, s: int, verb: int, nearest: bool) -> tuple[str, int] | None:
        """(speaker, where the attribution starts) for a speech verb at `verb` in the sentence
        starting at `s`: a named person, else a pronoun or role noun ("The president") that
        starts the sentence (the last person named before), else an organisation or state,
        else "Iranian officials" (the state of the demonym)."""
        # a possessive ("Crocker's remarks") is not the speaker
        agents = [a for a in self.agents_in(s, verb) if self.text[a.end : a.end + 2] not in _POSS]
        people = [a for a in agents if a.kind == "person"]
        if people:
            pick = people[-1] if nearest else people[0]
            return pick.entity, pick.start
        head = self.text[s:verb]
        subject = re.match(r"\s*(?:[A-Z][a-z]+ )?(?:He|She|he|she|The [a-z]+|the [a-z]+)\b", head)
        if subject and not agents:
            who = self.person_before(s)
            if who is not None:
                return who.entity, s + subject.start() + len(head) - len(head.lstrip())
        named = [a for a in agents if a.kind != "state"]
        if subject and agents and not named and subject.end() <= agents[0].start - s:
            who = self.person_before(s)
            if who is not None:
                return who.entity, s + len(head) - len(head.lstrip())
        orgs = [a for a in agents if a.kind == "organisation"] or agents
        if orgs:
            return orgs[0].entity, orgs[0].start
        for m in DEMONYM_GROUP.finditer(head):
            state = self.demonyms.get(m.group(1))
            if state:
                return state, s + m.start()
        return None

    # quotations
    def quotes(self) -> list[tuple[int, int]]:
        """Direct quotations: text between typographic or straight double quotes."""
        out = []
        i = 0
        text = self.text
        while i < len(text):
            ch = text[i]
            if ch in OPEN_QUOTES and (ch != '"' or i == 0 or not text[i - 1].isalnum()):
                close = text.find(CLOSE_OF[ch], i + 1)
                newline = text.find("\n", i + 1)
                newline = len(text) if newline == -1 else newline
                end = close if close != -1 and close <= newline else newline
                s, t = i + 1, end
                while t > s and text[t - 1] in " ,\u00a0":
                    t -= 1
                if len(text[s:t].split()) >= MIN_QUOTE_WORDS and not in_any(s, t, self.excluded):
                    out.append((s, t))
                i = end + 1
            else:
                i += 1
        return out

    def _statements(self) -> list[dict]:
        out = []
        sents = sentences(self.text)
        quotes = self.quotes()
        last_speaker: tuple[str, int] | None = None  # (entity, paragraph end)
        for qs, qe in quotes:
            sent = next(((s, t) for s, t in sents if s <= qs < t), (qs, qe))
            speaker, attribution = self._quote_speaker(qs, qe, sent, last_speaker)
            if speaker is None:
                continue
            line_start = self.text.rfind("\n", 0, qs) + 1
            last_speaker = (speaker, line_start)
            out.append(self._statement(speaker, qs, qe, False, attribution, sent))
        for s, t in sents:
            if in_any(s, t, self.excluded):
                continue
            found = self._reported(s, t, quotes)
            if found:
                out.append(found)
        out.sort(key=lambda st: st["_start"])
        return out

    def _quote_speaker(self, qs, qe, sent, last_speaker):
        """(speaker id, attribution span) of the quotation [qs, qe)."""
        text = self.text
        s, t = sent
        # after the quote: “…,” he said / “…”, said Crocker / “…,” Crocker said
        after = text[qe : max(t, min(len(text), qe + 80))]
        m = re.match(r"[”\",.\s]{0,4}(.{0,60}?)\b(" + SPEECH_VERBS + r")\b(.{0,40})", after)
        if m and "“" not in m.group(0) and "\n" not in m.group(0):
            window_start = qe + m.start(1)
            window_end = qe + m.end(3)
            agents = self.agents_in(window_start, window_end)
            people = [a for a in agents if a.kind == "person"]
            a_start = qe + m.start(1) if m.group(1).strip() else qe + m.start(2)
            a_end = qe + m.end(2)
            if people:
                who = people[0]
                a_start, a_end = min(a_start, who.start), max(a_end, who.end)
                return who.entity, (a_start, a_end)
            if agents:
                return agents[0].entity, (min(a_start, agents[0].start), max(a_end, agents[0].end))
            who = self.person_before(qs)
            if who is not None:
                return who.entity, (a_start, a_end) if a_start >= s else None
        # before the quote, same sentence: Crocker said that … “…” / Qomi said: “…”
        before = text[s:qs]
        verbs = list(SPEECH.finditer(before))
        if verbs:
            verb = verbs[-1]
            found = self.speaker_before(s, s + verb.start(), nearest=True)
            if found is not None:
                return found[0], (found[1], s + verb.end())
        elif before.strip():
            # "the NCRI gave the names of … who “…”": the subject of the sentence
            agents = self.agents_in(s, qs, ("person", "organisation"))
            if agents:
                return agents[0].entity, None
        # a quote that runs on from the previous paragraph's speaker
        if last_speaker is not None:
            para_start = text.rfind("\n", 0, qs) + 1
            gap = text[last_speaker[1] : para_start]
            if gap.count("\n") <= 6 and not SPEECH.search(text[para_start:qs]):
                return last_speaker[0], None
        who = self.person_before(qs)
        if who is not None and qs - who.end < 400:
            return who.entity, None
        return None, None

    def _reported(self, s: int, t: int, quotes) -> dict | None:
        """Reported speech: AGENT [apposition] said (that) CLAUSE."""
        text = self.text[s:t]
        for verb in SPEECH.finditer(text):
            after = text[verb.end() :]
            m = re.match(r",?\s*(?:(?:[\w’'-]+\s+){0,3}?that\s+)?", after)
            clause_start = s + verb.end() + (m.end() if m else 0)
            if clause_start >= t or self.text[clause_start] in OPEN_QUOTES + ":":
                continue
            if any(qs - 1 <= clause_start <= qe for qs, qe in quotes):
                continue
            found = self.speaker_before(s, s + verb.start(), nearest=False)
            if found is None:
                continue
            speaker, attribution = found[0], (found[1], s + verb.end())
            clause_end = t
            for qs, _qe in quotes:
                if clause_start < qs <= t:
                    clause_end = min(clause_end, qs - 1)
            if clause_end < t and self.text[clause_start:clause_end].rstrip().endswith(":"):
                continue  # it introduces a direct quotation
            while clause_end > clause_start and self.text[clause_end - 1] in ' .,:;“"':
                clause_end -= 1
            if len(self.text[clause_start:clause_end].split()) < MIN_QUOTE_WORDS:
                continue
            return self._statement(speaker, clause_start, clause_end, True, attribution, (s, t))
        return None

    def _statement(self, speaker, qs, qe, paraphrase, attribution, sent) -> dict:
        text = self.text
        entry: dict = {"_start": qs, "speaker": speaker}
        entry["quote"] = evidence(text, qs, qe, self.excluded)
        entry["paraphrase"] = paraphrase
        if attribution and attribution[0] < attribution[1]:
            entry["attribution"] = evidence(text, *attribution, self.excluded)
        entry["kind"] = guess_kind(text[sent[0] : sent[1]], text[qs:qe])
        date = self._date_in(*sent)
        if date:
            entry["date"] = date
        entry["note"] = "drafted: check speaker, kind and quote boundaries"
        return entry

    def _date_in(self, s: int, t: int) -> dict | None:
        for basis, pattern in DATE_PATTERNS:
            for m in pattern.finditer(self.text, s, t):
                value = normalise_date(m.group(), basis, self.date)
                if value is None:
                    continue
                return {
                    "value": value,
                    "text": evidence(self.text, m.start(), m.end(), self.excluded),
                    "basis": basis,
                    "_span": (m.start(), m.end()),
                }
        return None

    # meetings
    def _meetings(self) -> list[dict]:
        meetings = {e.id: e for e in self.registry.of_kind("meeting")}
        reports: dict[str, dict] = {}
        for s, t in sentences(self.text):
            if in_any(s, t, self.excluded):
                continue
            sentence = self.text[s:t]
            trigger = MEETING_TRIGGER.search(sentence)
            if trigger is None:
                continue
            date = self._date_in(s, t)
            meeting = self._which_meeting(sentence, date, meetings)
            if meeting is None:
                continue
            report = reports.get(meeting)
            if report is None:
                report = {"event": meeting, "evidence": evidence(self.text, s, t, self.excluded)}
                reports[meeting] = report
            if date and "date" not in report and date["value"] == meetings[meeting].attr("date"):
                report["date"] = {k: v for k, v in date.items() if not k.startswith("_")}
            seen = {p.get("person") for p in report.setdefault("participants", [])}
            for f in self.agents_in(s, t, ("person",)):
                if f.entity in seen:
                    continue
                seen.add(f.entity)
                party = self.registry.entities[f.entity].attr("nationality")
                if not party:
                    continue
                report["participants"].append(
                    {
                        "person": f.entity,
                        "for": party,
                        "role": "attendee",
                        "evidence": evidence(self.text, s, t, self.excluded),
                        "note": "drafted: named in a meeting sentence; check presence and role",
                    }
                )
        return [reports[k] for k in sorted(reports)]

    def _which_meeting(self, sentence: str, date, meetings: dict[str, Entity]) -> str | None:
        words = re.findall(r"[a-z]+", sentence.lower())
        for word, number in ORDINALS.items():
            if word in words:
                rounds = [m.id for m in meetings.values() if m.attr("round") == number]
                if len(rounds) == 1:
                    return rounds[0]
        if date is not None:
            same = [m.id for m in meetings.values() if m.attr("date") == date["value"]]
            if len(same) == 1:
                return same[0]
        if self.date is not None:
            recent = [
                m
                for m in meetings.values()
                if isinstance(m.attr("date"), dt.date)
                and dt.timedelta(0) <= self.date - m.attr("date") <= dt.timedelta(days=7)
            ]
            if len(recent) == 1:
                return recent[0].id
        return None


def _last(matches):
    found = None
    for found in matches:  # noqa: B007
        pass
    return found


def guess_kind(sentence: str, quote: str) -> str:
    """A statement kind from cue words in the attribution sentence (make-statement if none)."""
    outside = sentence.replace(quote, " ")
    for kind, cue in KIND_CUES:
        if cue.search(outside):
            return kind
    for kind, cue in KIND_CUES:
        if cue.search(quote):
            return kind
    return "make-statement"


def _clean(entry: dict) -> dict:
    out = {}
    for k, v in entry.items():
        if k.startswith("_"):
            continue
        out[k] = _clean(v) if isinstance(v, dict) else v
    return out


def to_yaml(draft: Draft) -> str:
    """The annotation file text, marked as a draft."""
    text = draft.text
    article: dict = {"id": draft.article_id, "sha256": draft.sha256}
    if draft.title:
        article["title"] = evidence(text, *draft.title, [(s, e) for s, e, _, _ in draft.furniture])
    excluded = [(s, e) for s, e, _, _ in draft.furniture]
    if draft.outlet:
        article["outlet"] = draft.outlet.entity
        article["outlet_evidence"] = evidence(text, draft.outlet.start, draft.outlet.end, excluded)
    else:
        article["outlet"] = None
    article["date"] = draft.date
    if draft.date:
        article["date_basis"] = "inferred"
        article["date_note"] = "given to `parley draft --date`; check it against the article"
    else:
        article["date_basis"] = "unknown"
    if draft.furniture:
        article["furniture"] = []
        for start, _end, end_quote, marker in draft.furniture:
            item = {"start": evidence(text, start, start + len(marker), [])}
            if end_quote:
                item["end"] = end_quote
            item["note"] = f"drafted: site furniture from “{marker}”"
            article["furniture"].append(item)
    doc = {
        "format": FORMAT,
        "draft": True,
        "article": article,
        "mentions": {k: v for k, v in sorted(draft.mentions.items())},
        "meetings": [_clean(m) for m in draft.meetings],
        "statements": [_clean(s) for s in draft.statements],
    }
    header = [
        f"# DRAFT annotations for {draft.article_id}, written by `parley draft`.",
        "# Check every entry against the article; fix speakers, kinds, roles and quote",
        "# boundaries; add offices and claims; then delete the `draft: true` line.",
    ]
    for variant, registry_form in sorted(draft.variants.items()):
        if any(variant in v for v in draft.mentions.values()):
            header.append(
                f"# spelling {variant!r} matched as a transliteration of {registry_form!r}"
            )
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(header) + "\n" + body


def draft_article(path: Path, registry: Registry, date: dt.date | None = None) -> str:
    """The draft annotation YAML for the article file at `path`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            Problem(str(path), None, f"cannot read the article: {exc.strerror}", "check the path")
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(Problem(str(path), line, "not valid UTF-8", "save it as UTF-8")) from None
    ident = path.stem
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ident):
        raise UsageError(
            f"{path}: the file name '{ident}' is not an article id — rename it to a lower-case "
            "slug such as 005-reuters.txt"
        )
    drafter = Drafter(registry, text, date)
    return to_yaml(drafter.run(ident, hashlib.sha256(raw).hexdigest()))
