"""To-dos of the training app on the workbench, one module per area (registered by training.hooks)."""
