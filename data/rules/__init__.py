"""The rotation rule defaults, installed as the package ``optimizer._rules`` (the optimizer
reads ``rotation.yaml`` from there with ``importlib.resources``; it imports nothing from the
registry)."""
