"""`casa-studio export PROJECT.casa -o FILE`: a project rendered with the model and written as
an image (png, jpg, webp; `--size` enlarges it) or as layers (ora, psd), with no display."""

from __future__ import annotations

import argparse
from pathlib import Path

from casa_studio.cli.options import add_device_option

IMAGES = (".png", ".jpg", ".jpeg", ".webp")
LAYERED = (".ora", ".psd")
MAX_SIZE = 16384  # longest side --size may ask for (the image budget is checked too)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="render a .casa project to an image or a layered file (ora, psd)"
    )
    p.add_argument("project", type=Path, help="the .casa project")
    p.add_argument(
        "-o", "--output", required=True, type=Path, help="FILE.png|jpg|webp|ora|psd to write"
    )
    p.add_argument(
        "--size",
        type=int,
        metavar="N",
        help="longest side in pixels: the render is upscaled (Lanczos) to it, not generated",
    )
    p.add_argument(
        "--model", help="model folder or name (default: the project's, else the first installed)"
    )
    add_device_option(p)
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from casa_studio.engine.catalog import summarize
    from casa_studio.engine.errors import EngineError
    from casa_studio.engine.factory import model_renderer
    from casa_studio.engine.provenance import recipe
    from casa_studio.engine.request import RenderRequest, document_locality
    from casa_studio.persistence.export import export_image
    from casa_studio.persistence.layered import export_ora, export_psd
    from casa_studio.persistence.project import load_project
    from casa_studio.settings import budgets

    suffix = args.output.suffix.lower()
    if suffix not in IMAGES + LAYERED:
        raise EngineError(f"{args.output}: choose .png, .jpg, .webp, .ora or .psd")
    if args.size is not None and suffix in LAYERED:
        raise EngineError("--size enlarges images only; ora and psd keep the project's size")
    doc, made_with, _stored = load_project(args.project)
    folder = _model_folder(args.model, made_with.name)
    summary = summarize(folder)
    if [c.name for c in doc.palette.classes] != [name for _id, name, _c in summary.classes]:
        raise EngineError(
            f"{args.project}: made with model '{made_with.name}', whose classes differ from "
            f"model '{summary.name}'"
        )
    h, w = doc.size
    scale = 1.0
    if args.size is not None:
        if not max(h, w) <= args.size <= MAX_SIZE:
            raise EngineError(f"--size must be from {max(h, w)} (the project's) to {MAX_SIZE}")
        scale = args.size / max(h, w)
        if round(h * scale) * round(w * scale) > budgets().image_pixels:
            raise EngineError(f"--size {args.size} is over the image budget")
    renderer = model_renderer(folder, args.device)()
    result = renderer.render(RenderRequest.from_document(doc))
    if suffix == ".ora":
        export_ora(args.output, doc, result.image)
    elif suffix == ".psd":
        export_psd(args.output, doc, result.image)
    else:
        own = document_locality(doc)
        locality = renderer.info.default_locality if own is None else own
        made = recipe(doc, summary.name, renderer.info.model_sha256, locality=locality)
        export_image(args.output, result.image, made, scale)
    note = ""
    if scale > 1:
        out_w, out_h = round(w * scale), round(h * scale)
        note = f"; upscaled {scale:g}x to {out_w}x{out_h} with Lanczos (not generated)"
    print(f"{args.output}: {w}x{h}, model {summary.name} on {result.device}{note}")
    return 0


def _model_folder(chosen: str | None, made_with: str) -> Path:
    """--model, else the model the project was made with when installed, else the default."""
    from casa_studio.engine.catalog import default_model, resolve_model
    from casa_studio.engine.errors import EngineError

    if chosen:
        return resolve_model(chosen)
    try:
        return resolve_model(made_with)
    except EngineError:
        return default_model()
