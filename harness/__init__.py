"""Run the guide's recipes as Valohai executions against local PyPI indexes.

One module, one job, in the order data flows (a module imports only those above it;
the lint, the execution models and valohai.yaml's parsing are the ``preflight`` package's):

- ``catalogue``     the stub packages each package set builds (data only)
- ``topology``      the stand-in hosts, repositories and the roles scenarios name (data only)
- ``images``        the images the harness stands in for, and the environment each sets (data only)
- ``fidelity``      where an emulated execution differs from a real one (data the execution code reads)
- ``vendors``       what each vendor documents, with its source (data only)
- ``pip_versions``  which pips the matrix runs, why each, with sources (data only)
- ``symptoms``      what a failed log says, the section that explains it, the scenarios that show it (data only)
- ``errors``        what stops the harness itself
- ``credentials``   fake credentials, and the leak detector that knows all their forms
- ``wheels``        builds the stubs as real, reproducible wheels
- ``tls``           the session's certificate authorities
- ``indexes``       serves repositories with pypiserver over HTTPS on 127.0.0.1
- ``gateway``       the proxy: pypi.org tunnels to its stand-in, every other outside address is refused
- ``faults``        hosts that refuse, drop or never answer a connection
- ``sandbox``       a throw-away filesystem per execution, laid out like the image's
- ``awsaccount``    the AWS account the ``aws`` stand-in answers for, written into each execution's image
- ``janitor``       kills what executions leave behind, even when the harness is killed
- ``fetch``         set-up: the matrix's pip wheels, the older uv, the Node tools
- ``toolsets``      the pinned pip and uv, or another of the matrix, as an image's files
- ``lab``           one session's wheels, indexes, gateways and toolsets, started and stopped together
- ``pipelines``     a valohai.yaml pipeline's nodes in the order they run, and the files each edge hands on
- ``recipes``       ``examples/<slug>/`` folders: the scenario schema, validation, plans
- ``derivation``    when a run under one execution model shows what another's would be
- ``execution``     runs a script as root in a namespace of its own, under a time limit
- ``logs``          masks secrets, rewrites stand-in addresses and sandbox paths, finds the telling lines
- ``builds``        builds a scenario's image from its recipe's Dockerfile with buildah, and reads what it holds
- ``checks``        judges an execution's evidence against its plan
- ``tables``        each recipe's pip table (``logs/pip-matrix.json``): the verdicts of a run under another pip
- ``runner``        runs one plan (a step, or a pipeline node by node), for every axis, and returns every verdict
- ``explain_rules`` derives the rules that send a failed log to its section (``preflight/explain_rules.json``)
- ``cli``           ``python -m harness``; ``pytest_plugin`` collects recipes as tests, ``--pip-matrix`` included
"""
