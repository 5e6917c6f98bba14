"""Images that scenarios build from their recipe's Dockerfile, as CI builds them, for their step to run.

A real builder, buildah, builds them: no daemon (``--isolation chroot``), as root, in
a storage of its own (``--storage-driver vfs``) under the lab's folder, one per
toolset. In that storage ``python:3.12`` (each image of ``images`` without uv) is
made from the toolset's image template, so ``FROM python:3.12`` means the Python
and pip an execution gets. RUN steps see the image's /etc (hosts, nsswitch.conf,
the certificate store), reach the stand-ins as executions do (``--network host``,
the gateway in the proxy variables, which buildah hands to RUN steps and keeps out
of the image), and run this machine's commands, libraries and interpreter files,
mounted read-only as executions see them.

A build's log is what CI would show, then what the image holds as ``buildah inspect``
prints it: its history and its variables. Every layer's files, the history and the
configuration are searched for the session's secrets. The image's filesystem is then
the one the step's execution runs on, with the image's variables (``runner``).
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from harness import fidelity
from harness.checks import ImageEvidence
from harness.credentials import Secrets
from harness.errors import BuilderError
from harness.execution import Completed, run as execute
from harness.images import IMAGES, Image, image as known_image
from harness.logs import EXECUTION_HEADING
from harness.recipes import PLACES
from harness.sandbox import PYTHON, ImageTemplate, Mount, pip_script
from harness.topology import ROLES
from preflight import dockerfiles

if TYPE_CHECKING:
    from harness.lab import Lab, World
    from harness.recipes import Expect, Plan
    from harness.toolsets import Toolset

INSTALL = "apt-get update && apt-get install -y buildah"
# Where the image's Python finds this machine's interpreter files (its standard library, libpython): its links
# point here, relative to themselves, and builds and executions mount the interpreter's prefix on it.
INTERPRETER = "usr/local/lib/.harness-interpreter"
# This machine's commands and libraries, as executions see them: mounted read-only into every RUN step (a link on
# this machine, /bin -> usr/bin, is the same link in the image).
HOST_FOLDERS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr/bin", "usr/sbin", "usr/lib", "usr/lib32",
                "usr/lib64", "usr/libexec", "usr/share")
# The builder's own flags, which CI's command doesn't need and the log's first line leaves out (fidelity: builds).
HARNESS_FLAGS = ("--isolation", "chroot", "--network", "host", "--no-hosts", "--dns=none", "--pull=never",
                 "--layers", "--no-cache")
HISTORY_FORMAT = "{{range .History}}{{println .CreatedBy}}{{end}}"
ENV_FORMAT = "{{range .OCIv1.Config.Env}}{{println .}}{{end}}"
_MAX_SCANNED = 8 * 1024 * 1024  # a layer's file larger than this is no configuration file: not searched
_DEBIAN_ROOT = ("root:x:0:0:root:/root:/bin/bash\n", "root:x:0:\n")  # /etc/passwd and /etc/group of the images


def require() -> str:
    """buildah's path, or ``BuilderError`` saying how to get what builds need."""
    path = shutil.which("buildah", path="/usr/bin:/bin:/usr/sbin:/sbin:/usr/local/bin")
    if path is None:
        raise BuilderError(f"image builds need buildah, which is not installed: {INSTALL}")
    if os.geteuid() != 0:
        raise BuilderError("image builds run buildah as root (chroot isolation, vfs storage), as CI runs the tests; "
                           "run them as root")
    return path


@functools.cache
def version() -> str:
    """buildah's version (``buildah version 1.28.2 (image-spec …)`` → ``1.28.2``)."""
    out = subprocess.run([require(), "--version"], capture_output=True, text=True, check=True).stdout
    return out.split()[2] if len(out.split()) > 2 else out.strip()


@dataclass(frozen=True)
class Request:
    """What a scenario builds: the recipe's files as the context, its Dockerfile, and what CI passes in."""

    files: dict[str, Path]  # path in the context -> the recipe's file
    dockerfile: str
    tag: str  # the image the step names
    secrets: dict[str, str]  # id -> value, given as --secret id=<id>,src=../<id> (a file beside the context)
    args: dict[str, str]  # build argument -> value, given as --build-arg NAME="$NAME"
    pip_conf: str | None = None  # an index URL that CI writes into the context's pip.conf before the build

    def shown(self) -> str:
        """The command as CI's script writes it: the secrets in files beside the context, the values in variables."""
        words = ["buildah", "build"]
        words += ["--file", self.dockerfile] if self.dockerfile != "Dockerfile" else []
        for key in self.secrets:
            words += ["--secret", f"id={key},src=../{key}"]
        parts = [shlex.join(words)]
        parts += [f'--build-arg {name}="${name}"' for name in self.args]
        return " ".join([*parts, "--tag", self.tag, "."])


@dataclass
class Built:
    """A build's outcome, and what the image holds where it succeeded."""

    request: Request
    completed: Completed
    output: str  # the command, what buildah printed, then buildah inspect's history and variables
    printed: str = ""  # the command and what buildah printed: what CI's log shows
    folder: Path | None = None  # the build's context and the image's layers, as the build left them
    image: Image | None = None  # the built image as executions see it: its variables are its configuration's
    rootfs: Path | None = None  # its filesystem, for executions to start from
    history: list[str] = field(default_factory=list)
    leaks: dict[str, list[str]] = field(default_factory=dict)  # place (PLACES) -> where a secret is
    answered: Counter[int] = field(default_factory=Counter)  # HTTP statuses the indexes answered during the build
    outside_attempts: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.rootfs is not None

    def holds(self, path: str) -> bool:
        """Whether the image's filesystem has ``path`` (a link counts, even one that leads nowhere)."""
        target = self.rootfs / path.lstrip("/") if self.rootfs else None
        return target is not None and (target.exists() or target.is_symlink())

    @property
    def site_packages(self) -> Path | None:
        return self.rootfs / "usr" / "local" / "lib" / PYTHON / "site-packages" if self.rootfs else None

    def evidence(self, expect: Expect, shown: Callable[[str], str]) -> ImageEvidence:
        """What ``checks.judge`` reads of the image; ``shown`` masks a text as logs show it."""
        paths = expect.image.files if expect.image else {}
        return ImageEvidence(self.ok, [shown(entry) for entry in self.history],
                             frozenset(self.image.environment if self.image else ()),
                             {path: self.holds(path) for path in paths}, self.leaks)

    def interpreter_mount(self, image_root: Path) -> Mount:
        """The mount an execution's namespace needs for the image's Python: this machine's interpreter files."""
        return Mount(str(image_root / INTERPRETER), source=Path(sys.base_prefix))


class Store:
    """One toolset's buildah storage: base images made on first use from its template, and builds."""

    def __init__(self, folder: Path, template: ImageTemplate, secrets: Secrets):
        self.folder, self.template, self.secrets = folder, template, secrets
        self.buildah = require()
        self._bases: set[str] = set()
        # The base images' layers: the template's files, made before any build had a secret to leak. A built image's
        # copy of them is not searched again (it holds 15 MB of pip, which would take seconds each build).
        self._base_layers: set[str] = set()
        self._lock = threading.Lock()
        self._count = 0
        self.base_seconds = 0.0  # what making the base images took
        for name in ("storage", "run", "tmp", "home", "var-lib", "builds"):
            (folder / name).mkdir(parents=True)
        (folder / "storage.conf").write_text(
            f'[storage]\ndriver = "vfs"\ngraphroot = "{folder / "storage"}"\nrunroot = "{folder / "run"}"\n')
        # CNI, never used with --network host, keeps netavark from writing to /run/containers.
        (folder / "containers.conf").write_text(
            f'[network]\nnetwork_backend = "cni"\nnetwork_config_dir = "{folder / "run"}"\n'
            f'[engine]\ntmp_dir = "{folder / "tmp"}"\nimage_copy_tmp_dir = "{folder / "tmp"}"\n')
        (folder / "registries.conf").write_text("")  # no registry to search: a short name is a local image or nothing
        (folder / "policy.json").write_text(json.dumps({"default": [{"type": "insecureAcceptAnything"}]}))
        self.environment = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(folder / "home"), "TMPDIR": str(folder / "tmp"),
            "XDG_RUNTIME_DIR": str(folder / "run"), "CONTAINERS_STORAGE_CONF": str(folder / "storage.conf"),
            "CONTAINERS_CONF": str(folder / "containers.conf"),
            "CONTAINERS_REGISTRIES_CONF": str(folder / "registries.conf"),
        }

    # -- running buildah -------------------------------------------------------------------------------------------

    def command(self, args: list[str], env: dict[str, str] | None = None, time_limit: float = 120,
                cwd: Path | None = None) -> Completed:
        """``buildah args``, in a mount namespace where /var/lib is the store's own folder: buildah keeps a cache
        of blobs in /var/lib/containers whatever its storage, and nothing may be written outside temporary folders."""
        prelude = f'mount --bind {shlex.quote(str(self.folder / "var-lib"))} /var/lib && exec "$@"'
        argv = ["unshare", *fidelity.BUILD_NAMESPACE, "--", "/bin/sh", "-c", prelude, "buildah", self.buildah, *args]
        return execute(argv, {**self.environment, **(env or {})}, time_limit, cwd=cwd)

    def checked(self, *args: str) -> str:
        """``buildah args``'s output; a failure is the harness's, raised with what buildah said."""
        done = self.command(list(args))
        if done.exit_code != 0:
            raise BuilderError(f"buildah {' '.join(args[:2])} failed: {done.output.strip()[-2000:]}")
        return done.output

    def binds(self, flag: str = "--volume") -> list[str]:
        """This machine's commands, libraries and interpreter files, read-only in a RUN step."""
        pairs = [(f"/{name}", f"/{name}") for name in HOST_FOLDERS if _real_folder(Path("/", name))]
        pairs.append((sys.base_prefix, f"/{INTERPRETER}"))
        return [word for source, target in pairs for word in (flag, f"{source}:{target}:ro")]

    # -- base images -----------------------------------------------------------------------------------------------

    def base(self, name: str) -> None:
        """Make the image ``name`` stands for (``images``), once, from the template; tagged with its aliases too."""
        stand_in = known_image(name)
        if stand_in is None or stand_in.has_uv:
            raise BuilderError(f"FROM {name}: builds start only from {', '.join(i.name for i in _BASES)}")
        with self._lock:
            if stand_in.name in self._bases:
                return
            started = time.monotonic()
            container = self.checked("from", "--name", f"base-{len(self._bases)}", "scratch").strip().splitlines()[-1]
            root = Path(self.checked("mount", container).strip().splitlines()[-1])
            lay_out_base(root, self.template)
            env = [w for key, value in stand_in.environment.items() for w in ("--env", f"{key}={value}")]
            self.checked("config", *env, "--cmd", "python3", "--created-by",
                         f"{stand_in.name}, made for these builds: this machine's Python, laid out as the image's",
                         container)
            self.checked("run", "--isolation", "chroot", *self.binds(), container, "/bin/sh", "-c", "ldconfig -X")
            self.checked("commit", "--rm", "--quiet", container, canonical(stand_in.name))
            made = json.loads(self.checked("inspect", "--type", "image", canonical(stand_in.name)))
            self._base_layers.update(made["OCIv1"]["rootfs"]["diff_ids"])
            for alias in stand_in.aliases:
                self.checked("tag", canonical(stand_in.name), canonical(alias))
            self._bases.add(stand_in.name)
            self.base_seconds += time.monotonic() - started

    # -- builds ----------------------------------------------------------------------------------------------------

    def build(self, request: Request, proxies: dict[str, str], time_limit: float) -> Built:
        """Build ``request`` as CI would, then read what the image holds; nothing is left running."""
        instructions = dockerfiles.parse(request.files[request.dockerfile])
        for name in dockerfiles.base_images(instructions):
            self.base(name)
        self._count += 1
        folder = self.folder / "builds" / str(self._count)
        context = folder / "context"
        for relative, source in request.files.items():
            (context / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, context / relative)
        for key, value in request.secrets.items():
            (folder / key).write_text(value)
        if request.pip_conf is not None:
            (context / "pip.conf").write_text(f"[global]\nindex-url = {request.pip_conf}\n")
        args = ["build", *HARNESS_FLAGS, *self.binds()]
        args += ["--file", request.dockerfile] if request.dockerfile != "Dockerfile" else []
        args += [w for key in request.secrets for w in ("--secret", f"id={key},src={folder / key}")]
        args += [w for name, value in request.args.items() for w in ("--build-arg", f"{name}={value}")]
        started = time.monotonic()
        completed = self.command([*args, "--tag", request.tag, "."], proxies, time_limit, cwd=context)
        for key in request.secrets:  # CI's secret files live only as long as the build
            (folder / key).unlink()
        printed = f"$ {request.shown()}\n{completed.output}"
        built = Built(request, completed, printed, printed, folder=folder)
        if completed.exit_code == 0:
            self._inspect(built, folder, known_image(dockerfiles.final_base(instructions) or ""))
        built.seconds = time.monotonic() - started
        return built

    def _inspect(self, built: Built, folder: Path, base: Image | None) -> None:
        tag = built.request.tag
        for form in (HISTORY_FORMAT, ENV_FORMAT):
            args = ["inspect", "--type", "image", "--format", form, tag]
            built.output += f"$ buildah {shlex.join(args)}\n{self.checked(*args)}"
        data = json.loads(self.checked("inspect", "--type", "image", tag))
        config = data["OCIv1"]
        built.history = [entry.get("created_by", "") for entry in config.get("history", [])]
        env = dict(item.split("=", 1) for item in config.get("config", {}).get("Env", []))
        base = base or _BASES[0]
        built.image = replace(base, name=tag, environment=env, aliases=(), built_from=base.name,
                              source=(f"built from {built.request.dockerfile} by buildah {version()}", ""))
        self.checked("push", "--quiet", "--disable-compression", "--signature-policy", str(self.folder / "policy.json"),
                     tag, f"oci:{folder / 'oci'}")
        built.leaks = self._leaks(config, folder / "oci")
        container = self.checked("from", "--pull=never", "--name", f"run-{self._count}", tag).strip().splitlines()[-1]
        built.rootfs = Path(self.checked("mount", container).strip().splitlines()[-1])

    def _leaks(self, config: dict, layout: Path) -> dict[str, list[str]]:
        """Where each secret is in the image: a layer's files, a history entry, the configuration."""
        history = list(config.get("history", []))
        found: dict[str, list[str]] = {place: [] for place in PLACES}
        for number, entry in enumerate(history, 1):
            found["history"] += self._where(entry.get("created_by", ""), f"history entry {number}")
        settings = {key: value for key, value in config.items() if key not in ("history", "rootfs")}
        found["config"] += self._where(json.dumps(settings), "the configuration")
        steps = [entry.get("created_by", "") for entry in history if not entry.get("empty_layer")]
        diff_ids = config.get("rootfs", {}).get("diff_ids", [])
        for number, (digest, diff_id, step) in enumerate(zip(_layer_digests(layout), diff_ids, steps, strict=False), 1):
            if diff_id in self._base_layers:
                continue
            blob = layout / "blobs" / digest.replace(":", "/", 1)
            with tarfile.open(blob) as layer:
                for member in layer:
                    if member.isfile() and member.size <= _MAX_SCANNED:
                        text = layer.extractfile(member).read().decode("utf-8", errors="replace")
                        where = f"layer {number} ({_short(step.removeprefix('/bin/sh -c #(nop) '))}), /{member.name}"
                        found["layers"] += self._where(text, where)
        return found

    def _where(self, text: str, place: str) -> list[str]:
        return [f"the {form} of '{secret.label}' in {place}" for secret, form, _ in self.secrets.exposed_in(text)]

    def discard(self, built: Built) -> None:
        """Remove a build's image, its layers and its container: the storage keeps only the base images."""
        if built.ok:
            self.command(["rm", "--all"])
            self.command(["rmi", "--force", built.request.tag])
        self.command(["rmi", "--prune", "--force"])
        if built.folder is not None:
            shutil.rmtree(built.folder, ignore_errors=True)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class Builder:
    """A lab's image builds: a storage per toolset, and the last build, which the next plan of its scenario reuses.

    A scenario's plans (one per execution model) run one after another and ask for the same build: CI builds
    an image once, and every execution that names it runs it.
    """

    def __init__(self, lab: Lab):
        self.lab = lab
        self.folder = Path(tempfile.mkdtemp(prefix="builds-", dir=lab.workdir))
        self.stores: dict[tuple[str, str], Store] = {}
        self._last: tuple[tuple, Built] | None = None
        self.builds: list[tuple[str, float]] = []  # (what, seconds) of each build made, for the benchmark

    def built(self, plan: Plan, toolset: Toolset) -> Built:
        world = self.lab.world(squatter=plan.scenario.squatter_on_pypi)
        key = (str(plan.recipe.folder), plan.name, toolset.pip, toolset.uv, world.squatter)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        store = self.store(toolset)
        self.forget()
        request = request_for(plan, world)
        mark, before = len(self.lab.outside_attempts()), self.lab.statuses()
        built = store.build(request, world.proxies(), plan.scenario.time_limit)
        built.answered = self.lab.statuses() - before
        built.outside_attempts = self.lab.outside_attempts()[mark:]
        self.builds.append((f"{plan.recipe.slug}::{plan.name}", built.seconds))
        self._last = (key, built)
        return built

    def forget(self) -> None:
        """Discard the last build, so that the next plan builds its image again (the benchmark times each build)."""
        if self._last is not None:
            self.stores[(self._last[0][2], self._last[0][3])].discard(self._last[1])
            self._last = None

    def store(self, toolset: Toolset) -> Store:
        key = (toolset.pip, toolset.uv)
        if key not in self.stores:
            self.stores[key] = Store(self.folder / "-".join(key), toolset.template, self.lab.secrets)
        return self.stores[key]

    def stop(self) -> None:
        for store in self.stores.values():
            store.remove()
        shutil.rmtree(self.folder, ignore_errors=True)


def builder(lab: Lab) -> Builder:
    """The lab's builds, made on first use and removed when the lab stops."""
    return lab.attached("builds", lambda: Builder(lab))


def built_for(lab: Lab, plan: Plan, toolset: Toolset) -> Built:
    """The image ``plan``'s scenario builds, built with ``toolset``'s pip (once for the scenario's plans)."""
    return builder(lab).built(plan, toolset)


def request_for(plan: Plan, world: World) -> Request:
    build = plan.scenario.build
    value = lambda role: world.value(ROLES[role])  # noqa: E731
    files = {p.relative_to(plan.recipe.folder).as_posix(): p for p in plan.recipe.files()}
    return Request(files, build.dockerfile, plan.step.image, {k: value(r) for k, r in build.secrets.items()},
                   {k: value(r) for k, r in build.args.items()}, value(build.pip_conf) if build.pip_conf else None)


def lay_out_base(root: Path, template: ImageTemplate) -> None:
    """The template's files as an image's: links to this machine's interpreter made relative to ``INTERPRETER``,
    this machine's folders of commands as mount points (or its links), root's passwd entry, ld.so's configuration,
    and pip's scripts in /usr/local/bin as ``get-pip.py`` leaves them."""
    shutil.copytree(template.root, root, symlinks=True, dirs_exist_ok=True)
    prefix = sys.base_prefix.rstrip("/")
    for folder, folders, names in os.walk(root):  # a link to a folder is among the folders, and not followed
        for name in [*folders, *names]:
            link = Path(folder, name)
            target = os.readlink(link) if link.is_symlink() else ""
            if target == prefix or target.startswith(prefix + "/"):
                moved = root / INTERPRETER / target[len(prefix):].lstrip("/")
                link.unlink()
                link.symlink_to(os.path.relpath(moved, link.parent))
    (root / INTERPRETER).mkdir(parents=True)
    for name in HOST_FOLDERS:
        host = Path("/", name)
        if host.is_symlink():
            (root / name).symlink_to(os.readlink(host))
        elif host.is_dir():
            (root / name).mkdir(parents=True, exist_ok=True)
    etc = root / "etc"
    (etc / "passwd").write_text(_DEBIAN_ROOT[0])
    (etc / "group").write_text(_DEBIAN_ROOT[1])
    # The images' Python is in /usr/local/lib, which their Dockerfile adds to ld.so's search with ldconfig.
    (etc / "ld.so.conf").write_text("/usr/local/lib\ninclude /etc/ld.so.conf.d/*.conf\n")
    if Path("/etc/ld.so.conf.d").is_dir():
        shutil.copytree("/etc/ld.so.conf.d", etc / "ld.so.conf.d")
    scripts = root / "usr" / "local" / "bin"
    for name in ("pip", "pip3", f"pip3.{sys.version_info.minor}"):
        (scripts / name).write_text(pip_script(f"/usr/local/bin/{PYTHON}"))
        (scripts / name).chmod(0o755)


def canonical(name: str) -> str:
    """An image's full name, as the storage records it: ``python:3.12`` is ``docker.io/library/python:3.12``."""
    first = name.split("/", 1)[0]
    if "/" in name and ("." in first or ":" in first or first == "localhost"):
        return name
    return f"docker.io/{name}" if "/" in name else f"docker.io/library/{name}"


def build_log_and_execution(built: Built, step: str, execution_output: str | None) -> str:
    """The text a scenario with a build prints: the build's part, then the execution's, under a heading."""
    text = built.output if built.output.endswith("\n") else built.output + "\n"
    if execution_output is None:
        return text
    return text + EXECUTION_HEADING.format(step=step, image=built.request.tag) + "\n" + execution_output


_BASES = tuple(i for i in IMAGES if not i.has_uv)


def _real_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _layer_digests(layout: Path) -> list[str]:
    index = json.loads((layout / "index.json").read_text())
    manifest = index["manifests"][0]["digest"]
    data = json.loads((layout / "blobs" / manifest.replace(":", "/", 1)).read_text())
    return [layer["digest"] for layer in data["layers"]]


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"
