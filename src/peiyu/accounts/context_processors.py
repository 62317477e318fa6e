from peiyu.core.registry import nav_items

from .scoping import capabilities_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    caps = capabilities_of(user)
    # an entry may name alternatives ("a|b"): shown once if the user holds any of them
    # … and, where the entry asks, only if the user has the record it is about (NavItem.shown_to)
    return {
        "nav": [
            item
            for item in nav_items()
            if any(c in caps for c in item.capability.split("|"))
            and (item.shown_to is None or item.shown_to(user))
        ],
        "user_capabilities": caps,
    }
