"""The desktop editor (PySide6). Never imports torch: the model lives in the render worker."""
