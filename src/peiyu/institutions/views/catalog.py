"""Public pages of the institution catalog (CAT-4): search with filters, one listing, xlsx export.
No login. Mounted at /catalog/ by peiyu.institutions.urls as namespace `catalog` (list, detail, export).

The list answers htmx requests with the results partial only, so filtering and paging swap the
table without reloading the page; without JavaScript the same GET form and links work."""

from __future__ import annotations

from html import escape as esc
from urllib.parse import quote

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peiyu.core.cache import public_response_cache
from peiyu.core.documents.xlsx import XLSX_CONTENT_TYPE, XlsxWriter
from peiyu.core.errors import InvalidInput

from ..selectors import catalog as selectors


def _filters(request) -> tuple[selectors.CatalogFilters, dict[str, list[str]]]:
    """The GET filters; a bad value is dropped and reported next to the form, the others apply."""
    try:
        return selectors.catalog_filters(request.GET), {}
    except InvalidInput as exc:
        good = {k: v for k, v in request.GET.items() if k not in exc.fields}
        return selectors.catalog_filters(good), exc.fields


def _page_number(request) -> int:
    try:
        return min(max(1, int(request.GET.get("page", "1"))), selectors.MAX_PAGE)
    except ValueError:
        return 1


def _options(pairs) -> str:
    """<option>s for (value, label) pairs, every value and label escaped."""
    return "".join(f'<option value="{esc(value)}">{esc(label)}</option>' for value, label in pairs)


def _select(options: str, value: str) -> str:
    if value:
        options = options.replace(
            f'<option value="{esc(value)}">', f'<option value="{esc(value)}" selected>', 1
        )
    return mark_safe(options)  # noqa: S308 - built by _options from escaped values and labels


_built: dict[tuple, dict[str, str]] = {}


def _form_options(filters: selectors.CatalogFilters) -> dict[str, str]:
    """The form's <option>s, built in Python once per language and version of the choices (some 400,
    regions above all: a template loop over them cost more than the whole search on the catalog's
    hot path); per request only the chosen one is marked."""
    choices = selectors.catalog_filter_choices()
    key = (translation.get_language(), choices["version"])
    built = _built.get(key)
    if built is None:
        built = {
            "programme": _options(choices["programmes"]),
            "kind": _options(choices["kinds"]),
            "level": _options((name, name) for _kind, name in choices["levels"]),
            "status": _options(choices["statuses"]),
            # cities indented under their province
            "region": _options(
                (code, name if level == 1 else "\u3000" + name)
                for code, name, level, _parent in choices["regions"]
            ),
            "occupation": _options((code, name) for code, name, _programme in choices["occupations"]),
        }
        for old in [k for k in _built if k[1] != key[1]]:
            del _built[old]  # only the current version of the choices is kept, per language
        _built[key] = built
    return {
        "programme": _select(built["programme"], filters.programme),
        "kind": _select(built["kind"], filters.kind),
        "level": _select(built["level"], filters.level),
        "status": _select(built["status"], filters.status),
        "region": _select(built["region"], filters.region),
        "occupation": _select(built["occupation"], ""),
    }


def _rows_html(rows, base: str) -> str:
    """The <tr>s of the results table. Built in Python: twenty rows of eight cells through the
    template engine cost more than the search itself (benchmarks/run.py `catalog`); the markup is
    the one _catalog_results.html documents, every value escaped."""
    to = esc(_("至"))
    out = []
    for r in rows:
        state = "is-valid" if r.valid else "not-valid"
        badge = f"catalog-status status-{esc(r.status)}" + (" valid" if r.valid else "")
        out.append(
            f'<tr class="{state}">'
            f'<td><a href="{base}{quote(r.number)}/">{esc(r.number)}</a></td>'
            f"<td>{esc(r.institution_name)}</td>"
            f'<td>{esc(r.kind_label)}<br><small class="muted">{esc(r.programme_label)}</small></td>'
            f'<td>{esc(r.occupation_name)}<br><small class="muted">{esc(r.occupation_code)}</small></td>'
            f"<td>{esc(r.levels_text)}</td>"
            f"<td>{esc(r.region_name)}</td>"
            f'<td class="dates">{r.valid_from.isoformat()} {to} {r.valid_until.isoformat()}</td>'
            f'<td><span class="{badge}">{esc(r.display_status)}</span></td>'
            "</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value escaped above


@login_not_required
@require_GET
@public_response_cache(selectors.CATALOG_GENERATION)
def catalog_list(request):
    filters, errors = _filters(request)
    page = selectors.catalog_search(**filters.as_params(), page=_page_number(request))
    params = filters.as_params()
    query = urlencode(params)
    base = reverse("catalog:list")
    context = {
        "page": page,
        "rows_html": _rows_html(page.rows, esc(base)),
        "filters": filters,
        "errors": errors,
        "query_amp": query + "&" if query else "",
        "base": base,
        "export_url": reverse("catalog:export") + ("?" + query if query else ""),
    }
    if getattr(request, "htmx", False) and not request.htmx.history_restore_request:
        response = render(request, "institutions/_catalog_results.html", context)
    else:
        context["options"] = _form_options(filters)
        response = render(request, "institutions/catalog_list.html", context)
    response["Vary"] = "HX-Request, Cookie"
    return response


@login_not_required
@require_GET
@public_response_cache(selectors.CATALOG_GENERATION)
def catalog_detail(request, number: str):
    entry = selectors.catalog_get_public(number)  # NotFound → 404 by the error middleware
    return render(
        request, "institutions/catalog_detail.html", {"entry": entry, "today": timezone.localdate()}
    )


EXPORT_HEADERS = (
    "目录编号", "机构名称", "项目", "机构类别", "机构类型", "职业（工种）编码", "职业（工种）",
    "等级", "所在地区", "地区代码", "目录范围", "状态", "今日是否有效", "有效期起", "有效期至",
    "统一编码", "不得再次申报至",
)  # fmt: skip


@login_not_required
@require_GET
def catalog_export(request):
    """The search as an xlsx file (Chinese headers, the same filters as the page), at most
    EXPORT_CAP rows, newest first; a note on top says when more matched."""
    filters = selectors.catalog_filters(request.GET)  # a bad filter is a 400 with its message
    export = selectors.catalog_export_rows(filters, cap=selectors.EXPORT_CAP)
    writer = XlsxWriter()
    ws = writer.sheet(_("机构目录"))
    ws.widths((18, 36, 12, 10, 12, 14, 24, 18, 24, 10, 18, 12, 10, 12, 12, 20, 14))
    ws.freeze("A4" if export.truncated else "A3")
    conditions = _conditions(filters) or _("全部公开条目")
    ws.append(
        [
            _("培训评价机构目录（导出于 %(date)s；检索条件：%(c)s）")
            % {"date": export.today.isoformat(), "c": conditions}
        ],
        bold=True,
    )
    if export.truncated:
        ws.append([export.note], bold=True, color="B22222")
    ws.append(EXPORT_HEADERS, bold=True)
    yes, no = _("是"), _("否")
    for r in export.rows:
        ws.append(
            [
                r.number, r.institution_name, r.programme_label, r.kind_label, r.institution_type_label,
                r.occupation_code, r.occupation_name, r.levels_text, r.region_name, r.region_code,
                r.catalog_region_name or _("全国"), r.display_status, yes if r.valid else no,
                r.valid_from, r.valid_until, r.filing_code or "", r.reapply_banned_until,
            ]
        )  # fmt: skip
    response = HttpResponse(writer.to_bytes(), content_type=XLSX_CONTENT_TYPE)
    filename = f"机构目录-{export.today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Peiyu-Export-Rows"] = str(export.count)
    response["X-Peiyu-Export-Truncated"] = "1" if export.truncated else "0"
    return response


def _conditions(filters: selectors.CatalogFilters) -> str:
    """The filters in words for the export's title line: labels for codes, the region's full name."""
    text = selectors.labels()
    shown = {
        "programme": text["programme"].get(filters.programme, filters.programme),
        "kind": text["kind"].get(filters.kind, filters.kind),
        "status": text["status_filter"].get(filters.status, filters.status),
        "region": selectors.region_full_names({filters.region}).get(filters.region, "")
        if filters.region
        else "",
    }
    names = {
        "q": _("关键字"),
        "programme": _("项目"),
        "kind": _("机构类别"),
        "occupation": _("职业（工种）"),
        "level": _("等级"),
        "region": _("地区"),
        "status": _("状态"),
    }
    return "；".join(f"{names[k]}：{shown.get(k) or v}" for k, v in filters.as_params().items())


urlpatterns = [
    path("", catalog_list, name="list"),
    path("export.xlsx", catalog_export, name="export"),
    path("<str:number>/", catalog_detail, name="detail"),
]
