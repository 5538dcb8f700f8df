"""Chinese names of the register's lists, the same in the CLI, the exports and the GUI."""

from __future__ import annotations

CANDIDATES_TITLE = "示范候选"
CANDIDATES_RULE = "等级为最高等级、基础指标全部达标、在本评估周期内评估"
RED_LIST_TITLE = "警示名单"
RED_LIST_RULE = "等级为最低等级或任一基础指标未达标（红黑榜）"
