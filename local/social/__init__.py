"""In-process social platforms for local runs."""
