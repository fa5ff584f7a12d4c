"""Sub-commands of ``detente`` beyond the core ones in :mod:`detente.cli`.

Each public module here defines ``COMMAND``, a click command or group; :mod:`detente.cli`
adds every one it finds, so a new command is a new module. These modules import only
click (and the standard library) at the top: everything heavy is imported inside the
command, so ``detente --help`` stays fast. The computation of each verb is in
:mod:`detente.api.verbs`, shared with the Python API and the web service.

Internal: not part of the stable API (``docs/api.md``, :mod:`detente.api`); may change.
"""
