"""``workforce.config.read_yaml``: the shipped policy files parse to the same values as with
PyYAML's pure-Python safe loader, and a broken file is refused as ``yaml.safe_load`` refuses it."""

from __future__ import annotations

import pytest
import yaml

from workforce.config import DATA_DIR, read_yaml


def test_every_shipped_yaml_file_reads_as_the_safe_loader_reads_it():
    files = sorted(DATA_DIR.rglob("*.yaml"))
    # norms (3), reports (scopes), rules (rotation, retirement, training, import limits) …
    assert len(files) >= 8
    for path in files:
        expected = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert read_yaml(path) == expected, path
        assert expected  # no empty file passes trivially


def test_a_broken_file_and_an_unsafe_tag_are_refused(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [1, 2\nb: 3\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        read_yaml(broken)
    unsafe = tmp_path / "unsafe.yaml"
    unsafe.write_text("a: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        read_yaml(unsafe)
    with pytest.raises(OSError):
        read_yaml(tmp_path / "missing.yaml")
