"""Reading articles: files and scraped text in, `Article` records out.

Decoding files in any encoding (`decode`), finding and reading articles in text, JSON,
JSON Lines and HTML (`read`), cutting the noise of scraping away from headline and body
(`clean`, `titles`, `dates`), and the people, places and organisations an article names
(`entities`, `gazetteer`). May import `indexer.text` only.
"""

from indexer.ingest.errors import IngestError
from indexer.ingest.read import Article, Extracted, Problem, find_files, read_articles

__all__ = ["Article", "Extracted", "IngestError", "Problem", "find_files", "read_articles"]
