"""Render a validation report as text for people, JSON for programs and JUnit XML for CI."""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import groupby
from xml.etree import ElementTree as ET

from .findings import Finding, Level, Report
from .namespaces import ID, PREFIXES
from .stats import GraphStats

FORMATS = ("text", "json", "junit")


def render(report: Report, fmt: str, fail_on: Level, *, verbose: bool = True) -> str:
    """The report in one of :data:`FORMATS` (``verbose``: the text lists INFO findings too)."""
    if fmt == "text":
        return as_text(report, fail_on, verbose=verbose)
    renderers = {"json": as_json, "junit": as_junit}
    return renderers[fmt](report, fail_on)


def as_text(report: Report, fail_on: Level, *, verbose: bool = True) -> str:
    """Findings grouped by focus node, each with level, message, path and value, then a
    one-line summary. Without ``verbose``, INFO findings are counted in the summary but not
    listed (on valid data they are dozens of notes such as "no date in the source")."""
    lines: list[str] = []
    shown = [f for f in report.findings if verbose or f.level > Level.INFO]
    by_focus = groupby(sorted(shown, key=lambda f: (f.focus, -f.level)), key=lambda f: f.focus)
    for focus, findings in by_focus:
        findings = list(findings)
        files = sorted({f.file for f in findings if f.file})
        lines.append((focus or "(graph)") + (f"  ({', '.join(files)})" if files else ""))
        for f in findings:
            lines.append(f"  {f.level.name:<5} {f.message}")
            detail = [f"check {f.check}"]
            if f.path:
                detail.append(f"path {f.path}")
            if f.value is not None:
                detail.append(f"value {f.value!r}")
            lines.append("        " + ", ".join(detail))
        lines.append("")
    counts = report.counts()
    verdict = "conforms" if report.conforms(fail_on) else "does not conform"
    lines.append(
        f"{len(report.files)} files{_context(report)}, {report.triples} triples, {len(report.checks)} checks: "
        f"{counts['ERROR']} errors, {counts['WARN']} warnings, {counts['INFO']} info; "
        f"{verdict} (failing on {fail_on.name})"
        + ("" if verbose or not counts["INFO"] else "; --verbose lists the info")
    )
    return "\n".join(lines) + "\n"


def _context(report: Report) -> str:
    """What an in-context run read beside the files it checked."""
    if not report.context_files and not report.stand_ins:
        return ""
    text = f" in the context of {len(report.context_files)} data files"
    if report.stand_ins:
        text += " (" + "; ".join(f"{f} standing in for {d}" for f, d in report.stand_ins.items()) + ")"
    return text


def _finding_dict(f: Finding) -> dict[str, object]:
    return {
        "level": f.level.name,
        "check": f.check,
        "focus": f.focus,
        "path": f.path,
        "value": f.value,
        "message": f.message,
        **({"file": f.file} if f.file else {}),
    }


def as_json(report: Report, fail_on: Level) -> str:
    """One JSON object: the verdict, counts, files and every finding."""
    doc = {
        "conforms": report.conforms(fail_on),
        "fail_on": fail_on.name,
        "triples": report.triples,
        "files": [str(p) for p in report.files],
        "context_files": [str(p) for p in report.context_files],
        "counts": report.counts(),
        "checks": report.checks,
        "findings": [_finding_dict(f) for f in report.findings],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def as_junit(report: Report, fail_on: Level) -> str:
    """JUnit XML: a test case per finding (failed at or above ``fail_on``) and one passing
    case per check that found nothing, so CI shows each violation as a failed test."""
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_check[f.check].append(f)
    suites = ET.Element("testsuites", name="lexgraph validate")
    suite = ET.SubElement(suites, "testsuite", name="lexgraph validate")
    tests = failures = 0
    for check in sorted(set(report.checks) | set(by_check)):
        findings = by_check.get(check, [])
        if not findings:
            ET.SubElement(suite, "testcase", classname=check, name="all focus nodes conform")
            tests += 1
            continue
        for f in findings:
            name = f.focus + (f" {f.path}" if f.path else "")
            case = ET.SubElement(suite, "testcase", classname=check, name=name)
            tests += 1
            body = "\n".join(
                part for part in (f.message, f"focus: {f.focus}", f"path: {f.path}" if f.path else "",
                                  f"value: {f.value}" if f.value is not None else "") if part
            )
            if f.level >= fail_on:
                failures += 1
                failure = ET.SubElement(case, "failure", message=f.message, type=f.level.name)
                failure.text = body
            else:
                ET.SubElement(case, "system-out").text = f"{f.level.name}: {body}"
    for element in (suites, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _short(iri: str) -> str:
    """An IRI in prefixed or base-relative form, for tables people read."""
    if iri.startswith(str(ID)):
        return "<" + iri[len(str(ID)):] + ">"
    for name, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{name}:{iri[len(str(namespace)):]}"
    return f"<{iri}>"


def stats_text(stats: GraphStats) -> str:
    """``lexgraph stats`` as aligned text."""
    lines = [
        f"triples (ontology + data): {stats.triples}",
        f"triples (data):            {stats.data_triples}",
        f"facts (claims):            {stats.facts}",
        f"disagreements:             {stats.disagreements}",
        f"facts without a quote:     {stats.facts_without_quote}",
        f"structured values:         {stats.structured_values}, "
        f"{stats.own_evidence_share:.1f}% with their own evidence ({stats.values_with_own_evidence})",
        f"blank nodes in the data:   {stats.blank_nodes}",
    ]
    lines += [f"  no own evidence: {_short(node)} {_short(p)}" for node, p in stats.values_without_own_evidence]
    lines += ["", f"facts stated only in prose ({len(stats.prose_only)}), with why no property fits:"]
    lines += [f"  {_short(node)}: {reason}" for node, reason in stats.prose_only]
    lines += [
        "",
        "facts by source document:",
    ]
    lines += [f"  {n:>6}  {_short(source)}" for source, n in stats.facts_by_source.items()]
    lines += ["", "entities by class:"]
    lines += [f"  {n:>6}  {_short(cls)}" for cls, n in stats.entities_by_class.items()]
    return "\n".join(lines) + "\n"


def stats_json(stats: GraphStats) -> str:
    """``lexgraph stats`` as one JSON object."""
    return json.dumps(
        {
            "triples": stats.triples,
            "data_triples": stats.data_triples,
            "facts": stats.facts,
            "disagreements": stats.disagreements,
            "facts_without_quote": stats.facts_without_quote,
            "structured_values": stats.structured_values,
            "values_with_own_evidence": stats.values_with_own_evidence,
            "own_evidence_percent": round(stats.own_evidence_share, 1),
            "values_without_own_evidence": [{"node": n, "property": p} for n, p in stats.values_without_own_evidence],
            "blank_nodes": stats.blank_nodes,
            "prose_only": [{"node": n, "reason": r} for n, r in stats.prose_only],
            "facts_by_source": stats.facts_by_source,
            "entities_by_class": stats.entities_by_class,
        },
        indent=2,
    ) + "\n"
