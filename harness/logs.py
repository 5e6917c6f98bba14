"""Make an execution log safe and readable: secrets masked, local addresses made realistic."""

from __future__ import annotations

import re

from harness.lab import Secrets

MASK = "****"
_LOCAL_ORIGIN = re.compile(r"http://(?P<userinfo>[^/\s@'\"]*@)?127\.0\.0\.1:(?P<port>\d+)")
_ADJACENT_MASKS = re.compile(r"\*{4}(?:\*{4})+")
# Lines that differ between pip versions or runs without meaning anything to the reader.
_VOLATILE = re.compile(r"^\s*$|^\s*(Downloading |Using cached |Obtaining |━)")
_CONNECTION = re.compile(r"HTTPConnection\(host='127\.0\.0\.1', port=(?P<port>\d+)\)")
_CURL_CONNECT = re.compile(r"to 127\.0\.0\.1 port (?P<port>\d+)")
_DURATION = re.compile(r"(after \d+ ms|in \d+(\.\d+)?m?s$)")


def mask(text: str, secrets: Secrets) -> str:
    """Replace every form of every secret, and every identifying run of one, longest first, by ``****``."""
    pieces = sorted({piece for _, _, piece in secrets.exposed_in(text)}, key=len, reverse=True)
    for piece in pieces:
        text = text.replace(piece, MASK)
    return _ADJACENT_MASKS.sub(MASK, text)  # pip's own mask beside ours reads as one


def realistic(text: str, shown_origins: dict[str, str], paths: dict[str, str]) -> str:
    """Rewrite ``http://127.0.0.1:PORT`` into the host it stands for, and sandbox paths into Valohai's."""
    by_port = {origin.rsplit(":", 1)[1]: shown for origin, shown in shown_origins.items()}

    def origin(match: re.Match) -> str:
        shown = by_port.get(match["port"])
        if shown is None:
            return match[0]
        scheme, host = shown.split("://", 1)
        return f"{scheme}://{match['userinfo'] or ''}{host}"

    def connection(match: re.Match) -> str:
        shown = by_port.get(match["port"])
        if shown is None:
            return match[0]
        return f"HTTPSConnection(host='{shown.split('://', 1)[1]}', port=443)"

    def curl_connect(match: re.Match) -> str:
        shown = by_port.get(match["port"])
        return f"to {shown.split('://', 1)[1]} port 443" if shown else match[0]

    text = _CONNECTION.sub(connection, _LOCAL_ORIGIN.sub(origin, text))
    text = _CURL_CONNECT.sub(curl_connect, text)
    for local, shown in sorted(paths.items(), key=lambda item: len(item[0]), reverse=True):
        text = text.replace(local, shown)
    return text


def stable_lines(text: str) -> list[str]:
    """The lines a committed log and a fresh run must share."""
    return [_DURATION.sub("<duration>", line.rstrip()) for line in text.splitlines() if not _VOLATILE.match(line)]
