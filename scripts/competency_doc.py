"""Write docs/competency-questions.md: each question, its command and its answer on the
reference corpus (tests/data/corpus: the five seed articles, frozen, so that articles added
to seeds/ do not change the document or its check).

    .venv/bin/python scripts/competency_doc.py            # build it into a temp kg, write
    .venv/bin/python scripts/competency_doc.py --check    # exit 1 when the doc is out of date

The answers are the CLI's own markdown output (`--format md`), run on the rdflib engine (the
reference); tests/test_competency.py checks each answer against the article texts.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "competency-questions.md"

# (question, command after `parley`, what the texts say)
QUESTIONS: list[tuple[str, str, str]] = [
    (
        "Who met whom at the Baghdad talks?",
        "query who-met-whom",
        "Both rounds: Kazemi Qomi and Crocker (every article); Amir Abdollahian and Amiri "
        "accompanied Qomi “in the first round” and in “the Tuesday meeting” (000); al-Maliki "
        "hosted round 2 (001: “The talks were hosted by al-Maliki”) and addressed round 1 (002: "
        "“Al-Maliki told both sides”); unnamed Iraqi officials attended both (002: “Iraqi "
        "officials also attended the meeting”; 000: “in the presence of Iraqi officials”), one "
        "“unnamed Iraqi delegation” per meeting.",
    ),
    (
        "Whom did Ryan Crocker meet after June 2007?",
        "query who-met-whom -p person=ryan-crocker -p since=2007-06-01",
        "Round 2 only (24 July 2007): “Iran’s Hassan Kazemi Qomi met US envoy to Baghdad Ryan "
        "Crocker” (000), with Amir Abdollahian and Amiri on Qomi’s side (000), al-Maliki as "
        "host (001: “The talks were hosted by al-Maliki”) and Iraqi officials (000: “in the "
        "presence of Iraqi officials”).",
    ),
    (
        "Who met someone acting for Iraq?",
        "query who-met-whom -p state=iraq",
        "Al-Maliki, the only named Iraqi participant, and the unnamed Iraqi officials (“Iraqi "
        "officials also attended the meeting”, 002; “Senior Iraqi diplomats and Foreign Affairs "
        "Ministry officials were also in attendance”, 003; “in the presence of Iraqi "
        "officials”, 000), paired as the “unnamed Iraqi delegation” of each meeting.",
    ),
    (
        "Who met whom in July 2007?",
        "query who-met-whom -p since=2007-07-01 -p until=2007-07-31",
        "Round 2, 24 July 2007 (“the Tuesday meeting”, 000; “the second direct meeting”, 001): "
        "five named people and the unnamed Iraqi officials (000).",
    ),
    (
        "When and where did the meetings take place, who hosted them, how many reports each?",
        "query meetings",
        "Round 1, 28 May 2007 (“on May 28”, 000; “on Monday”, 004), hosted at al-Maliki’s home "
        "(002); round 2, 24 July 2007 (“on Tuesday”, 000), “hosted by al-Maliki” (001). Round 1 "
        "is reported by all five articles (001 only as “the last meeting in May”), round 2 by "
        "000 and 001.",
    ),
    (
        "Which meetings took place before June 2007?",
        "query meetings -p until=2007-06-01",
        "Only round 1 (28 May 2007).",
    ),
    (
        "Who took part in round 1, in which role, for whom?",
        "query participants -p meeting=round-1",
        "“The US and Iranian delegations were headed by the two country's ambassadors to Iraq, "
        "Ryan Crocker and Hassan Kazemi Qumi” (003); “Iraqi officials also attended the meeting” "
        "(002), “Senior Iraqi diplomats and Foreign Affairs Ministry officials were also in "
        "attendance” (003); Amir Abdollahian and Amiri “helped him in the first round” (000).",
    ),
    (
        "Who took part in round 2?",
        "query participants -p meeting=round-2",
        "“Qomi, who heads Iranian delegation” with Amir Abdollahian and Amiri (000); Crocker; "
        "“The talks were hosted by al-Maliki” (001); Iraqi officials (000).",
    ),
    (
        "Who headed each delegation, and who accompanied the head?",
        "query delegations",
        "Heads: Kazemi Qomi (Iran) and Crocker (US) in both rounds; members of the Iranian "
        "delegation: “Hossein Amir Abdollahian” and “Reza Amiri” (000).",
    ),
    (
        "Who was in the Iranian delegation at round 2?",
        "query delegations -p meeting=round-2 -p party=iran",
        "“In the Tuesday meeting, Qomi was accompanied by … Hossein Amir Abdollahian and … Reza "
        "Amiri” (000).",
    ),
    (
        "What did Ryan Crocker say?",
        "query statements -p speaker=ryan-crocker",
        "Six statements in Al Jazeera (002), five in Iran Focus (004) and two in the blog (001), "
        "e.g. “what we need to see is Iranian action on the ground” (002).",
    ),
    (
        "Who accused whom of what?",
        "query statements -p kind=accuse",
        "E.g. “The US has accused Iran of increasing its alleged support of armed groups in Iraq” "
        "(001), “Washington has accused Tehran of fomenting violence in Iraq” (003), the NCRI on "
        "Kazemi Qomi and Explosively Formed Penetrators (004).",
    ),
    (
        "Who denied what?",
        "query statements -p kind=deny",
        "Kazemi Qomi “countered Crocker's remarks by saying that Tehran was helping Iraq”; “Iran "
        "says the five are diplomats”; “an accusation denied by Tehran” (all 001).",
    ),
    (
        "What demands were made in connection with round 2?",
        "query statements -p meeting=round-2 -p kind=demand",
        "Qomi “reminded the American delegation of the duties” (000); Hosseini: “Americans would "
        "be better off finding ways to get out of the Iraq”; Qomi: “We demanded their release "
        "too” and “up to the Americans to rectify their mistakes”; al-Maliki: “nor do we want "
        "anyone to interfere in its internal affairs” (001).",
    ),
    (
        "What was proposed?",
        "query statements -p kind=propose",
        "“Crocker said the Iranians had proposed setting up a mechanism with Iranian, US and "
        "Iraqi participation” (002); “Al-Maliki extended an invitation for both the U.S. and "
        "Iranian delegates to meet again” (004).",
    ),
    (
        "What did Iran offer?",
        "query statements -p kind=offer",
        "“Kazemi-Qomi told reporters that Iran had offered to help train and arm Iraq’s "
        "military” (002).",
    ),
    (
        "What did Nouri al-Maliki say?",
        "query statements -p speaker=nouri-al-maliki",
        "Nine statements in DPA (003), three in Al Jazeera (002), two in the blog (001), one in "
        "Iran Focus (004), e.g. “We want a stable Iraq, one without international forces or "
        "regional interference” (003).",
    ),
    (
        "Which statements were aimed at Ryan Crocker himself?",
        "query statements-about -p entity=ryan-crocker",
        "“Hassan Kazemi Qomi, the Iranian ambassador countered Crocker's remarks by saying that "
        "Tehran was helping Iraq deal with the security situation” (001).",
    ),
    (
        "Who said what about the Iranians detained by US forces?",
        "query statements-about -p entity=detained-iranians",
        "The foreign minister on “the fate of the Iranian missioners kidnapped” (000); the five "
        "“linked to Iran's elite Quds Force” vs “diplomats who were legally in Iraq”, and Qomi’s "
        '“We demanded their release too” (001); “whom Iran deemed "diplomats"” (003).',
    ),
    (
        "Who spoke about a trilateral security mechanism or committee?",
        "query statements-about -p entity=security-mechanism",
        "Iran’s proposal and Crocker’s “he would refer the proposal to Washington” (002); Qomi: "
        "“We discussed the creation of a mechanism”, and the Iraqi officials’ “tripartite "
        "security committee” (001).",
    ),
    (
        "Which statements target the Quds Force?",
        "query statements-about -p entity=quds-force",
        "“The United States has said the five were linked to Iran's elite Quds Force, which it "
        "has accused of arming and training Iraqi fighters” (001).",
    ),
    (
        "Which article reports which meeting, in which words?",
        "query coverage",
        "000 reports both rounds (“The first round of talks between Tehran and Washington on May "
        "28”, “the second round of Iran-US talks in Baghdad”); 001 reports round 2 and refers to "
        "round 1 as “the last meeting in May”; 002, 003 and 004 report round 1.",
    ),
    (
        "Which articles report round 2?",
        "query coverage -p meeting=round-2",
        "Fars (000) and the blog (001).",
    ),
    (
        "Where do the sources disagree?",
        "query conflicts",
        "Years since the previous talks: “after 28 years” (000), “in 27 years” (002), “in over "
        "27 years” (004), “in almost three decades” (003); level: “ambassadorial level” (000), "
        "“high-level” (002), “formal” (003), “official meeting” (004); Mottaki: “Iraq‘s foreign "
        "minister” (002) against “Iranian Foreign Minister Manouchehr Mottaki” (003) and the "
        "registry (seeds/sources/facts.yaml#mottaki-foreign-minister: Foreign Minister of Iran).",
    ),
    (
        "How many years had passed since the previous talks, according to each source?",
        "query conflicts -p subject=round-1 -p property=yearsSincePreviousTalks",
        "28 (000), 27 twice (002), about 30 (“almost three decades”, 003), over 27 (004).",
    ),
    (
        "At what level were the round-1 talks held, according to each source?",
        "query conflicts -p property=level",
        "“was also held at ambassadorial level” (000); “First high-level meeting” (002); “first "
        "formal talks” (003); “the first official meeting” (004).",
    ),
    (
        "Which office does each source give Manouchehr Mottaki?",
        "query offices -p person=manouchehr-mottaki",
        "“Manouchehr Mottaki, Iraq‘s foreign minister” (002) — wrong; “Iranian Foreign Minister "
        "Manouchehr Mottaki” (003); registry: Foreign Minister of Iran 2005–2010 "
        "(seeds/sources/facts.yaml#mottaki-foreign-minister).",
    ),
    (
        "Which offices has Hassan Kazemi Qomi held, per source?",
        "query offices -p person=hassan-kazemi-qomi",
        "Ambassador to Iraq (000, 001 twice, 003, 004, registry); formerly “previously Iran’s "
        "charge d’affaires in Iraq” and “once the IRGC’s liaison to Hezbollah” (004, status "
        "former); “a veteran officer of the Islamic Revolutionary Guards Corps” (004); "
        "“reportedly a Quds Force officer” (003).",
    ),
    (
        "Who held an Iraqi office, according to whom?",
        "query offices -p state=iraq",
        "al-Maliki, prime minister (000, 002, 003, 004, registry); Zebari, foreign minister "
        "(000, 002, registry); Mottaki, “Iraq‘s foreign minister” (002 only).",
    ),
    (
        "Which pairs of states met, how often, and when first and last?",
        "query state-dyads",
        "Iran–US, Iran–Iraq and Iraq–US, each at both rounds (28 May and 24 July 2007).",
    ),
    (
        "How does each article spell Hassan Kazemi Qomi’s name?",
        "query mentions -p entity=hassan-kazemi-qomi",
        "“Hassan Kazemi Qomi”, “Kazemi Qomi”, “Qomi” (000, 001, 004); “Kazemi-Qomi” (002); "
        "“Hassan Kazemi Qumi”, “Qumi” (003).",
    ),
    (
        "Whom does the name “Qumi” stand for?",
        "query mentions -p spelling=Qumi",
        "“Qumi, who represents Iran at the meeting” (003): Hassan Kazemi Qomi.",
    ),
    (
        "Which entities are linked to Wikidata, and how was each link verified?",
        "query wikidata-links",
        "The eight verified identifiers of seeds/sources/facts.yaml, each cited by its registry "
        "entity: Iran, Iraq, United States, Lebanon, Baghdad, Tehran, London, Prime Minister of "
        "Iraq.",
    ),
    (
        "Which passages support what the articles say about round 2?",
        "query evidence -p resource=round-2",
        "Date “on Tuesday”, place “in Baghdad”, level, “upon Washington’s request” (000); venue "
        "“in his offices inside Baghdad's fortified Green Zone”, host, “in 27 years” (001).",
    ),
    (
        "Which articles are in the corpus, from which outlet, how is each date known, and which "
        "are reprints?",
        "query articles",
        "Fars (dateline TEHRAN, date inferred), a blog repost naming no outlet (its footer: "
        "“Source”, “Post a Comment”), Al Jazeera (“Source : Al Jazeera”), DPA (“By DPA”) found on "
        "TwoCircles.net (“Support TwoCircles”), Iran Focus (dateline “London, May 31”).",
    ),
    (
        "How many statements of each kind does the corpus hold (an ad-hoc query)?",
        "sparql docs/examples/statement-kinds.rq",
        "Counts over all five articles; any SPARQL SELECT file (or `-` for stdin) runs the same "
        "way.",
    ),
    (
        "How do the sources spell Nouri al-Maliki’s name, against the registry’s?",
        "query spellings -p entity=nouri-al-maliki",
        "“Nuri al-Maliki” (000, 003) where the registry writes Nouri; “al-Maliki” and "
        "“Al-Maliki” elsewhere. Spellings are not conflicts: `query spellings` lists every "
        "entity named in more than one way (Qomi in 000, 001, 004, Qumi in 003; Hoshyar in 000, "
        "Hoshiyar in 002).",
    ),
]

HEADER = """# Competency questions

The questions a reader asks of the seed corpus (five articles on the 2007 US–Iran talks in
Baghdad), each with the command that answers it and the answer on those five articles (kept
frozen in `tests/data/corpus`, so the answers stay put when you add articles to `seeds/`), as
printed by
`--format md` on the reference engine (rdflib). "Text" quotes the article sentences that the
answer rests on (article ids: 000 Fars, 001 blog, 002 Al Jazeera, 003 DPA, 004 Iran Focus);
`tests/test_competency.py` asserts every answer against those sentences.

Generated by `scripts/competency_doc.py` after `parley build`; regenerate it when the
annotations change (`--check` tells whether it is up to date). Run any command with
`--format csv|tsv|json` for machine-readable output, `parley queries NAME` for its parameters.
"""


def run(command: str, kg: Path, store=None) -> str:
    """The markdown answer of one `parley …` command over `kg`.

    Without `store`, through the CLI itself; with one (tests), through the same library calls
    the CLI makes (`api.run_query`/`api.run_sparql`, then `render(…, "md")`), sharing the store.
    """
    args = shlex.split(command)
    if store is not None:
        from parley import api
        from parley.query.results import render as render_table

        if args[0] == "sparql":
            text = Path(args[1]).read_text(encoding="utf-8")
            result = api.run_sparql(text, kg, source=args[1], store=store)
        else:
            params = dict(a.split("=", 1) for a in args[2:] if a != "-p")
            result = api.run_query(args[1], kg, params, store=store)
        return render_table(result.table, "md", result.labels)
    from parley.cli.main import main

    args += ["--format", "md", "--kg", str(kg), "--backend", "memory"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"`parley {command}` failed: {result.output}")
    return result.output


def render(kg: Path, store=None) -> str:
    parts = [HEADER]
    for number, (question, command, text) in enumerate(QUESTIONS, 1):
        parts.append(
            f"\n## Q{number}. {question}\n\n```sh\nparley {command}\n```\n\n"
            f"{run(command, kg, store)}\nText: {text}\n"
        )
    return "".join(parts)


def main(argv: list[str]) -> int:
    import os

    from parley.builder.corpus import build

    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        kg = Path(tmp) / "kg"
        build(ROOT / "tests" / "data" / "corpus", kg)
        text = render(kg)
    if "--check" in argv:
        if DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date — run scripts/competency_doc.py", file=sys.stderr)
            return 1
        print(f"{DOC} is up to date")
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC} ({len(QUESTIONS)} questions)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
