"""kb — shared vocabulary (models, analysis, schema) plus query understanding and search; imports no other layer."""
