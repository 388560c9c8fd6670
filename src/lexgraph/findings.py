"""What a check reports: findings with a level, shared by SHACL and the quality queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path


class Level(IntEnum):
    """Severity of a finding, ordered so that ``level >= fail_on`` decides failure."""

    INFO = 1
    WARN = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Level":
        """Read a level name as users write it (error, WARN, warning, info)."""
        name = text.strip().upper()
        name = {"WARNING": "WARN", "VIOLATION": "ERROR"}.get(name, name)
        try:
            return cls[name]
        except KeyError:
            raise ValueError(f"unknown level {text!r}; expected one of ERROR, WARN, INFO") from None


@dataclass(frozen=True)
class Finding:
    """One problem: which check found it, on which node, where, and why."""

    level: Level
    check: str
    """The SHACL shape or quality check that raised it."""
    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    file: str | None = None
    """In-context runs: the named file that defines the focus (or value) node."""


@dataclass
class Report:
    """The outcome of one validation run."""

    files: list[Path]
    triples: int
    checks: list[str]
    """Every shape and quality check that ran, so passing ones can be listed too."""
    findings: list[Finding] = field(default_factory=list)
    context_files: list[Path] = field(default_factory=list)
    """Data files read as context only: their nodes' findings are not reported."""
    stand_ins: dict[Path, Path] = field(default_factory=dict)
    """A checked file -> the data file of the same name it stood in for."""

    def failing(self, fail_on: Level) -> list[Finding]:
        """The findings at or above ``fail_on``."""
        return [f for f in self.findings if f.level >= fail_on]

    def conforms(self, fail_on: Level = Level.ERROR) -> bool:
        return not self.failing(fail_on)

    def counts(self) -> dict[str, int]:
        """Number of findings per level name."""
        return {level.name: sum(1 for f in self.findings if f.level == level) for level in Level}
