# SPDX-License-Identifier: GPL-2.0-only
# map.cmake - `cmake --build . --target bench-map`: memblock-cli map on 10k and 1M events.
if(TARGET mb-map-gencap)
	add_custom_target(bench-map
		COMMAND ${CMAKE_CURRENT_LIST_DIR}/map_html.sh $<TARGET_FILE:memblock-cli>
			$<TARGET_FILE:mb-map-gencap>
		DEPENDS memblock-cli mb-map-gencap
		USES_TERMINAL
		COMMENT "memblock-cli map: time and peak memory")
endif()

# `cmake --build . --target bench-map-linear`: map vs replay CPU on one capture
# (interleaved rounds, medians) and the page's load time in Chromium.
if(TARGET mb-mkcapture)
	find_package(Python3 REQUIRED COMPONENTS Interpreter)
	add_custom_target(bench-map-linear
		COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/map/map_bench.py
			--cli $<TARGET_FILE:memblock-cli> --mkcapture $<TARGET_FILE:mb-mkcapture>
		DEPENDS memblock-cli mb-mkcapture
		USES_TERMINAL
		COMMENT "memblock-cli map against replay; HTML page load time")
endif()
