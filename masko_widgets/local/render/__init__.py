"""The stand-in's drawing engine: the pictures and videos a job makes, from a collection's style
card (measured from its references) and the prompt.

`render_job` and `render_preview` are its public face for the server: they read the stored
inputs, draw (in a worker process when given `draw=RenderPool.run`) and hand back the files.
"""

from masko_widgets.local.render._imaging import placeholder_png
from masko_widgets.local.render._outputs import Draw, Files, render_job, render_preview
from masko_widgets.local.render._pool import WORKER_NICENESS, RenderPool, render_workers

__all__ = [
    "WORKER_NICENESS",
    "Draw",
    "Files",
    "RenderPool",
    "placeholder_png",
    "render_job",
    "render_preview",
    "render_workers",
]
