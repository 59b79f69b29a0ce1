"""The MkDocs glue: the plugin (plugin.py, every event and the state they share) and the
macros chapters call.

Thin on purpose: each piece hands plain values to ``macros.core`` and uses only
documented extension points of MkDocs, Material and mkdocs-static-i18n.
"""
