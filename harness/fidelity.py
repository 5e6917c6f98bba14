"""Where an emulated execution differs from a real one, and what is not emulated at all.

"How these recipes are run" is rendered from this module, ``models``,
``images`` and ``logs.REWRITES``; a test fails if a variable the execution sees
is neither the image's, Docker's, Valohai's, the step's nor listed here.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from harness.topology import SLOW_SECONDS, UNCACHED_VIRTUAL
from harness.stubs.awscli import ACCOUNT_FILE


@dataclass(frozen=True)
class Deviation:
    name: str
    what: str
    why: str
    variables: tuple[str, ...] = ()  # environment variables this deviation adds
    shows: str = ""  # how, if at all, it shows in a log
    uv_images_only: bool = False
    pip_matrix_only: bool = False  # only in the pip matrix's runs under older pips (harness.pip_images)


UV_ROOTS = "/usr/local/share/harness/uv-builtin-roots.pem"  # stands in for the roots built into uv
AWS_ACCOUNT = f"/usr/local/{ACCOUNT_FILE}"  # what the aws stand-in knows of the account, below the image's prefix
# Choices the execution code takes from here, so that the list below is what it does.
CLOSED_STDIN = subprocess.DEVNULL
ROOT_NAMESPACE = ("--user", "--map-root-user", "--mount")  # unshare's options: root in a namespace of its own
BUILD_NAMESPACE = ("--mount", "--propagation", "private")  # unshare's options for buildah, which runs as root
VALOHAI_VARIABLES = ("VH_REPOSITORY_DIR", "VH_INPUTS_DIR", "VH_OUTPUTS_DIR", "VH_CONFIG_DIR", "VH_EXECUTION_ID",
                     "VH_PROJECT_ID")
DEFAULT_TIME_LIMIT = 60.0  # seconds, unless a scenario sets time-limit
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy",
                   "NO_PROXY", "no_proxy")

DEVIATIONS = (
    Deviation(
        "python",
        "This machine's Python stands in for the image's: its standard library is linked into the sandbox's "
        "/usr/local as a system install, not a virtual environment.",
        "Docker doesn't run here. The Python minor version differs from the image's; each log's first line "
        "names both.",
        shows="pip --version, tracebacks, uv's 'Using CPython … interpreter' and pip's 'requires a different "
              "Python' name this Python's version; uv's platform tag (manylinux_2_36_x86_64) names this machine's "
              "glibc and architecture.",
    ),
    Deviation(
        "pip",
        "The pinned pip runs instead of the one the image ships. The pip matrix runs every scenario again under "
        "the pips that images ship, unpacked from their wheels into the image's site-packages as get-pip.py or "
        "ensurepip install them, under the lines+sh model only.",
        "One pip for every log keeps the guide's logs comparable; the matrix says which pips each recipe holds for.",
        shows="Each log's first line names the pip.",
    ),
    Deviation(
        "certifi bundle",
        "Pips older than 24.2 (in the pip matrix) get the session CA appended to their vendored certifi bundle, "
        "pip/_vendor/certifi/cacert.pem.",
        "Before 24.2 pip trusts only that bundle, not the system store (pip's NEWS, 24.2); the session CA stands "
        "in for the public CAs certifi holds.",
        shows="Nothing.",
        pip_matrix_only=True,
    ),
    Deviation(
        "paths",
        "/usr/local, /root, /etc/ssl/certs and /valohai are folders in a sandbox. HOME, the /usr/local entries "
        "of PATH, UV_TOOL_BIN_DIR and the VH_*_DIR variables hold the same paths with the sandbox folder in front.",
        "The execution must not write to this machine's /usr/local or /root.",
        shows="Logs take the sandbox folder out of paths (see the rewrites below).",
    ),
    Deviation(
        "stand-in hosts",
        "Private indexes are pypiserver stand-ins on 127.0.0.1, each on a port of its own, over HTTPS with a "
        "certificate for the real host's name from a CA made for the test session. The scenario's variables "
        "hold https://user:token@acme.jfrog.io:PORT/… URLs: the real name, and the stand-in's port. Where a file "
        "of the recipe names a stand-in's URL without a port (pyproject.toml, uv.lock), the execution reaches that "
        "name on port 443 through the gateway below instead, so the committed uv.lock holds the real URLs.",
        "Nothing may leave 127.0.0.1, and only root may listen on port 443.",
        shows="Logs drop the port (see the rewrites below).",
    ),
    Deviation(
        "file URLs",
        "A stand-in serves a repository's files under <repository>/packages/<file> (pypiserver's layout; "
        "PyTorch's under /whl/packages/), which is where a uv.lock made against the stand-ins points, not the "
        "vendor's own file paths. PyTorch's stand-in serves py3-none-any wheels, not its builds per Python and "
        "platform.",
        "Every stand-in is pypiserver. A lock names the URL of each file it installs, so a lock made against the "
        "real hosts would not install here.",
        shows="uv.lock's wheel URLs; pip's Downloading lines name the file only.",
    ),
    Deviation(
        "answers no vendor documents",
        "Every stand-in is pypiserver. Where no vendor documents an answer, it gives pypiserver's own: the realm of "
        "its WWW-Authenticate header, Basic realm=\"pypi\"; on the hosts other than Artifactory, 401 to a request "
        "without credentials and 403 to wrong ones; 404 for a name a repository doesn't have, on PyPI and on the "
        "hosts whose vendor doesn't document that answer (JFrog and Google do). The self-hosted Artifactory "
        "stand-ins (artifactory.acme.internal) answer wrong credentials with 403 too, since JFrog documents 401 for "
        "Artifactory Online; no scenario sends them wrong ones. A repository that merges several package sets lists "
        "each file once; no two sets hold the same file. The body of the 403 that Artifactory's stand-in gives a "
        "user without Read permission, {\"errors\": [{\"status\": 403, \"message\": \"Forbidden\"}]}, is the "
        "stand-in's own: JFrog documents the status only.",
        "The vendors' registry records only what a vendor documents; these answers are the stand-ins' own (on "
        "pypi.acme.internal, pypiserver's real ones, though its README doesn't list them), and no page presents "
        "them as a vendor's.",
        shows="pip warns only about a 401 and never prints the realm; a 403 and a 404 both end in No matching "
              "distribution found. curl's HTTP status shows the code.",
    ),
    Deviation(
        "slow remote",
        f"One repository, {UNCACHED_VIRTUAL.rsplit('/', 1)[1]}, starts sending torch 2.1.0's wheel {SLOW_SECONDS:g} "
        "seconds after each request for it, "
        "to stand in for a remote repository's first fetch of a large wheel from PyPI. JFrog documents that a remote "
        "fetches a package on its first request and caches it; it doesn't say how long that takes. The delay, and "
        "that every request gets it (no cache is emulated), are the stand-in's own.",
        "The stub wheels are a few kilobytes; a real first download of torch is as slow as the remote's own transfer "
        "of hundreds of megabytes, which can take longer than pip's 15 seconds.",
        shows="pip's ReadTimeoutError and uv's network timeout come only from the steps that set a timeout shorter "
              "than the delay.",
    ),
    Deviation(
        "pypiserver's fallback",
        "The stand-ins disable pypiserver's fallback except where a scenario says: a name a repository doesn't have "
        "gets 404, not pypiserver's default redirect to https://pypi.org/simple/<name>/. The scenarios that name a "
        "pypiserver with its default fallback (pypi.acme.internal) keep it, and the redirect reaches the stand-in "
        "PyPI through the gateway below.",
        "Every stand-in is pypiserver, and no other vendor documents that redirect; with it on, a stand-in for "
        "Artifactory would send the names it lacks to PyPI.",
        shows="Nothing: pip and uv follow the redirect without printing it.",
    ),
    Deviation(
        "gateway",
        "A proxy tunnels pypi.org and files.pythonhosted.org to the stand-in PyPI, download.pytorch.org to "
        "PyTorch's, and refuses every other address outside 127.0.0.1. The stand-ins' names, and the fictional "
        "company's own domain (.acme.internal), go around it (NO_PROXY), except a name the recipe's files write "
        "without a port, which it tunnels to that stand-in.",
        "pip and uv then reach pypi.org by its real name, as their default, with nothing configured; "
        "an attempt to go anywhere else fails the scenario.",
        variables=PROXY_VARIABLES,
        shows="Nothing in what pip and uv print; curl --verbose names the proxy variable it follows.",
    ),
    Deviation(
        "certificate store",
        "The execution sees this machine's /etc/ssl/certs with the session CA added as a local certificate, "
        "as update-ca-certificates adds one from /usr/local/share/ca-certificates; both are the image's own "
        "copies, mounted for it alone.",
        "The session CA stands in for the public CAs that sign pypi.org's and the vendors' certificates.",
        shows="update-ca-certificates counts the session CA as already there: '1 added' for a step's own CA.",
    ),
    Deviation(
        "uv's roots",
        f"In uv's images, SSL_CERT_FILE names {UV_ROOTS}: this machine's public roots and the session CA. Not "
        "when the step sets UV_SYSTEM_CERTS (or UV_NATIVE_TLS): uv then reads the image's store, as it would.",
        "uv trusts the roots built into it, not the image's store; this file stands in for them. A step that "
        "passes --system-certs on the command line instead is not emulated: SSL_CERT_FILE would win.",
        variables=("SSL_CERT_FILE",),
        shows="Nothing, unless a recipe prints it.",
        uv_images_only=True,
    ),
    Deviation(
        "name resolution",
        "The execution's /etc/nsswitch.conf looks host names up in /etc/hosts alone, and /etc/hosts gives "
        "localhost and the stand-ins' names 127.0.0.1.",
        "No lookup may leave the machine. A name that isn't there fails as an unknown name does in DNS.",
        shows="A mistyped host name fails with [Errno -2] Name or service not known, as it would.",
    ),
    Deviation(
        "machine configuration",
        "This machine's /etc/pip.conf and /etc/xdg/pip, uv's configuration and the hooks of "
        "update-ca-certificates (where they exist) are hidden from the execution by empty mounts.",
        "An image has none of them; this machine's pip configuration would point pip at local mirrors.",
        shows="Nothing.",
    ),
    Deviation(
        "the aws command",
        "The CodeArtifact recipes install awscli from the stand-in PyPI: a small package whose aws command answers "
        "codeartifact get-authorization-token and codeartifact login --tool pip without AWS. It checks the keys and "
        f"their IAM user's permissions against {AWS_ACCOUNT}, which the harness writes into the image: the "
        "session's access key IDs, a hash of each secret key, what each user may do, and the CodeArtifact "
        "repository's address. The token is derived from the secret key, and the CodeArtifact stand-in accepts "
        "exactly that token; it doesn't expire. Errors read as botocore prints them; AWS documents no text for "
        "these two, so the stand-in's are its own: UnrecognizedClientException, 'The security token included in "
        "the request is invalid.', for keys AWS doesn't know (what public reports show from AWS's JSON APIs, "
        "ECR's GetAuthorizationToken among them), and, without sts:GetServiceBearerToken, AccessDeniedException "
        "in IAM's documented access-denied wording, without a resource.",
        "Nothing may leave 127.0.0.1, and AWS can't be emulated beyond what the recipes call.",
        shows="pip's lines for installing awscli, aws's own lines, and its errors; the token never shows.",
    ),
    Deviation(
        "the gcloud command",
        "The Artifact Registry recipe's image is python:3.12 with the gcloud CLI (its Dockerfile), which is not "
        "built here: the execution gets python:3.12's files, its Dockerfile's PATH, and in "
        "/usr/local/google-cloud-sdk/bin a small gcloud run by the image's Python. It answers gcloud auth "
        "activate-service-account --key-file and gcloud auth print-access-token without Google: it keeps the key "
        "under ~/.config/gcloud and derives the token from the key's private key; the Artifact Registry stand-in "
        "accepts exactly the token of the session's key, and it doesn't expire.",
        "Nothing may leave 127.0.0.1, and gcloud trades the key for a token at Google's token endpoint.",
        shows="gcloud's line naming the activated account; the key and the token never show.",
    ),
    Deviation(
        "the keyring packages",
        "The keyring recipes install keyring and keyrings.google-artifactregistry-auth from the stand-in PyPI: small "
        "packages that do what pip and uv call. keyring asks the backends registered under its entry point, and its "
        "keyring command answers get, with --mode creds --output json; it has no system keyring. The backend answers "
        "for hosts under .pkg.dev, as Google's does, from the service account key file that "
        "GOOGLE_APPLICATION_CREDENTIALS names, and derives the access token from the key instead of asking Google; "
        "the Artifact Registry stand-in accepts that token.",
        "Nothing may leave 127.0.0.1, and the real packages need Google's token endpoint.",
        shows="pip's and uv's lines for installing them; the token never shows.",
    ),
    Deviation(
        "pipelines",
        "A pipeline's nodes run one after another, each as an execution of its own: a node after the nodes whose "
        "outputs it takes, otherwise in the file's order. The files a node leaves in /valohai/outputs that an edge's "
        "glob matches are copied into the next node's /valohai/inputs, in a folder named after the input, in place of "
        "the input's defaults "
        "(edge-merge-mode: replace); a node that fails stops the rest (on-error: stop-all). Every node gets the "
        "project's variables, and an organization group's only if its step lists the group.",
        "Valohai documents the edges and the paths; it uploads outputs to a data store and "
        "downloads them again, which here is a copy.",
        shows="Each node's log follows a line that names the node and its step.",
    ),
    Deviation(
        "closed stdin",
        "An execution's standard input is closed (/dev/null).",
        "Valohai doesn't document what an execution's stdin is; its local emulator starts the container with "
        "docker run -i, which leaves it open.",
        shows="pip's question User for <host>: ends at once in EOFError: EOF when reading a line; with stdin "
              "open it would wait until the execution's time limit.",
    ),
    Deviation(
        "root",
        f"The script runs as root in a user namespace of its own (unshare {' '.join(ROOT_NAMESPACE)}): root to the "
        "script and the sandbox, this machine's own user to everything else.",
        "The python:3.x and uv images run as root, and Docker doesn't run here.",
        shows="pip's warning about running as the root user, as in the image.",
    ),
    Deviation(
        "Valohai's variables",
        f"The execution gets exactly these of Valohai's variables: {', '.join(VALOHAI_VARIABLES)}.",
        "They are the ones Valohai's documentation lists; an execution on Valohai may get more.",
        shows="Nothing, unless a recipe prints them.",
    ),
    Deviation(
        "time limit",
        f"An execution is killed, with every process it started, after {DEFAULT_TIME_LIMIT:.0f} seconds, or after "
        "its scenario's time-limit.",
        "A hung step must not hang the tests. Valohai's own time limits are not emulated.",
        shows="The log ends where the execution was killed, and the scenario's outcome is timed-out.",
    ),
    Deviation(
        "background processes",
        "When the script's shell exits, whatever it left running in the background is killed with it.",
        "A container stops when its main process ends, and its other processes with it.",
        shows="Nothing a background process prints after the script ends.",
    ),
    Deviation(
        "image builds",
        "A scenario that builds its step's image runs buildah (Debian 12's) as root, with --isolation chroot, "
        "--network host, --no-hosts, --dns=none, --pull=never, --layers and --no-cache, in a storage of its own "
        "(vfs) under the session's temporary folder, in a mount namespace where /var/lib is that folder's. The "
        "log's first line is the command CI would run, without those flags. FROM python:3.12 (or another image "
        "above without uv) is made from what executions run: this machine's Python and the pip of the run, with "
        "the image's variables, a root entry in /etc/passwd and ld.so's cache. RUN steps see the image's /etc "
        "(hosts, nsswitch.conf, the certificate store), get the gateway in the proxy variables, which buildah "
        "passes to RUN steps and keeps out of the image, and see this machine's /usr/bin, /usr/lib and the like, "
        "and its interpreter's files at /usr/local/lib/.harness-interpreter, read-only. A scenario's plans share "
        "its build. The execution then runs on the built image's files, with its variables; the interpreter's "
        "files are mounted into it the same way.",
        "Docker doesn't run here; buildah builds from the same Dockerfiles without a daemon. With the executions' "
        "Python and pip, what a build installs is what the execution imports; this machine's commands stand in "
        "for the image's, as they do in executions.",
        shows="buildah's own lines (STEP 1/4, --> <id>, Error: building at STEP …) where docker build prints its "
              "own; the history's first line says how python:3.12 was made. A console script a build installs "
              "names /usr/local/bin/python3.X, which an execution can't run: recipes call python.",
    ),
    Deviation(
        "one run for two models",
        "Where two execution models give the same shell the same script (one command item under lines+sh and "
        "and-chain+sh), one execution stands for both, and its test id names both.",
        "The two would run the same program with the same input.",
        shows="Nothing: the log is that one execution's.",
    ),
)

NOT_EMULATED = (
    ("Pulling the image, fetching the repository, downloading inputs and uploading outputs: the execution "
     "starts with the recipe's files in /valohai/repository."),
    ("Pushing a built image to a registry, and Valohai's workers logging in to pull it: an execution runs the "
     "image its scenario built, from the same machine."),
    ("The rest of the image: commands other than python, pip and uv (sh, bash, curl…) are this machine's "
     "(Debian 12), not the image's."),
    "How Valohai collects, timestamps and stores the log: here stdout and stderr are one stream.",
    ("Valohai's /valohai folder at that path: recipes reach inputs and outputs through $VH_INPUTS_DIR and "
     "$VH_OUTPUTS_DIR, which hold the sandbox's paths here and /valohai/... on Valohai."),
    ("A keyring backend's other sources: gcloud, and the service account of a worker on Google Cloud (the "
     "metadata server), which would need no secret at all; the backend reads a key file only."),
    ("In pipelines: parameters, metadata edges, deployment and task nodes, nodes that run side by side, "
     "reused executions, and the data store with its datum:// ids."),
    ("Which value wins when a project variable and a step default name the same variable: Valohai doesn't "
     "document it, and no scenario sets a variable that its step gives a default."),
    ("Whether a value from an organization group satisfies optional: false: Valohai documents it for "
     "project-level values only; the harness counts a group's values like a project's."),
    ("What Valohai does with a step's environment-variable-groups: its documentation doesn't describe the key; "
     "the harness gives an execution the variables of each group the step lists and the scenario supplies."),
)


def added_variables(has_uv: bool) -> dict[str, str | None]:
    """The variables deviations may add to an execution of an image (with uv or not); values where fixed."""
    names = {n for d in DEVIATIONS if (has_uv or not d.uv_images_only) and not d.pip_matrix_only for n in d.variables}
    fixed = {"SSL_CERT_FILE": UV_ROOTS}
    return {name: fixed.get(name) for name in sorted(names)}
