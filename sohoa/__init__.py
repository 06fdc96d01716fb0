"""sohoa ("số hóa"): paper dossiers in, signed, searchable, reusable electronic records out."""

__version__ = "0.1.0"
