"""Reference data files shipped with the package (read by catalogs.services.reference_load)."""
