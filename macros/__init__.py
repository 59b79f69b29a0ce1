"""The annual-report publisher.

- ``macros.core``: loads, validates and renders the report's data (no MkDocs import);
- ``macros.mkdocs``: the thin MkDocs glue: the plugin (registered as ``report``) and the
  chapters' macros;
- ``macros.theme``: the page templates, partials and styles, in front of Material's;
- ``macros.tools``: the command-line tools behind ``python -m macros …``.

Importing the package imports nothing else, so that the tools run without MkDocs or Jinja.
"""
