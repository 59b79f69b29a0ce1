"""The command-line tools behind ``python -m macros …`` (see ``macros/__main__.py``)."""
