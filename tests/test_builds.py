"""Image builds: what the guide says of buildah holds for the one installed, and a build leaves nothing behind."""

import os
import time
from pathlib import Path

import pytest
from packaging.version import Version

from harness import builds
from harness.errors import BuilderError


def buildah() -> str:
    """buildah's path: a test without it skips with the install command, except in CI, where it fails."""
    try:
        return builds.require()
    except BuilderError as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(str(exc))


@pytest.fixture
def store(lab, scratch_dir):
    buildah()
    made = builds.Store(scratch_dir / "store", lab.template, lab.secrets)
    yield made
    made.remove()


def build(store: builds.Store, folder: Path, dockerfile: str, time_limit: float = 60, **secrets: str) -> builds.Built:
    (folder / "Dockerfile").write_text(dockerfile)
    request = builds.Request({"Dockerfile": folder / "Dockerfile"}, "Dockerfile", "localhost/probe:1", secrets, {})
    return store.build(request, {}, time_limit)


def test_without_buildah_the_message_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(builds.shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(BuilderError, match=r"apt-get update && apt-get install -y buildah"):
        builds.require()


def test_the_env_form_of_a_secret_mount_needs_buildah_1_44(store, tmp_path):
    """docs/install/docker-image.md says so (vendors: buildah-secret-env); this machine's buildah shows it."""
    built = build(store, tmp_path, "FROM python:3.12\nRUN --mount=type=secret,id=pip-index-url,env=PIP_INDEX_URL "
                                    "test -n \"$PIP_INDEX_URL\"\n", **{"pip-index-url": "https://example.invalid/"})
    if Version(builds.version()) < Version("1.44"):
        assert not built.ok
        assert "secret should have syntax id=id[,target=path" in built.output
    else:
        assert built.ok, built.output


def test_the_base_image_is_the_python_and_pip_executions_get(store, tmp_path):
    built = build(store, tmp_path, "FROM python:3.12\nRUN python -m pip --version && python -c 'import ssl, sqlite3'\n")
    assert built.ok, built.output
    pinned = (Path(builds.__file__).parent.parent / "requirements.txt").read_text()
    assert f"pip {next(line.split('==')[1].split()[0] for line in pinned.splitlines() if line.startswith('pip=='))} " \
           in built.output
    assert "PYTHON_VERSION=3.12.11" in built.output  # the variables of python:3.12's Dockerfile


def test_a_time_limit_stops_the_build_and_every_run_step(store, tmp_path):
    started = time.monotonic()
    built = build(store, tmp_path, "FROM python:3.12\nRUN sleep 6011 & sleep 6012\n", time_limit=3)
    assert built.completed.timed_out and not built.ok
    assert time.monotonic() - started < 15
    time.sleep(1)
    left = _running("sleep\x00601")
    assert not left, f"still running: {left}"


def test_a_build_writes_nowhere_but_its_storage(store, tmp_path):
    """buildah keeps a blob cache in /var/lib/containers and netavark its state in /run/containers, whatever the
    storage: the builder's mount namespace and configuration keep both in the store's folder."""
    outside = [Path("/var/lib/containers"), Path("/run/containers")]
    before = {path: path.exists() for path in outside}
    assert build(store, tmp_path, "FROM python:3.12\nRUN true\n").ok
    assert {path: path.exists() for path in outside} == before


def _running(marker: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().decode(errors="replace")
        except OSError:
            continue
        if marker in text:
            found.append(f"{cmdline.parent.name}: {text.replace(chr(0), ' ')}")
    return found
