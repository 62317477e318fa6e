"""Pages of the training app, one module per area (listed in training/urls.py)."""
