"""The centre profile and visit form: validated as you type, saved on every valid change.

The form passes what was typed to the core unchanged; the core validates it. A refused value
stays in its field with the reason beside it, and the store keeps the last valid value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor.core.assessment.model import (
    CARE_TYPE_LABELS,
    CENTRE_KIND_LABELS,
    OPERATOR_LABELS,
    STAFF_LABELS,
    CareType,
)
from assessor.core.assessment.uscc import check_character
from assessor.core.clock import beijing_today
from assessor.core.problems import ProblemsError
from assessor.core.scoring.checks import scope_notice
from assessor.core.vocabulary import CLASS_KIND_LABELS, ClassKind
from assessor.gui.assessment.controller import AssessmentController
from assessor.gui.home.record_table import CellErrors, ChoiceDelegate, Column, RecordTableModel
from assessor.gui.widgets.style import ems, tone

REQUIRED_HINT = "完成评估前需填写"
# The basic-information column is comfortable down to this width (labels of up to 12
# characters and fields for a full address); the tables need what their headers need.
BASIC_COLUMN_EMS = 40
# A made-up code whose check character is right: the placeholder must pass the app's own check.
EXAMPLE_USCC = "91110105MA01ABCD2" + check_character("91110105MA01ABCD2")
_LIST_PATH = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


@dataclass
class _Field:
    name: str
    edit: QLineEdit
    message: QLabel
    required: bool
    visit: bool


def _message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    # A line is kept for the message even while hidden: a message appearing must not move
    # the fields below it, or the next click lands on the wrong field.
    label.setMinimumHeight(label.fontMetrics().height())
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    label.hide()
    return label


def _explained(box: QCheckBox, explanation: str) -> QWidget:
    """A check box with a short text and its explanation wrapped below: one long check box
    text set the narrowest width of the whole form."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    note = QLabel(explanation)
    note.setWordWrap(True)
    tone(note, "muted")
    box.setToolTip(explanation)
    column.addWidget(box)
    column.addWidget(note)
    return holder


def _headers_width(view: QTableView) -> int:
    """The width at which no header text is cut, with room for a vertical scroll bar."""
    header = view.horizontalHeader()
    sections = sum(header.sectionSizeHint(n) for n in range(header.count()))
    return (
        sections
        + view.verticalHeader().sizeHint().width()
        + view.verticalScrollBar().sizeHint().width()
        + 2 * view.frameWidth()
    )


class ProfileForm(QScrollArea):
    def __init__(self, controller: AssessmentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.fields: dict[str, _Field] = {}
        self._gap_targets: dict[str, QWidget] = {}
        self._table_buttons: list[QPushButton] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self._grid = QGridLayout(body)
        self._basic = self._basic_group()
        self._right = QWidget()
        right = QVBoxLayout(self._right)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self._visit_group())
        right.addWidget(self._classes_group())
        right.addWidget(self._staff_group())
        right.addStretch(1)
        self._columns = 0
        self._arrange(2)
        self.setWidget(body)
        self.load()

    def _arrange(self, columns: int) -> None:
        """Two columns side by side, or one below the other when the window is narrow."""
        if columns == self._columns:
            return
        self._columns = columns
        self._grid.removeWidget(self._basic)
        self._grid.removeWidget(self._right)
        self._grid.addWidget(self._basic, 0, 0)
        if columns == 2:
            self._grid.addWidget(self._right, 0, 1)
        else:
            self._grid.addWidget(self._right, 1, 0)
        self._grid.setColumnStretch(1, 1 if columns == 2 else 0)
        self._grid.setColumnStretch(0, 1)

    def two_column_width(self) -> int:
        """The narrowest viewport that holds both columns without cutting anything."""
        basic = max(self._basic.minimumSizeHint().width(), ems(self, BASIC_COLUMN_EMS))
        margins = self._grid.contentsMargins()
        return (
            basic
            + self._grid.horizontalSpacing()
            + self._right.minimumSizeHint().width()
            + margins.left()
            + margins.right()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(2 if self.viewport().width() >= self.two_column_width() else 1)

    # ---- building --------------------------------------------------------------------------

    def _line(
        self,
        form: QFormLayout,
        name: str,
        label: str,
        placeholder: str = "",
        *,
        required: bool = False,
        visit: bool = False,
        extra: QWidget | None = None,
    ) -> QLineEdit:
        edit = QLineEdit()
        tone(edit, "field")
        edit.setPlaceholderText(placeholder)
        message = _message_label()
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        if extra is None:
            box.addWidget(edit)
        else:
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(extra)
            box.addLayout(row)
        box.addWidget(message)
        form.addRow(label + ("＊" if required else ""), holder)
        self.fields[name] = _Field(name, edit, message, required, visit)
        self._gap_targets[label] = edit
        # textChanged, not textEdited: pasted and programmatic input is validated alike;
        # `load` blocks the signal while it fills the fields from the store.
        edit.textChanged.connect(lambda text, f=name: self._edited(f, text))
        edit.editingFinished.connect(lambda f=name: self._finished(f))
        return edit

    def _basic_group(self) -> QGroupBox:
        group = QGroupBox("机构基本信息（＊为完成评估前必填）")
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._line(form, "name", "机构名称", "营业执照或登记证书上的名称", required=True)
        self._line(form, "uscc", "统一社会信用代码", f"18 位，如 {EXAMPLE_USCC}", required=True)
        self._line(form, "address", "机构地址", "实际办托地址", required=True)
        self._line(
            form,
            "division_code",
            "行政区划代码",
            "6 位、9 位或 12 位数字，如 110105",
            required=True,
        )

        self.kind = QComboBox()
        for value, label in CENTRE_KIND_LABELS.items():
            self.kind.addItem(label, value.value)
        self.kind.activated.connect(lambda _: self._set_kind(self.kind.currentData()))
        form.addRow("机构类型", self.kind)
        # What the rubric says about assessing a 家庭托育点 with it (shown for one only).
        self.scope = QLabel()
        self.scope.setWordWrap(True)
        tone(self.scope, "bannerText")
        form.addRow("", self.scope)

        self.operator = QComboBox()
        self.operator.addItem("（未填写）", None)
        for value, label in OPERATOR_LABELS.items():
            self.operator.addItem(label, value.value)
        self.operator.activated.connect(lambda _: self._set(operator=self.operator.currentData()))
        form.addRow("举办性质", self.operator)

        care = QWidget()
        care_row = QHBoxLayout(care)
        care_row.setContentsMargins(0, 0, 0, 0)
        self.care_types: dict[CareType, QCheckBox] = {}
        for value, label in CARE_TYPE_LABELS.items():
            box = QCheckBox(label)
            box.toggled.connect(self._care_types_toggled)
            care_row.addWidget(box)
            self.care_types[value] = box
        care_row.addStretch(1)
        form.addRow("托育服务类型＊", care)
        self._gap_targets["托育服务类型"] = self.care_types[CareType.full_day]

        self._line(form, "places", "登记托位数", "整数")
        self.meals = QCheckBox("机构提供膳食")
        self.meals.toggled.connect(lambda on: self._set(meals_served=on))
        form.addRow("膳食", _explained(self.meals, "不提供时膳食类指标可标记为不适用"))
        self._line(form, "indoor_area_m2", "室内生活用房面积（m²）", "如 320")
        self._line(form, "outdoor_area_m2", "户外活动场地面积（m²）", "如 180")
        self.constrained = QCheckBox("户外场地确有困难")
        self.constrained.toggled.connect(lambda on: self._set(outdoor_constrained=on))
        form.addRow(
            "",
            _explained(
                self.constrained, "城市人口密集地区改、扩建，设置户外场地确有困难的，按较低下限核查"
            ),
        )
        self.children_total = QLabel()
        tone(self.children_total, "muted")
        form.addRow("在托婴幼儿", self.children_total)
        return group

    def _visit_group(self) -> QGroupBox:
        group = QGroupBox("评估信息")
        layout = QVBoxLayout(group)
        form = QFormLayout()
        today = QPushButton("今天")
        today.clicked.connect(self._today)
        self.today_button = today
        self._line(form, "date", "评估日期", "YYYY-MM-DD", required=True, visit=True, extra=today)
        layout.addLayout(form)
        self.assessors = RecordTableModel(
            [Column("name", "姓名"), Column("assessor_id", "评估员编号")],
            self._commit_assessors,
        )
        self.assessors_view, self.assessors_error, buttons = self._table(
            self.assessors,
            "添加评估人员",
            lambda: self.assessors.add_row({"name": "", "assessor_id": ""}),
            rows=3,
        )
        layout.addWidget(QLabel("评估人员＊"))
        layout.addWidget(self.assessors_view)
        layout.addWidget(self.assessors_error)
        layout.addLayout(buttons)
        self._gap_targets["评估人员"] = self.assessors_view
        return group

    def _classes_group(self) -> QGroupBox:
        group = QGroupBox("班级设置＊")
        layout = QVBoxLayout(group)
        kinds = {k.value: label for k, label in CLASS_KIND_LABELS.items()}
        self.classes = RecordTableModel(
            [
                Column("name", "班级名称"),
                Column("kind", "班级类型", choices=kinds),
                Column("children", "婴幼儿人数"),
                Column("carers", "保育人员数"),
                Column("room_m2", "活动用房面积（m²）"),
            ],
            self._commit_classes,
        )
        defaults = {
            "name": "",
            "kind": ClassKind.toddler_small.value,
            "children": "0",
            "carers": "0",
            "room_m2": "",
        }
        self.classes_view, self.classes_error, buttons = self._table(
            self.classes, "添加班级", lambda: self.classes.add_row(defaults), rows=4
        )
        self.classes_view.setItemDelegateForColumn(1, ChoiceDelegate(kinds, self.classes_view))
        layout.addWidget(self.classes_view)
        layout.addWidget(self.classes_error)
        layout.addLayout(buttons)
        self._gap_targets["班级设置"] = self.classes_view
        return group

    def _staff_group(self) -> QGroupBox:
        group = QGroupBox("工作人员（人数）")
        layout = QVBoxLayout(group)
        self.staff = RecordTableModel(
            [Column("label", "岗位", editable=False), Column("count", "人数")], self._commit_staff
        )
        self.staff_view = self._view(self.staff, rows=len(STAFF_LABELS))
        self.staff_error = _message_label()
        tone(self.staff_error, "fieldError")
        layout.addWidget(self.staff_view)
        layout.addWidget(self.staff_error)
        return group

    def _view(self, model: RecordTableModel, rows: int) -> QTableView:
        view = QTableView()
        view.setModel(model)
        header = view.horizontalHeader()
        # Each column as wide as its header and cells, the last one taking what is left:
        # dividing the width equally cut long headers such as 活动用房面积（m²）.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        row_height = view.fontMetrics().height() + 10
        view.setMinimumHeight(row_height * (rows + 1) + 6)
        view.setMaximumHeight(row_height * (rows + 1) + 6)
        view.setMinimumWidth(_headers_width(view))
        return view

    def _table(
        self, model: RecordTableModel, add_text: str, add: Callable[[], int], rows: int
    ) -> tuple[QTableView, QLabel, QHBoxLayout]:
        view = self._view(model, rows)
        error = _message_label()
        tone(error, "fieldError")
        buttons = QHBoxLayout()
        add_button = QPushButton(add_text)
        remove_button = QPushButton("删除选中行")

        def add_and_edit() -> None:
            row = add()
            view.setCurrentIndex(model.index(row, 0))
            view.setFocus()

        add_button.clicked.connect(add_and_edit)
        remove_button.clicked.connect(lambda: model.remove_row(view.currentIndex().row()))
        buttons.addWidget(add_button)
        buttons.addWidget(remove_button)
        buttons.addStretch(1)
        self._table_buttons += [add_button, remove_button]
        return view, error, buttons

    # ---- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        """Show the stored profile, discarding anything refused that is still displayed."""
        a = self.controller.session.assessment
        centre, visit = a.centre, a.visit
        values = {
            "name": centre.name,
            "uscc": centre.uscc,
            "address": centre.address,
            "division_code": centre.division_code,
            "places": str(centre.places),
            "indoor_area_m2": f"{centre.indoor_area_m2:g}",
            "outdoor_area_m2": f"{centre.outdoor_area_m2:g}",
            "date": visit.date.isoformat() if visit.date else "",
        }
        for name, value in values.items():
            edit = self.fields[name].edit
            edit.blockSignals(True)
            edit.setText(value)
            edit.blockSignals(False)
            self._show_message(name, None)
        self.kind.setCurrentIndex(self.kind.findData(centre.kind.value))
        self.operator.setCurrentIndex(
            self.operator.findData(centre.operator.value if centre.operator else None)
        )
        for value, box in self.care_types.items():
            box.blockSignals(True)
            box.setChecked(value in centre.care_types)
            box.blockSignals(False)
        self.meals.blockSignals(True)
        self.meals.setChecked(centre.meals_served)
        self.meals.blockSignals(False)
        self.constrained.blockSignals(True)
        self.constrained.setChecked(centre.outdoor_constrained)
        self.constrained.blockSignals(False)
        self._show_scope()
        self.classes.set_rows(
            [
                {
                    "name": c.name,
                    "kind": c.kind.value,
                    "children": str(c.children),
                    "carers": str(c.carers),
                    "room_m2": "" if c.room_m2 is None else f"{c.room_m2:g}",
                }
                for c in centre.classes
            ]
        )
        self.staff.set_rows(
            [
                {"role": role, "label": label, "count": str(getattr(centre.staff, role))}
                for role, label in STAFF_LABELS.items()
            ]
        )
        self.assessors.set_rows(
            [{"name": r.name, "assessor_id": r.assessor_id} for r in visit.assessors]
        )
        for label in (self.classes_error, self.staff_error, self.assessors_error):
            label.hide()
        self._update_children()
        self.set_read_only(self.controller.session.is_final)

    def set_read_only(self, read_only: bool) -> None:
        for f in self.fields.values():
            f.edit.setReadOnly(read_only)
        for widget in [
            self.kind,
            self.operator,
            self.meals,
            self.today_button,
            *self.care_types.values(),
            *self._table_buttons,
        ]:
            widget.setEnabled(not read_only)
        for model in (self.classes, self.staff, self.assessors):
            model.set_read_only(read_only)

    def focus_gap(self, gap: str) -> None:
        """Put the cursor where a missing item (a `profile_gaps` label) is filled in."""
        target = self._gap_targets.get(gap)
        if target is not None:
            self.ensureWidgetVisible(target)
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- editing ---------------------------------------------------------------------------

    def _edited(self, name: str, text: str) -> None:
        field = self.fields[name]
        update = self.controller.update_visit if field.visit else self.controller.update_centre
        try:
            update(**{name: text})
        except ProblemsError as exc:
            self._show_message(
                name, next((p.message for p in exc.problems if p.path.startswith(name)), str(exc))
            )
            return
        self._show_message(name, None)
        if name in ("indoor_area_m2", "outdoor_area_m2"):
            self._update_children()

    def _finished(self, name: str) -> None:
        """On leaving a valid field, show the stored (normalised) value, e.g. upper case."""
        field = self.fields[name]
        if field.edit.property("invalid"):
            return
        a = self.controller.session.assessment
        stored = {
            "uscc": a.centre.uscc,
            "date": a.visit.date.isoformat() if a.visit.date else "",
        }.get(name)
        if stored is not None and stored != field.edit.text():
            field.edit.blockSignals(True)
            field.edit.setText(stored)
            field.edit.blockSignals(False)

    def _show_message(self, name: str, error: str | None) -> None:
        field = self.fields[name]
        invalid = error is not None
        if bool(field.edit.property("invalid")) != invalid:
            field.edit.setProperty("invalid", invalid)
            field.edit.style().unpolish(field.edit)
            field.edit.style().polish(field.edit)
        if invalid:
            tone(field.message, "fieldError")
            field.message.setText(f"{error}（未保存，仍使用上次的有效值）")
        elif field.required and not field.edit.text().strip():
            tone(field.message, "fieldHint")
            field.message.setText(REQUIRED_HINT)
        else:
            field.message.hide()
            return
        field.message.show()

    def message(self, name: str) -> str:
        """The message shown under a field, empty when none."""
        field = self.fields[name]
        return "" if field.message.isHidden() else field.message.text()

    def _set(self, **changes: Any) -> None:
        # Combo boxes and check boxes only offer valid values; a refusal here is a bug.
        self.controller.update_centre(**changes)

    def _set_kind(self, kind: str) -> None:
        self._set(kind=kind)
        self._show_scope()

    def _show_scope(self) -> None:
        session = self.controller.session
        notice = scope_notice(session.rubric, session.assessment.centre)
        self.scope.setText(notice or "")
        self.scope.setVisible(notice is not None)

    def _care_types_toggled(self) -> None:
        self._set(care_types=[v.value for v, box in self.care_types.items() if box.isChecked()])

    def _today(self) -> None:
        # Today in Beijing, whatever time zone the laptop is set to.
        self.fields["date"].edit.setText(beijing_today().isoformat())

    def _update_children(self) -> None:
        centre = self.controller.session.assessment.centre
        self.children_total.setText(f"{centre.children} 人（按班级设置合计）")

    # ---- tables ----------------------------------------------------------------------------

    def _commit_classes(self, rows: list[dict[str, Any]]) -> CellErrors:
        # The room area is optional: an empty cell means "not measured", not zero.
        rows = [{**r, "room_m2": str(r.get("room_m2") or "").strip() or None} for r in rows]
        errors = self._commit_list(
            self.controller.update_centre, "classes", rows, self.classes_error, self.classes
        )
        self._update_children()
        return errors

    def _commit_assessors(self, rows: list[dict[str, Any]]) -> CellErrors:
        return self._commit_list(
            self.controller.update_visit, "assessors", rows, self.assessors_error, self.assessors
        )

    def _commit_staff(self, rows: list[dict[str, Any]]) -> CellErrors:
        staff = {r["role"]: r["count"] for r in rows}
        errors: CellErrors = {}
        try:
            self.controller.update_centre(staff=staff)
        except ProblemsError as exc:
            position = {r["role"]: n for n, r in enumerate(rows)}
            for p in exc.problems:
                role = p.path.removeprefix("staff.")
                errors.setdefault((position.get(role, 0), "count"), p.message)
        self.staff_error.setText(self.staff.error_text_for(errors) if errors else "")
        self.staff_error.setVisible(bool(errors))
        return errors

    def _commit_list(
        self,
        update: Callable[..., bool],
        name: str,
        rows: list[dict[str, Any]],
        label: QLabel,
        model: RecordTableModel,
    ) -> CellErrors:
        errors: CellErrors = {}
        try:
            update(**{name: rows})
        except ProblemsError as exc:
            for p in exc.problems:
                match = _LIST_PATH.match(p.path)
                if match and match.group(1) == name:
                    errors.setdefault((int(match.group(2)), match.group(3)), p.message)
                else:
                    errors.setdefault((0, model.columns[0].key), p.message)
        label.setText(
            model.error_text_for(errors) + ("\n（未保存，仍使用上次的有效内容）" if errors else "")
        )
        label.setVisible(bool(errors))
        return errors
