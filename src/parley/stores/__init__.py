"""Triplestores over HTTP and processes: SPARQL protocol client, auth, load, serve, guard."""
