"""Structure parsers: loaded lines → Document with passages and citations."""
