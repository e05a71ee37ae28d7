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
