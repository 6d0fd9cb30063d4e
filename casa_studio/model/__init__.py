"""CA2-SIS networks (torch): embedder, style encoder, mapping network, decoder, discriminator."""
