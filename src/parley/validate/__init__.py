"""Validation as a library: SHACL shapes and SPARQL checks over given graphs."""
