"""Writing annotations: drafts, their evaluation, brat import."""
