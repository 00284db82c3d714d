"""Questionnaire definitions: schema, loading and validation, and forms built from the data."""
