"""``/healthz``: 200 when the store answers, 503 when it does not (container healthchecks)."""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, jsonify

from deskmeter.web.context import web_context

blueprint = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@blueprint.get("/healthz")
def healthz() -> tuple[Response, int]:
    context = web_context()
    began = time.perf_counter()
    try:
        store = context.store
        store.get_state()
        store.count_switches(context.now(), None)
    except Exception as exc:  # any failure of the store is "unhealthy", not a 500
        log.warning("health check failed: %s", exc)
        return jsonify({"status": "error", "store": "unavailable"}), 503
    return jsonify(
        {
            "status": "ok",
            "store": store.kind,
            "mode": context.settings.web.mode,
            "store_ms": round((time.perf_counter() - began) * 1000, 2),
        }
    ), 200
