"""Which findings a run reports: the least severity, shellcheck's level, the rules on and off."""

from __future__ import annotations

from dataclasses import dataclass

from preflight.rules import Severity

SHELLCHECK_LEVELS = ("error", "warning", "info", "style")  # shellcheck's own, most severe first


@dataclass(frozen=True)
class Options:
    severity: Severity = Severity.WARNING  # the least severe finding reported
    shellcheck: str = "error"  # the least severe shellcheck comment asked for (one of SHELLCHECK_LEVELS)
    enable: frozenset[str] = frozenset()  # only these rules, when given
    disable: frozenset[str] = frozenset()
    skip: tuple[str, ...] = ()  # top-level names in the repository that are not its code

    def reports(self, rule: str, severity: Severity = Severity.ERROR) -> bool:
        return (severity >= self.severity and rule not in self.disable
                and (not self.enable or rule in self.enable))


DEFAULT = Options()  # what valohai-preflight reports without options
# The guide's own recipes: every finding counts, down to shellcheck's style notes.
STRICT = Options(severity=Severity.INFO, shellcheck="style")
