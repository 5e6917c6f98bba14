"""Run the guide's recipes as Valohai executions against local PyPI indexes.

One module, one job:

- ``catalogue``   the stub packages each package set builds (data only)
- ``wheels``      builds those stubs as real, reproducible wheels
- ``credentials`` fake credentials, and the leak detector that knows all their forms
- ``topology``    the stand-in hosts, repositories and the roles scenarios name (data only)
- ``tls``         the session's certificate authority
- ``indexes``     serves repositories with pypiserver over HTTPS on 127.0.0.1
- ``gateway``     the proxy: pypi.org tunnels to its stand-in, every other outside address is refused
- ``lab``         one test session's wheels, indexes and gateways, started and stopped together
- ``images``      the images the harness stands in for, and the environment each sets
- ``models``      the ways the platform may run a step's command items
- ``fidelity``    where an emulated execution differs from a real one
- ``yamlsource``  YAML loading that remembers lines, for errors that point at them
- ``valohai``     validates valohai.yaml with valohai-yaml, finds places in it (``Places``), builds a step's commands
- ``recipes``     discovers ``examples/<slug>/`` folders, validates them, resolves scenarios into plans
- ``sandbox``     a throw-away filesystem per execution, laid out like the image's
- ``execution``   runs a script as root in a namespace of its own, under a time limit
- ``checks``      judges an execution's evidence against its plan
- ``logs``        masks secrets and rewrites stand-in addresses and sandbox paths
- ``lint``        the semantic lint of valohai.yaml: a package of small rule modules, with severities
- ``preflight``   the lint as a command for any repository (``valohai-preflight``, the pre-commit hook)
- ``symptoms``    what a failed execution's log says, the section that explains it, the scenarios that show it (data only)
- ``explain_rules`` derives from the committed failure logs the rules that recognise a log (``explain_rules.json``)
- ``explain``     ``valohai-preflight explain <log>``: the section that explains a log, by those rules
- ``runner``      ties the above into "run this plan", and returns every verdict
- ``cli``         ``python -m harness``; ``pytest_plugin`` collects recipes as tests

The pip matrix, every scenario under the pips real images ship:

- ``pip_versions``      which pips, why each, with sources (data only)
- ``fetch``             ``python -m harness fetch`` (set-up): the matrix's pip wheels, the older uv, the Node tools
- ``pip_images``        the image with another pip, unpacked from its wheel
- ``pip_matrix``        runs a scenario under a pip and judges it
- ``pip_table``         each recipe's table of what held under which pip (the site reads it)
- ``pip_matrix_cli``    ``python -m harness matrix`` and ``matrix-gather``
- ``pip_matrix_plugin`` ``pytest --pip-matrix``
"""
