"""The API's datetimes carry the platform's offset (+08:00), the moment the pages show as
`2026-11-17 19:00`: a client never converts a UTC `Z` for display."""

from __future__ import annotations

import datetime as dt
import json


def test_the_api_answers_with_the_shanghai_offset(rf):
    from peiyu.config.api import api

    moment = dt.datetime(2026, 11, 17, 11, 0, tzinfo=dt.UTC)
    response = api.create_response(
        rf.get("/api/v1/"), {"created_at": moment, "on": dt.date(2026, 11, 17)}, status=200
    )
    assert json.loads(response.content) == {"created_at": "2026-11-17T19:00:00+08:00", "on": "2026-11-17"}
