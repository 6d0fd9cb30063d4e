"""Training: GAN loop for the generator (main and noise stages), run folders, packaging."""
