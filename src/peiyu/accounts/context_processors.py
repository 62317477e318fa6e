from peiyu.core.registry import nav_items

from .scoping import capabilities_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    caps = capabilities_of(user)
    return {"nav": [item for item in nav_items() if item.capability in caps], "user_capabilities": caps}
