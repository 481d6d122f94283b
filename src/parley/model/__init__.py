"""The lowest layer: records, IRIs, RDF terms, errors, kg/ file names and atomic writes."""
