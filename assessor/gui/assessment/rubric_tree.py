"""The rubric as a tree model: dimensions → items → indicators, with score/max per node."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.result import DimensionResult, Result
from assessor.core.session import EditingSession
from assessor.gui.widgets.style import GREEN, GREY, ORANGE, RED, points

INDICATOR_ROLE = Qt.ItemDataRole.UserRole + 1  # the indicator id, on indicator rows only

_UNSCORED = "○"
_SCORED = "●"
_NA = "—"
_BASIC = "★"  # one character: the tooltip and the panel say 基础指标（否决项）
_NOTE = "※"  # has a note
_EVIDENCE = "◇"  # has evidence files
MARKS_HELP = "★ 基础指标（否决项）　※ 有备注　◇ 有证据文件"

# What the filter above the tree can show.
FILTERS = {"": "全部指标", "unscored": "未评分", "lost": "未得满分", "noted": "有备注"}
_TEXT = "#1f2937"


class RubricTreeModel(QStandardItemModel):
    """Two columns: the node (clause and name) and its score/max.

    Built once per rubric; `refresh_indicator` repaints only the changed indicator and its
    two parents, which keeps a score change cheap on the full rubric.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setHorizontalHeaderLabels(["条款与指标", "得分"])
        self.setHeaderData(0, Qt.Orientation.Horizontal, MARKS_HELP, Qt.ItemDataRole.ToolTipRole)
        self._rows: dict[str, tuple[QStandardItem, QStandardItem]] = {}
        self._brushes: dict[str, QBrush] = {}

    def build(self, rubric: LoadedRubric) -> None:
        self.removeRows(0, self.rowCount())
        self._rows.clear()
        bold = QFont()
        bold.setBold(True)
        for dim in rubric.rubric.dimensions:
            dim_row = self._row(dim.id, f"{dim.id}  {dim.name}", None)
            dim_row[0].setFont(bold)
            self.appendRow(list(dim_row))
            for item in dim.items:
                item_row = self._row(item.id, f"{item.id}  {item.name}", None)
                dim_row[0].appendRow(list(item_row))
                for ind in item.indicators:
                    ind_row = self._row(ind.id, "", ind.id)
                    tip = f"基础指标（否决项）：{ind.text}" if ind.basic else ind.text
                    ind_row[0].setToolTip(tip)
                    item_row[0].appendRow(list(ind_row))

    def _row(
        self, node: str, text: str, indicator: str | None
    ) -> tuple[QStandardItem, QStandardItem]:
        name, score = QStandardItem(text), QStandardItem()
        for cell in (name, score):
            cell.setEditable(False)
            if indicator is not None:
                cell.setData(indicator, INDICATOR_ROLE)
        score.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._rows[node] = (name, score)
        return name, score

    def index_of(self, node: str) -> QModelIndex:
        return self.indexFromItem(self._rows[node][0])

    def refresh_all(self, session: EditingSession) -> None:
        result = session.result
        unmet = _unmet(result)
        for dim_result in result.dimensions:
            self._refresh_parents(session, dim_result, None)
        for ind in session.rubric.indicators:
            self._refresh_leaf(session, ind.id, ind.id in unmet)

    def refresh_indicator(self, session: EditingSession, indicator_id: str) -> None:
        result = session.result
        dim_id = session.rubric.dimension_of(indicator_id).id
        dim_result = next(d for d in result.dimensions if d.id == dim_id)
        self._refresh_parents(session, dim_result, session.rubric.item_of(indicator_id).id)
        self._refresh_leaf(session, indicator_id, indicator_id in _unmet(result))

    def _refresh_parents(
        self, session: EditingSession, dim_result: DimensionResult, only_item: str | None
    ) -> None:
        self._set_total(
            dim_result.id,
            dim_result.score,
            dim_result.max,
            dim_result.indicators - dim_result.scored,
        )
        rubric_dim = next(d for d in session.rubric.rubric.dimensions if d.id == dim_result.id)
        for item, item_result in zip(rubric_dim.items, dim_result.items, strict=True):
            if only_item is not None and item.id != only_item:
                continue
            unscored = sum(1 for ind in item.indicators if not session.entry(ind.id).is_scored)
            self._set_total(item.id, item_result.score, item_result.max, unscored)

    def _set_total(self, node: str, score: float, maximum: float, unscored: int) -> None:
        _, cell = self._rows[node]
        _set(cell, f"{points(score)}/{points(maximum)}", self._brush(ORANGE if unscored else GREEN))
        tip = f"尚有 {unscored} 项未评分" if unscored else "已全部评分"
        if cell.toolTip() != tip:
            cell.setToolTip(tip)

    def _refresh_leaf(self, session: EditingSession, indicator_id: str, unmet: bool) -> None:
        ind = session.rubric.by_id[indicator_id]
        entry = session.entry(indicator_id)
        name, cell = self._rows[indicator_id]
        mark = _NA if entry.na else (_SCORED if entry.score is not None else _UNSCORED)
        basic = _BASIC if ind.basic is not None else ""
        marks = (_NOTE if entry.note.strip() else "") + (_EVIDENCE if entry.evidence else "")
        # Before the name, which a narrow tree elides from the right.
        text = f"{mark} {ind.id}{' ' + marks if marks else ''}  {basic}{ind.short}"
        _set(name, text, self._brush(RED if unmet else _TEXT))
        if entry.na:
            _set(cell, "不适用", self._brush(GREY))
        elif entry.score is None:
            _set(cell, f"未评/{points(ind.max)}", self._brush(ORANGE))
        else:
            text = f"{points(entry.score)}/{points(ind.max)}"
            _set(cell, text, self._brush(RED if unmet else _TEXT))

    def _brush(self, colour: str) -> QBrush:
        if colour not in self._brushes:
            self._brushes[colour] = QBrush(QColor(colour))
        return self._brushes[colour]


def _set(cell: QStandardItem, text: str, brush: QBrush) -> None:
    # Every setter emits dataChanged and makes the view re-measure; skip what is unchanged.
    if cell.text() != text:
        cell.setText(text)
    if cell.foreground() != brush:
        cell.setForeground(brush)


def _unmet(result: Result) -> set[str]:
    return {v.indicator for v in result.vetoes if v.status == "unmet"}


def indicator_at(index: QModelIndex | QPersistentModelIndex) -> str | None:
    value = index.data(INDICATOR_ROLE)
    return value if isinstance(value, str) else None
