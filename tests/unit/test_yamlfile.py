"""lib/yamlfile.py: libyaml's parser, with the values PyYAML's safe loader gives."""
from __future__ import annotations

import pytest
import yaml

from lib import yamlfile
from lib.paths import CORPUS_DIR, DATA_DIR


def test_the_c_parser_is_used():
    """PyYAML's wheels ship libyaml; without it every sidecar took 0.53 ms, not 0.06."""
    assert yamlfile._LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.yaml")) + sorted(CORPUS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_dictionary_and_sidecar_reads_as_the_safe_loader_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert yamlfile.load_file(path) == yamlfile.load(text) == yaml.safe_load(text)


def test_dates_and_types_are_the_safe_loaders():
    text = "published: 2024-11-03\nat: 2024-11-03 10:15:00\nn: 6\nshare: 0.5\nok: yes\nnone: ~\nlist: [a, 'b']\n"
    assert yamlfile.load(text) == yaml.safe_load(text)


def test_an_error_names_the_file(tmp_path):
    bad = tmp_path / "actors.yaml"
    bad.write_text("actors: [one,\nnext: 2\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError, match='in ".*actors.yaml", line'):
        yamlfile.load_file(bad)


def test_unsafe_tags_are_refused():
    with pytest.raises(yaml.YAMLError):
        yamlfile.load("!!python/object/apply:os.system ['true']")
