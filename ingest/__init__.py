"""dermkg ingest package."""
