"""A synthetic corpus for benchmarks: the seeds' sentences recombined and varied.

Deterministic by seed, no network. Each article gets a dateline (outlet and
date), 8 to 30 sentences drawn from the cleaned seeds, with numbers, months
and same-type actor names swapped, so the pipeline meets realistic text,
figures and names at any scale.

    python -m lib.synth OUT_DIR N [--seed 7]
"""
from __future__ import annotations

import argparse
import random
import re
from datetime import date, timedelta
from pathlib import Path

from lib.cleaning import clean
from lib.corpus import read_corpus
from lib.paths import CORPUS_DIR
from lib.pipeline import load_context
from lib.sentences import split_sentences

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
NUMBER_RE = re.compile(r"\b\d{1,3}\b(?![-:/]\d)")
MONTH_RE = re.compile(r"\b(" + "|".join(MONTH_NAMES) + r")\b")


def sentence_pool(corpus_dir: Path = CORPUS_DIR) -> list[str]:
    ctx = load_context()
    pool: list[str] = []
    sources, _ = read_corpus(corpus_dir)
    for src in sources:
        text = clean(src.raw, ctx.vocab).text
        pool.extend(text[s:e] for s, e in split_sentences(text) if len(text[s:e].split()) >= 6)
    return pool


def name_groups() -> dict[str, list[str]]:
    """Display names of registry actors by type, for swapping like with like."""
    ctx = load_context()
    groups: dict[str, list[str]] = {}
    for a in ctx.registry.actors.values():
        groups.setdefault(a.type, []).append(a.name)
    return groups


def generate(out_dir: Path, n: int, seed: int = 7, corpus_dir: Path = CORPUS_DIR) -> list[Path]:
    rng = random.Random(seed)
    pool = sentence_pool(corpus_dir)
    groups = name_groups()
    swaps = [(name, members) for members in groups.values() for name in members if len(members) > 1 and len(name) > 4]
    outlets = sorted(load_context().outlets.outlets.values(), key=lambda o: o.id)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    start = date(2019, 10, 1)
    for i in range(n):
        outlet = outlets[rng.randrange(len(outlets))]
        published = start + timedelta(days=rng.randrange(365 * 6))
        body = []
        for _ in range(rng.randint(8, 30)):
            s = pool[rng.randrange(len(pool))]
            s = NUMBER_RE.sub(lambda m: str(max(1, int(m.group()) + rng.randint(-5, 40))), s)
            s = MONTH_RE.sub(lambda m: MONTH_NAMES[rng.randrange(12)], s)
            if swaps and rng.random() < 0.5:
                name, members = swaps[rng.randrange(len(swaps))]
                if name in s:
                    s = s.replace(name, members[rng.randrange(len(members))])
            body.append(s)
        paragraphs = [" ".join(body[k : k + 3]) for k in range(0, len(body), 3)]
        text = f"{published.isoformat()} 12:00:00 - From: {outlet.name}\n\n" + "\n\n".join(paragraphs) + "\n"
        path = out_dir / f"synth_{seed}_{i:07d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lib.synth", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    generate(args.out, args.n, args.seed)
    print(f"wrote {args.n} articles to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
