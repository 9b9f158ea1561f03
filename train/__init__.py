"""dermkg train package."""
