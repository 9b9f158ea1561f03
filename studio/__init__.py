"""dermkg studio package."""
