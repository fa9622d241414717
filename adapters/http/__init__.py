"""The HTTP driving adapter: a Falcon JSON API over the kernel's `Portal` (see `app.create_app`)."""
