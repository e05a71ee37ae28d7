# SPDX-License-Identifier: GPL-2.0-only
# cli.cmake - `make bench_cli`: import, replay --verify, diff and map timings (docs/PERFORMANCE.md).
if(TARGET memblock-cli AND TARGET mb-mkcapture)
	add_custom_target(bench_cli
		COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/cli/cli_bench.sh $<TARGET_FILE:memblock-cli>
			$<TARGET_FILE:mb-mkcapture> ${CMAKE_CURRENT_BINARY_DIR}/cli-work
		DEPENDS memblock-cli mb-mkcapture
		USES_TERMINAL
		COMMENT "memblock-cli benchmarks (10,000 and 1,000,000 events)")
endif()
