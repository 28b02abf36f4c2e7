"""One article: its page (with the search's words marked) and its JSON."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request

from indexer.query.article import ArticleNotFound, get_article
from webui.index import get_searcher

blueprint = Blueprint("articles", __name__)


@blueprint.get("/article/<path:article_id>")
def article_page(article_id: str) -> str:
    query = request.args.get("q", "")
    try:
        article = get_article(get_searcher(), article_id, query=query or None)
    except ArticleNotFound:
        abort(404)
    return render_template("article.html", article=article, q=query)


@blueprint.get("/api/articles/<path:article_id>")
def article_api(article_id: str) -> Response:
    try:
        article = get_article(get_searcher(), article_id, query=request.args.get("q") or None)
    except ArticleNotFound:
        abort(404, description=f"Không có bài viết nào có mã {article_id}.")
    article.pop("body_html")
    return jsonify(article)
