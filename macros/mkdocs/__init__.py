"""The MkDocs glue: the macros chapters call, and the hooks listed in mkdocs.yml.

Thin on purpose: each piece hands plain values to ``macros.core`` and uses only
documented extension points of MkDocs, Material, mkdocs-macros and mkdocs-static-i18n.
"""
