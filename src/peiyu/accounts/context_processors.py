from peiyu.core.registry import nav_items

from .scoping import capabilities_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    caps = capabilities_of(user)
    # an entry may name alternatives ("a|b"): shown once if the user holds any of them
    return {
        "nav": [item for item in nav_items() if any(c in caps for c in item.capability.split("|"))],
        "user_capabilities": caps,
    }
