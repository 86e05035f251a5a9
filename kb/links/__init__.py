"""kb.links — references resolved to passages at index time, relations between documents, and the links a passage has."""
