"""The annual-report publisher.

- ``macros.core``: loads, validates and renders the report's data (no MkDocs import);
- ``macros.mkdocs``: the thin MkDocs glue: the chapters' macros and the hooks;
- ``macros.tools``: the command-line tools behind ``python -m macros …``.

mkdocs-macros loads this package (``module_name: macros``) and calls the three
functions below; they hand over to the glue, imported only then, so that the
tools and ``python -m macros`` run without MkDocs or Jinja.
"""


def define_env(env):
    from .mkdocs import page_macros
    page_macros.define_env(env)


def on_pre_page_macros(env):
    from .mkdocs import page_macros
    page_macros.on_pre_page_macros(env)


def on_post_build(env):
    from .mkdocs import page_macros
    page_macros.on_post_build(env)
