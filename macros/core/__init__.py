"""The report's core: load → schema → checks → site model → render (HTML, SVG, CSV/JSON, PDF).

Plain Python: nothing here imports MkDocs, so every part runs and is tested on its own.
"""
