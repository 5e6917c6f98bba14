"""Run the guide's recipes as Valohai executions against local PyPI indexes.

One module, one job:

- ``catalogue``  the stub distributions each index serves (data only)
- ``wheels``     builds those stubs as real, reproducible wheels
- ``indexes``    serves them with pypiserver, Artifactory-shaped, on 127.0.0.1
- ``tripwire``   the proxy that refuses any attempt to leave 127.0.0.1
- ``roles``      what a scenario's index roles ("private", "virtual", ...) resolve to
- ``lab``        one test session's wheels, indexes and tripwire, started and stopped together
- ``yamlsource`` YAML loading that remembers lines, for errors that point at them
- ``valohai``    validates valohai.yaml with valohai-yaml and builds a step's command
- ``recipes``    discovers ``examples/<slug>/`` folders and validates their scenario files
- ``sandbox``    a throw-away repository copy, Python environment and HOME per execution
- ``execution``  runs the command with ``/bin/sh -c`` under a time limit
- ``checks``     judges an execution against its scenario's expectations
- ``logs``       masks secrets and rewrites local addresses into realistic ones
- ``runner``     ties the above into "run this scenario"
- ``cli``        ``python -m harness``; ``pytest_plugin`` collects scenarios as tests
"""
