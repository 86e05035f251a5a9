"""Version comparison (新旧对照): align two versions of a work article by article, diff them, and
follow one article through every version of its work."""
