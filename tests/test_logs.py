"""Secrets are found and masked whole or in part; local addresses become the hosts they stand for."""

from harness.credentials import Credentials, Secret, Secrets
from harness.logs import MASK, mask, ordered_lines, realistic, stable_lines, telling_lines

TOKEN_A = "cmVmdGtuOjAxOjE3OTk5OTk5OTk6YWJjZGVmZ2hpams"  # shaped like a JFrog reference token
TOKEN_B = "cmVmdGtuOjAxOjE3OTk5OTk5OTk6enl4d3Z1dHNycXA"
SPECIAL = "5f3a9c2e1d@0b8e7a6f4c:50634c80f1/9e2d4c6b8a#13579bdf02"


def secrets() -> Secrets:
    return Secrets([
        Secret("private", Credentials("valohai-ci", TOKEN_A)),
        Secret("revoked", Credentials("valohai-ci", TOKEN_B)),
        Secret("special", Credentials("jane.doe@acme.com", SPECIAL)),
    ])


def test_a_whole_token_is_found_and_masked():
    text = f"Using index https://valohai-ci:{TOKEN_A}@acme.jfrog.io/simple"
    assert [(s.label, form) for s, form, _ in secrets().exposed_in(text)] == [("private", "password"), ("private", "percent-encoded password")]
    assert mask(text, secrets()) == f"Using index https://valohai-ci:{MASK}@acme.jfrog.io/simple"


def test_a_run_of_a_password_is_a_leak_too():
    text = "ValueError: Port could not be cast to integer value as '50634c80f1'"
    assert ("special", "part of the password") in [(s.label, form) for s, form, _ in secrets().exposed_in(text)]
    assert mask(text, secrets()) == f"ValueError: Port could not be cast to integer value as '{MASK}'"


def test_structure_tokens_share_identifies_nobody():
    """Every JFrog reference token starts with the Base64 of 'reftkn:01:'; that prefix alone is no leak."""
    assert secrets().exposed_in("token prefix cmVmdGtuOjAxOjE3OTk5OTk5OTk6 seen") == []


def test_stand_in_ports_and_sandbox_paths_become_the_images():
    text = "Looking in indexes: https://valohai-ci:****@acme.jfrog.io:41234/artifactory/api/pypi/pypi-virtual/simple\n" \
           "curl: (7) Failed to connect to artifactory.acme.internal port 45678 after 0 ms\n" \
           "HTTPSConnection(host='artifactory.acme.internal', port=45678): Failed\n" \
           "User for acme.jfrog.io:41234: \nWriting to /dev/shm/box/image/root/.config/pip/pip.conf\n" \
           "https://other.example.com:41234/ stays: another host on that port is not a stand-in"
    shown = realistic(text, {41234: "acme.jfrog.io", 45678: "artifactory.acme.internal"}, {"/dev/shm/box/image": ""})
    assert shown.splitlines() == [
        "Looking in indexes: https://valohai-ci:****@acme.jfrog.io/artifactory/api/pypi/pypi-virtual/simple",
        "curl: (7) Failed to connect to artifactory.acme.internal port 443 after 0 ms",
        "HTTPSConnection(host='artifactory.acme.internal', port=443): Failed",
        "User for acme.jfrog.io: ",
        "Writing to /root/.config/pip/pip.conf",
        "https://other.example.com:41234/ stays: another host on that port is not a stand-in",
    ]


def test_stable_lines_ignore_what_varies_between_runs_and_pip_versions():
    fresh = "Collecting x\n  Downloading x-1.0-py3-none-any.whl (1.3 kB)\nResolved 1 package in 12ms\n\nDone"
    committed = "Collecting x\n  Downloading x-1.0-py3-none-any.whl (1.2 kB)\nResolved 1 package in 9ms\nDone"
    assert stable_lines(fresh) == stable_lines(committed) == ["Collecting x", "Resolved 1 package <duration>", "Done"]


def test_pips_root_warning_may_come_before_or_after_its_last_line_in_a_build_but_not_in_an_execution():
    root = "WARNING: Running pip as the 'root' user can result in broken permissions"
    build = "$ buildah build .\nSTEP 1/2: FROM python:3.12\nSTEP 2/2: RUN pip install x\n%s\nCOMMIT trainer\n"
    execution = "=== the execution: step train in trainer ===\n%s\n"
    first = build % f"Successfully installed x-1.0\n{root}" + execution % f"Successfully installed y-1.0\n{root}"
    then = build % f"{root}\nSuccessfully installed x-1.0" + execution % f"Successfully installed y-1.0\n{root}"
    swapped = build % f"{root}\nSuccessfully installed x-1.0" + execution % f"{root}\nSuccessfully installed y-1.0"
    assert ordered_lines(first) == ordered_lines(then)
    assert "=== the execution: step train in trainer ===" in ordered_lines(first)
    assert ordered_lines(first) != ordered_lines(swapped)


def test_stable_lines_ignore_the_temporary_folders_pip_vv_names():
    printed = "Created temporary directory: /tmp/pip-ephem-wheel-cache-%s"
    assert stable_lines(printed % "qebme_s9") == stable_lines(printed % "2ehy92l7") == [
        "Created temporary directory: /tmp/pip-ephem-wheel-cache-…"]


def test_stable_lines_ignore_a_session_certificates_serial_number():
    printed = "WARNING: Certificate did not match expected hostname: a. Certificate: {'serialNumber': '%s', 'version': 3}"
    assert stable_lines(printed % "041FCDAF") == stable_lines(printed % "197BFA57") == [
        "WARNING: Certificate did not match expected hostname: a. Certificate: {'serialNumber': '…', 'version': 3}"]


def test_telling_lines_are_what_went_wrong_without_pips_advice_and_the_prompt_apart():
    log = """Looking in indexes: https://acme.jfrog.io/artifactory/api/pypi/pypi-virtual/simple
User for acme.jfrog.io: User for acme.jfrog.io: WARNING: There was an error checking the latest version of pip.
WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour.
[notice] A new release of pip is available: 24.0 -> 26.3
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/pip/_internal/utils/misc.py", line 283, in ask_input
EOFError: EOF when reading a line
error: Failed to fetch: https://acme.jfrog.io/simple/x/
  cause: invalid peer certificate: UnknownIssuer
curl: (6) Could not resolve host: acme.jfrog.io
HTTP 000
no such option: --dry-run
"""
    assert telling_lines(log) == [
        "User for acme.jfrog.io:", "User for acme.jfrog.io:", "EOFError: EOF when reading a line",
        "error: Failed to fetch: https://acme.jfrog.io/simple/x/", "cause: invalid peer certificate: UnknownIssuer",
        "curl: (6) Could not resolve host: acme.jfrog.io", "HTTP 000", "no such option: --dry-run",
    ]
