"""The stand-in's HTTP API: the FastAPI app, its routes under /v1, what the routes share
(context, auth, paging), the ASGI layers around them, the request and response schemas, the
serialisers of stored rows and the contract's error body."""

from masko_widgets.local.api._app import create_app
from masko_widgets.local.api._deps import Context
from masko_widgets.local.api._fault_layer import quiet_dropped_connections

__all__ = ["Context", "create_app", "quiet_dropped_connections"]
