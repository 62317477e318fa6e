"""Demo data of training; its section is `section.build` (registered by training.hooks)."""
