"""The benchmark's synthetic data (bench/generate.py) conforms to our shapes and has the size asked for."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from lexgraph.config import Settings
from lexgraph.findings import Level
from lexgraph.validate import validate


def test_generated_data_conforms_and_has_the_requested_size(settings: Settings, tmp_path: Path, bench_generator: ModuleType) -> None:
    requested = 3_000
    out = tmp_path / "synthetic.ttl"
    written = bench_generator.generate(requested, out, seed=7)
    report = validate(settings, [out])
    # No errors, and no warnings either: evidence, penalties, time limits and thresholds have IRIs
    # (the quality check blank-nodes warns about blank nodes).
    serious = [f for f in report.findings if f.level >= Level.WARN]
    assert serious == [], serious[:5]
    text = out.read_text(encoding="utf-8")
    assert "/evidence/1> a lg:Evidence" in text and "/penalty/1> a lg:Penalty" in text
    assert abs(report.triples - requested) <= requested * 0.10
    assert report.triples == written


def test_generation_is_deterministic_for_a_seed(tmp_path: Path, bench_generator: ModuleType) -> None:
    gen = bench_generator
    a, b, c = tmp_path / "a.ttl", tmp_path / "b.ttl", tmp_path / "c.ttl"
    gen.generate(2_000, a, seed=3)
    gen.generate(2_000, b, seed=3)
    gen.generate(2_000, c, seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
