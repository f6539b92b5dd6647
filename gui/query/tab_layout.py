"""How a query tab's parts are laid out: the editor over its preview beside the variables, and the results'
tabs under them, in splitters that keep the results at least half the height."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget


def query_split(editor: QWidget, preview_title: QLabel, preview: QWidget, variables: QWidget) -> QSplitter:
    """The editor over the preview (left) and the variables (right)."""
    editor_split = QSplitter(Qt.Orientation.Vertical)
    editor_split.addWidget(editor)
    preview_box = QWidget()
    preview_layout = QVBoxLayout(preview_box)
    preview_layout.setContentsMargins(0, 4, 0, 0)
    preview_layout.setSpacing(2)
    preview_layout.addWidget(preview_title)
    preview_layout.addWidget(preview, 1)
    editor_split.addWidget(preview_box)
    editor_split.setSizes([150, 70])
    variables_box = QWidget()
    variables_layout = QVBoxLayout(variables_box)
    variables_layout.setContentsMargins(0, 0, 0, 0)
    variables_layout.setSpacing(2)
    variables_layout.addWidget(QLabel("<b>Variables</b>"))
    variables_layout.addWidget(variables, 1)
    return _split(Qt.Orientation.Horizontal, (editor_split, 3, 600), (variables_box, 2, 380))


def results_tabs(*pages: tuple[QWidget, str]) -> QTabWidget:
    """The results' views as document-mode tabs, in the order given."""
    tabs = QTabWidget()
    tabs.setDocumentMode(True)
    for widget, title in pages:
        tabs.addTab(widget, title)
    return tabs


def main_split(query: QWidget, results: QWidget) -> QSplitter:
    """The query part over the results; both give and take space in proportion, so the results keep at least
    half the height."""
    split = _split(Qt.Orientation.Vertical, (query, 2, 400), (results, 3, 600))
    split.setChildrenCollapsible(False)
    return split


def _split(orientation: Qt.Orientation, *parts: tuple[QWidget, int, int]) -> QSplitter:
    """A splitter of (widget, stretch factor, initial size) parts."""
    split = QSplitter(orientation)
    for index, (widget, stretch, _size) in enumerate(parts):
        split.addWidget(widget)
        split.setStretchFactor(index, stretch)
    split.setSizes([size for _widget, _stretch, size in parts])
    return split
