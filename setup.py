"""The package list: every package under workforce/, optimizer/, api/ and texts/ (found, so a new
subpackage ships without editing this file), plus the five packages the build maps from the
repository's data/, migrations/ and deploy/ folders (see ``[tool.setuptools.package-dir]`` in
pyproject.toml). Everything else is declared in pyproject.toml."""

from setuptools import find_namespace_packages, setup

FOUND = find_namespace_packages(
    include=["workforce*", "optimizer*", "api*", "texts*"],
    exclude=["*.__pycache__", "api.static*", "api.templates*", "texts.locale*"],
)
MAPPED = [
    "workforce._data",
    "workforce._migrations",
    "workforce._deploy",
    "optimizer._rules",
    "optimizer._codes",
]

setup(packages=[*FOUND, *MAPPED])
