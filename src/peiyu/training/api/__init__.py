"""The training API, one module per area; `routers.ROUTERS` lists them."""
