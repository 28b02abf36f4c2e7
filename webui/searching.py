"""Searching: the home page, the results page and its JSON twin, suggestions, OpenSearch.

`/search` and `/api/search` take the same parameters and run the same `run_search()`; one
renders the result dict as HTML, the other returns it as JSON.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from indexer.query.language import QueryError
from indexer.query.search import MAX_PER_PAGE, SORTS, search
from indexer.query.suggest import suggest
from indexer.store.schema import FACET_FIELDS
from indexer.store.stats import index_stats
from webui.index import get_index, get_searcher

blueprint = Blueprint("searching", __name__)

PER_PAGE = 10
EXAMPLES = ["thanh uy hai phong", "Trương Thị Mai", '"xây dựng Đảng"', "khóa XIII"]
FACET_LABELS = {
    "source": "Nguồn",
    "author": "Tác giả",
    "year": "Năm",
    "month": "Tháng",
    "people": "Nhân vật",
    "places": "Địa danh",
    "organisations": "Tổ chức",
}
SORT_LABELS = {"relevance": "Liên quan nhất", "newest": "Mới nhất", "oldest": "Cũ nhất"}


@blueprint.get("/")
def home() -> str:
    stats = index_stats(get_index(), count_terms=False)
    return render_template("index.html", examples=EXAMPLES, stats=stats)


@blueprint.get("/search")
def search_page() -> tuple[str, int] | str:
    if not request.args.get("q", "").strip() and not _filters(request.args):
        return render_template("search.html", result=None, error=None, form=_form(request.args))
    started = time.perf_counter()
    try:
        result = run_search(request.args)
    except QueryError as error:
        return render_template(
            "search.html", result=None, error=error.vietnamese, form=_form(request.args)
        ), 400
    took_ms = (time.perf_counter() - started) * 1000
    return render_template(
        "search.html",
        result=result,
        error=None,
        form=_form(request.args),
        took_ms=took_ms,
        facets=_facet_views(result, request.args),
        pages=_pages(result, request.args),
        chips=_chips(request.args),
    )


@blueprint.get("/api/search")
def search_api() -> Response:
    try:
        return jsonify(run_search(request.args))
    except QueryError as error:
        return _json_error(error.vietnamese, 400)


@blueprint.get("/api/suggest")
def suggest_api() -> Response:
    text = request.args.get("q", "")[:200]
    return jsonify({"query": text, "suggestions": suggest(get_searcher(), text)})


@blueprint.get("/opensearch.xml")
def opensearch() -> Response:
    xml = render_template("opensearch.xml")
    return Response(xml, mimetype="application/opensearchdescription+xml")


def run_search(args: MultiDict[str, str]) -> dict[str, Any]:
    """The search the request's parameters ask for. Raises `QueryError` for bad input."""
    return search(
        get_searcher(),
        args.get("q", ""),
        page=_number(args, "page", 1, None),
        per_page=_number(args, "per_page", PER_PAGE, MAX_PER_PAGE),
        filters=_filters(args),
        sort=args.get("sort", "relevance"),
    )


def _number(args: MultiDict[str, str], name: str, default: int, maximum: int | None) -> int:
    value = args.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1 or (maximum and int(value) > maximum):
        raise QueryError(
            f"The parameter {name} must be a whole number from 1" + (f" to {maximum}." if maximum else "."),
            f"Tham số {name} phải là số nguyên dương" + (f" (tối đa {maximum})." if maximum else "."),
        )
    return int(value)


def _filters(args: MultiDict[str, str]) -> dict[str, list[str]]:
    """Facet values (`source=...`, repeatable) and the date range (`from`, `to`)."""
    filters = {name: args.getlist(name) for name in FACET_FIELDS if args.getlist(name)}
    start, end = args.get("from", "").strip(), args.get("to", "").strip()
    if start or end:
        filters["date"] = [f"{start}..{end}"]
    return filters


def _json_error(message: str, status: int) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _form(args: MultiDict[str, str]) -> dict[str, Any]:
    return {
        "q": args.get("q", ""),
        "sort": args.get("sort", "relevance"),
        "from": args.get("from", ""),
        "to": args.get("to", ""),
        "sorts": [(name, SORT_LABELS[name]) for name in SORTS],
        "hidden": [(name, value) for name in FACET_FIELDS for value in args.getlist(name)],
    }


def _url(args: MultiDict[str, str], **changes: Any) -> str:
    """This page's URL with some parameters changed (None removes one); back to page 1
    unless the page is what changes."""
    params = MultiDict(args)
    params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if isinstance(value, list):
            params.setlist(name, value)
        elif value is not None:
            params[name] = value
    return url_for("searching.search_page") + "?" + urlencode(list(params.items(multi=True)))


def _toggle(args: MultiDict[str, str], name: str, value: str) -> str:
    values = args.getlist(name)
    return _url(args, **{name: [v for v in values if v != value] if value in values else [*values, value]})


def _facet_views(result: dict[str, Any], args: MultiDict[str, str]) -> list[dict[str, Any]]:
    """The facets as the sidebar shows them: label, and each value with its toggle URL."""
    return [
        {
            "name": name,
            "label": FACET_LABELS[name],
            "values": [{**value, "toggle_url": _toggle(args, name, value["value"])} for value in values],
        }
        for name, values in result["facets"].items()
        if values
    ]


def _chips(args: MultiDict[str, str]) -> list[dict[str, str]]:
    """Selected facet values and the date range, each with the URL that removes it."""
    chips = [
        {"label": f"{FACET_LABELS[name]}: {value}", "remove_url": _toggle(args, name, value)}
        for name in FACET_FIELDS
        for value in args.getlist(name)
    ]
    if args.get("from") or args.get("to"):
        dates = f"{args.get('from') or '…'} – {args.get('to') or '…'}"
        chips.append({"label": f"Thời gian: {dates}", "remove_url": _url(args, **{"from": None, "to": None})})
    return chips


def _pages(result: dict[str, Any], args: MultiDict[str, str]) -> dict[str, Any]:
    count = max(1, -(-result["total"] // result["per_page"]))
    current = result["page"]
    shown = sorted({1, count, *range(max(1, current - 2), min(count, current + 2) + 1)})
    return {
        "count": count,
        "current": current,
        "previous": _url(args, page=str(current - 1)) if current > 1 else None,
        "next": _url(args, page=str(current + 1)) if current < count else None,
        "links": [(n, _url(args, page=str(n))) for n in shown],
    }
