"""Public pages of the institution catalog (CAT-4): search with filters, one listing, xlsx export.
No login. Mounted at /catalog/ by peiyu.institutions.urls as namespace `catalog` (list, detail, export).

The list answers htmx requests with the results partial only, so filtering and paging swap the
table without reloading the page; without JavaScript the same GET form and links work."""

from __future__ import annotations

import re
from html import escape as esc
from urllib.parse import quote

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, path, reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peiyu.core.cache import public_response_cache
from peiyu.core.documents.xlsx import XLSX_CONTENT_TYPE, XlsxWriter
from peiyu.core.errors import InvalidInput
from peiyu.core.frames import framed

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


def _ban_html(r, ban: str) -> str:
    """A forfeited entry: until when the institution may not apply again (DIR-3), after its status."""
    if not r.reapply_banned_until:
        return ""
    date = f"<time>{r.reapply_banned_until.isoformat()}</time>"
    return f'<small class="catalog-ban">{ban % {"date": date}}</small>'


HEADS = ("number", "institution", "category", "occupation_col", "level", "region", "period", "status")


def _rows_html(rows, base: str) -> str:
    """The <tr>s of the results table, every value escaped:
    <tr class="is-valid|not-valid"><td><a href="{base}{number}/">number</a></td><td>institution</td>
    <td>kind<br><small class="muted">programme</small></td><td>occupation<br><small class="muted">code</small></td>
    <td>levels</td><td>region full name</td><td class="dates">from 至 until</td>
    <td><span class="catalog-status status-{status}[ valid]">display status</span>[<small class="catalog-ban">，
    date前不得再次申报</small>]</td></tr>"""
    t = _texts()
    to, ban = t["to"], t["ban"]
    # each cell names its column (data-label), which a phone shows beside the value (table.stack)
    n, i, c, o, lv, rg, pd, st = (f' data-label="{t[h]}"' for h in HEADS)
    e = _escaped
    out = []
    for r in rows:
        state = "is-valid" if r.valid else "not-valid"
        badge = f"catalog-status status-{e(r.status)}" + (" valid" if r.valid else "")
        number = r.number
        href = number if _PLAIN.fullmatch(number) else quote(number)
        out.append(
            f'<tr class="{state}">'
            f'<td{n} class="nowrap"><a href="{base}{href}/">{esc(number)}</a></td>'
            f"<td{i}>{esc(r.institution_name)}</td>"
            f'<td{c}>{e(r.kind_label)}<br><small class="muted">{e(r.programme_label)}</small></td>'
            f'<td{o}>{e(r.occupation_name)}<br><small class="muted nowrap">{e(r.occupation_code)}</small></td>'
            f"<td{lv}>{e(r.levels_text)}</td>"
            f"<td{rg}>{e(r.region_name)}</td>"
            f'<td{pd} class="dates">{r.valid_from.isoformat()} {to} {r.valid_until.isoformat()}</td>'
            f'<td{st}><span class="{badge}">{e(r.display_status)}</span>'
            f"{_ban_html(r, ban) if r.reapply_banned_until else ''}</td>"
            "</tr>"
        )
    return "\n".join(out)


_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")  # what quote() leaves as it is
_escaped_values: dict[str, str] = {}


def _escaped(value: str) -> str:
    """esc() of a value repeated across rows (labels, occupations, levels, region names), kept."""
    done = _escaped_values.get(value)
    if done is None:
        done = esc(value)
        if len(_escaped_values) < 20_000:
            _escaped_values[value] = done
    return done


# --- the list page, built in Python ------------------------------------------------------------------------
# The search form and the results are the catalog's hot path: through the template engine their forty
# translated labels and field loops cost more than the search (benchmarks/scenarios/catalog.py,
# `catalog-uncached`). The labels are translated once per language; every value is escaped here.

_TEXTS = {
    "title": "培训评价机构目录",
    "intro": "数字技术工程师培育项目与职业技能等级认定的培训机构、评价机构目录。只有状态为“有效”且今日在有效期内的条目可以开展相应的培训或评价活动；已到期、暂停、视为主动放弃或已注销的条目仍可查询，但不属于有效条目。",
    "q": "关键字",
    "q_hint": "机构名称、职业、目录编号或统一编码",
    "programme": "项目",
    "kind": "机构类别",
    "occupation": "职业（工种）编码",
    "occupation_hint": "如 2-02-38-01",
    "level": "等级",
    "region": "所在地区",
    "status": "状态",
    "all": "全部",
    "nationwide": "全国",
    "all_public": "全部公开状态",
    "search": "检索",
    "clear": "清空条件",
    "more": "后面还有，可翻页或缩小检索范围",
    "none": "没有符合条件的条目。",
    "export": "导出 Excel",
    "number": "目录编号",
    "institution": "机构名称",
    "category": "类别",
    "occupation_col": "职业（工种）",
    "period": "有效期",
    "pages": "分页",
    "previous": "上一页",
    "next": "下一页",
    "to": "至",
    "ban": "，%(date)s前不得再次申报",
}  # fmt: skip
_translated: dict[str, dict[str, str]] = {}


def _texts() -> dict[str, str]:
    """The page's labels in the active language, escaped, made once per language."""
    language = translation.get_language() or ""
    texts = _translated.get(language)
    if texts is None:
        texts = {key: esc(_(text)) for key, text in _TEXTS.items()}
        _translated[language] = texts
    return texts


def _errors_html(errors: dict[str, list[str]], name: str) -> str:
    return "".join(f'<p class="error">{esc(e)}</p>' for e in errors.get(name, ()))


def _form_html(filters: selectors.CatalogFilters, errors: dict[str, list[str]], base: str) -> str:
    t = _texts()
    options = _form_options(filters)

    def select(name: str, label: str, empty: str) -> str:
        return (
            f'<div class="field">\n<label for="f-{name}">{t[label]}</label>\n'
            f'<select id="f-{name}" name="{name}">\n<option value="">{t[empty]}</option>\n'
            f"{options[name]}\n</select>\n{_errors_html(errors, name)}</div>"
        )

    return (
        f'<form class="card catalog-search" method="get" action="{base}" role="search" hx-get="{base}" '
        'hx-target="#catalog-results" hx-push-url="true" hx-trigger="submit, change from:select">\n'
        '<div class="catalog-fields">\n'
        f'<div class="field wide">\n<label for="f-q">{t["q"]}</label>\n'
        f'<input id="f-q" name="q" type="search" value="{esc(filters.q)}" maxlength="{selectors.Q_MAX}" '
        f'placeholder="{t["q_hint"]}">\n{_errors_html(errors, "q")}</div>\n'
        f"{select('programme', 'programme', 'all')}\n{select('kind', 'kind', 'all')}\n"
        f'<div class="field">\n<label for="f-occupation">{t["occupation"]}</label>\n'
        f'<input id="f-occupation" name="occupation" value="{esc(filters.occupation)}" maxlength="32" '
        f'list="catalog-occupations" placeholder="{t["occupation_hint"]}">\n'
        f'<datalist id="catalog-occupations">{options["occupation"]}</datalist>\n'
        f"{_errors_html(errors, 'occupation')}</div>\n"
        f"{select('level', 'level', 'all')}\n{select('region', 'region', 'nationwide')}\n"
        f"{select('status', 'status', 'all_public')}\n"
        "</div>\n"
        f'<div class="catalog-actions">\n<button type="submit" class="primary">{t["search"]}</button>\n'
        f'<a href="{base}">{t["clear"]}</a>\n</div>\n</form>'
    )


def _results_html(page: selectors.CatalogPage, base: str, query_amp: str, export_url: str) -> str:
    """The results: a summary line, the table and the pager (what htmx swaps into #catalog-results)."""
    t = _texts()
    if page.rows:
        summary = _("第 %(start)s–%(end)s 条") % {"start": page.start_index, "end": page.end_index} + "，"
        if not page.counted:
            summary += t["more"]
        elif page.total_capped:
            summary += esc(_("共 %(total)s 条以上") % {"total": page.total})
        else:
            summary += esc(_("共 %(total)s 条") % {"total": page.total})
    else:
        summary = t["none"]
    out = [
        f'<div class="catalog-summary">\n<p>{summary}</p>\n'
        f'<a class="catalog-export" href="{esc(export_url)}" download>{t["export"]}</a>\n</div>'
    ]
    if page.rows:
        out.append(
            '<table class="list stack catalog-table">\n<thead><tr>'
            + "".join(f'<th scope="col">{t[h]}</th>' for h in HEADS)
            + f"</tr></thead>\n<tbody>\n{_rows_html(page.rows, base)}\n</tbody>\n</table>"
        )
        link = f"{base}?{esc(query_amp)}page="
        pager = f'<nav class="catalog-pages" aria-label="{t["pages"]}">'
        if page.has_previous:
            href = f"{link}{page.previous_page}"
            pager += (
                f'<a href="{href}" hx-get="{href}" hx-target="#catalog-results" hx-push-url="true">'
                f"{t['previous']}</a> "
            )
        pager += f"<span>{esc(_('第 %(n)s 页') % {'n': page.page})}</span>"
        if page.has_next:
            href = f"{link}{page.next_page}"
            pager += (
                f' <a href="{href}" hx-get="{href}" hx-target="#catalog-results" hx-push-url="true">'
                f"{t['next']}</a>"
            )
        out.append(pager + "</nav>")
    return "\n".join(out)


@login_not_required
@require_GET
@public_response_cache(selectors.CATALOG_GENERATION)
def catalog_list(request):
    filters, errors = _filters(request)
    page = selectors.catalog_search(**filters.as_params(), page=_page_number(request))
    query = urlencode(filters.as_params())
    base, export = _urls()
    export_url = export + ("?" + query if query else "")
    results = _results_html(page, base, query + "&" if query else "", export_url)
    if getattr(request, "htmx", False) and not request.htmx.history_restore_request:
        response = HttpResponse(results)
    else:
        t = _texts()
        content = (
            f'<link rel="stylesheet" href="{_stylesheet()}">\n<h1>{t["title"]}</h1>\n'
            f'<p class="muted">{t["intro"]}</p>\n{_form_html(filters, errors, base)}\n'
            f'<div id="catalog-results" aria-live="polite">{results}</div>'
        )
        response = framed(
            request,
            "institutions/catalog_list.html",
            content=mark_safe(content),  # noqa: S308 - built above from escaped values and labels
        )
    response["Vary"] = "HX-Request, Cookie"
    return response


_reversed: dict[str, tuple[str, str]] = {}


def _urls() -> tuple[str, str]:
    """The list's address (escaped) and the export's, reversed once per script prefix."""
    prefix = get_script_prefix()
    urls = _reversed.get(prefix)
    if urls is None:
        urls = _reversed[prefix] = (esc(reverse("catalog:list")), reverse("catalog:export"))
    return urls


_stylesheets: dict[str, str] = {}


def _stylesheet() -> str:
    href = _stylesheets.get("catalog")
    if href is None:
        href = _stylesheets["catalog"] = esc(static("institutions/catalog.css"))
    return href


@login_not_required
@require_GET
@public_response_cache(selectors.CATALOG_GENERATION)
def catalog_detail(request, number: str):
    entry = selectors.catalog_get_public(number)  # NotFound → 404 by the error middleware
    content = render_to_string(
        "institutions/catalog_detail_content.html", {"entry": entry, "today": timezone.localdate()}
    )
    title = f"{entry.institution_name} · {_('培训评价机构目录')}"
    return framed(request, "institutions/catalog_detail.html", content=content, title=title)


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
