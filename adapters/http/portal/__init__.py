"""API routes of the portal as a whole: home (`/me`), health, OpenAPI document."""
