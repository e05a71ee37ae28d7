# SPDX-License-Identifier: GPL-2.0-only
# memblock.cmake - bench/memblock_bench: ns per memblock operation (not run by ctest).
add_executable(memblock_bench ${CMAKE_CURRENT_LIST_DIR}/memblock_bench.c)
target_link_libraries(memblock_bench PRIVATE mbcore)
mb_host_target(memblock_bench)
