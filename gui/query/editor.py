"""The CQL editor: line numbers, syntax highlighting, schema-aware completion, Ctrl+Enter and Esc.

Highlighting uses the driver's CQL keywords; completion offers keywords, keyspaces, `keyspace.table`
and the columns of tables named in the text (after `ks.` only that keyspace's tables).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QPlainTextEdit, QWidget

from core.cql.schema import Schema, cql_keywords
from core.grafana.template_scan import scan_variables

_WORD = re.compile(r"[A-Za-z0-9_.\"]+$")
_TABLE_REF = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\b")
_BARE_TABLE = re.compile(r"\b(?:FROM|UPDATE|INTO)\s+([A-Za-z_][A-Za-z0-9_]*)\b(?!\.)", re.IGNORECASE)
MIN_PREFIX = 2


def _format(color: str, *, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class CqlHighlighter(QSyntaxHighlighter):
    """Keywords, strings, numbers, comments and template variables in distinct colors."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        words = "|".join(re.escape(w) for w in cql_keywords())
        self._rules: list[tuple[re.Pattern[str], QTextCharFormat]] = [
            (re.compile(rf"\b(?:{words})\b", re.IGNORECASE), _format("#1a56db", bold=True)),
            (re.compile(r"\b\d+(?:\.\d+)?\b"), _format("#b45309")),
            (re.compile(r"'(?:[^']|'')*'"), _format("#15803d")),
            (re.compile(r"(?:--|//).*$"), _format("#6b7280", italic=True)),
        ]
        self._variable_format = _format("#9333ea", bold=True)

    def highlightBlock(self, text: str) -> None:
        for index, (pattern, fmt) in enumerate(self._rules):
            if index == 2:  # variables over keywords and numbers, under strings and comments
                for variable in scan_variables(text):  # exactly what Grafana interpolates, in linear time
                    self.setFormat(variable.start(), variable.end() - variable.start(), self._variable_format)
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)


class _LineNumbers(QWidget):
    """The gutter that paints the line numbers of its editor."""

    def __init__(self, editor: CqlEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_line_numbers(event)


class CqlEditor(QPlainTextEdit):
    """A plain-text CQL editor; `run_requested` on Ctrl+Enter, `cancel_requested` on Esc."""

    run_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 10))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.setPlaceholderText("SELECT … FROM keyspace.table WHERE …   (Ctrl+Enter runs, Esc cancels)")
        self.default_keyspace = ""  # the data source's keyspace, for tables named without one
        self.highlighter = CqlHighlighter(self.document())
        self._gutter = _LineNumbers(self)
        self.blockCountChanged.connect(self._update_margins)
        self.updateRequest.connect(self._update_gutter)
        self._update_margins()
        self._keywords = cql_keywords()
        self.schema = Schema()
        self.completion_model = QStringListModel(self)
        self.completer = QCompleter(self.completion_model, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self.insert_completion)

    # -- line numbers --------------------------------------------------------------------------

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 14 + self.fontMetrics().horizontalAdvance("9") * max(digits, 2)

    def _update_margins(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        contents = self.contentsRect()
        self._gutter.setGeometry(QRect(contents.left(), contents.top(), self.gutter_width(), contents.height()))

    def paint_line_numbers(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), QColor("#f1f3f4"))
        painter.setPen(QColor("#80868b"))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible():
                painter.drawText(0, top, self._gutter.width() - 6, height, Qt.AlignmentFlag.AlignRight,
                                 str(number + 1))
            block = block.next()
            top += round(self.blockBoundingRect(block).height()) if block.isValid() else height
            number += 1
        painter.end()

    # -- completion ----------------------------------------------------------------------------

    def set_schema(self, schema: Schema) -> None:
        self.schema = schema

    def word_before_cursor(self) -> str:
        cursor = self.textCursor()
        line = cursor.block().text()[: cursor.positionInBlock()]
        match = _WORD.search(line)
        return match.group(0) if match else ""

    def candidates(self, word: str) -> list[str]:
        """What may complete `word`: the tables of `ks` after `ks.`, else keywords and schema names."""
        if "." in word:
            keyspace = word.split(".", 1)[0].strip('"')
            return [f"{keyspace}.{table}" for table in self.schema.tables(keyspace)]
        names = set(self._keywords) | set(self.schema.keyspaces)
        names.update(table for _, table in self.schema.all_tables())
        text = self.toPlainText()
        for keyspace, table in _TABLE_REF.findall(text):
            names.update(column for column, _ in self.schema.columns(keyspace, table))
        if self.default_keyspace:
            for table in _BARE_TABLE.findall(text):
                names.update(column for column, _ in self.schema.columns(self.default_keyspace, table))
        return sorted(names, key=str.lower)

    def insert_completion(self, completion: str) -> None:
        cursor = self.textCursor()
        word = self.word_before_cursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(word))
        cursor.insertText(completion)
        self.setTextCursor(cursor)

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None
        return popup

    def _update_completer(self, forced: bool) -> None:
        word = self.word_before_cursor()
        if not forced and (len(word) < MIN_PREFIX and not word.endswith(".")):
            self._popup().hide()
            return
        self.completion_model.setStringList(self.candidates(word))
        self.completer.setCompletionPrefix(word)
        if self.completer.completionCount() == 0 or (
                self.completer.completionCount() == 1 and self.completer.currentCompletion() == word):
            self._popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(self._popup().sizeHintForColumn(0)
                      + self._popup().verticalScrollBar().sizeHint().width() + 8)
        self.completer.complete(rect)

    # -- keys ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        popup = self._popup()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            popup.hide()
            self.run_requested.emit()
            return
        if key == Qt.Key.Key_Escape:
            if popup.isVisible():
                popup.hide()
            else:
                self.cancel_requested.emit()
            return
        if popup.isVisible() and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
            event.ignore()  # the completer takes it
            return
        if ctrl and key == Qt.Key.Key_Space:
            self._update_completer(forced=True)
            return
        super().keyPressEvent(event)
        if event.text() and (event.text().isalnum() or event.text() in "_."):
            self._update_completer(forced=False)
        elif popup.isVisible():
            popup.hide()
