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
HEADER_PREFIX = "# "
_LOCAL_ORIGIN = re.compile(r"https://(?P<userinfo>[^/\s@'\"]*@)?127\.0\.0\.1:(?P<port>\d+)")
_ADJACENT_MASKS = re.compile(r"\*{4}(?:\*{4})+")
# Lines that differ between pip versions or runs without meaning anything to the reader.
_VOLATILE = re.compile(r"^\s*$|^\s*(Downloading |Using cached |Obtaining |━)")
_CONNECTION = re.compile(r"HTTPSConnection\(host='127\.0\.0\.1', port=(?P<port>\d+)\)")
_CURL_CONNECT = re.compile(r"to 127\.0\.0\.1 port (?P<port>\d+)")
_HOST_PORT = re.compile(r"\b127\.0\.0\.1:(?P<port>\d+)\b")
_DURATION = re.compile(r"(after \d+ ms|in \d+(\.\d+)?m?s$)")


@dataclass(frozen=True)
class Rewrite:
    name: str
    what: str


REWRITES = (
    Rewrite("secrets", "Every form of every credential the harness handed out (whole, percent-encoded, Base64 "
                       "of user:token, or an identifying run of eight characters or more) becomes ****. pip's "
                       "own masking stays as pip printed it."),
    Rewrite("stand-in origins", "https://127.0.0.1:PORT of a stand-in becomes the origin it stands for, such as "
                                "https://acme.jfrog.io; the scheme, any user name and the path stay."),
    Rewrite("connection errors", "HTTPSConnection(host='127.0.0.1', port=PORT) in pip's retries and curl's "
                                 "'to 127.0.0.1 port PORT' name the stand-in's host and port 443."),
    Rewrite("host and port", "Any other 127.0.0.1:PORT of a stand-in, such as pip's 'User for 127.0.0.1:PORT:' "
                             "prompt, becomes the host name alone, as pip prints it for port 443."),
    Rewrite("sandbox paths", "The sandbox folder that holds /usr/local, /root, /etc/ssl/certs and /valohai is "
                             "taken out of paths, so they read as the image's; uv reads as installed in /usr/local/bin."),
)


def mask(text: str, secrets: Secrets) -> str:
    """Replace every form of every secret, and every identifying run of one, longest first, by ``****``."""
    return _ADJACENT_MASKS.sub(MASK, secrets.hide(text, MASK))  # pip's own mask beside ours reads as one


def realistic(text: str, shown_origins: dict[str, str], paths: dict[str, str]) -> str:
    """Rewrite ``https://127.0.0.1:PORT`` into the host it stands for, and sandbox paths into the image's."""
    by_port = {origin.rsplit(":", 1)[1]: shown for origin, shown in shown_origins.items()}

    def host_of(port: str) -> str | None:
        shown = by_port.get(port)
        return shown.split("://", 1)[1] if shown else None

    def origin(match: re.Match) -> str:
        host = host_of(match["port"])
        return f"https://{match['userinfo'] or ''}{host}" if host else match[0]

    def connection(match: re.Match) -> str:
        host = host_of(match["port"])
        return f"HTTPSConnection(host='{host}', port=443)" if host else match[0]

    def curl_connect(match: re.Match) -> str:
        host = host_of(match["port"])
        return f"to {host} port 443" if host else match[0]

    def host_port(match: re.Match) -> str:
        return host_of(match["port"]) or match[0]

    text = _CONNECTION.sub(connection, _LOCAL_ORIGIN.sub(origin, text))
    text = _HOST_PORT.sub(host_port, _CURL_CONNECT.sub(curl_connect, text))
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
    return [_DURATION.sub("<duration>", line.rstrip()) for line in text.splitlines() if not _VOLATILE.match(line)]


def split_header(text: str) -> tuple[str, str]:
    """A committed log's first line names how it was produced; the rest is what the execution printed."""
    if text.startswith(HEADER_PREFIX):
        header, _, body = text.partition("\n")
        return header[len(HEADER_PREFIX):], body
    return "", text
