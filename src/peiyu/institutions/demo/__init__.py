"""Demo data of the directory; its section is `section.build` (registered by institutions.hooks)."""
