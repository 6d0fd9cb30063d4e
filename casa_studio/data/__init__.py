"""Training data: the procedural landscape world, paired datasets, joint transforms."""
