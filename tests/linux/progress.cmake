# SPDX-License-Identifier: GPL-2.0-only
# progress.cmake - the --linux progress line on a pseudo-terminal (a real 6.12 boot; issue 16).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME linux_progress_line_on_a_pty
	COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/cli/hints_test.py
	--cli $<TARGET_FILE:memblock-cli> --work ${CMAKE_CURRENT_BINARY_DIR}/progress-work
	progress_on_a_pty ${MB_DEB_6_12})
set_tests_properties(linux_progress_line_on_a_pty PROPERTIES LABELS linux TIMEOUT 600
	FIXTURES_REQUIRED linux_kernels)
