"""Jupyter widgets for the Masko API: references, previews, poses, and a studio of all three."""

from masko_widgets.widgets._base import Task
from masko_widgets.widgets.gallery import ReferenceGallery
from masko_widgets.widgets.grid import Pose, PoseGrid
from masko_widgets.widgets.preview import PreviewPanel
from masko_widgets.widgets.studio import MascotStudio

__all__ = ["MascotStudio", "Pose", "PoseGrid", "PreviewPanel", "ReferenceGallery", "Task"]
