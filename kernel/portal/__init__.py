"""The portal as a whole: the use cases a driving adapter calls (`Portal`) and the home page."""

from famille.kernel.portal.application import Portal
from famille.kernel.portal.home import Home

__all__ = ["Home", "Portal"]
