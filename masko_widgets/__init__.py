"""masko-widgets: Jupyter widgets that keep a mascot on-model."""
