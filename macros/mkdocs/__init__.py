"""The MkDocs glue: the plugin (plugin.py, every event and the state they share), the Build it
starts each build, the preview, the PDF step and the footer.

Thin on purpose: each piece hands plain values to ``macros.core`` (where the chapters' macros,
filters and pages live, for `make check` too) and uses only documented extension points of
MkDocs, Material and mkdocs-static-i18n.
"""
