"""The Dockerfiles of a repository, read with BuildKit's own parser (the ``dockerfile`` package).

Read by the lint (``imagesecrets``) and by the guide's harness, which builds the
recipes' images: both need each instruction with its lines, its flags
(``--mount=type=secret,…``) and its words, as the builder reads them.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import dockerfile

# The names builders look for, and the usual names of the others (``docker build -f train.Dockerfile``).
NAMES = ("Dockerfile", "Containerfile", "*.Dockerfile", "*.dockerfile", "Dockerfile.*", "*.Containerfile",
         "Containerfile.*")
_SCRATCH = "scratch"


@dataclass(frozen=True)
class Instruction:
    keyword: str  # FROM, RUN, ARG… in capitals
    line: int  # where it starts (1-based)
    flags: tuple[str, ...]  # --mount=…, --from=…
    words: tuple[str, ...]  # the rest, as the parser splits it (ENV: name, value, name, value…)
    text: str  # the instruction as written, continuation lines joined
    heredocs: tuple[str, ...] = ()  # the bodies of RUN <<EOF … EOF

    def flag(self, name: str) -> str | None:
        """The value of ``--name=value``, or None."""
        return next((f.split("=", 1)[1] for f in self.flags if f.startswith(f"--{name}=")), None)

    @property
    def command(self) -> str:
        """What a RUN runs: its words, and its heredocs' bodies."""
        return "\n".join([" ".join(self.words), *self.heredocs])


def is_dockerfile(path: Path) -> bool:
    return any(fnmatch.fnmatchcase(path.name, pattern) for pattern in NAMES)


def find(root: Path, skip: tuple[str, ...] = (), skip_dirs: frozenset[str] = frozenset()) -> list[Path]:
    """Every Dockerfile under ``root``, but in the folders ``skip_dirs`` and the top-level names ``skip``."""
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).parts
        if relative[0] in skip or any(part in skip_dirs for part in relative[:-1]):
            continue
        if path.is_file() and is_dockerfile(path):
            found.append(path)
    return found


def parse(path: Path) -> list[Instruction]:
    """``path``'s instructions; a file BuildKit can't read raises ``ValueError`` with its message."""
    try:
        commands = dockerfile.parse_file(str(path))
    except dockerfile.GoParseError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    return [Instruction(c.cmd.upper(), c.start_line, tuple(c.flags), tuple(c.value), c.original,
                        tuple(h.content for h in c.heredocs)) for c in commands]


def base_images(instructions: list[Instruction]) -> list[str]:
    """The images the build starts from or copies from, in order: FROM's (not an earlier stage's name, not
    scratch) and ``COPY --from=<image>``'s."""
    stages: set[str] = set()
    images: list[str] = []
    for instruction in instructions:
        if instruction.keyword == "FROM" and instruction.words:
            name = instruction.words[0]
            if name.lower() not in stages and name != _SCRATCH and name not in images:
                images.append(name)
            if len(instruction.words) >= 3 and instruction.words[1].upper() == "AS":
                stages.add(instruction.words[2].lower())
        source = instruction.flag("from") if instruction.keyword == "COPY" else None
        if source and not source.isdigit() and source.lower() not in stages and source not in images:
            images.append(source)
    return images


def final_base(instructions: list[Instruction]) -> str | None:
    """The image the last stage starts from, following stage names back to an image."""
    named: dict[str, str] = {}
    base = None
    for instruction in instructions:
        if instruction.keyword == "FROM" and instruction.words:
            name = instruction.words[0]
            base = named.get(name.lower(), name)
            if len(instruction.words) >= 3 and instruction.words[1].upper() == "AS":
                named[instruction.words[2].lower()] = base
    return base
