"""Widgets and helpers shared by every part of the window: banners, workers, prompts."""
