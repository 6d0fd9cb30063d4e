"""The document model: palette, layers of label pixels, commands and history (numpy only)."""
