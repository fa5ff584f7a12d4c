"""The what-if workbench in the browser (``detente serve``; needs the ``detente[web]`` extra).

:mod:`detente.web.app` builds the FastAPI app, :mod:`detente.web.api` holds its JSON
routes and :mod:`detente.web.service` the computations behind them; the page and its
script and style are package data in ``static/``. Nothing outside this package imports
it, and it imports FastAPI only when :mod:`detente.web.app` or :mod:`detente.web.api`
is imported.
"""
