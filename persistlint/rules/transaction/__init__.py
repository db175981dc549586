"""PT2xx: transaction correctness."""

CATEGORY = "Transaction Correctness"
