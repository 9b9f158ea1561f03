"""Public dermatology datasets: adapters, label maps, splits, MCQ builders (issue 7)."""
