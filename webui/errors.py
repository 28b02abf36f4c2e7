"""Error pages and JSON errors: a clear message and a 4xx status, never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    404: "Không tìm thấy trang này.",
    405: "Phương thức không được hỗ trợ.",
}


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        # A description given by our own code says more than the generic message.
        custom = error.description and error.description != type(error).description
        message = error.description if custom else MESSAGES.get(status, error.name)
        if request.path.startswith("/api/"):
            return jsonify({"error": message}), status
        return render_template("error.html", status=status, message=message), status
