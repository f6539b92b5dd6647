"""The About dialog: the version, the plugin releases cqlscope emulates, where the profile lives and which keyring
backend holds the secrets."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from core import __version__

EMULATED_PLUGINS = (("scylladb-scylla-datasource", "0.5.0", "scylla"),
                    ("hadesarchitect-cassandra-datasource", "3.3.0", "cassandra"))


def about_html(config_file: str, keyring_backend: str) -> str:
    """The About text (HTML) with the facts a bug report needs."""
    plugins = "".join(f"<li>{plugin} <b>{release}</b> (the {flavor} flavor)</li>"
                      for plugin, release, flavor in EMULATED_PLUGINS)
    return (f"<h3>cqlscope {html.escape(__version__)}</h3>"
            "<p>Tests CQL queries exactly as these Grafana plugin releases run them:</p>"
            f"<ul>{plugins}</ul>"
            f"<p><b>Config file:</b> {html.escape(config_file)}<br>"
            f"<b>Keyring backend:</b> {html.escape(keyring_backend)}</p>")


class AboutDialog(QDialog):
    """A small modal dialog with the About text, selectable so it can be copied into a bug report."""

    def __init__(self, config_file: str, keyring_backend: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About cqlscope")
        self.text = QLabel(about_html(config_file, keyring_backend))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
