"""Build and deploy helpers (not shipped in the Lambda artifact; see the Makefile's deploy part)."""
