"""Queries: from what a user typed to the result dict every interface shows.

The query language (`language`), readings of the typed words (`interpret`), matching and
ranking (`scoring`, `ranking`), the search itself (`search`), facets, highlights and
snippets (`facets`, `highlight`, `snippets`), suggestions (`suggest`) and one article's page
(`article`). May import `indexer.text`, `indexer.ingest` and `indexer.store`.
"""

# `search()` and `suggest()` are imported from their modules (or from `indexer`): a function
# of the same name here would hide the module.
from indexer.query.article import ArticleNotFound, get_article
from indexer.query.language import QueryError, parse_query

__all__ = ["ArticleNotFound", "QueryError", "get_article", "parse_query"]
