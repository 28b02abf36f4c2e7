"""Error pages and JSON errors: a clear message and a 4xx status, never a traceback; a
damaged index is a 503 that says what to run."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.store.build import IndexUnavailable, open_index

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    404: "Không tìm thấy trang này.",
    405: "Phương thức không được hỗ trợ.",
    500: "Máy chủ gặp lỗi khi trả lời yêu cầu này.",
}
# The server's folders are not shown to readers: the log names the index and the command.
UNREADABLE_INDEX = (
    "Chỉ mục tìm kiếm không đọc được (có tệp bị hỏng). Người quản trị: chạy `vnsearch index --rebuild` "
    "cho thư mục chỉ mục của máy chủ; chi tiết trong nhật ký máy chủ."
)


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int]:
        status = error.code or 500
        # A description given by our own code says more than the generic message.
        custom = error.description and error.description != type(error).description
        return _error(status, error.description if custom else MESSAGES.get(status, error.name))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response | str, int]:
        # Whoosh raises many types for a damaged file: whether the index is to blame is
        # found by reading it whole, as the server did when it started.
        try:
            open_index(Path(current_app.config["INDEX_DIR"]))
        except IndexUnavailable as unavailable:
            current_app.logger.error("%s (while answering %s: %r)", unavailable, request.full_path, error)
            return _error(503, UNREADABLE_INDEX)
        current_app.logger.exception("error while answering %s", request.full_path)
        return _error(500, MESSAGES[500])


def _error(status: int, message: str) -> tuple[Response | str, int]:
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), status
    return render_template("error.html", status=status, message=message), status
