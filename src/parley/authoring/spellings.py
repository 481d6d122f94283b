"""Other spellings of registry names: transliteration variants, and the demonyms of states."""

from __future__ import annotations

import itertools
import re

from parley.model.records import Registry

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


# adjectives that are not the state's name plus -ian/-i/-n
IRREGULAR_DEMONYMS = {
    "American": ("United States", "US", "U.S.", "America"),
    "British": ("United Kingdom", "Britain", "UK"),
    "French": ("France",),
    "German": ("Germany",),
    "Chinese": ("China",),
    "Lebanese": ("Lebanon",),
    "Turkish": ("Turkey",),
    "Saudi": ("Saudi Arabia",),
    "Afghan": ("Afghanistan",),
    "Palestinian": ("Palestine",),
    "Emirati": ("United Arab Emirates", "UAE"),
    "Swiss": ("Switzerland",),
    "Greek": ("Greece",),
    "Dutch": ("Netherlands", "the Netherlands"),
    "Spanish": ("Spain",),
    "Portuguese": ("Portugal",),
    "Polish": ("Poland",),
    "Swedish": ("Sweden",),
    "Danish": ("Denmark",),
    "Norwegian": ("Norway",),
    "Irish": ("Ireland",),
    "Belgian": ("Belgium",),
    "Czech": ("Czech Republic", "Czechia"),
    "Cypriot": ("Cyprus",),
    "Macedonian": ("North Macedonia", "Macedonia"),
    "Kazakh": ("Kazakhstan",),
    "Uzbek": ("Uzbekistan",),
    "Tajik": ("Tajikistan",),
    "Kyrgyz": ("Kyrgyzstan",),
    "Turkmen": ("Turkmenistan",),
    "Filipino": ("Philippines", "the Philippines"),
    "Thai": ("Thailand",),
    "Burmese": ("Myanmar", "Burma"),
    "Congolese": ("Congo", "Democratic Republic of the Congo", "DR Congo"),
    "Somali": ("Somalia",),
    "Argentine": ("Argentina",),
    "Peruvian": ("Peru",),
}


def demonyms(registry: Registry) -> dict[str, str]:
    """Adjectives of the registry's states ("Iranian", "Iraqi", "Ukrainian", "Sudanese", and
    the irregular ones: "American", "Greek") -> state id."""
    out = {}
    for state in registry.of_kind("state"):
        label = state.label
        forms = (label + "ian", label + "i", label + "n", label[:-1] + "an", label[:-1] + "ian")
        for form in (*forms, label + "ese", label[:-1] + "ese"):
            out.setdefault(form, state.id)
    for state in registry.of_kind("state"):
        names = {state.label, *state.spellings}
        for adjective, forms in IRREGULAR_DEMONYMS.items():
            if names & set(forms):
                out.setdefault(adjective, state.id)
    return out
