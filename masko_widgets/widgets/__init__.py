"""Jupyter widgets for the Masko API: references, previews, poses, and a studio of all three.

The widgets themselves are imported from `masko_widgets` (`from masko_widgets import PoseGrid`);
this package adds the types their methods return.
"""

from masko_widgets.widgets._base import Task
from masko_widgets.widgets.grid import Pose

__all__ = ["Pose", "Task"]
