# SPDX-License-Identifier: GPL-2.0-only
# map.cmake - tests of `memblock-cli map` (text/SVG/JSON goldens, HTML in headless Chromium).
add_executable(mb-map-gencap ${CMAKE_CURRENT_LIST_DIR}/map_gencap.c)
target_link_libraries(mb-map-gencap PRIVATE mbcapture mbcore)
mb_host_target(mb-map-gencap)

find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(MAP_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/map_test.py
	--cli $<TARGET_FILE:memblock-cli> --gencap $<TARGET_FILE:mb-map-gencap>
	--data ${CMAKE_SOURCE_DIR}/tests/data/map --work ${CMAKE_CURRENT_BINARY_DIR}/map-work
	--kernels ${CMAKE_BINARY_DIR}/kernel)

foreach(t text_golden_no_color svg_golden json_golden at_replays_prefix
	  text_colour_and_width html_self_contained errors_are_one_line
	  html_renders_in_chromium html_slider_hash_changes_regions edge_inputs_do_not_crash
	  linux_logs_map_callers dropped_log_is_reported doubled_arrays_credited_to_memblock
	  diff_sizes_at_the_extremes control_characters_escaped map_at_beyond_events_refused
	  stdout_write_errors map_output_is_atomic colours_agree_across_formats
	  explorer_axis_labels_match_the_capture explorer_zoom_changes_the_labelled_range
	  explorer_timeline_draws_dump_at diff_page_marks_moved_allocations
	  explorer_linux_pages_and_screenshots)
	add_test(NAME cli.map.${t} COMMAND ${MAP_TEST} ${t})
	set_tests_properties(cli.map.${t} PROPERTIES LABELS cli TIMEOUT 120)
endforeach()

# Captures of our kernel under QEMU (TCG): label qemu.
foreach(t diff_kernel_512m_vs_2g_moves demo_diff_lists_no_identical_lines
	  explorer_click_on_kernel_image_names_owner whois_names_every_initial_reservation)
	add_test(NAME cli.diff.${t} COMMAND ${MAP_TEST} ${t})
	set_tests_properties(cli.diff.${t} PROPERTIES LABELS qemu TIMEOUT 300)
endforeach()
