"""The query tester: editor, variables, time range, results views, inspector and history."""
