"""Writes for live selling: shows and their stream (services.shows), the room (services.room)."""
