"""Bulk import and export of content (django-import-export resources and formats)."""
