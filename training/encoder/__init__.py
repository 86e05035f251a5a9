"""Fine-tuning the question side of multilingual-e5-small (issue 19): dev-only, needs `.[train]`."""
