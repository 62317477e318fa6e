"""One way to list over the API: every list route takes the same `limit` and `offset` query
parameters (validated, so a negative, non-integer or out-of-range value is a 400 in Chinese, never a
500) and answers `{items: [...], count: int}`, `count` being the number of rows matching the
filters, not the number on this page.

    class ClassQuery(PageQuery):           # the route's filters, with limit/offset inherited
        status: str = ""

    @router.get("/training/classes", response=Page[ClassOut])
    def class_list(request, q: Query[ClassQuery]):
        return paginate(sel.classes_visible_to(request.auth), q, _out)

A route without filters takes `page: Query[PageQuery]`. A list that carries a header (a class's
roster) extends `Page[...]` with its own fields and adds them to the dict `paginate` returns."""

from collections.abc import Callable, Sequence
from typing import Any, Final, Generic, TypedDict, TypeVar, overload

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

DEFAULT_LIMIT: Final = 100
"""Rows per page when the client does not say."""
MAX_LIMIT: Final = 500
"""The most rows one request may ask for."""
MAX_OFFSET: Final = 1_000_000
"""The furthest a client may skip: beyond it a list is searched, not paged."""


class PageQuery(Schema):
    """The paging parameters of every list route; filter schemas inherit them."""

    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}）"
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数（从 0 开始）")


ItemT = TypeVar("ItemT")
RowT = TypeVar("RowT")


class Page(Schema, Generic[ItemT]):
    """The envelope of every list: the rows of this page and how many match in all."""

    items: list[ItemT]
    count: int = Field(..., description="符合条件的总条数（不只是本页）")


class PageDict(TypedDict, Generic[ItemT]):
    items: list[ItemT]
    count: int


@overload
def paginate(rows: "QuerySet[Any, RowT] | Sequence[RowT]", page: PageQuery) -> PageDict[RowT]: ...


@overload
def paginate(
    rows: "QuerySet[Any, RowT] | Sequence[RowT]", page: PageQuery, render: Callable[[RowT], ItemT]
) -> PageDict[ItemT]: ...


def paginate(
    rows: "QuerySet[Any, Any] | Sequence[Any]",
    page: PageQuery,
    render: Callable[[Any], Any] | None = None,
) -> PageDict[Any]:
    """The page `page` asks for of `rows` (a queryset: one COUNT and one sliced SELECT; a list:
    sliced in memory), each row passed through `render` when given."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    window = list(rows[page.offset : page.offset + page.limit])
    return {"items": [render(r) for r in window] if render else window, "count": count}
