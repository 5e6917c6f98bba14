"""What the vendors document, as the guide relies on it: one registry, each entry with its source.

A stand-in behaves in a way only if an entry here says the vendor documents it
(``Repository.follows`` in ``topology`` names entries), and a page states a
vendor's behaviour only by citing an entry (the ``cite`` macro fails on an
unknown id; a test fails on an entry that no page cites). ``emulated`` says
whether a stand-in implements the rule, or the guide only states it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Documented:
    id: str
    vendor: str
    rule: str  # in the guide's words
    title: str  # the vendor page
    url: str
    emulated: bool = False


_JFROG = "https://jfrog.com/help/r/"

REGISTRY = {
    entry.id: entry
    for entry in (
        # JFrog Artifactory
        Documented("jfrog-pypi-index-url", "JFrog",
                   "pip reads a PyPI repository at <host>/artifactory/api/pypi/<repository>/simple, with the user "
                   "and token in the URL.",
                   "Use a Pip Configuration File", _JFROG + "jfrog-artifactory-documentation/use-a-pip-configuration-file",
                   emulated=True),
        Documented("jfrog-token-as-password", "JFrog",
                   "An access token takes the place of the password in Basic authentication, with the user it was "
                   "made for.",
                   "Basic Authentication", _JFROG + "jfrog-platform-administration-documentation/basic-authentication",
                   emulated=True),
        Documented("jfrog-401", "JFrog",
                   "An anonymous request for a protected resource gets 401, a request for authentication.",
                   "Hide Existence of Unauthorized Resources",
                   _JFROG + "jfrog-platform-administration-documentation/hide-existence-of-unauthorized-resources",
                   emulated=True),
        Documented("jfrog-401-wrong-credentials", "JFrog",
                   "Artifactory Online answers 401 Unauthorized when the user name or the password is incorrect.",
                   "Why do I get a \"401 Unauthorized\" response from my Artifactory online server?",
                   _JFROG + "why-do-i-get-a-401-unauthorized-response-from-my-artifactory-online-server/"
                   "why-do-i-get-a-401-unauthorized-response-from-my-artifactory-online-server", emulated=True),
        Documented("jfrog-pypi-status-codes", "JFrog",
                   "For PyPI clients, 401 and 403 mean an authentication issue, and 404 that the resource is not in "
                   "the repository.",
                   "How to troubleshoot PyPI issues",
                   _JFROG + "how-to-troubleshoot-pypi-issues/how-to-troubleshoot-pypi-issues", emulated=True),
        Documented("jfrog-403-no-permission", "JFrog",
                   "A request by an authenticated user without permission on the resource is denied with 403 (404 if "
                   "Hide Existence of Unauthorized Resources is on); an anonymous request gets 401.",
                   "Hide Existence of Unauthorized Resources",
                   _JFROG + "jfrog-platform-administration-documentation/hide-existence-of-unauthorized-resources",
                   emulated=True),
        Documented("jfrog-curation-403", "JFrog",
                   "A download that Curation blocks by policy is answered 403 with 'Package <name>:<version> download "
                   "was blocked by JFrog Packages Curation service due to the following policies violated {...}'; "
                   "with Compliant Version Selection on, Curation may serve another version or hide the blocked one "
                   "instead. No JFrog documentation page says so: JFrog's own CLI code does.",
                   "jfrog-cli-security, commands/curation/curationaudit.go (JFrog's own CLI code, not documentation)",
                   "https://github.com/jfrog/jfrog-cli-security/blob/914790499f11860a3c5b112b3df13969ee0d9e1d/"
                   "commands/curation/curationaudit.go", emulated=True),
        Documented("jfrog-api-keys-deprecated", "JFrog",
                   "Artifactory 7.98 disabled creating API keys, and JFrog announced the end of their use for the "
                   "end of 2024; identity tokens replace them.",
                   "JFrog Platform Deprecations", "https://docs.jfrog.com/releases/docs/jfrog-platform-deprecations"),
        Documented("jfrog-virtual-repository", "JFrog",
                   "A virtual repository is a collection of local, remote and other virtual repositories of one "
                   "package type behind one URL.",
                   "Virtual Repositories", _JFROG + "jfrog-artifactory-documentation/virtual-repositories"),
        Documented("jfrog-anonymous-access-off", "JFrog",
                   "Anonymous access is disabled by default (the Allow Anonymous Access setting).",
                   "Allow Anonymous Access",
                   _JFROG + "jfrog-platform-administration-documentation/allow-anonymous-access"),
        Documented("jfrog-virtual-merges-metadata", "JFrog",
                   "A virtual repository serves a package's metadata merged from its member repositories; Priority "
                   "Resolution, where it is set, narrows that merge to the members that have it.",
                   "Other Settings (Priority Resolution)", _JFROG + "jfrog-artifactory-documentation/other-settings",
                   emulated=True),
        Documented("jfrog-virtual-resolution-order", "JFrog",
                   "When an artifact is requested from a virtual repository, local repositories are searched first, "
                   "then remote repository caches, then the remote repositories themselves.",
                   "Virtual Resolution Order", _JFROG + "jfrog-artifactory-documentation/virtual-resolution-order"),
        Documented("jfrog-priority-resolution", "JFrog",
                   "With Priority Resolution set on the local repository, the virtual repository takes a name's "
                   "metadata from the local repository alone when it has the name, and from the other members only "
                   "when it doesn't.",
                   "Other Settings", _JFROG + "jfrog-artifactory-documentation/other-settings", emulated=True),
        Documented("jfrog-pypi-exclude-patterns", "JFrog",
                   "Include and exclude patterns written as package names don't work on PyPI repositories; they must "
                   "match the lowercase metadata paths under .pypi/: .pypi/hello1234.* on the remote repository, "
                   "with its cache cleared, keeps PyPI's hello1234 out.",
                   "How to Use Include and Exclude Patterns on PyPi Repositories",
                   "https://jfrog.com/knowledge-base/how-to-use-include-and-exclude-patterns-on-pypi-repositories/"),
        Documented("jfrog-remote-read-vs-cache", "JFrog",
                   "Read permission on a remote repository serves only what its cache already holds; fetching a "
                   "package nobody has fetched before needs Deploy/Cache.",
                   "Permission Details", _JFROG + "jfrog-platform-administration-documentation/permission-details"),
        Documented("jfrog-virtual-permissions", "JFrog",
                   "Permissions can't be given on a virtual repository itself: access through it follows the "
                   "permissions on the local and remote repositories it aggregates.",
                   "How permissions are managed on virtual repositories in Artifactory?",
                   _JFROG + "how-permissions-are-managed-on-virtual-repositories-in-artifactory-video/"
                   "how-permissions-are-managed-on-virtual-repositories-in-artifactory-video"),
        Documented("jfrog-remote-cache-on-demand", "JFrog",
                   "A remote repository fetches a package from the public registry the first time someone requests "
                   "it, caches it, and serves later requests from its cache.",
                   "How Remote Repositories Work",
                   _JFROG + "package-caching-and-proxying-using-remote-repositories-use-case/how-remote-repositories-work",
                   emulated=True),
        Documented("jfrog-pytorch-remote", "JFrog",
                   "A PyPI remote repository can proxy PyTorch's index, registry URL https://download.pytorch.org, and "
                   "a virtual repository can include it beside the PyPI remote.",
                   "ARTIFACTORY: How to configure PyTorch remote repo and resolve packages from Artifactory",
                   _JFROG + "artifactory-how-to-configure-pytorch-remote-repo-and-resolve-packages-from-artifactory",
                   emulated=True),
        # PyTorch
        Documented("pytorch-index-urls", "PyTorch",
                   "Builds for each accelerator come from an index of their own, https://download.pytorch.org/whl/cpu, "
                   "…/whl/cu118 and so on, installed with pip's --index-url; their versions carry a local label such "
                   "as 2.0.1+cpu.",
                   "Previous PyTorch Versions", "https://pytorch.org/get-started/previous-versions/", emulated=True),
        Documented("pytorch-torchtriton", "PyTorch",
                   "Between 25 and 30 December 2022, pip installs of PyTorch-nightly on Linux took a malicious "
                   "torchtriton from PyPI, a name PyTorch shipped on its own nightly index.",
                   "Compromised PyTorch-nightly dependency chain between December 25th and December 30th, 2022",
                   "https://pytorch.org/blog/compromised-nightly-dependency/"),
        # GitLab
        Documented("gitlab-pypi-urls", "GitLab",
                   "A project's index is /api/v4/projects/<id>/packages/pypi/simple and a group's "
                   "/api/v4/groups/<id>/-/packages/pypi/simple; a deploy token's user name is the token's own.",
                   "PyPI packages in the package registry", "https://docs.gitlab.com/user/packages/pypi_repository/",
                   emulated=True),
        Documented("gitlab-pypi-forwarding", "GitLab",
                   "Requests for packages the registry doesn't have are forwarded to pypi.org by default, even with "
                   "--index-url; a group owner turns it off under Settings > Packages and registries.",
                   "PyPI packages in the package registry: package request forwarding",
                   "https://docs.gitlab.com/user/packages/pypi_repository/", emulated=True),
        Documented("gitlab-deploy-tokens", "GitLab",
                   "A deploy token doesn't expire unless an expiry date is set when it is created; the "
                   "read_package_registry scope gives read-only access to the project's package registry.",
                   "Deploy tokens", "https://docs.gitlab.com/user/project/deploy_tokens/"),
        # AWS CodeArtifact
        Documented("codeartifact-pip", "AWS",
                   "The index URL is https://aws:<token>@<domain>-<owner>.d.codeartifact.<region>.amazonaws.com/"
                   "pypi/<repository>/simple/; the token comes from aws codeartifact get-authorization-token and "
                   "lasts 12 hours at most.",
                   "Configure and use pip with CodeArtifact",
                   "https://docs.aws.amazon.com/codeartifact/latest/ug/python-configure-pip.html", emulated=True),
        Documented("codeartifact-token-permissions", "AWS",
                   "Getting an authorization token requires the codeartifact:GetAuthorizationToken and "
                   "sts:GetServiceBearerToken permissions.",
                   "GetAuthorizationToken", "https://docs.aws.amazon.com/codeartifact/latest/APIReference/"
                   "API_GetAuthorizationToken.html", emulated=True),
        Documented("codeartifact-token-duration", "AWS",
                   "A token lasts 12 hours by default; durationSeconds (the CLI's --duration-seconds) takes 0, the "
                   "expiry of the caller's role credentials, or 900 to 43200 seconds.",
                   "GetAuthorizationToken", "https://docs.aws.amazon.com/codeartifact/latest/APIReference/"
                   "API_GetAuthorizationToken.html", emulated=True),
        Documented("codeartifact-login-pip", "AWS",
                   "aws codeartifact login --tool pip configures pip by editing its configuration file "
                   "(~/.config/pip/pip.conf) to set the index-url to the repository; the login lasts 12 hours by "
                   "default.",
                   "Configure and use pip with CodeArtifact",
                   "https://docs.aws.amazon.com/codeartifact/latest/ug/python-configure-pip.html", emulated=True),
        Documented("aws-cli-login-source", "AWS",
                   "login --tool pip gets a token and asks GetRepositoryEndpoint for the repository's URL, runs pip "
                   "config set global.index-url https://aws:<token>@<endpoint>simple/, then prints 'Successfully configured pip to use AWS CodeArtifact repository <endpoint>' and 'Login "
                   "expires in <hours> at <time>'.",
                   "aws-cli source: awscli/customizations/codeartifact/login.py (AWS's own code, not documentation)",
                   "https://github.com/aws/aws-cli/blob/07c4fe366b49c4dde816d674f4941134fc432673/"
                   "awscli/customizations/codeartifact/login.py", emulated=True),
        Documented("aws-cli-client-error", "AWS",
                   "The AWS CLI prints a service's error on standard error, after a blank line, as 'An error occurred "
                   "(<code>) when calling the <operation> operation: <message>', and exits with status 255 "
                   "(version 1).",
                   "botocore source: botocore/exceptions.py, ClientError (AWS's own code, not documentation)",
                   "https://github.com/boto/botocore/blob/0e6e2404b85dc336dd2889814e089bde7d1a4c55/"
                   "botocore/exceptions.py", emulated=True),
        Documented("aws-access-denied-message", "AWS",
                   "Most access denied messages read 'User <arn> is not authorized to perform <action> on <resource> "
                   "because no <type> policy allows the <action> action' when no policy allows it; some services "
                   "word theirs differently.",
                   "Troubleshoot access denied error messages (IAM User Guide)",
                   "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html", emulated=True),
        Documented("codeartifact-external-connection", "AWS",
                   "A repository serves public PyPI packages only through an external connection to public:pypi, "
                   "its own or an upstream repository's.",
                   "Connect a CodeArtifact repository to a public repository",
                   "https://docs.aws.amazon.com/codeartifact/latest/ug/external-connection.html", emulated=True),
        # Google Artifact Registry
        Documented("artifact-registry-url", "Google",
                   "The index URL is https://<location>-python.pkg.dev/<project>/<repository>/simple/.",
                   "artifact-registry-python-tools (Google)",
                   "https://github.com/GoogleCloudPlatform/artifact-registry-python-tools", emulated=True),
        Documented("artifact-registry-access-token", "Google",
                   "An access token from gcloud auth print-access-token authenticates with the user name "
                   "oauth2accesstoken; it lasts an hour.",
                   "Configure authentication to Artifact Registry for Python package repositories",
                   "https://cloud.google.com/artifact-registry/docs/python/authentication", emulated=True),
        Documented("artifact-registry-json-key", "Google",
                   "A service account key authenticates pip as the user _json_key_base64 with the Base64 of the JSON "
                   "key file as password; gcloud artifacts print-settings python --json-key=KEY prints that URL, as "
                   "an extra-index-url.",
                   "gcloud artifacts print-settings python",
                   "https://cloud.google.com/sdk/gcloud/reference/artifacts/print-settings/python", emulated=True),
        Documented("gcloud-activate-service-account", "Google",
                   "gcloud auth activate-service-account --key-file=FILE (- for standard input) makes a service "
                   "account's key gcloud's active credentials and prints 'Activated service account credentials "
                   "for: [<account>]'; gcloud auth print-access-token then prints an access token for it.",
                   "gcloud source: lib/surface/auth/activate_service_account.py (Google's code, in an unofficial "
                   "mirror)",
                   "https://github.com/google-cloud-sdk-unofficial/google-cloud-sdk/blob/"
                   "00d0e7c9b4f030f86f4fcab2e094b433fb57abf9/lib/surface/auth/activate_service_account.py",
                   emulated=True),
        Documented("artifact-registry-modes", "Google",
                   "A standard repository holds what you publish; public PyPI packages come through a remote "
                   "repository, or a virtual repository that includes one.",
                   "Virtual repositories overview",
                   "https://cloud.google.com/artifact-registry/docs/repositories/virtual-overview", emulated=True),
        Documented("artifact-registry-status-codes", "Google",
                   "A 403 is an authentication issue, possibly missing permissions; a 404 is a package not found.",
                   "Troubleshoot issues with Python packages",
                   "https://cloud.google.com/artifact-registry/docs/python/troubleshoot", emulated=True),
        Documented("google-keyring-backend", "Google",
                   "keyrings.google-artifactregistry-auth answers for hosts under .pkg.dev with the user "
                   "oauth2accesstoken and an access token from Application Default Credentials (first the key file "
                   "GOOGLE_APPLICATION_CREDENTIALS names), else from gcloud; it fails when neither has one.",
                   "artifact-registry-python-tools (README and keyrings/gauth.py)",
                   "https://github.com/GoogleCloudPlatform/artifact-registry-python-tools"),
        # Azure Artifacts
        Documented("azure-artifacts-keyring", "Microsoft",
                   "artifacts-keyring, a keyring backend for Azure Artifacts feeds, is a thin wrapper around the Azure "
                   "Artifacts Credential Provider; it needs pip 19.2 or newer.",
                   "artifacts-keyring (PyPI)", "https://pypi.org/project/artifacts-keyring/"),
        Documented("azure-feed-urls", "Microsoft",
                   "A project-scoped feed is at pkgs.dev.azure.com/<org>/<project>/_packaging/<feed>/pypi/simple/, "
                   "an organization-scoped one at pkgs.dev.azure.com/<org>/_packaging/<feed>/pypi/simple/; the user "
                   "name can be anything, the password a personal access token with Packaging > Read.",
                   "Use packages from Python package index (PyPI)",
                   "https://learn.microsoft.com/en-us/azure/devops/artifacts/python/use-packages-from-pypi",
                   emulated=True),
        Documented("azure-upstream-sources", "Microsoft",
                   "A feed serves public PyPI packages only with upstream sources enabled, and saves a copy of each "
                   "one installed; installing from an upstream takes the Feed and Upstream Reader (Collaborator) "
                   "role or higher.",
                   "Set up upstream sources",
                   "https://learn.microsoft.com/en-us/azure/devops/artifacts/how-to/set-up-upstream-sources",
                   emulated=True),
        # Sonatype Nexus, pypiserver, devpi
        Documented("nexus-pypi-group", "Sonatype",
                   "A PyPI group repository merges hosted (private) and proxy (PyPI) repositories behind one URL.",
                   "PyPI Repositories", "https://help.sonatype.com/en/pypi-repositories.html", emulated=True),
        Documented("pypiserver-simple", "pypiserver",
                   "pypiserver serves its packages at /simple/ and can require a password from an htpasswd file.",
                   "pypiserver README", "https://github.com/pypiserver/pypiserver#readme", emulated=True),
        Documented("pypiserver-fallback", "pypiserver",
                   "By default pypiserver redirects a request for a project it doesn't have to "
                   "https://pypi.org/simple/<project>/; --disable-fallback turns that off (404 instead), and "
                   "--fallback-url sends it somewhere else.",
                   "pypiserver README (pypi-server run --help)",
                   "https://github.com/pypiserver/pypiserver/blob/v2.4.1/README.md", emulated=True),
        Documented("devpi-simple", "devpi",
                   "devpi serves each index at /<user>/<index>/+simple/.",
                   "devpi quickstart: running a PyPI mirror",
                   "https://devpi.net/docs/devpi/devpi/stable/+doc/quickstart-pypimirror.html", emulated=True),
        # pip and uv: what the real tools do, cited where the guide relies on it
        Documented("pip-auth-percent-encoding", "pip",
                   "Special characters in the user or password of an index URL must be percent-encoded.",
                   "Authentication", "https://pip.pypa.io/en/stable/topics/authentication/"),
        Documented("pip-timeout-retries", "pip",
                   "--timeout (PIP_TIMEOUT) defaults to 15 seconds and --retries (PIP_RETRIES) to 5.",
                   "General Options", "https://pip.pypa.io/en/stable/cli/pip/#general-options"),
        Documented("pip-401-warning-no-input", "pip",
                   "Under --no-input (PIP_NO_INPUT), pip up to 26.1 returns a 401 without retrying, so it never "
                   "reports '401 Error, Credentials not correct'; 26.2 retries with the index URL's credentials and "
                   "reports the failed retry.",
                   "pypa/pip#14182: Extract redirect-URL credentials on 401 even with --no-input",
                   "https://github.com/pypa/pip/pull/14182"),
        Documented("pip-requires-python-line", "pip",
                   "When every version of a package is skipped for its Requires-Python, pip (22.1 and newer) lists "
                   "them in 'Ignored the following versions that require a different python version: …' before "
                   "'Could not find a version that satisfies the requirement'.",
                   "pip source: resolution/resolvelib/factory.py (26.2.1)",
                   "https://github.com/pypa/pip/blob/26.2.1/src/pip/_internal/resolution/resolvelib/factory.py"),
        Documented("pip-url-credentials-first", "pip",
                   "pip 21.2 prefers the credentials in a URL over those it obtained earlier from URLs of the same "
                   "domain, \"so it is possible to use different credentials on the same index server for different "
                   "--extra-index-url options\".",
                   "pip changelog (NEWS.rst), 21.2 (#3931)", "https://github.com/pypa/pip/blob/26.2.1/NEWS.rst"),
        Documented("pip-index-prefix-credentials", "pip",
                   "From pip 23.1, a request without credentials of its own gets those of the index URL on the same "
                   "host whose path has the longest common prefix with it; before, only of an index URL the request's "
                   "URL starts with, which a file's download URL need not.",
                   "pypa/pip commit 33cd541, first released in pip 23.1",
                   "https://github.com/pypa/pip/commit/33cd541cc49b112753841c7937427bf0fe18e197"),
        Documented("pip-hash-checking", "pip",
                   "In hash-checking mode (--require-hashes), every requirement needs an exact version and a hash, "
                   "and pip refuses a file whose hash isn't listed.",
                   "Secure installs", "https://pip.pypa.io/en/stable/topics/secure-installs/"),
        Documented("pip-https-certificates", "pip",
                   "pip 24.2 and newer check HTTPS certificates against the system certificate store as well as "
                   "certifi's bundle, on Python 3.10 or later; older pips use certifi's bundle alone.",
                   "pip's changelog (NEWS.rst), 24.2: system certificates on Python 3.10+",
                   "https://github.com/pypa/pip/blob/26.3/NEWS.rst"),
        Documented("pip-truststore-opt-in", "pip",
                   "pip 22.2 added opt-in system certificates, --use-feature=truststore, on Python 3.10 and later; "
                   "until pip 23.3, which vendors it, the truststore package had to be installed as well.",
                   "pip's changelog (NEWS.rst), 22.2 and 23.3", "https://pip.pypa.io/en/stable/news/"),
        Documented("pip-cert-option", "pip",
                   "--cert, or the PIP_CERT environment variable, names the certificate bundle pip checks HTTPS "
                   "certificates against; the REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE environment variables can "
                   "name it too.",
                   "HTTPS Certificates", "https://pip.pypa.io/en/stable/topics/https-certificates/"),
        Documented("pip-trusted-host", "pip",
                   "--trusted-host marks a host, or host:port, as trusted even though it does not have valid or any "
                   "HTTPS.",
                   "General Options: --trusted-host", "https://pip.pypa.io/en/stable/cli/pip/#cmdoption-trusted-host"),
        Documented("pip-config-command", "pip",
                   "pip config list lists the active configuration, pip config get the value of one option, and pip "
                   "config debug the configuration files and the values defined under them.",
                   "pip config", "https://pip.pypa.io/en/stable/cli/pip_config/"),
        Documented("pip-configuration", "pip",
                   "A configuration file's settings are named after the long command-line options (--cert: cert) "
                   "and environment variables are PIP_<UPPER_LONG_NAME>; command-line options override PIP_* "
                   "variables, which override configuration files.",
                   "Configuration", "https://pip.pypa.io/en/stable/topics/configuration/"),
        Documented("pip-netrc", "pip",
                   "Without credentials in the URL, pip reads the host's user and password from ~/.netrc, through "
                   "requests and Python's netrc module; only ASCII characters, no whitespace in passwords.",
                   "Authentication: netrc support", "https://pip.pypa.io/en/stable/topics/authentication/#netrc-support"),
        Documented("requests-netrc-variable", "pip",
                   "The requests library pip vendors reads the netrc file that the NETRC variable names, and "
                   "~/.netrc only when NETRC is unset.",
                   "pip's vendored requests: utils.get_netrc_auth",
                   "https://github.com/pypa/pip/blob/26.3/src/pip/_vendor/requests/utils.py"),
        Documented("pip-keyring-provider", "pip",
                   "--keyring-provider (PIP_KEYRING_PROVIDER) takes auto, disabled, import or subprocess; auto, the "
                   "default, doesn't ask keyring at all under --no-input; subprocess runs the keyring command found "
                   "on PATH and needs a user name in the URL.",
                   "Authentication: Keyring Support",
                   "https://pip.pypa.io/en/stable/topics/authentication/#keyring-support"),
        Documented("pip-keyring-history", "pip",
                   "pip 21.1 asks the keyring only for a URL that answered 401 (before, for every URL); pip 23.1 "
                   "added --keyring-provider; pip 26.2 takes the user name from keyring's command as well.",
                   "pip's changelog (NEWS.rst): 21.1, 23.1 #8719, 26.2 #12543",
                   "https://github.com/pypa/pip/blob/26.3/NEWS.rst"),
        Documented("pip-keyring-own-scripts", "pip",
                   "Looking for the keyring command, pip skips the folder of its own scripts and searches the rest "
                   "of PATH.",
                   "pip source: network/auth.py, get_keyring_provider",
                   "https://github.com/pypa/pip/blob/26.3/src/pip/_internal/network/auth.py"),
        Documented("pip-find-links", "pip",
                   "--find-links with a local directory makes pip look for archives in its listing, beside the "
                   "index; --no-index ignores the package index, leaving only the --find-links locations.",
                   "pip install: --no-index, --find-links",
                   "https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-no-index"),
        Documented("pip-wheel", "pip",
                   "pip wheel builds wheels for the requirements and all their dependencies, or takes the wheels an "
                   "index has, into --wheel-dir.",
                   "pip wheel", "https://pip.pypa.io/en/stable/cli/pip_wheel/"),
        Documented("uv-index-strategy", "uv",
                   "By default (first-index) uv takes a name's versions from the first index that has it; "
                   "unsafe-best-match behaves like pip.",
                   "Package indexes", "https://docs.astral.sh/uv/concepts/indexes/"),
        Documented("uv-index-priority", "uv",
                   "Indexes given with --index (UV_INDEX) take priority over the default index, PyPI unless "
                   "--default-index (UV_DEFAULT_INDEX) names another; --extra-index-url and --index-url are "
                   "their deprecated forms.",
                   "uv pip install: --index",
                   "https://docs.astral.sh/uv/reference/cli/#uv-pip-install--index"),
        Documented("uv-index-credentials", "uv",
                   "UV_DEFAULT_INDEX replaces PyPI as uv's default index, and UV_INDEX adds indexes; both take "
                   "<name>=<url>, and a named index's credentials go in UV_INDEX_<NAME>_USERNAME and "
                   "UV_INDEX_<NAME>_PASSWORD.",
                   "Package indexes", "https://docs.astral.sh/uv/concepts/indexes/"),
        Documented("uv-project-indexes", "uv",
                   "In pyproject.toml, [[tool.uv.index]] defines an index by name and url, explicit = true keeps it "
                   "to the packages [tool.uv.sources] pins to it, and default = true makes it replace PyPI.",
                   "Package indexes", "https://docs.astral.sh/uv/concepts/indexes/"),
        Documented("uv-lock-no-credentials", "uv",
                   "Credentials are never stored in uv.lock, so uv must get them for the index at install time.",
                   "Package indexes: Authentication",
                   "https://docs.astral.sh/uv/concepts/indexes/#authentication"),
        Documented("uv-locked", "uv",
                   "With --locked, uv sync fails with an error instead of updating a lockfile that is not up to date.",
                   "Locking and syncing", "https://docs.astral.sh/uv/concepts/projects/sync/"),
        Documented("uv-pytorch-explicit-index", "uv",
                   "An index marked explicit = true serves only the packages [tool.uv.sources] pins to it; uv's "
                   "PyTorch guide pins torch that way and takes everything else from the default index.",
                   "Using uv with PyTorch", "https://docs.astral.sh/uv/guides/integration/pytorch/"),
        Documented("uv-pytorch-index-403", "uv",
                   "PyTorch's index answers 403 for a package it doesn't have, and uv ignores 403s from it (from any "
                   "other index, a 401 or 403 stops uv's search across indexes).",
                   "Package indexes: Ignoring error codes when searching across indexes",
                   "https://docs.astral.sh/uv/concepts/indexes/#ignoring-error-codes-when-searching-across-indexes",
                   emulated=True),
        Documented("uv-http-timeout", "uv",
                   "UV_HTTP_TIMEOUT sets how many seconds uv waits for an HTTP read, 30 by default.",
                   "Environment variables: UV_HTTP_TIMEOUT",
                   "https://docs.astral.sh/uv/reference/environment/#uv_http_timeout"),
        Documented("uv-ignores-pip-configuration", "uv",
                   "uv doesn't read pip's configuration files or its PIP_* environment variables.",
                   "Compatibility with pip: configuration files and environment variables",
                   "https://docs.astral.sh/uv/pip/compatibility/#configuration-files-and-environment-variables"),
        Documented("uv-netrc", "uv",
                   "uv always reads .netrc for a URL without credentials: the file the NETRC variable names, else "
                   "~/.netrc.",
                   "HTTP credentials: netrc files", "https://docs.astral.sh/uv/concepts/authentication/http/#netrc-files"),
        Documented("uv-keyring-subprocess", "uv",
                   "uv asks a keyring only with --keyring-provider subprocess (UV_KEYRING_PROVIDER), off by default, "
                   "by running the keyring command, and only for a URL with a user name (or authenticate = "
                   "\"always\"); it doesn't wait for a 401.",
                   "HTTP credentials: Keyring providers",
                   "https://docs.astral.sh/uv/concepts/authentication/http/#keyring-providers"),
        Documented("uv-google-keyring", "uv",
                   "With keyring and keyrings.google-artifactregistry-auth installed as a tool, uv reaches Artifact "
                   "Registry with --keyring-provider subprocess and the user name oauth2accesstoken in the URL.",
                   "Using uv with Google Artifact Registry",
                   "https://docs.astral.sh/uv/guides/integration/google/"),
        Documented("uv-docker-images", "uv",
                   "uv's images with Python are built FROM the official python:3.x images of Debian 13 (trixie), "
                   "full and slim, and of Alpine, with uv and uvx in /usr/local/bin.",
                   "build-docker.yml (astral-sh/uv)",
                   "https://github.com/astral-sh/uv/blob/72c90e48/.github/workflows/build-docker.yml"),
        Documented("uv-tls", "uv",
                   "uv trusts its built-in roots by default; --system-certs (UV_SYSTEM_CERTS) uses the system store; "
                   "SSL_CERT_FILE (a PEM bundle) or SSL_CERT_DIR replaces the roots entirely, with no "
                   "UV_SYSTEM_CERTS needed.",
                   "TLS certificates", "https://docs.astral.sh/uv/concepts/authentication/certificates/"),
        Documented("uv-native-tls-deprecated", "uv",
                   "uv 0.11.0 deprecated --native-tls in favour of --system-certs (UV_SYSTEM_CERTS, new in 0.11.0); "
                   "UV_NATIVE_TLS has been documented as deprecated since 0.11.9.",
                   "uv changelog 0.11.x: 0.11.0 breaking changes; 0.11.9 documentation",
                   "https://github.com/astral-sh/uv/blob/main/changelogs/0.11.x.md"),
        Documented("jfrog-docker-registry", "JFrog",
                   "Artifactory serves Docker repositories at <instance>.jfrog.io/<repository>/<image>:<tag> on "
                   "JFrog's cloud (the repository path method); docker login <instance>.jfrog.io takes a user and an "
                   "access token as its password.",
                   "Docker Repository URL Formats", _JFROG + "jfrog-artifactory-documentation/docker-repository-url-formats"),
        # Docker and buildah: building images
        Documented("docker-build-secrets", "Docker",
                   "docker build --secret id=<id>,src=<file> (or env=<variable>) passes a build secret; build "
                   "arguments and environment variables are inappropriate for secrets, because they persist in the "
                   "final image.",
                   "Build secrets", "https://docs.docker.com/build/building/secrets/"),
        Documented("dockerfile-secret-mount", "Docker",
                   "RUN --mount=type=secret,id=<id> gives one RUN instruction the secret without baking it into the "
                   "image, as the file /run/secrets/<id> by default; required=true makes the instruction fail when the "
                   "secret is missing; env=<variable> (from Dockerfile 1.10.0) puts it in a variable instead.",
                   "Dockerfile reference: RUN --mount=type=secret",
                   "https://docs.docker.com/reference/dockerfile/#run---mounttypesecret"),
        Documented("dockerfile-arg-env-visibility", "Docker",
                   "Build arguments are visible in docker history; ENV values persist in the image, and docker "
                   "inspect shows them.",
                   "Dockerfile reference: ARG and ENV", "https://docs.docker.com/reference/dockerfile/#arg"),
        Documented("docker-check-secrets-in-arg-env", "Docker",
                   "The SecretsUsedInArgOrEnv build check warns when an ARG or ENV name holds a word such as token, "
                   "password, secret, key, auth or credential; it reads names only, so PIP_INDEX_URL is not flagged.",
                   "Build checks: SecretsUsedInArgOrEnv",
                   "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/"),
        Documented("docker-multi-stage", "Docker",
                   "Each FROM begins a stage; you copy artifacts from one stage to another, leaving behind everything "
                   "you don't want in the final image.",
                   "Multi-stage builds", "https://docs.docker.com/build/building/multi-stage/"),
        Documented("dockerfile-bind-mount", "Docker",
                   "RUN --mount=type=bind,from=<stage>,source=<path> mounts a path of another stage, read-only by "
                   "default, for one RUN instruction; nothing of it is committed to the layer.",
                   "Dockerfile reference: RUN --mount=type=bind",
                   "https://docs.docker.com/reference/dockerfile/#run---mounttypebind"),
        Documented("buildah-secret-env", "buildah",
                   "buildah accepts RUN --mount=type=secret,id=<id>,env=<variable> from 1.44.0; earlier versions "
                   "refuse the env option as invalid syntax. --secret id=<id>,src=<file> passes the secret.",
                   "buildah-build(1): --secret", "https://github.com/containers/buildah/blob/v1.44.0/docs/buildah-build.1.md"),
        # Valohai
        Documented("valohai-private-registries", "Valohai",
                   "Organization admins store a private registry's credentials (JFrog: an access token) with a match "
                   "pattern; steps then name the private image in full, and workers log in when they pull it. "
                   "Personal projects can't use them.",
                   "Private Docker Registries", "https://docs.valohai.com/docker-in-valohai/private-docker-registries"),
        Documented("valohai-pipeline-edges", "Valohai",
                   "A pipeline edge [node.output.<glob>, node2.input.<name>] passes the files the source execution "
                   "saved under /valohai/outputs whose paths match the glob to the target execution, at "
                   "/valohai/inputs/<name>/; by default they replace the input's defaults.",
                   "Pass Data Between Pipeline Nodes", "https://docs.valohai.com/pipelines/pass-parameters-and-data"),
        Documented("valohai-private-pypi", "Valohai",
                   "Valohai's own guide copies the index URL from Artifactory's Set Up Client/CI Tool, stores it "
                   "as a secret variable, points pip at it with pip config set global.index-url (saying pip then "
                   "falls back to public PyPI), and ends its verification step with echo \"Authentication "
                   "successful\", without set -e.",
                   "Private PyPI Repositories", "https://docs.valohai.com/executions/advanced-features/private-pypi-jfrog"),
        Documented("valohai-organization-groups", "Valohai",
                   "Under Hi, <username> → Manage <organization> → Environment Variables, an admin creates a variable "
                   "group, chooses the projects that may use it and marks values Secret (the key icon); the variables "
                   "are then available in those projects' executions, and one edit rotates a value everywhere.",
                   "Environment Variables & Secrets",
                   "https://docs.valohai.com/user-and-organization-management/getting-started/environment-variables"),
        Documented("valohai-required-variables", "Valohai",
                   "An execution may not be created unless every required variable (optional: false) has a value, "
                   "set in the step or trickled down from project-level settings; a variable's description can be "
                   "shown as help text in the user interface.",
                   "valohai-yaml's schema for environment-variables (the parser Valohai publishes)",
                   "https://github.com/valohai/valohai-yaml/blob/master/valohai_yaml/schema_data.py"),
        Documented("valohai-yaml-variable-groups", "Valohai",
                   "A step may list environment-variable-groups: strings, described only as \"Groups of environment "
                   "variables to include in the step execution\".",
                   "valohai-yaml's schema for environment-variable-groups (the parser Valohai publishes)",
                   "https://github.com/valohai/valohai-yaml/blob/master/valohai_yaml/schema_data.py"),
        Documented("valohai-cli-variable-groups", "Valohai",
                   "vh execution run --environment-variable-groups adds environment variable groups to an execution, "
                   "by their UUIDs.",
                   "valohai-cli, vh execution run",
                   "https://github.com/valohai/valohai-cli/blob/master/valohai_cli/commands/execution/run/"
                   "frontend_command.py"),
        Documented("valohai-examples-one-script", "Valohai",
                   "Valohai's yolo-example has the item - nohup python ./scripts/valohai_watch.py & followed by more "
                   "items in a step's command: joined with ' && ' they would be a syntax error; as lines of one shell "
                   "script they run.",
                   "valohai/yolo-example, valohai.yaml",
                   "https://github.com/valohai/yolo-example/blob/2940a6011d169e4d29fd99ae55777910207536a8/valohai.yaml"),
        Documented("valohai-examples-source", "Valohai",
                   "Valohai's output-metadata example runs - source .venv/bin/activate as an item of its own, on "
                   "the ghcr.io/astral-sh/uv:python3.13-bookworm-slim image.",
                   "valohai/output-metadata-example, valohai.yaml",
                   "https://github.com/valohai/output-metadata-example/blob/8c7f60ebb30f79ee4bbbc487bee34fbde045510e/valohai.yaml"),
        Documented("valohai-local-run", "Valohai",
                   "Valohai's local emulator joins a step's commands with ' && ' and runs them with /bin/sh -c.",
                   "valohai-local-run, executor.py",
                   "https://github.com/valohai/valohai-local-run/blob/219feb418b7f8a68cd5895739dd1d8cb3465eeb0/"
                   "valohai_local_run/executor.py"),
        Documented("valohai-step-command", "Valohai",
                   "An execution is marked crashed if its last command returns an error code other than 0.",
                   "valohai.yaml: step.command", "https://docs.valohai.com/reference-guides/valohai-yaml/step-command/"),
        Documented("valohai-environment-variables", "Valohai",
                   "Variables come from the step's environment-variables (optional: false requires one), project "
                   "settings and organization groups; secrets are hidden in the UI but can still be printed in logs.",
                   "Environment Variables", "https://docs.valohai.com/executions/custom-environment-variables"),
        Documented("valohai-audit-log", "Valohai",
                   "Organization admins get an audit log of actions, kept 180 days and exportable as CSV.",
                   "Audit Log", "https://docs.valohai.com/observability/audit-log"),
        Documented("rfc9110-401-challenge", "IETF",
                   "A server that answers 401 must send a WWW-Authenticate header with at least one challenge.",
                   "RFC 9110, section 15.5.2 (401 Unauthorized)",
                   "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
                   emulated=True),
        Documented("curl-netrc", "curl",
                   "curl --netrc reads the login and password for a host name from ~/.netrc (from 8.16.0, the file "
                   "NETRC names), whatever the protocol and port; the file should be neither world- nor "
                   "group-readable.",
                   "curl man page: --netrc", "https://curl.se/docs/manpage.html#-n"),
        Documented("netrc-format", "GNU",
                   "A .netrc entry is the tokens machine <host name>, login <name> and password <string>, separated "
                   "by spaces, tabs or newlines.",
                   "GNU Inetutils: The .netrc file",
                   "https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html"),
        Documented("gnu-echo", "GNU",
                   "Some option-like strings can't be passed to echo as text, so echo is not advisable for printing "
                   "unknown or variable arguments; printf is the more portable replacement.",
                   "GNU Coreutils: echo", "https://www.gnu.org/software/coreutils/echo"),
        Documented("gnu-printenv", "GNU",
                   "printenv prints the values of the variables it is given, and the name and value of every "
                   "variable when it is given none.",
                   "GNU Coreutils: printenv", "https://www.gnu.org/software/coreutils/printenv"),
        Documented("rfc3986-userinfo", "IETF",
                   "The user information of a URL may hold letters, digits, - . _ ~ ! $ & ' ( ) * + , ; = and :; "
                   "anything else, @ / ? # among them, must be percent-encoded.",
                   "RFC 3986, section 3.2.1", "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1"),
    )
}


def entry(identifier: str) -> Documented:
    if identifier not in REGISTRY:
        raise KeyError(f"no documented behaviour '{identifier}' in harness/vendors.py")
    return REGISTRY[identifier]
