"""Reports: terminal tables, Markdown/HTML and plots (plotting libraries imported lazily).

Internal: not part of the stable API (``docs/api.md``, :mod:`detente.api`); may change.
"""
