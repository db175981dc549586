"""PQ1xx: query efficiency."""

CATEGORY = "Query Efficiency"
