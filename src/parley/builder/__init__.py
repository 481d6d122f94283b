"""The build: plan, per-article units, cache, index, cross-article work, kg/ files, store
sync, lock."""
