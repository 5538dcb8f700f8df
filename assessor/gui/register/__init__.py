"""The commission's workspace: import signed files, browse the register, statistics, exports."""
