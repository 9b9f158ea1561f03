"""Knowledge graph: model, store interface and backends, algorithms, importers."""
