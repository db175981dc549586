"""PR3xx: runtime performance."""

CATEGORY = "Runtime Performance"
