"""The local indexes behave like Artifactory and pypi.org where the guide depends on it."""

import base64
import http.client
import os
import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from harness import catalogue, recipes, topology, vendors
from harness.topology import CURATED, LOCAL, PRIORITY_VIRTUAL, ROLES, VIRTUAL
from harness.stubs import FOLLOWS as STUB_FOLLOWS
from harness.wheels import build_wheel, sha256
from tests.conftest import EXAMPLES, FIXTURES


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to look at: following pypiserver's fallback would leave 127.0.0.1 for pypi.org."""

    def redirect_request(self, *args, **kwargs):
        return None


def get(lab, url: str, credentials=None):
    """A request to a stand-in, trusting the session CA, never through a proxy, never following a redirect."""
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=lab.ca.client_context()), _NoRedirects()
    )
    request = urllib.request.Request(url)
    if credentials:
        token = base64.b64encode(f"{credentials.username}:{credentials.password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.read().decode(errors="replace"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), error.headers


@pytest.fixture
def world(lab):
    return lab.world()


def test_private_repository_answers_401_to_wrong_and_missing_credentials(lab, world):
    url = f"{world.hosts['artifactory'].origin}{LOCAL}/simple/my-private-package/"
    for credentials in (None, world.credentials["private-revoked"], world.credentials["secondary"]):
        status, _, headers = get(lab, url, credentials)
        assert status == 401 and headers["WWW-Authenticate"].startswith("Basic")
    status, body, _ = get(lab, url, world.credentials["private"])
    assert status == 200 and "my_private_package-1.0.0-py3-none-any.whl" in body


def test_unknown_project_is_404_and_never_redirected_to_pypi_org(lab, world):
    status, _, headers = get(lab, f"{world.hosts['pypi'].origin}/simple/requests/")
    assert status == 404 and headers["Location"] is None


def test_pypiserver_with_its_fallback_redirects_only_names_it_lacks_to_pypi_org(lab, world):
    """pypiserver's default (pypiserver-fallback), after authentication: a name it holds is served, others redirected."""
    origin, creds = world.hosts["pypiserver-fallback"].origin, world.credentials["pypiserver"]
    status, _, headers = get(lab, f"{origin}/simple/scikit-learn/", creds)
    assert status == 303 and headers["Location"] == "https://pypi.org/simple/scikit-learn/"
    status, body, _ = get(lab, f"{origin}/simple/my-private-package/", creds)
    assert status == 200 and "my_private_package-1.0.0" in body
    assert get(lab, f"{origin}/simple/scikit-learn/")[0] == 401, "the redirect comes only after authentication"
    other = world.hosts["pypiserver-fallback-other"].origin
    status, _, headers = get(lab, f"{other}/simple/my-private-package/", creds)
    assert status == 303 and headers["Location"] == "https://pypi.org/simple/my-private-package/"


@pytest.mark.parametrize("scenario", ["pypiserver-falls-back-to-pypi", "pypiserver-fallback-hands-a-missing-name-to-pypi"])
def test_pip_follows_the_fallback_to_pypi_org_without_the_index_credentials(lab, scenario):
    """Across the redirect to another origin, pip drops the URL's credentials: pypi.org's stand-in never gets them."""
    from harness import recipes, runner
    from tests.conftest import EXAMPLES

    plan = recipes.load(EXAMPLES / "other-hosts").plan(scenario)
    world = lab.world(plan.scenario.squatter_on_pypi)
    pypi, index = world.hosts["pypi"], world.hosts[ROLES[plan.scenario.variables["PIP_INDEX_URL"]].host]
    statuses, sent, sent_to_index = sum(pypi.statuses.values()), pypi.with_credentials, index.with_credentials
    run = runner.run(lab, plan)
    assert run.completed.outcome == "success", run.report()
    assert index.with_credentials > sent_to_index, "the counter saw no credentials even where pip sends them"
    assert sum(pypi.statuses.values()) > statuses, "nothing reached pypi.org's stand-in"
    assert pypi.with_credentials == sent, "pip sent credentials to pypi.org"


def test_a_user_without_read_permission_gets_403_everywhere_in_the_repository(lab, world):
    """jfrog-403-no-permission: the token is valid, its user lacks Read; a reader still gets in, a wrong token 401."""
    origin = world.hosts["artifactory"].origin
    for path in ("/simple/", "/simple/my-private-package/", "/packages/my_private_package-1.0.0-py3-none-any.whl"):
        status, body, _ = get(lab, f"{origin}{LOCAL}{path}", world.credentials["no-read"])
        assert status == 403 and '"status": 403' in body, path
    assert get(lab, f"{origin}{LOCAL}/simple/my-private-package/", world.credentials["private"])[0] == 200
    assert get(lab, f"{origin}{LOCAL}/simple/my-private-package/", world.credentials["private-revoked"])[0] == 401


def test_curation_blocks_the_download_of_a_blocked_version_not_its_listing(lab, world):
    """jfrog-curation-403: the index still lists 1.3.2; its file is refused with Curation's message, 1.3.0's isn't."""
    origin, creds = world.hosts["artifactory"].origin, world.credentials["private"]
    status, body, _ = get(lab, f"{origin}{CURATED}/simple/scikit-learn/", creds)
    assert status == 200 and "scikit_learn-1.3.2-py3-none-any.whl" in body
    status, body, _ = get(lab, f"{origin}{CURATED}/packages/scikit_learn-1.3.2-py3-none-any.whl", creds)
    assert status == 403 and "Package scikit-learn:1.3.2 download was blocked by JFrog Packages Curation service" in body
    assert get(lab, f"{origin}{CURATED}/packages/scikit_learn-1.3.0-py3-none-any.whl", creds)[0] == 200
    assert get(lab, f"{origin}{CURATED}/packages/scikit_learn-1.3.2-py3-none-any.whl")[0] == 401, \
        "an anonymous request is refused before Curation sees it"
    assert get(lab, f"{origin}{VIRTUAL}/packages/scikit_learn-1.3.2-py3-none-any.whl", creds)[0] == 200


def test_a_403_to_head_has_no_body_so_the_next_answer_on_the_connection_is_intact(lab, world):
    """uv sends HEAD, then GET, on one connection: a body after HEAD's headers would garble the GET's answer."""
    host, creds = world.hosts["artifactory"], world.credentials["private"]
    token = base64.b64encode(f"{creds.username}:{creds.password}".encode()).decode()
    connection = http.client.HTTPSConnection("127.0.0.1", host.port, context=lab.ca.client_context(), timeout=5)
    try:
        for method in ("HEAD", "GET"):
            connection.request(method, f"{CURATED}/packages/scikit_learn-1.3.2-py3-none-any.whl",
                               headers={"Authorization": f"Basic {token}"})
            response = connection.getresponse()
            body = response.read()
            assert response.status == 403, method
        assert b"download was blocked by JFrog Packages Curation service" in body
    finally:
        connection.close()


def test_pytorchs_index_answers_403_for_a_name_it_doesnt_have(lab, world):
    """uv's docs: PyTorch's index "returns a 403 when a package is not present" (uv-pytorch-index-403)."""
    origin = world.hosts["pytorch"].origin
    status, body, _ = get(lab, f"{origin}/whl/cpu/torch/")
    assert status == 200 and "torch-2.1.0+cpu" in body.replace("%2B", "+")
    status, _, _ = get(lab, f"{origin}/whl/cpu/my-private-package/")
    assert status == 403


def test_a_remote_that_hasnt_cached_a_large_wheel_lists_it_at_once_and_sends_it_late(lab, world):
    """pypi-virtual-uncached: the listing answers at once, torch's wheel only after SLOW_SECONDS (fidelity)."""
    import socket
    import time

    creds = world.credentials["private"]
    origin = f"{world.hosts['artifactory'].origin}{topology.UNCACHED_VIRTUAL}"
    started = time.monotonic()
    status, body, _ = get(lab, f"{origin}/simple/torch/", creds)
    assert status == 200 and "torch-2.1.0-py3-none-any.whl" in body and time.monotonic() - started < 1
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=lab.ca.client_context()))
    token = base64.b64encode(f"{creds.username}:{creds.password}".encode()).decode()
    request = urllib.request.Request(f"{origin}/packages/torch-2.1.0-py3-none-any.whl",
                                     headers={"Authorization": f"Basic {token}"})
    with pytest.raises((TimeoutError, urllib.error.URLError)) as raised:
        opener.open(request, timeout=topology.SLOW_SECONDS / 3)
    reason = getattr(raised.value, "reason", raised.value)
    assert not isinstance(raised.value, urllib.error.HTTPError) and isinstance(reason, (TimeoutError, socket.timeout))


def test_the_gateway_tunnels_a_private_stand_in_by_its_name_on_port_443(world):
    """A uv.lock names https://acme.jfrog.io/…: the execution reaches that name through the gateway (NO_PROXY leaves
    it out), which tunnels it, on 443 and on the stand-in's own port, to that world's stand-in."""
    artifactory = world.hosts["artifactory"]
    assert world.gateway.tunnels["acme.jfrog.io:443"] == artifactory.port
    assert world.gateway.tunnels[f"acme.jfrog.io:{artifactory.port}"] == artifactory.port
    assert world.gateway.tunnels["download.pytorch.org:443"] == world.hosts["pytorch"].port
    assert not any(name.startswith("pypi.acme.internal:") for name in world.gateway.tunnels), "a shared name is ambiguous"


def test_virtual_repository_merges_private_and_public(lab, world):
    creds = world.credentials["private"]
    for project in ("my-private-package", "numpy"):
        status, _, _ = get(lab, f"{world.hosts['artifactory'].origin}{VIRTUAL}/simple/{project}/", creds)
        assert status == 200


def test_only_the_squatted_world_serves_the_squatter(lab):
    url = "{}/simple/my-private-package/"
    assert get(lab, url.format(lab.world(squatter=False).hosts["pypi"].origin))[0] == 404
    status, body, _ = get(lab, url.format(lab.world(squatter=True).hosts["pypi"].origin))
    assert status == 200 and "99.0.0" in body


def test_every_stand_in_refuses_plain_http(lab):
    """Plain HTTP gets no answer from any stand-in host, in either world: every index is reached over HTTPS only."""
    hosts = {id(h): h for squatter in (False, True) for h in lab.world(squatter).hosts.values()}.values()
    assert {h.name for h in hosts} >= {h.name for h in topology.HOSTS if h.served}
    for host in hosts:
        path = next(iter(host.mounts))
        connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=5)
        with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine)):
            connection.request("GET", f"{path}/{host.mounts[path].simple}/")
            connection.getresponse()
        connection.close()


# Roles that reach every stand-in host an execution can reach by name, with credentials it accepts.
_TRUSTED_ROLES = {"artifactory": "private", **{name: name for name in topology.VENDOR_HOSTS}, "secondary": "secondary",
                  "pypiserver-fallback": "pypiserver-with-fallback",
                  "pypiserver-fallback-other": "pypiserver-with-fallback-without-the-name"}
# Stand-ins whose certificate no image trusts: the TLS handshake itself fails.
_UNTRUSTED_ROLES = {"company-artifactory": "company-ca-virtual", "wrong-name-artifactory": "wrong-name-certificate",
                    "expired-artifactory": "expired-certificate"}


def test_an_execution_reaches_every_stand_in_over_https(lab, tmp_path):
    """What the execution itself sees, before any log rewriting: https:// URLs, and TLS to every stand-in it reaches.

    curl reports the scheme it used; an untrusted certificate fails the handshake with curl's exit code 60.
    """
    import yaml

    from harness import recipes, runner

    roles = {**_TRUSTED_ROLES, **_UNTRUSTED_ROLES}
    public = {"pypi", "pytorch"}  # reached by name through the gateway
    assert set(roles) | public == {h.name for h in topology.HOSTS if h.served}, "a served host has no role here"
    variables = {f"URL_{i}": role for i, role in enumerate(roles.values())}
    curl = 'curl --silent --output /dev/null --write-out "$v %{scheme} %{http_code}\\n" "$u/"; echo "$v exit $?"'
    step = {
        "name": "probe", "image": "python:3.12",
        "command": [f'for v in {" ".join(variables)}; do eval "u=\\$$v"; echo "$v ${{u%%://*}}"; {curl}; done',
                    f"v=PYPI; u=https://pypi.org/simple; {curl}",
                    f"v=PYTORCH; u=https://download.pytorch.org/whl/cpu; {curl}"],
        "environment-variables": [{"name": name, "optional": False} for name in variables],
    }
    scenario = {"description": "Reach every stand-in.", "variables": variables, "expect": {"outcome": "success"}}
    folder = tmp_path / "https-probe"
    folder.mkdir()
    (folder / "valohai.yaml").write_text(yaml.safe_dump([{"step": step}], sort_keys=False))
    (folder / "scenarios.yaml").write_text(yaml.safe_dump({"step": "probe", "scenarios": {"probe": scenario}}))

    run = runner.run(lab, recipes.load(folder).plan("probe"))
    assert run.passed, run.report()
    raw = run.completed.output.splitlines()  # as the execution printed it: nothing rewritten, nothing masked
    for name, role in {**variables, "PYPI": "pypi", "PYTORCH": "pytorch"}.items():
        seen = [line.split(" ", 1)[1] for line in raw if line.startswith(f"{name} ")]
        if name not in ("PYPI", "PYTORCH"):
            assert "https" in seen, f"{role}: the execution's URL is not https:// ({seen})"
        if role in _UNTRUSTED_ROLES.values():
            assert seen[-2:] == ["HTTPS 000", "exit 60"], f"{role}: the certificate was accepted, or not asked: {seen}"
        else:
            assert seen[-2:] == ["HTTPS 200", "exit 0"], f"{role}: {seen}"


def test_stand_ins_are_untrusted_without_the_session_ca(world):
    context = ssl.create_default_context()  # this machine's store, without the session CA
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)).open(
            f"{world.hosts['pypi'].origin}/simple/", timeout=5
        )


def test_every_role_is_named_by_a_scenario():
    """A role no scenario names is a stand-in nothing tests: remove it, or show it in a recipe."""
    named = {role for folder in recipes.discover(EXAMPLES) for scenario in recipes.load(folder).scenarios.values()
             for role in scenario.supplied().values()}
    named |= {role for folder in (FIXTURES / "probes", FIXTURES / "failing") for sub in folder.iterdir()
              for scenario in recipes.load(sub).scenarios.values() for role in scenario.supplied().values()}
    assert sorted(set(ROLES) - named) == []


@pytest.mark.parametrize("role", list(ROLES), ids=str)
def test_every_role_resolves_in_a_started_lab(lab, role):
    """Each role names its host's port (or pypi.org by name), its repository path and its credentials, in both worlds."""
    spec = ROLES[role]
    for squatter in (False, True):
        world = lab.world(squatter)
        value = world.value(spec)
        creds = world.credentials.get(spec.credentials)
        if spec.form in ("username", "password"):
            assert value == getattr(creds, spec.form)
            continue
        host = topology.host(spec.host)
        port = world.failing[host.name].port if host.failure else world.hosts[spec.host].port if host.served else None
        assert (f"{host.hostname}:{port}{spec.path}/" if port else f"{host.hostname}{spec.path}/") in value
        assert value.endswith(("/simple", "/+simple"))
        urls = [part.split("=", 1)[1] for part in value.split()] if spec.form == "named-url" else [value]
        assert all(url.startswith("https://") for url in urls), "every index an execution reaches is HTTPS"
        assert (creds is not None) == (f"@{host.hostname}" in value)


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
    for package_set in catalogue.PACKAGE_SETS:
        for dist in package_set.dists:
            key = (dist.name, dist.version)
            assert key not in seen, f"{dist.name} {dist.version} is in both {seen[key]} and {package_set.name}"
            seen[key] = package_set.name


def test_priority_resolution_lists_only_the_local_versions_of_a_name_the_local_repository_has(lab):
    world = lab.world(squatter=True)
    creds = world.credentials["private"]
    origin = world.hosts["artifactory"].origin
    _, body, _ = get(lab, f"{origin}{PRIORITY_VIRTUAL}/simple/my-private-package/", creds)
    assert "my_private_package-1.0.0" in body and "99.0.0" not in body
    _, body, _ = get(lab, f"{origin}{PRIORITY_VIRTUAL}/simple/numpy/", creds)
    assert "numpy-1.26.4" in body, "names the local repository lacks still come from the PyPI remote"
    _, body, _ = get(lab, f"{origin}{VIRTUAL}/simple/my-private-package/", creds)
    assert "my_private_package-99.0.0" in body, "without Priority Resolution, the metadata is merged"


# Each behaviour field of topology.Repository, and the registry entries of which one must be followed where it is set.
_BEHAVIOUR_FIELDS = {
    "priority": lambda r: bool(r.priority),  # a package set's names shadow the others'
    "merges": lambda r: len(r.serves) > 1,  # several package sets behind one URL
    "answers 401 to wrong credentials": lambda r: r.answers_401_to_wrong_credentials,
    "another simple path": lambda r: r.simple != "simple",
    "redirects names it lacks to pypi.org": lambda r: r.fallback,
    "403 to users without Read": lambda r: bool(r.forbidden),
    "403 to downloads Curation blocks": lambda r: bool(r.blocked),
    "403 to names it doesn't have": lambda r: r.absent_403,
    "a download that starts late": lambda r: bool(r.slow),
}
_SOURCES = {
    "priority": {"jfrog-priority-resolution", "gitlab-pypi-forwarding"},
    "merges": {"jfrog-virtual-merges-metadata", "nexus-pypi-group", "gitlab-pypi-forwarding"},
    "answers 401 to wrong credentials": {"jfrog-401-wrong-credentials"},
    "another simple path": {"devpi-simple", "pytorch-index-urls"},
    "redirects names it lacks to pypi.org": {"pypiserver-fallback"},
    "403 to users without Read": {"jfrog-403-no-permission"},
    "403 to downloads Curation blocks": {"jfrog-curation-403"},
    "403 to names it doesn't have": {"uv-pytorch-index-403"},
    "a download that starts late": {"jfrog-remote-cache-on-demand"},
}


@pytest.mark.parametrize("field", _BEHAVIOUR_FIELDS)
def test_each_behaviour_field_of_a_repository_follows_its_registry_entry(field):
    """A repository behaves so if and only if it follows an entry that documents the behaviour."""
    for host in topology.HOSTS:
        for repo in host.repositories:
            behaves, documented = _BEHAVIOUR_FIELDS[field](repo), bool(_SOURCES[field] & set(repo.follows))
            where = f"{host.shown_as}{repo.path}"
            assert not (behaves and not documented), f"{where} has {field} but follows none of {_SOURCES[field]}"
            assert not (documented and not behaves), f"{where} follows {_SOURCES[field] & set(repo.follows)} " \
                                                     f"without {field}"


def test_every_stand_in_behaviour_is_one_a_vendor_documents():
    followed = {i for h in topology.HOSTS for r in h.repositories for i in r.follows} | set(STUB_FOLLOWS)
    unknown = followed - set(vendors.REGISTRY)
    assert not unknown, f"stand-ins follow behaviours harness/vendors.py doesn't document: {unknown}"
    assert all(vendors.REGISTRY[i].url.startswith("https://") for i in vendors.REGISTRY)
    emulated = {i for i, d in vendors.REGISTRY.items() if d.emulated}
    assert emulated == followed, f"marked emulated but followed by no stand-in, or the reverse: {emulated ^ followed}"


def test_a_lab_watches_no_files(lab):
    """Each inotify instance counts against a per-user limit (128 by default), which concurrent labs would reach."""
    lab.world()
    fds = Path("/proc/self/fd")
    watchers = []
    for fd in fds.iterdir():
        try:
            if "inotify" in os.readlink(fd):
                watchers.append(fd.name)
        except OSError:  # closed meanwhile
            pass
    assert not watchers, f"{len(watchers)} inotify instances open in a lab's process"
