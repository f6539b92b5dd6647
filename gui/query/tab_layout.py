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
    split = QSplitter(Qt.Orientation.Horizontal)
    split.addWidget(editor_split)
    split.addWidget(variables_box)
    split.setStretchFactor(0, 3)
    split.setStretchFactor(1, 2)
    split.setSizes([600, 380])
    return split


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
    split = QSplitter(Qt.Orientation.Vertical)
    split.setChildrenCollapsible(False)
    split.addWidget(query)
    split.addWidget(results)
    split.setStretchFactor(0, 2)
    split.setStretchFactor(1, 3)
    split.setSizes([400, 600])
    return split
