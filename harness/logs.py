"""Make an execution log safe and readable: secrets masked, stand-in addresses and sandbox paths made real.

Every change a log undergoes between the execution and the guide is a
``Rewrite`` listed here; "How these recipes are run" shows the list.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from harness.credentials import Secrets

MASK = "****"
EXECUTION_HEADING = "=== the execution: step {step} in {image} ==="  # where the build's part of a log ends
HEADER_PREFIX = "# "
_ADJACENT_MASKS = re.compile(r"\*{4}(?:\*{4})+")
# Lines that differ between pip versions or runs without meaning anything to the reader.
_VOLATILE = re.compile(r"^\s*$|^\s*(Downloading |Using cached |Obtaining |━)")
_NAME_PORT = re.compile(r"(?P<host>[A-Za-z0-9][A-Za-z0-9.-]*):(?P<port>\d{4,5})\b")
_CONNECTION = re.compile(r"(?P<kind>HTTPSConnection(?:Pool)?)\(host='(?P<host>[^']+)', port=(?P<port>\d+)\)")
_CURL_CONNECT = re.compile(r"to (?P<host>\S+) port (?P<port>\d+)")
_DURATION = re.compile(r"(after \d+ ms|in \d+(\.\d+)?m?s$)")
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")  # Python's repr of an object: differs on every run
_SERIAL = re.compile(r"'serialNumber': '[0-9A-F]+'")  # a certificate's, as older pips print it: new each session
# The lines that say what went wrong: pip's and uv's errors and warnings, an exception's last line, curl's error and
# the status a check prints, pip's credential prompt, an option pip doesn't know, older pips' TLS complaint, and the
# AWS CLI's error from a service.
_TELLING = re.compile(
    r"^(?:(?:ERROR|WARNING|error|warning|hint|cause|Caused by):"
    r"|[A-Za-z_][\w.]*(?:Error|Exception)(?::|$)"
    r"|Error: |curl: \(\d+\)|HTTP \d{3}\b|[×╰]|User for \S+:|no such option:|Could not fetch URL "
    r"|An error occurred \(\w+\) when calling the \w+ operation"
    r"|option \S+: invalid choice:|\S+ is not a valid value for )"
)
# Lines that say nothing about the failure: pip's advice on root and on upgrading itself, its self-check, and
# uv's lines naming the interpreter (the one that stands in for the image's).
NOISE = re.compile(
    r"^(?:\[notice\] |WARNING: (?:Running pip as the 'root' user|You are using pip version"
    r"|There was an error checking the latest version of pip)|Using Python \S+ environment at"
    r"|Using CPython \S+ interpreter at)"
)
# pip's credential prompt ends without a newline, so whatever pip prints next shares its line.
_PROMPT = re.compile(r"^(User for \S+:)\s*(.+)$")
_TEMPORARY = re.compile(r"(/tmp/pip-[a-z-]+?-)[a-z0-9_]{8}\b")  # pip's temporary folders, as pip -vv names them
# A builder's image and container IDs, and the digest it names a copied file by (new with each session's token).
_BUILT_ID = re.compile(r"^(--> )?[0-9a-f]{11,64}$|(?<=file:)[0-9a-f]{64}\b|(?<=container \")[0-9a-f]{64}(?=\")")
# A Linux platform tag names this machine's glibc and architecture (uv: "e.g., `manylinux_2_36_x86_64`").
_PLATFORM = re.compile(r"\b(manylinux|musllinux)_\d+_\d+_\w+")
_TIMESTAMP = re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?[+-]\d\d:\d\d")  # a clock time: aws's expiry
_VARYING = ((_DURATION, "<duration>"), (_ADDRESS, " at 0x…"), (_SERIAL, "'serialNumber': '…'"), (_TEMPORARY, r"\1…"),
            (_PLATFORM, r"\1_…"), (_TIMESTAMP, "<time>"), (_BUILT_ID, r"\1…"))


@dataclass(frozen=True)
class Rewrite:
    name: str
    what: str


REWRITES = (
    Rewrite("secrets", "Every form of every credential the harness handed out (whole, percent-encoded, Base64 "
                       "of user:token, or an identifying run of eight characters or more) becomes ****. pip's "
                       "own masking stays as pip printed it."),
    Rewrite("stand-in ports", "Executions reach each stand-in by its real name, on a port of its own: "
                              "acme.jfrog.io:PORT becomes acme.jfrog.io, as it reads on port 443."),
    Rewrite("connection errors", "port=PORT in pip's HTTPSConnection(…) and HTTPSConnectionPool(…), and curl's "
                                 "'port PORT', become port 443."),
    Rewrite("sandbox paths", "The sandbox folder that holds /usr/local, /root, /etc/ssl/certs and /valohai is "
                             "taken out of paths, so they read as the image's; uv reads as installed in /usr/local/bin."),
)


def mask(text: str, secrets: Secrets) -> str:
    """Replace every form of every secret, and every identifying run of one, longest first, by ``****``."""
    return _ADJACENT_MASKS.sub(MASK, secrets.hide(text, MASK))  # pip's own mask beside ours reads as one


def realistic(text: str, ports: dict[int, str], paths: dict[str, str]) -> str:
    """Take the stand-ins' ports out of host names and connections, and sandbox paths out of file names."""

    def known(match: re.Match) -> bool:
        return ports.get(int(match["port"])) == match["host"]

    def name_port(match: re.Match) -> str:
        return match["host"] if known(match) else match[0]

    def connection(match: re.Match) -> str:
        return f"{match['kind']}(host='{match['host']}', port=443)" if known(match) else match[0]

    def curl_connect(match: re.Match) -> str:
        return f"to {match['host']} port 443" if known(match) else match[0]

    text = _CURL_CONNECT.sub(curl_connect, _CONNECTION.sub(connection, text))
    text = _NAME_PORT.sub(name_port, text)
    for local, shown in sorted(paths.items(), key=lambda item: len(item[0]), reverse=True):
        text = text.replace(local, shown)
    return text


def sandbox_paths(root: str, uv_dir: str) -> dict[str, str]:
    """Local path → the path the image has; the sandbox root itself disappears."""
    return {
        root: "",
        uv_dir: "/usr/local/bin",
        f"{sys.base_prefix}/lib": "/usr/local/lib",  # the interpreter's own files, where an image has them
    }


def stable_lines(text: str) -> list[str]:
    """The lines a committed log and a fresh run must share."""
    return [_steady(line.rstrip()) for line in text.splitlines() if not _VOLATILE.match(line)]


def ordered_lines(text: str) -> list[str]:
    """The stable lines a committed log and a fresh run must share, in order.

    A build's part leaves out pip's advice (``NOISE``): buildah copies a RUN's stdout and stderr through
    separate pipes, so the root warning pip writes to stderr as it exits and its last line on stdout reach
    the log in either order.
    """
    build, execution = split_build(text)
    if build is None:
        return stable_lines(text)
    return [line for line in stable_lines(build) if not NOISE.match(line)] + stable_lines(text[len(build):])


def _steady(line: str) -> str:
    """``line`` with what differs on every run or machine (durations, object addresses, serials, temporary folders,
    this machine's platform tag) blanked."""
    for pattern, replacement in _VARYING:
        line = pattern.sub(replacement, line)
    return line


def telling_lines(text: str) -> list[str]:
    """The lines of a log that say what went wrong, stripped, a credential prompt apart from what followed it.

    What a reader scans for, and what recognising a failure rests on (``harness.explain_rules``).
    """
    telling = []
    for line in text.splitlines():
        line = line.strip()
        while (prompt := _PROMPT.match(line)) is not None:
            telling.append(prompt[1])
            line = prompt[2]
        if is_telling(line):
            telling.append(line)
    return telling


def is_telling(line: str) -> bool:
    """Whether a line, as printed, says what went wrong (the pages highlight it)."""
    line = line.strip()
    return bool(_TELLING.match(line)) and not NOISE.match(line)


def split_build(text: str) -> tuple[str | None, str]:
    """A log's build part (None where the scenario built no image) and what the execution printed."""
    marker = EXECUTION_HEADING.split("{", 1)[0]
    lines = text.splitlines(keepends=True)
    at = next((n for n, line in enumerate(lines) if line.startswith(marker)), None)
    if at is None:
        return (text, "") if text.startswith("$ buildah build") else (None, text)
    return "".join(lines[:at]), "".join(lines[at + 1:])


def split_header(text: str) -> tuple[str, str]:
    """A committed log's first line names how it was produced; the rest is what the execution printed."""
    if text.startswith(HEADER_PREFIX):
        header, _, body = text.partition("\n")
        return header[len(HEADER_PREFIX):], body
    return "", text
