"""The policy data (code lists, norms, targets, rule defaults), installed as the package
``workforce._data`` (``optimizer._rules`` for ``rules/rotation.yaml``) so that it can be read with
``importlib.resources`` wherever the software is installed. The files are the data; this module
only marks the folder as a package."""
