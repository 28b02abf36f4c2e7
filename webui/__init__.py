"""vnsearch's web interface: a Flask app over the engine in `indexer`.

`create_app()` follows the Flask tutorial's factory: configuration in, app out; the index is
opened once, a searcher is opened per request and closed when the request ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from indexer.store.build import default_index_dir, open_index
from webui import articles, errors, searching, security
from webui.index import close_searcher


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app. Config: `INDEX_DIR` (default: the same index as the command line). Raises
    `indexer.store.build.IndexUnavailable` when there is no usable index there."""
    app = Flask(__name__)
    app.config.from_mapping(INDEX_DIR=str(default_index_dir()), JSON_AS_ASCII=False)
    if config:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False  # Vietnamese as it is, not \\u escapes
    app.json.sort_keys = False  # the result dict in its documented order
    app.extensions["vnsearch_index"] = open_index(Path(app.config["INDEX_DIR"]))
    app.teardown_appcontext(close_searcher)
    app.register_blueprint(searching.blueprint)
    app.register_blueprint(articles.blueprint)
    errors.register(app)
    security.register(app)
    return app
