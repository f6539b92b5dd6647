"""The main window's query actions (run, tabs, run options), the About dialog, the error banner's clearing and
the layout kept between runs, as a part of the main window: a mixin, so the window stays the one owner of state."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget

from core.config.datasource import DataSource
from core.config.store import DataSourceStore
from core.config.workspace import Workspace
from gui.common.about import AboutDialog
from gui.common.banner import Banner, BannerKind
from gui.common.window_state import read_bytes, read_int, read_text, restore_splitter, save_splitter, settings_in
from gui.datasources.editor import DataSourceEditor
from gui.provisioning.export_panel import ExportPanel
from gui.query.area import QueryArea
from gui.query.grafana_context import load_context, save_context
from gui.query.grafana_dialog import edit_context
from gui.query.tab import QueryTab

if TYPE_CHECKING:
    from gui.menus import Menus


class QueryWindowActions:
    """MainWindow provides the state and views declared here."""

    workspace: Workspace
    store: DataSourceStore
    banner: Banner
    editor: DataSourceEditor
    tabs: QTabWidget
    splitter: QSplitter
    query_area: QueryArea
    export_panel: ExportPanel
    menus: Menus
    _current_uid: str | None

    def is_new(self) -> bool:
        raise NotImplementedError

    def _show(self, uid: str | None) -> None:
        raise NotImplementedError

    def _show_query(self) -> QueryTab | None:
        """Bring the Query tab forward; its current query tab, if a saved data source is shown."""
        if self.query_area.uid is None:
            return None
        self.tabs.setCurrentWidget(self.query_area)
        return self.query_area.current_tab()

    def run_current_query(self) -> None:
        tab = self._show_query()
        if tab is not None:
            tab.run()

    def new_query_tab(self) -> None:
        if self._show_query() is not None:
            self.query_area.add_tab()

    def close_query_tab(self) -> None:
        if self._show_query() is not None:
            self.query_area.close_current_tab()

    def reopen_query_tab(self) -> None:
        if self._show_query() is not None:
            self.query_area.reopen_closed_tab()

    def toggle_run_options(self) -> None:
        tab = self._show_query()
        if tab is not None:
            tab.controls.set_options_visible(self.menus.options_action.isChecked())

    def _sync_query_actions(self) -> None:
        tab = self.query_area.current_tab()
        self.menus.options_action.setChecked(tab is not None and tab.controls.options_row.isVisibleTo(tab))

    def show_about(self) -> None:
        dialog = AboutDialog(str(self.store.profile.path), self.workspace.secrets.backend_name(),
                             cast(QMainWindow, self))
        dialog.exec()

    def _unsaved_datasource(self) -> DataSource | None:
        """The shown saved data source as edited in the form, when it has unsaved edits (for the export)."""
        if self._current_uid is None or self.is_new() or not self.editor.is_dirty():
            return None
        return self.editor.datasource()

    def _refresh_export_preview(self) -> None:
        if self.tabs.currentWidget() is self.export_panel:
            self.export_panel.refresh()

    def _clear_error_banner(self) -> None:
        """A successful run clears an error shown before it (a busy or success banner stays)."""
        if self.banner.isVisible() and self.banner.kind == BannerKind.ERROR:
            self.banner.dismiss()

    def save_layout(self) -> None:
        """Keep geometry, splitters, the selected data source and tabs for the next start."""
        settings = settings_in(self.store.profile.directory)
        settings.setValue("window/geometry", cast(QMainWindow, self).saveGeometry())
        save_splitter(settings, "window/splitter", self.splitter)
        settings.setValue("window/datasource", self._current_uid or "")
        settings.setValue("window/editor_tab", self.tabs.currentIndex())
        settings.setValue("query/tab", self.query_area.tabs.currentIndex())
        tab = self.query_area.current_tab()
        if tab is not None:
            save_splitter(settings, "query/main_split", tab.main_split)
            save_splitter(settings, "query/query_split", tab.query_split)
            settings.setValue("query/options_shown", int(tab.controls.options_row.isVisibleTo(tab)))
        save_context(settings, self.query_area.grafana_context.value)
        settings.sync()

    def _save_grafana_context(self) -> None:
        """Keep the Grafana context as soon as it changes (it is a setting, not layout)."""
        settings = settings_in(self.store.profile.directory)
        save_context(settings, self.query_area.grafana_context.value)
        settings.sync()

    def edit_grafana_context(self) -> None:
        edit_context(self.query_area.grafana_context, cast(QMainWindow, self))

    def restore_layout(self) -> None:
        """Restore what save_layout kept; anything missing or stale keeps the defaults."""
        settings = settings_in(self.store.profile.directory)
        self.query_area.grafana_context.set(load_context(settings))
        geometry = read_bytes(settings, "window/geometry")
        if geometry is not None:
            cast(QMainWindow, self).restoreGeometry(geometry)
        restore_splitter(settings, "window/splitter", self.splitter)
        uid = read_text(settings, "window/datasource")
        if uid and uid in {ds.uid for ds in self.store.list()}:
            self._show(uid)
        self.tabs.setCurrentIndex(read_int(settings, "window/editor_tab", self.tabs.currentIndex()))
        index = read_int(settings, "query/tab", -1)
        if 0 <= index < self.query_area.tabs.count():
            self.query_area.tabs.setCurrentIndex(index)
        for tab in self.query_area.query_tabs():
            restore_splitter(settings, "query/main_split", tab.main_split)
            restore_splitter(settings, "query/query_split", tab.query_split)
            tab.controls.set_options_visible(bool(read_int(settings, "query/options_shown", 0)))
        self._sync_query_actions()
