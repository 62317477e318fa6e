"""Reads of the training app, scoped (DESIGN conventions §5); who sees what is `scope`, one module per area."""
