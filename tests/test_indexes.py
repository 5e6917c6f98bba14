"""The local indexes behave like Artifactory and pypi.org where the guide depends on it."""

import base64
import urllib.error
import urllib.request

import pytest

from harness import catalogue
from harness.lab import LOCAL_REPO, PUBLIC_REPO, VIRTUAL_REPO
from harness.wheels import build_wheel, sha256

_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str, credentials=None):
    request = urllib.request.Request(url)
    if credentials:
        token = base64.b64encode(f"{credentials.username}:{credentials.password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with _direct.open(request, timeout=5) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


@pytest.fixture
def world(lab):
    return lab.world()


def test_private_repository_answers_401_to_wrong_and_missing_credentials(world):
    url = f"{world.artifactory.origin}{LOCAL_REPO}/simple/my-private-package/"
    for credentials in (None, world.credentials["private-revoked"], world.credentials["secondary"]):
        status, _, headers = get(url, credentials)
        assert status == 401
        assert headers["WWW-Authenticate"] == 'Basic realm="Artifactory Realm"'
    status, body, _ = get(url, world.credentials["private"])
    assert status == 200 and "my_private_package-1.0.0-py3-none-any.whl" in body


def test_unknown_project_is_404_and_never_redirected_to_pypi_org(world):
    status, _, headers = get(f"{world.pypi.origin}{PUBLIC_REPO}/simple/requests/")
    assert status == 404 and headers["Location"] is None


def test_virtual_repository_merges_private_and_public(world):
    creds = world.credentials["private"]
    for project in ("my-private-package", "numpy"):
        status, _, _ = get(f"{world.artifactory.origin}{VIRTUAL_REPO}/simple/{project}/", creds)
        assert status == 200


def test_only_the_squatted_world_serves_the_squatter(lab):
    url = "{}/simple/my-private-package/"
    assert get(url.format(lab.world(squatter=False).pypi.origin))[0] == 404
    status, body, _ = get(url.format(lab.world(squatter=True).pypi.origin))
    assert status == 200 and "99.0.0" in body


def test_stub_wheels_are_reproducible(tmp_path):
    dist = catalogue.Dist("my-private-package", "1.0.0")
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    assert sha256(build_wheel(dist, "private", tmp_path / "a")) == sha256(build_wheel(dist, "private", tmp_path / "b"))
    assert sha256(build_wheel(dist, "private", tmp_path / "a")) != sha256(build_wheel(dist, "squatter", tmp_path / "b"))


def test_tokens_are_fresh_and_shaped_like_jfrog_reference_tokens(lab):
    tokens = [lab.credentials[label].password for label in ("private", "private-revoked", "secondary")]
    assert len(set(tokens)) == len(tokens)
    assert all(t.startswith("cmVmdGtuOjAxOj") and t.isalnum() for t in tokens)


def test_no_two_repositories_publish_the_same_file():
    """pypiserver serves merged roots by file name; Artifactory would prefer the local one. Avoid the difference."""
    seen = {}
    for repo in catalogue.REPOSITORIES:
        for dist in repo.dists:
            key = (dist.name, dist.version)
            assert key not in seen, f"{dist.name} {dist.version} is in both {seen[key]} and {repo.name}"
            seen[key] = repo.name
