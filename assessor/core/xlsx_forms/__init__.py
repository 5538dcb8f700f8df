"""The one spreadsheet engine behind every workbook a person fills in for the app (rubrics and
sample centres): the same size, row and zip limits before anything is parsed (`workbook`), and
the same way of naming where a problem is (`places`): 「工作表「X」第 N 行「列名」列：…」."""
