"""Two-way sync with a Label Studio server."""
