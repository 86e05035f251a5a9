"""One reader per dataset: its files → training.questions.Question lists."""
