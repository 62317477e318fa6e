from dataclasses import dataclass, field
from typing import Any

from peiyu.core.registry import NavItem, nav_items

from .scoping import capabilities_of

# a group of menu entries folds into one disclosure only when the user sees at least this many of them;
# fewer stay in the bar as they are
GROUP_FOLD_MIN = 3


@dataclass
class NavGroup:
    label: Any
    items: list[NavItem] = field(default_factory=list)


def grouped(items: list[NavItem]) -> list[NavItem | NavGroup]:
    """The menu in order, entries of one `group` folded together at the place of the first of them."""
    counts: dict[str, int] = {}
    for item in items:
        if item.group:
            counts[str(item.group)] = counts.get(str(item.group), 0) + 1
    out: list[NavItem | NavGroup] = []
    groups: dict[str, NavGroup] = {}
    for item in items:
        key = str(item.group) if item.group else ""
        if not key or counts[key] < GROUP_FOLD_MIN:
            out.append(item)
            continue
        if key not in groups:
            groups[key] = NavGroup(item.group)
            out.append(groups[key])
        groups[key].items.append(item)
    return out


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    caps = capabilities_of(user)
    # an entry may name alternatives ("a|b"): shown once if the user holds any of them
    # … and, where the entry asks, only if the user has the record it is about (NavItem.shown_to)
    visible = [
        item
        for item in nav_items()
        if any(c in caps for c in item.capability.split("|"))
        and (item.shown_to is None or item.shown_to(user))
    ]
    return {"nav": grouped(visible), "user_capabilities": caps}
