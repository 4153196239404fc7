"""The code lists (code, Chinese and English labels, aliases), installed twice: in
``workforce._data`` for the registry, and as the package ``optimizer._codes`` for the optimizer's
texts (read with ``importlib.resources``; the optimizer imports nothing from the registry)."""
