# SPDX-License-Identifier: GPL-2.0-only
# cli.cmake - golden, error, capture-format and Linux conformance tests of memblock-cli.
add_executable(mb-mkcapture ${CMAKE_CURRENT_LIST_DIR}/mkcapture.c)
target_link_libraries(mb-mkcapture PRIVATE mbcapture mbcore)
mb_host_target(mb-mkcapture)

find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(CLI_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/cli_test.py
	--cli $<TARGET_FILE:memblock-cli> --mkcap $<TARGET_FILE:mb-mkcapture>
	--data ${CMAKE_SOURCE_DIR}/tests/data --golden ${CMAKE_CURRENT_LIST_DIR}/golden
	--docs ${CMAKE_SOURCE_DIR}/docs/cli.md --work ${CMAKE_CURRENT_BINARY_DIR}/cli-work
	--kernel ${CMAKE_BINARY_DIR}/kernel/kernel.elf)

foreach(t mkcapture_is_deterministic capture_roundtrip_through_import
	  capture_write_failure_leaves_nothing format_skips_unknown_optional_section
	  format_rejects_unknown_required_section format_rejects_newer_version
	  format_rejects_every_truncation format_rejects_corruption_everywhere
	  format_bounds_counts dump_linux_golden dump_debugfs_golden dump_table_golden
	  dump_json_golden dump_at_replays_prefix dump_initial_of_imported_log
	  log_text_golden log_json_golden log_filters replay_verify_synthetic
	  replay_to_json_golden replay_verify_names_divergence replay_reports_incomplete_log
	  diff_linux_golden diff_synthetic_golden diff_gates_exit_codes import_golden
	  import_tolerates_noise_and_no_timestamps diff_names_changed_callers
	  unknown_command docs_cover_every_command format_survives_valid_checksum_mutations
	  import_survives_mutations json_escapes_hostile_symbols import_large_initial_state
	  help_golden man_and_completion_follow_the_table numbers_one_parser
	  beyond_last_event_names_the_count stdout_write_errors
	  text_output_escapes_control_characters replay_verify_counts_unparsable_lines
	  replay_verify_compares_capacities output_never_replaces_special_files
	  goldens_match_independent_reader human_sizes_one_formatter
	  exit_status_table_is_one options_come_from_the_table
	  option_words_and_repeats_follow_the_table
	  replay_verify_compares_flags_and_nodes import_keeps_node_and_flags)
	add_test(NAME cli.${t} COMMAND ${CLI_TEST} ${t})
	set_tests_properties(cli.${t} PROPERTIES LABELS cli TIMEOUT 300)
endforeach()

foreach(cmd dump log replay map diff import capture)
	add_test(NAME cli.errors_${cmd} COMMAND ${CLI_TEST} errors ${cmd})
	set_tests_properties(cli.errors_${cmd} PROPERTIES LABELS cli TIMEOUT 300)
endforeach()

# Our kernel under QEMU: COM1 import + replay, and a live dump through the gdbstub.
if(TARGET kernel)
	add_test(NAME cli.qemu_own_kernel_console_and_live_dump
		COMMAND ${CLI_TEST} qemu_own_kernel_console_and_live_dump)
	set_tests_properties(cli.qemu_own_kernel_console_and_live_dump PROPERTIES
		LABELS qemu TIMEOUT 300)
	add_test(NAME cli.qemu_capture_options_replay_exactly
		COMMAND ${CLI_TEST} qemu_capture_options_replay_exactly)
	set_tests_properties(cli.qemu_capture_options_replay_exactly PROPERTIES
		LABELS qemu TIMEOUT 300)
endif()

# Conformance on real Linux boots: import + replay reproduce the second
# "MEMBLOCK configuration:" block exactly and the final byte coverage.
file(GLOB CLI_LINUX_LOGS ${CMAKE_SOURCE_DIR}/tests/data/linux/*.log)
foreach(log ${CLI_LINUX_LOGS})
	get_filename_component(name ${log} NAME)
	string(REPLACE ".log" "" short ${name})
	add_test(NAME cli.conformance_${short} COMMAND ${CLI_TEST} conformance ${name})
	set_tests_properties(cli.conformance_${short} PROPERTIES LABELS cli TIMEOUT 300)
endforeach()

# map and diff grouped by caller, frame, frame:N and chain[:N]: labels checked
# against the chains `log -j` prints (two traced stock kernels kept in
# tests/data/chains, our kernel's chains, a capture without chains), diff
# against map, the docs/linux.md sample against a real run, bad values refused.
foreach(t labels diff errors)
	add_test(NAME cli.group_${t} COMMAND ${Python3_EXECUTABLE}
		${CMAKE_CURRENT_LIST_DIR}/group_test.py --cli $<TARGET_FILE:memblock-cli>
		--data ${CMAKE_SOURCE_DIR}/tests/data --source ${CMAKE_SOURCE_DIR} ${t})
	set_tests_properties(cli.group_${t} PROPERTIES LABELS cli TIMEOUT 300)
endforeach()
