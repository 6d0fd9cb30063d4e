"""The official CA2-SIS generator state_dict layout, written out from spec §9.2 (not from our
modules), so the importer and our networks are checked against the documented file format."""

from __future__ import annotations

import numpy as np
import torch


def _resblock(p: str, c_in: int, c_out: int) -> dict[str, tuple[int, ...]]:
    keys = {
        f"{p}.in_layers.0.weight": (c_in,),
        f"{p}.in_layers.0.bias": (c_in,),
        f"{p}.in_layers.2.weight": (c_out, c_in, 3, 3),
        f"{p}.in_layers.2.bias": (c_out,),
        f"{p}.out_layers.0.weight": (c_out,),
        f"{p}.out_layers.0.bias": (c_out,),
        f"{p}.out_layers.3.weight": (c_out, c_out, 3, 3),
        f"{p}.out_layers.3.bias": (c_out,),
    }
    if c_in != c_out:
        keys[f"{p}.skip_connection.weight"] = (c_out, c_in, 1, 1)
        keys[f"{p}.skip_connection.bias"] = (c_out,)
    return keys


def _attn(p: str, d: int, ctx: int) -> dict[str, tuple[int, ...]]:
    return {
        f"{p}.to_q.weight": (d, d),
        f"{p}.to_k.weight": (d, ctx),
        f"{p}.to_v.weight": (d, ctx),
        f"{p}.to_out.0.weight": (d, d),
        f"{p}.to_out.0.bias": (d,),
    }


def _transformer(p: str, c: int, d: int, self_attn: bool) -> dict[str, tuple[int, ...]]:
    b = f"{p}.transformer_blocks.0"
    keys = {
        f"{p}.norm.weight": (c,),
        f"{p}.norm.bias": (c,),
        f"{p}.proj_in.weight": (d, c, 1, 1),
        f"{p}.proj_in.bias": (d,),
    }
    if self_attn:
        keys |= _attn(f"{b}.attn1", d, d)
    keys |= {
        f"{b}.ff.net.0.proj.weight": (8 * d, d),
        f"{b}.ff.net.0.proj.bias": (8 * d,),
        f"{b}.ff.net.2.weight": (d, 4 * d),
        f"{b}.ff.net.2.bias": (d,),
    }
    keys |= _attn(f"{b}.attn2", d, 1280)
    for n in ("norm1", "norm2", "norm3") if self_attn else ("norm2", "norm3"):
        keys |= {f"{b}.{n}.weight": (d,), f"{b}.{n}.bias": (d,)}
    keys |= {f"{p}.proj_out.weight": (c, d, 1, 1), f"{p}.proj_out.bias": (c,)}
    return keys


def _style_encoder(nc: int) -> dict[str, tuple[int, ...]]:
    p = "style_encoder"
    keys: dict[str, tuple[int, ...]] = {}

    def conv_gn(name: str, c_out: int, in_per_group: int, gn: int) -> None:
        keys[f"{name}.weight"] = (c_out, in_per_group, 3, 3)
        keys[f"{name}.bias"] = (c_out,)
        keys[f"{name[:-1]}{gn}.weight"] = (c_out,)
        keys[f"{name[:-1]}{gn}.bias"] = (c_out,)

    conv_gn(f"{p}.Encoder.first_layer.0", 4 * nc, 3, 1)
    for i in range(6):
        c_in, c_out = 4 * nc * 2**i, 4 * nc * 2 ** (i + 1)
        conv_gn(f"{p}.Encoder.enc_layer_{i}.0", c_out, c_in // nc, 1)
    dec = [(4864, 2432), (4864, 1216), (2432, 608), (1216, 304), (608, 152)]
    for j, (c_in, c_out) in enumerate(dec):
        scale = nc / 19
        c_in, c_out = int(c_in * scale), int(c_out * scale)
        conv_gn(f"{p}.Decoder.dec_layer_{j}.1", c_out, c_in // nc, 2)
    for j, per_group in enumerate((128, 64, 32, 16, 8)):
        keys[f"{p}.out.out_{j}.0.weight"] = (256 * nc, per_group, 1)
        keys[f"{p}.out.out_{j}.0.bias"] = (256 * nc,)
    return keys


def _mapping(nc: int, latent: int) -> dict[str, tuple[int, ...]]:
    keys: dict[str, tuple[int, ...]] = {}
    for i, d_in in zip((0, 2, 4, 6), (latent, 512, 512, 512), strict=True):
        keys[f"noise_encoder.shared.{i}.weight"] = (512, d_in)
        keys[f"noise_encoder.shared.{i}.bias"] = (512,)
    for k in range(nc):
        for i in (0, 2, 4):
            keys[f"noise_encoder.unshared.{k}.{i}.weight"] = (512, 512)
            keys[f"noise_encoder.unshared.{k}.{i}.bias"] = (512,)
        keys[f"noise_encoder.unshared.{k}.6.weight"] = (1280, 512)
        keys[f"noise_encoder.unshared.{k}.6.bias"] = (1280,)
    return keys


def official_layout(
    nc: int = 19, *, mapping_dim: int | None = 16, exclude_bg: bool = True
) -> dict[str, tuple[int, ...]]:
    """name → shape of the official generator; mapping_dim None = no noise_encoder."""
    keys = {"encs.encs.0.weight": (256, 16384), "encs.encs.0.bias": (256,)}
    keys |= _style_encoder(nc)
    if mapping_dim is not None:
        keys |= _mapping(nc, mapping_dim)
    shape_in = nc - 1 if exclude_bg else nc
    keys |= {"reshape_conv.weight": (512, shape_in, 1, 1), "reshape_conv.bias": (512,)}
    widths = [512, 256, 128, 64, 32, 32]
    for i in range(5):
        keys |= _resblock(f"res{i + 2}", widths[i], widths[i + 1])
        inner = 128 if i == 4 else 512
        keys |= _transformer(f"cross{i + 2}", widths[i + 1], inner, self_attn=i < 3)
    keys |= {"out_conv.weight": (3, 32, 1, 1), "out_conv.bias": (3,)}
    return keys


def synthesize(layout: dict[str, tuple[int, ...]], seed: int = 0) -> dict[str, torch.Tensor]:
    """Random tensors for a layout (small values, so a forward pass stays finite)."""
    gen = torch.Generator().manual_seed(seed)
    return {k: torch.randn(shape, generator=gen) * 0.02 for k, shape in layout.items()}


VIVID = ("to_v", "to_out", "out_conv", "encs", "attn2.to_k", "attn2.to_q")


def synthesize_vivid(layout: dict[str, tuple[int, ...]], seed: int = 0) -> dict[str, torch.Tensor]:
    """`synthesize` with the style path and cross-attention 25x stronger, so that where each
    pixel's attention goes shows in the picture (attention guidance moves it by ~76 grey
    levels on average at the official size)."""
    state = synthesize(layout, seed)
    return {k: v * 25 if any(part in k for part in VIVID) else v for k, v in state.items()}


def papers_forward(
    state: dict[str, torch.Tensor], labels: np.ndarray, tokens: np.ndarray, config
) -> np.ndarray:
    """The authors' forward (the independent functional implementation) as uint8 (H, W, 3),
    scaled as their `tensor2im`."""
    from casa_studio.model.ops import one_hot
    from tests.model import functional_reference as ref

    onehot = one_hot(torch.from_numpy(np.asarray(labels, np.int64))[None], config.num_classes)
    with torch.no_grad():
        z = ref.embed(state, onehot, config)
        image = ref.decode(state, z, torch.from_numpy(tokens)[None], config)
    return (((image[0] + 1) / 2).clamp(0, 1) * 255).byte().permute(1, 2, 0).numpy()
