"""Typed relations between actors (issue #4). Placeholder until the module lands."""


def extract(article, sentences, mentions, ctx):
    return []
