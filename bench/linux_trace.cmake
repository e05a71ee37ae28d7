# SPDX-License-Identifier: GPL-2.0-only
# bench/linux_trace: a traced Linux capture vs an untraced one vs a bare boot to memblock_free_all.
# Run: build/bench/bench_linux_trace [-r ROUNDS] DEB MEM [DEB MEM ...]
add_executable(bench_linux_trace ${CMAKE_CURRENT_LIST_DIR}/linux_trace.c)
target_link_libraries(bench_linux_trace PRIVATE mblinux)
mb_host_target(bench_linux_trace)
