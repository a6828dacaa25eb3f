"""A widget's display data carries a still picture beside the live view, for pages that
cannot run widgets (GitHub, nbviewer, nbconvert HTML, Jupyter Book)."""

from __future__ import annotations

import base64
import html
import io

from PIL import Image

from masko_widgets import MascotStudio, PoseGrid
from masko_widgets.widgets._picture import ACCENT

VIEW = "application/vnd.jupyter.widget-view+json"


def display_data(widget) -> dict:
    """What IPython publishes when the widget is the cell's value."""
    data, _metadata = widget._repr_mimebundle_()
    return data


def picture(data: dict) -> Image.Image:
    image = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    image.load()
    return image


def accent_pixels(image: Image.Image) -> int:
    colours = image.convert("RGB").getcolors(maxcolors=image.width * image.height) or []
    return sum(count for count, colour in colours if colour == ACCENT)


def test_the_studio_shows_its_state_as_a_picture_beside_the_live_view(
    client, collection, reference, generate
):
    client.references.add(collection, reference())
    jobs = generate(collection, "waving", "jumping")
    studio = MascotStudio(client, collection)
    studio.preview.preview("the mascot waving")
    unselected = picture(display_data(studio))

    studio.grid.select(jobs[1].item_id)
    data = display_data(studio)

    assert data[VIEW]["model_id"] == studio.model_id  # live front ends still show the widget
    shown = picture(data)
    assert shown.format == "PNG" and shown.width == 960 and shown.height > 400
    colours = shown.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50  # thumbnails drawn, not an empty frame
    assert accent_pixels(shown) > 100 > accent_pixels(unselected)  # the selected pose marked
    figure = data["text/html"]
    assert f'src="data:image/png;base64,{data["image/png"]}"' in figure
    alt = html.unescape(figure.split('alt="')[1].split('"')[0])
    assert "2 poses" in alt and "selected: jumping" in alt
    assert "1 of 6 reference slots" in alt and "the mascot waving" in alt


def test_a_grid_alone_has_its_picture_and_a_failed_drawing_leaves_the_live_view(
    client, collection, generate, monkeypatch
):
    generate(collection, "waving")
    grid = PoseGrid(client, collection)
    assert "1 pose" in display_data(grid)["text/html"].split('alt="')[1]
    assert picture(display_data(grid)).height > 100

    def broken(_self):
        raise OSError("no fonts")

    monkeypatch.setattr(PoseGrid, "_still", broken)
    data = display_data(grid)
    assert VIEW in data and "image/png" not in data and "text/html" not in data
