"""Reading the seeds folder: YAML with lines, checks, quotes, annotations, registry and link
decisions."""
