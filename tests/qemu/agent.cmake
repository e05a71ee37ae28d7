# SPDX-License-Identifier: GPL-2.0-only
# QEMU integration tests of libmbagent: real QEMU, our test kernel, every transport.
set(MB_AGENT_QEMU_DIR ${CMAKE_CURRENT_LIST_DIR}/agent)
set(MB_AGENT_TEST_KERNEL ${CMAKE_BINARY_DIR}/kernel/kernel.elf)

add_executable(test_agent_capture ${MB_AGENT_QEMU_DIR}/test_capture.c)
target_link_libraries(test_agent_capture PRIVATE mbagent)
mb_host_target(test_agent_capture)
foreach(sc three_transports_identical capture_gdb_replays_exactly
		capture_serial_replays_exactly capture_ramfile_replays_exactly
		capture_ramfile_falls_back_with_numa attach_mismatched_elf_refused
		missing_kernel_is_an_error boot_timeout_kills_qemu qemu_exit_is_reported
		attach_over_tcp kernel_panic_reported breakpoints_stop_in_kernel
		corrupt_arrays_refused_by_every_transport)
	add_test(NAME agent_qemu_${sc}
		COMMAND test_agent_capture ${MB_AGENT_TEST_KERNEL} ${sc})
	set_tests_properties(agent_qemu_${sc} PROPERTIES LABELS qemu TIMEOUT 300)
endforeach()
# The variant whose boot forces memblock_double_array() on the reserved array.
add_test(NAME agent_qemu_doubled_arrays_followed
	COMMAND test_agent_capture ${CMAKE_BINARY_DIR}/kernel/kernel-doubling.elf
	doubled_arrays_followed)
set_tests_properties(agent_qemu_doubled_arrays_followed PROPERTIES LABELS qemu TIMEOUT 300)

# Linux's struct memblock layout from a real kernel's BTF: the Debian kernels
# the linux tests download (fixture linux_kernels), and the host's own BTF
# (MB_VMLINUX, else /sys/kernel/btf/vmlinux). Skipped when absent.
add_executable(test_agent_linux_btf ${MB_AGENT_QEMU_DIR}/test_linux_btf.c)
target_link_libraries(test_agent_linux_btf PRIVATE mblinux)
mb_host_target(test_agent_linux_btf)
add_test(NAME agent_linux_host_btf_memblock_layout COMMAND test_agent_linux_btf)
set_tests_properties(agent_linux_host_btf_memblock_layout PROPERTIES LABELS linux
	SKIP_RETURN_CODE 77 TIMEOUT 60)
foreach(v 6.1 6.12)
	string(REPLACE "." "_" vn ${v})
	add_test(NAME agent_linux_${vn}_vmlinux_btf_memblock_layout
		COMMAND test_agent_linux_btf ${CMAKE_BINARY_DIR}/linux-cache/linux-${v}.deb)
	set_tests_properties(agent_linux_${vn}_vmlinux_btf_memblock_layout PROPERTIES
		LABELS linux SKIP_RETURN_CODE 77 TIMEOUT 300 FIXTURES_REQUIRED linux_kernels)
endforeach()

# Caller chains of our kernel through each transport, checked against nm and
# objdump of the kernel ELF; a capture written before chains still reads.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(MB_CHAINS_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/chains_test.py
	--cli $<TARGET_FILE:memblock-cli> --kernel ${MB_AGENT_TEST_KERNEL}
	--work ${CMAKE_CURRENT_BINARY_DIR}/chains-work)
foreach(tr gdb serial ramfile)
	add_test(NAME qemu_chains_${tr}_match_elf_symbols_and_calls
		COMMAND ${MB_CHAINS_TEST} transport ${tr})
	set_tests_properties(qemu_chains_${tr}_match_elf_symbols_and_calls PROPERTIES
		LABELS qemu TIMEOUT 300)
endforeach()
add_test(NAME qemu_chains_absent_from_log_header_read_as_before
	COMMAND ${MB_CHAINS_TEST} nochains)
set_tests_properties(qemu_chains_absent_from_log_header_read_as_before PROPERTIES
	LABELS qemu TIMEOUT 300)
add_test(NAME cli.pre_chains_capture_reads_with_log_stack
	COMMAND ${MB_CHAINS_TEST} old ${CMAKE_SOURCE_DIR}/tests/data/chains/pre-chains-gdb.cap)
set_tests_properties(cli.pre_chains_capture_reads_with_log_stack PROPERTIES LABELS cli
	TIMEOUT 120)
