"""Dated events (issue #6). Placeholder until the module lands."""


def extract(article, sentences, mentions, ctx):
    return []


def link_across_articles(rows, ctx):
    return rows
