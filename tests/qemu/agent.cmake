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
		missing_kernel_is_an_error)
	add_test(NAME agent_qemu_${sc}
		COMMAND test_agent_capture ${MB_AGENT_TEST_KERNEL} ${sc})
	set_tests_properties(agent_qemu_${sc} PROPERTIES LABELS qemu TIMEOUT 300)
endforeach()

# Linux's struct memblock layout from a real kernel's BTF (MB_VMLINUX: a
# vmlinux ELF or raw BTF; otherwise the host's /sys/kernel/btf/vmlinux).
add_executable(test_agent_linux_btf ${MB_AGENT_QEMU_DIR}/test_linux_btf.c)
target_link_libraries(test_agent_linux_btf PRIVATE mbagent)
mb_host_target(test_agent_linux_btf)
add_test(NAME agent_linux_vmlinux_btf_memblock_layout COMMAND test_agent_linux_btf)
set_tests_properties(agent_linux_vmlinux_btf_memblock_layout PROPERTIES LABELS linux
	SKIP_RETURN_CODE 77 TIMEOUT 60)
