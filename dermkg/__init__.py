"""dermkg command line: one `dermkg` command wiring each stage's group."""
