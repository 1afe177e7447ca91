"""Open data: one filter definition for lists, exports and the API; export columns
and writers; the API; the data package."""
