"""The directory's API, one module per area; `routers.ROUTERS` lists them."""
