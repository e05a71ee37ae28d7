# SPDX-License-Identifier: GPL-2.0-only
# memblock.cmake - bench/memblock_bench (ns per memblock operation) and bench_memblock_replay (not run by ctest).
add_executable(memblock_bench ${CMAKE_CURRENT_LIST_DIR}/memblock_bench.c)
target_link_libraries(memblock_bench PRIVATE mbcore)
mb_host_target(memblock_bench)

# `make bench_memblock_replay`: replay/diff of logs with up to 10^6 reserved regions.
if(TARGET memblock-cli)
	add_custom_target(bench_memblock_replay
		COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/memblock_replay.sh $<TARGET_FILE:memblock-cli>
			${CMAKE_CURRENT_BINARY_DIR}/memblock-replay-work
		DEPENDS memblock-cli
		USES_TERMINAL
		COMMENT "replay and diff of 250k..1M-reserve logs (docs/PERFORMANCE.md)")
endif()
