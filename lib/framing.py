"""Labels, tone and quotes (issue #5). Placeholder until the module lands."""


def extract_labels(article, sentences, mentions, ctx):
    return []


def extract_quotes(article, sentences, mentions, ctx):
    return []
