"""indexer — passages → jieba-analysed Whoosh index (build, incremental update, atomic swap)."""
