# SPDX-License-Identifier: GPL-2.0-only
# shell.cmake - tests of `memblock-cli shell`: piped stdin and completion on a pty.
# (mb-map-gencap, which writes the test capture, comes from map.cmake.)
set(SHELL_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/shell_test.py
	--cli $<TARGET_FILE:memblock-cli> --gencap $<TARGET_FILE:mb-map-gencap>
	--work ${CMAKE_CURRENT_BINARY_DIR}/shell-work)

foreach(t piped_matches_argv_mode piped_load_use_and_slots piped_errors_and_status
	  pty_completes_command_and_caller piped_exit_needs_a_status pty_ctrl_c_drops_the_line)
	add_test(NAME cli.shell.${t} COMMAND ${SHELL_TEST} ${t})
	set_tests_properties(cli.shell.${t} PROPERTIES LABELS cli TIMEOUT 120)
endforeach()
