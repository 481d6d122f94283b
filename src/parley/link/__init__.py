"""Wikidata: client, JSON formats, link proposals, enrichment."""
