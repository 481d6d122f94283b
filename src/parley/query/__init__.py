"""Saved queries: catalogue, engine backends, ordering, results, remembered answers."""
