"""A local Zendesk that answers like the documented API (status codes, 409, 429 + Retry-After, audits)."""
