"""YAML parsed by libyaml, the C parser PyYAML's wheels ship, when it is there.

``yaml.safe_load`` parses in pure Python: 0.53 ms for an article's metadata sidecar (the
article's whole processing takes about 5 ms) and 0.22 s for the dictionaries in data/,
read at the start of every build, build worker, update and server. libyaml with PyYAML's
safe constructor gives the same values, about nine times faster.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """What ``yaml.safe_load(text)`` returns (raises ``yaml.YAMLError`` for text that is not YAML)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506  a safe loader (SafeConstructor), in C


def load_file(path: str | Path) -> Any:
    """The YAML file at ``path``, read as UTF-8; an error says which file (``in "data/actors.yaml", line 3``)."""
    with open(path, encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_LOADER)  # noqa: S506
