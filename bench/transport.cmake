# SPDX-License-Identifier: GPL-2.0-only
# bench/transport: 16 MiB through gdbstub, serial and RAM file vs gdb's dump.
# Run: build/bench/bench_transport build/kernel/kernel.elf [MiB] [serial MiB]
add_executable(bench_transport ${CMAKE_CURRENT_LIST_DIR}/transport.c)
target_link_libraries(bench_transport PRIVATE mbagent)
mb_host_target(bench_transport)
