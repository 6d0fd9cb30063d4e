"""Files on disk: label maps and images (Pillow), later projects and exports. No torch, no Qt."""
