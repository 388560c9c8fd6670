"""Synthetic lexgraph data for benchmarks: about N triples that conform to our ontology and shapes.

Run:  python3 bench/generate.py --triples 1000000 --out bench/work/synthetic.ttl [--seed 1]

The graph has the shape of the real one, scaled up: many states, treaties with their general
events, acts and articles, treaty actions by states (kinds from the vocabulary, dates at mixed
precision: xsd:date, xsd:gYearMonth, xsd:gYear), treaty statuses, laws and codes with editions,
articles and parts (eli:is_part_of, eli:number), legal-act events, provisions with penalties,
time limits and thresholds, agencies (org:FormalOrganization with org:classification) with name
usages, subordinations and competences, disagreements, and source documents. Every claim and
every named thing carries evidence nodes named as in data/: ``lg:evidence <owner/evidence/N>``, each
``a lg:Evidence ; lg:source <source/…> ; lg:quote "…"``; penalties, time limits and thresholds are
nodes ``<provision/…/penalty/N>`` (``time-limit/N``, ``threshold/N``) that cite an evidence node of
their provision. No blank nodes (the quality check ``blank-nodes`` warns about them). Relative IRIs
under ``@base <https://w3id.org/lexgraph/id/>``, as in data/.

The output is deterministic for a given --triples and --seed. Lines are written directly (no
rdflib) and flushed every 2000 statements, so the file is streamed: memory holds only the IRIs
later areas link to (states, treaties, acts, articles and parts, agencies, some claims). Every event date is earlier than 2024 and
every source document is dated 2024 or 2025, so no claim is dated after its source.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

HEADER = """# Synthetic lexgraph data for benchmarks, written by bench/generate.py (--triples {n} --seed {seed}).
# Not real facts: names, dates and quotes are made up; the structure follows ontology/ and shapes/.

@base <https://w3id.org/lexgraph/id/> .
@prefix lg:     <https://w3id.org/lexgraph/def/> .
@prefix lgv:    <https://w3id.org/lexgraph/vocab/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix eli:    <http://data.europa.eu/eli/ontology#> .
@prefix schema: <https://schema.org/> .

"""

# Concepts of ontology/vocabularies.ttl, by scheme (only concepts that exist there).
SOURCE_KINDS = ["policy-paper", "diplomatic-cable", "journal-article", "ai-generated-web-article", "wto-checklist-response"]
TREATY_EVENT_KINDS = ["treaty-adoption", "treaty-signature", "treaty-entry-into-force", "treaty-amendment"]
TREATY_ACTION_KINDS = ["signature", "ratification", "accession", "acceptance", "approval",
                       "declaration-of-continued-application", "succession", "entry-into-force-for-party",
                       "denunciation", "adherence-unspecified", "commitment-to-join"]
TREATY_STATUSES = ["status-party", "status-signatory", "status-not-party"]
LEGAL_ACT_EVENT_KINDS = ["act-adoption", "act-signature", "act-passage", "act-publication",
                         "act-entry-into-force", "act-amendment", "act-repeal"]
PROSECUTION_TYPES = ["private-prosecution", "private-public-prosecution", "public-prosecution"]
FUNCTIONS = ["registers-patents", "registers-trademarks", "registers-copyright", "oversees-ip-policy",
             "enforces-at-border", "investigates", "prosecutes", "adjudicates", "raises-awareness"]
AGENCY_KINDS = ["ministry", "committee", "agency", "office", "court", "law-enforcement-body",
                "customs-body", "prosecutor"]
DISAGREEMENT_KINDS = ["contradiction", "different-precision", "different-names"]
# Penalty kind -> (unit, typical maximum)
PENALTIES = [("fine", "monthly-calculation-index", 2000), ("fine", "minimum-wage", 500),
             ("imprisonment", "year", 10), ("arrest", "month", 6), ("restriction-of-liberty", "year", 5),
             ("community-service", "hour", 400), ("correctional-works", "year", 2),
             ("deprivation-of-right", "year", 3), ("salary-garnishment", "month", 5)]

SUBJECTS = ["copyright", "related rights", "patents", "trademarks", "industrial designs", "utility models",
            "geographical indications", "trade secrets", "plant varieties", "integrated circuits",
            "broadcasting", "phonograms", "performances", "databases", "computer programs", "customs",
            "border measures", "unfair competition", "collective management", "licensing"]
TREATY_FORMS = ["Convention", "Treaty", "Agreement", "Protocol", "Arrangement"]
CODES = [("criminal-code", "Criminal Code"), ("civil-code", "Civil Code"),
         ("administrative-offences-code", "Administrative Offences Code"), ("customs-code", "Customs Code"),
         ("criminal-procedure-code", "Criminal Procedure Code"), ("tax-code", "Tax Code")]
AGENCY_NAMES = ["Ministry of Justice", "Ministry of Culture", "Ministry of Trade", "Committee on Intellectual Property",
                "Patent Office", "Customs Service", "Financial Police", "Prosecutor's Office",
                "Supreme Court", "Agency for Copyright", "Ministry of Internal Affairs", "Competition Agency"]
OFFENCES = ["illegal use of objects of copyright", "sale of counterfeit goods", "unlawful use of a trademark",
            "disclosure of an invention without consent", "import of pirated copies", "misappropriation of authorship",
            "violation of patent rights", "illegal distribution of phonograms", "circumvention of technical measures"]

SYLLABLES = ["ka", "ze", "lor", "mi", "tan", "vel", "dor", "sa", "ri", "bel", "kor", "na", "tes", "vo",
             "mar", "ul", "gen", "sha", "pol", "tir", "ven", "da", "los", "ber", "qua", "zin", "fa", "ro",
             "lin", "mes", "hal", "dun", "ish", "ar", "yo", "ken", "pra", "sul", "ved", "om"]
COUNTRY_ENDINGS = ["ia", "stan", "land", "ora", "istan", "onia", "aria", "esia"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def esc(text: str) -> str:
    """A Turtle short-string body."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


STATED = frozenset({"lg:date", "lg:deadline", "lg:from", "lg:until", "lg:asOf", "lg:notBefore", "lg:value", "lg:name",
                    "lg:parent", "lg:function", "lg:administeredBy", "dct:title"})
"""The structured values whose quote an evidence node names with lg:states (shape lgsh:ValueEvidenceShape)."""
VALUE_QUOTE = "the amount as the source states it"
"""The quote of a penalty's, time limit's or threshold's evidence node (lgsh:ValueNodeEvidenceShape)."""
FORMAT = 2
"""Bumped when the generator's output changes for the same --triples and --seed, so that a
benchmark does not reuse a file an older generator wrote (1: blank-node evidence; 2: evidence IRIs)."""


@dataclass
class Writer:
    """Writes Turtle statements and counts the triples they make."""

    out: TextIO
    triples: int = 0
    buffer: list[str] = field(default_factory=list)

    def node(self, iri: str, rdf_type: str, props: list[tuple[str, str]], evidence: list[tuple[str, str]]) -> None:
        """``<iri> a type ; p o ; … ; lg:evidence <iri/evidence/1> , … .`` and each evidence node
        ``<iri/evidence/N> a lg:Evidence ; lg:source <s> ; lg:quote "q" .``, as data/ names them."""
        parts = [f"<{iri}> a {rdf_type}"]
        parts += [f"    {p} {o}" for p, o in props]
        # The first quote states the node's structured values (lg:states, as the shapes ask).
        states = sorted({p for p, _ in props if p in STATED})
        if evidence:
            parts.append("    lg:evidence " + " , ".join(f"<{iri}/evidence/{i}>" for i in range(1, len(evidence) + 1)))
        text = " ;\n".join(parts) + " .\n\n"
        for i, (source, quote) in enumerate(evidence, start=1):
            stated = f" ;\n    lg:states {' , '.join(states)}" if states and i == 1 else ""
            text += (f"<{iri}/evidence/{i}> a lg:Evidence{stated} ;\n    lg:source <{source}> ;\n"
                     f'    lg:quote "{esc(quote)}" .\n\n')
        self.buffer.append(text)
        self.triples += 1 + len(props) + 4 * len(evidence) + (len(states) if evidence else 0)
        if len(self.buffer) >= 2000:
            self.flush()

    def extra(self, triples: int) -> None:
        """Count triples of an object list (``p o1 , o2``) written as one property through :meth:`node`."""
        self.triples += triples

    def flush(self) -> None:
        self.out.write("".join(self.buffer))
        self.buffer.clear()


class Names:
    """Unique made-up names from syllables, deterministic for the random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, parts: int, ending: str = "") -> str:
        for attempt in range(1000):
            n = parts + attempt // 200
            word = "".join(self.rng.choice(SYLLABLES) for _ in range(n)) + ending
            if word not in self.used:
                self.used.add(word)
                return word.capitalize()
        raise RuntimeError("ran out of names")


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def lit_en(text: str) -> str:
    return f'"{esc(text)}"@en'


class Generator:
    """Builds the graph area by area, each to its share of the triple budget."""

    def __init__(self, triples: int, seed: int, out: TextIO) -> None:
        self.n = triples
        self.rng = random.Random(seed)
        self.w = Writer(out)
        self.names = Names(self.rng)
        self.sources: list[str] = []
        self.source_years: dict[str, int] = {}
        self.states: list[tuple[str, str]] = []  # (iri, name)
        self.ios: list[str] = []
        self.treaties: list[tuple[str, str]] = []  # (iri, label)
        self.treaty_acts: dict[str, list[str]] = {}
        self.treaty_articles: list[str] = []
        self.laws_by_state: dict[str, list[str]] = {}
        self.acts: list[str] = []  # legal acts and editions (for events)
        self.subdivisions: list[str] = []  # national articles and parts (for provisions)
        self.agencies_by_state: dict[str, list[str]] = {}
        self.claims: list[str] = []  # some claims, for disagreements
        self.serial = 0

    # -- small helpers -------------------------------------------------------------------

    def next_id(self) -> int:
        self.serial += 1
        return self.serial

    def date(self, lo: int = 1950, hi: int = 2023) -> tuple[str, str]:
        """A date literal at mixed precision, and the words a source would use for it."""
        year = self.rng.randint(lo, hi)
        month = self.rng.randint(1, 12)
        day = self.rng.randint(1, 28)
        r = self.rng.random()
        if r < 0.6:
            return f'"{year}-{month:02d}-{day:02d}"^^xsd:date', f"{day} {MONTHS[month - 1]} {year}"
        if r < 0.85:
            return f'"{year}-{month:02d}"^^xsd:gYearMonth', f"{MONTHS[month - 1]} {year}"
        return f'"{year}"^^xsd:gYear', f"{year}"

    def source(self) -> str:
        return self.rng.choice(self.sources)

    def evidence(self, quote: str) -> list[tuple[str, str]]:
        return [(self.source(), quote)]

    def fill(self, budget: int, make: Callable[[], None], minimum: int = 0) -> None:
        """Call ``make`` until the area has written ``budget`` triples (and at least ``minimum`` times)."""
        start = self.w.triples
        made = 0
        while self.w.triples - start < budget or made < minimum:
            make()
            made += 1

    def round_robin(self, budget: int, make: Callable[[str, str], None]) -> None:
        """Call ``make(state, name)`` for one state after another until ``budget`` triples are written."""
        start = self.w.triples
        i = 0
        while self.w.triples - start < budget or i == 0:
            make(*self.states[i % len(self.states)])
            i += 1

    # -- areas ---------------------------------------------------------------------------

    def make_sources(self, count: int) -> None:
        for i in range(count):
            iri = f"source/synthetic-{i + 1:05d}"
            kind = self.rng.choice(SOURCE_KINDS)
            year = self.rng.choice([2024, 2025])
            author = self.names.make(2)
            title = f"{author}, {self.rng.choice(SUBJECTS).capitalize()} report no. {i + 1}"
            self.w.node(iri, "lg:SourceDocument", [
                ("rdfs:label", lit_en(f"{title} ({year})")),
                ("dct:title", lit_en(title)),
                ("dct:type", f"lgv:{kind}"),
                ("lg:date", f'"{year}"^^xsd:gYear'),
                ("lg:dateBasis", "lgv:date-as-given"),
            ], [(iri, f"{title}, published {year}")])
            self.sources.append(iri)
            self.source_years[iri] = year

    def make_states(self, count: int) -> None:
        for _ in range(count):
            name = self.names.make(2, self.rng.choice(COUNTRY_ENDINGS))
            iri = f"party/{slug(name)}"
            self.w.node(iri, "lg:State", [
                ("skos:prefLabel", lit_en(name)),
                ("skos:altLabel", lit_en(f"Republic of {name}")),
                ("org:classification", "lgv:state"),
            ], self.evidence(f"the Republic of {name} took part in the negotiations"))
            self.states.append((iri, name))

    def make_international_organisations(self, count: int) -> None:
        for _ in range(count):
            name = f"{self.names.make(2)} {self.rng.choice(['Organization', 'Union', 'Office', 'Institute'])}"
            iri = f"org/{slug(name)}"
            self.w.node(iri, "org:FormalOrganization", [
                ("skos:prefLabel", lit_en(f"International {name}")),
                ("org:classification", "lgv:international-organisation"),
            ], self.evidence(f"the International {name} administers the treaty"))
            self.ios.append(iri)

    def make_treaty(self) -> None:
        city = self.names.make(2)
        form = self.rng.choice(TREATY_FORMS)
        subject = self.rng.choice(SUBJECTS)
        label = f"{city} {form} on {subject.capitalize()}"
        iri = f"treaty/{slug(city)}-{slug(form)}"
        short = "".join(w[0] for w in label.split()).upper() + str(len(self.treaties) + 1)
        props = [("skos:prefLabel", lit_en(label)), ("lg:shortName", lit_en(short))]
        if self.ios and self.rng.random() < 0.7:
            props.append(("lg:administeredBy", f"<{self.rng.choice(self.ios)}>"))
        self.w.node(iri, "lg:Treaty", props, self.evidence(f"the {label} ({short}) was concluded at {city}"))
        self.treaties.append((iri, label))
        # General events: adoption, signature, entry into force, sometimes an amendment.
        year = self.rng.randint(1950, 2010)
        for kind, offset in (("treaty-adoption", 0), ("treaty-signature", 0), ("treaty-entry-into-force", 2),
                             ("treaty-amendment", 10)):
            if kind == "treaty-amendment" and self.rng.random() < 0.7:
                continue
            lit, words = self.date(min(year + offset, 2023), min(year + offset + 1, 2023))
            self.w.node(f"treaty-event/{slug(city)}-{kind}", "lg:TreatyEvent", [
                ("lg:treaty", f"<{iri}>"), ("lg:eventKind", f"lgv:{kind}"), ("lg:date", lit),
            ], self.evidence(f"The {label} saw its {kind.replace('treaty-', '').replace('-', ' ')} on {words}"))
        # Acts (revisions) of some treaties.
        acts = []
        if self.rng.random() < 0.25:
            for k in range(self.rng.randint(1, 3)):
                act_year = min(year + 5 * (k + 1), 2023)
                act_city = self.names.make(2)
                act_iri = f"{iri}/{slug(act_city)}-act-{act_year}"
                self.w.node(act_iri, "lg:TreatyAct", [
                    ("skos:prefLabel", lit_en(f"{act_city} Act ({act_year}) of the {label}")),
                    ("lg:actOf", f"<{iri}>"),
                ], self.evidence(f"the {act_city} Act of {act_year} revised the {label}"))
                acts.append(act_iri)
        self.treaty_acts[iri] = acts
        # Articles of the treaty that national provisions implement.
        for number in self.rng.sample(range(1, 80), 3):
            art = f"{iri}/article/{number}"
            self.w.node(art, "lg:Article", [
                ("skos:prefLabel", lit_en(f"Article {number} of the {label}")),
                ("eli:is_part_of", f"<{iri}>"),
                ("eli:number", f'"{number}"'),
            ], self.evidence(f"Article {number} of the {short} requires parties to protect {subject}"))
            self.treaty_articles.append(art)

    def make_treaty_action(self) -> None:
        state, name = self.rng.choice(self.states)
        treaty, label = self.rng.choice(self.treaties)
        kind = self.rng.choice(TREATY_ACTION_KINDS)
        i = self.next_id()
        props = [("lg:party", f"<{state}>"), ("lg:treaty", f"<{treaty}>"), ("lg:eventKind", f"lgv:{kind}")]
        words = "at a date the source does not give"
        if self.rng.random() < 0.97:
            lit, words = self.date()
            props.append(("lg:date", lit))
            words = f"on {words}"
        acts = self.treaty_acts.get(treaty)
        if acts and self.rng.random() < 0.5:
            props.append(("lg:treatyAct", f"<{self.rng.choice(acts)}>"))
        laws = self.laws_by_state.get(state)
        if laws and kind in ("ratification", "accession") and self.rng.random() < 0.5:
            props.append(("lg:approvedBy", f"<{self.rng.choice(laws)}>"))
        iri = f"treaty-action/{i:07d}"
        self.w.node(iri, "lg:TreatyAction", props,
                    self.evidence(f"{name} {kind.replace('-', ' ')} ({label}) {words}"))
        if len(self.claims) < 5000:
            self.claims.append(iri)

    def make_treaty_status(self) -> None:
        state, name = self.rng.choice(self.states)
        treaty, label = self.rng.choice(self.treaties)
        status = self.rng.choice(TREATY_STATUSES)
        lit, words = self.date(1990, 2023)
        self.w.node(f"treaty-status/{self.next_id():07d}", "lg:TreatyStatus", [
            ("lg:party", f"<{state}>"), ("lg:treaty", f"<{treaty}>"),
            ("lg:treatyStatus", f"lgv:{status}"), ("lg:asOf", lit),
        ], self.evidence(f"As of {words}, {name} is {status.replace('status-', '').replace('-', ' ')} to the {label}"))

    def make_state_law(self, state: str, name: str) -> None:
        """One law or code of a state, with its structure; for a code, the code and one or more editions."""
        cc = state.split("/", 1)[1]
        laws = self.laws_by_state.setdefault(state, [])
        if self.rng.random() < 0.5:
            subject = self.rng.choice(SUBJECTS)
            year = self.rng.randint(1960, 2022)
            iri = f"act/{cc}/law-{slug(subject)}-{year}-{len(laws) + 1}"
            label = f"Law on {subject.capitalize()} of {name} ({year})"
            self.w.node(iri, "lg:Law", [
                ("skos:prefLabel", lit_en(label)),
                ("eli:jurisdiction", f"<{state}>"),
                ("eli:number", f'"{self.rng.randint(1, 999)}-{self.rng.choice(["I", "II", "III", "IV", "V"])}"'),
                ("lg:subjectMatter", f'"{esc(subject)}"'),
            ], self.evidence(f"The {label} protects {subject}"))
            laws.append(iri)
            self.acts.append(iri)
            self.make_articles(iri, label, self.rng.randint(3, 8))
            return
        code_slug, code_name = self.rng.choice(CODES)
        whole = f"act/{cc}/{code_slug}"
        whole_label = f"{code_name} of {name}"
        if whole not in self.acts:
            self.w.node(whole, "lg:Code", [
                ("skos:prefLabel", lit_en(whole_label)),
                ("eli:jurisdiction", f"<{state}>"),
            ], self.evidence(f"the {whole_label} sets the sanctions"))
            self.acts.append(whole)
        year = self.rng.randint(1959, 2022)
        edition = f"{whole}-{year}-{len(laws) + 1}"
        label = f"{code_name} of {name} ({year})"
        self.w.node(edition, "lg:Code", [
            ("skos:prefLabel", lit_en(label)),
            ("lg:editionOf", f"<{whole}>"),
            ("eli:jurisdiction", f"<{state}>"),
        ], self.evidence(f"the new {code_name} of {name} adopted in {year}"))
        laws.append(edition)
        self.acts.append(edition)
        self.make_articles(edition, label, self.rng.randint(5, 15))

    def make_articles(self, act: str, act_label: str, count: int) -> None:
        for number in sorted(self.rng.sample(range(1, 900), count)):
            art = f"{act}/article/{number}"
            art_label = f"Article {number} of the {act_label}"
            self.w.node(art, "lg:Article", [
                ("skos:prefLabel", lit_en(art_label)),
                ("eli:is_part_of", f"<{act}>"),
                ("eli:number", f'"{number}"'),
            ], self.evidence(f"According to Article {number} of the {act_label}"))
            self.subdivisions.append(art)
            for part in range(1, self.rng.randint(1, 4)):
                p = f"{art}/part/{part}"
                self.w.node(p, "lg:Part", [
                    ("skos:prefLabel", lit_en(f"Part {part} of {art_label}")),
                    ("eli:is_part_of", f"<{art}>"),
                    ("eli:number", f'"{part}"'),
                    ("lg:citedAs", f'"{number}.{part}"'),
                ], self.evidence(f"Part {part} of Article {number} provides"))
                self.subdivisions.append(p)

    def make_legal_act_event(self) -> None:
        act = self.rng.choice(self.acts)
        kind = self.rng.choice(LEGAL_ACT_EVENT_KINDS)
        lit, words = self.date(1960, 2023)
        props = [("lg:act", f"<{act}>"), ("lg:eventKind", f"lgv:{kind}"), ("lg:date", lit)]
        state = "party/" + act.split("/")[1]
        agencies = self.agencies_by_state.get(state)
        if agencies and self.rng.random() < 0.4:
            props.append(("lg:agent", f"<{self.rng.choice(agencies)}>"))
        iri = f"act-event/{self.next_id():07d}"
        self.w.node(iri, "lg:LegalActEvent", props,
                    self.evidence(f"the act saw its {kind.replace('act-', '').replace('-', ' ')} on {words}"))

    def make_provision(self) -> None:
        """A provision with its penalties (and sometimes a time limit and a threshold) as value nodes
        ``<provision/N/penalty/K>`` etc., each citing an evidence node of the provision that states its
        amount; every evidence node of the provision quotes the same source (a claim is one source's account)."""
        sub = self.rng.choice(self.subdivisions)
        iri = f"provision/{self.next_id():07d}"
        source = self.source()
        props = [("lg:act", f"<{sub}>"),
                 ("lg:subjectMatter", f'"{esc(self.rng.choice(SUBJECTS))}"'),
                 ("lg:offence", f'"{esc(self.rng.choice(OFFENCES))}"'),
                 ("lg:prosecution", f"lgv:{self.rng.choice(PROSECUTION_TYPES)}")]
        values: list[tuple[str, str, str]] = []  # (property, node IRI, its type and properties)
        for k, (kind, unit, top) in enumerate(self.rng.sample(PENALTIES, self.rng.randint(1, 3)), start=1):
            low = self.rng.randint(1, max(1, top // 4))
            high = self.rng.randint(low, top)
            additional = " ;\n    lg:additional true" if kind == "deprivation-of-right" else ""
            values.append(("lg:penalty", f"{iri}/penalty/{k}",
                           f"a lg:Penalty ;\n    lg:penaltyKind lgv:{kind} ;\n    lg:penaltyTier lgv:basic-offence ;\n"
                           f"    lg:bound lgv:range ;\n    schema:minValue {low} ;\n    schema:maxValue {high} ;\n"
                           f"    schema:unitCode lgv:{unit}{additional}"))
        if self.rng.random() < 0.2:
            values.append(("lg:timeLimit", f"{iri}/time-limit/1",
                           f"a lg:TimeLimit ;\n    lg:timeLimitKind lgv:filing-period ;\n    lg:bound lgv:exactly ;\n"
                           f"    schema:value {self.rng.randint(1, 36)} ;\n    schema:unitCode lgv:month ;\n"
                           f'    lg:appliesTo "bringing a claim"'))
        if self.rng.random() < 0.2:
            values.append(("lg:threshold", f"{iri}/threshold/1",
                           f"a lg:Threshold ;\n    lg:thresholdKind lgv:criminality-threshold ;\n    lg:bound lgv:at-least ;\n"
                           f"    schema:minValue {self.rng.randint(10, 1000)} ;\n"
                           f"    schema:unitCode lgv:monthly-calculation-index ;\n"
                           f'    lg:appliesTo "value at which the act becomes criminal"'))
        extra = 0
        for prop in ("lg:penalty", "lg:timeLimit", "lg:threshold"):
            objects = [f"<{node}>" for p, node, _ in values if p == prop]
            if objects:
                props.append((prop, " , ".join(objects)))
                extra += len(objects) - 1  # props counts one triple per property
        if self.treaty_articles and self.rng.random() < 0.3:
            props.append(("lg:implementsTreatyArticle", f"<{self.rng.choice(self.treaty_articles)}>"))
        quote = f"the article punishes {self.rng.choice(OFFENCES)} with sanctions"
        # Evidence node 1 is the provision's quote; node k + 1 states the k-th value.
        self.w.node(iri, "lg:Provision", props, [(source, quote)] + [(source, VALUE_QUOTE)] * len(values))
        self.w.extra(extra)
        for k, (_, node, body) in enumerate(values, start=2):
            self.w.buffer.append(f"<{node}> {body} ;\n    lg:evidence <{iri}/evidence/{k}> .\n\n")
            self.w.extra(body.count(" ;\n") + 2)  # its properties, rdf:type and lg:evidence

    def make_agency(self, state: str, name: str) -> None:
        """One body of a state, with the names sources use for it, its parent and its functions."""
        cc = state.split("/", 1)[1]
        agencies = self.agencies_by_state.setdefault(state, [])
        k = len(agencies)
        base = AGENCY_NAMES[k % len(AGENCY_NAMES)]
        if k >= len(AGENCY_NAMES):
            base = f"Regional Department {k // len(AGENCY_NAMES)} of the {base}"
        iri = f"org/{cc}/{slug(base)}"
        label = f"{base} of {name}"
        self.w.node(iri, "org:FormalOrganization", [
            ("skos:prefLabel", lit_en(label)),
            ("org:classification", f"lgv:{self.rng.choice(AGENCY_KINDS)}"),
        ], self.evidence(f"the {label} is responsible for enforcement"))
        agencies.append(iri)
        for _ in range(self.rng.randint(1, 3)):
            lit, words = self.date(1991, 2023)
            used = f"{self.rng.choice(['State', 'National', 'Republican', 'Main'])} {base} of {name}"
            self.w.node(f"name-usage/{self.next_id():07d}", "lg:NameUsage", [
                ("lg:organization", f"<{iri}>"), ("lg:name", lit_en(used)), ("lg:asOf", lit),
            ], self.evidence(f"in {words} the {used} reported"))
        if len(agencies) > 1:
            parent = self.rng.choice(agencies[:-1])
            lit, words = self.date(1991, 2023)
            self.w.node(f"subordination/{self.next_id():07d}", "lg:Subordination", [
                ("lg:organization", f"<{iri}>"), ("lg:parent", f"<{parent}>"), ("lg:from", lit),
            ], self.evidence(f"since {words} the {base} sits under another body"))
        fn = self.rng.sample(FUNCTIONS, self.rng.randint(1, 2))
        self.w.node(f"competence/{self.next_id():07d}", "lg:Competence", [
            ("lg:organization", f"<{iri}>"), ("lg:function", " , ".join(f"lgv:{f}" for f in fn)),
        ], self.evidence(f"the {base} {fn[0].replace('-', ' ')}"))
        self.w.extra(len(fn) - 1)

    def make_disagreement(self) -> None:
        a, b = self.rng.sample(self.claims, 2)
        self.w.node(f"disagreement/{self.next_id():07d}", "lg:Disagreement", [
            ("lg:between", f"<{a}> , <{b}>"),
            ("lg:disagreementKind", f"lgv:{self.rng.choice(DISAGREEMENT_KINDS)}"),
            ("skos:note", '"Two sources give different accounts of these actions."'),
        ], [])
        self.w.extra(1)

    # -- the whole graph -----------------------------------------------------------------

    def run(self) -> int:
        n = self.n
        self.make_sources(max(10, n // 800))
        self.make_states(min(300, max(5, n // 500)))
        self.make_international_organisations(min(40, max(3, n // 20000)))
        self.fill(int(n * 0.09), self.make_treaty, minimum=3)
        # Agencies, then laws and codes, state after state in turn, to their shares of the budget.
        self.round_robin(int(n * 0.12), self.make_agency)
        self.round_robin(int(n * 0.17), self.make_state_law)
        self.fill(int(n * 0.05), self.make_legal_act_event, minimum=5)
        self.fill(int(n * 0.15), self.make_provision, minimum=5)
        self.fill(int(n * 0.03), self.make_treaty_status, minimum=5)
        remaining = n - self.w.triples - int(n * 0.005)
        self.fill(max(0, remaining), self.make_treaty_action, minimum=20)
        self.fill(max(0, n - self.w.triples), self.make_disagreement, minimum=2)
        self.w.flush()
        return self.w.triples


def parse_size(text: str) -> int:
    """``100k`` -> 100000, ``1M`` -> 1000000, ``3000`` -> 3000."""
    text = text.strip()
    mult = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if mult != 1 else text
    return int(float(number) * mult)


def size_label(n: int) -> str:
    """The short name of a size, as :func:`parse_size` reads it: 1000000 -> "1M", 20000 -> "20k"."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def generate(triples: int, out: Path, seed: int = 1) -> int:
    """Write about ``triples`` triples to ``out``; returns the exact number written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".part")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(HEADER.format(n=triples, seed=seed))
        count = Generator(triples, seed, f).run()
    tmp.replace(out)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", required=True, type=parse_size, help="about how many triples (e.g. 100k, 1M)")
    parser.add_argument("--out", required=True, type=Path, help="Turtle file to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    count = generate(args.triples, args.out, args.seed)
    print(f"wrote {count} triples to {args.out} in {time.perf_counter() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
