"""Reads of the directory, already scoped (DESIGN §5); who sees what is `scope`, one module per area."""
