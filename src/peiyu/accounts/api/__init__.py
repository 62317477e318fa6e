"""The accounts API, one router per sub-area; routers.py lists them."""
