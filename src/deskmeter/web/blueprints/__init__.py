"""The dashboard's blueprints: pages, the JSON API, writing controls (local mode), health."""
