"""valohai-preflight: what in a valohai.yaml would fail or leak on Valohai, found without running anything.

valohai-yaml checks the file's shape; the rules here check its meaning for
private indexes. ``lint.lint_file`` is the entry point, ``options`` what a run
reports, and ``cli`` the command.
The package stands alone: the guide's test harness imports it, never the other
way round. Each module has one job:

- reading a file: ``yamlsource`` (YAML with the line of every key), ``valohai``
  (valohai-yaml's messages placed on lines), ``messages`` (a fix for each),
  ``document`` (anyone's file, read without a traceback), ``errors``;
- what a step is: ``step`` (as every rule sees it), ``models`` (the ways the
  platform may run its items), ``coderepository`` (the code beside the file),
  ``secretnames`` (which variables hold a secret), ``shellwords``;
- the rules: ``variables``, ``secrets``, ``pip``, ``indexsettings``, ``placeholders``,
  ``items`` and ``shell``, listed with their severities in ``rules``;
- the output: ``findings``, ``guide`` (the pages a finding links to), ``suppress``
  (inline ignores), ``report`` (formats).
"""
