# SPDX-License-Identifier: GPL-2.0-only
# faults.cmake - fault injection against real QEMU (label qemu): QEMU or the CLI
# killed mid-capture, guest reset during a pull, overflowed log, disk full,
# parallel captures, sockets (strace), capture permissions.
if(NOT MB_BUILD_KERNEL OR NOT TARGET kernel OR NOT TARGET mbagent)
	return()
endif()
set(MB_FAULTS_DIR ${CMAKE_CURRENT_LIST_DIR}/faults)
set(MB_FAULTS_KERNEL ${CMAKE_BINARY_DIR}/kernel/kernel.elf)

# The default kernel with a 24-record event log: its boot overflows the log.
function(mb_faults_tiny_log_kernel)
	include(${CMAKE_SOURCE_DIR}/cmake/kernel.cmake)
	set(MB_EVLOG_CAPACITY 24)
	get_target_property(srcs kernel-objs SOURCES)
	set(abs)
	foreach(s ${srcs})
		if(IS_ABSOLUTE ${s})
			list(APPEND abs ${s})
		else()
			list(APPEND abs ${CMAKE_SOURCE_DIR}/kernel/${s})
		endif()
	endforeach()
	mb_kernel_image(kernel-tinylog SOURCES ${abs})
endfunction()
if(TARGET kernel-objs)
	mb_faults_tiny_log_kernel()
endif()

add_executable(fault_reset ${MB_FAULTS_DIR}/fault_reset.c)
target_link_libraries(fault_reset PRIVATE mbagent)
mb_host_target(fault_reset)
add_dependencies(fault_reset kernel)
# Reset before the 1st (log header), 2nd (records), 3rd (struct memblock),
# 4th (memory regions) and 5th (reserved regions) read of the pull.  The guest
# may reboot after the reset; the pull must then fail or give a capture that
# replays to its own final arrays (docs/RELIABILITY.md, finding F1).  Reset
# points listed in MB_FAULTS_RESET_KNOWN_BAD are registered but disabled.
set(MB_FAULTS_RESET_KNOWN_BAD)	# reset points mb_pull() does not detect (none since F1 was fixed)
foreach(n 0 1 2 3 4)
	add_test(NAME qemu_fault_guest_reset_before_pull_read_${n}
		COMMAND fault_reset ${MB_FAULTS_KERNEL} ${n})
	set_tests_properties(qemu_fault_guest_reset_before_pull_read_${n} PROPERTIES
		LABELS qemu TIMEOUT 180)
	if(n IN_LIST MB_FAULTS_RESET_KNOWN_BAD)
		set_tests_properties(qemu_fault_guest_reset_before_pull_read_${n} PROPERTIES
			DISABLED TRUE)
	endif()
endforeach()

# QEMU SIGKILLed before each read of the pull: the pull fails with a message.
foreach(n 0 1 2 3 4)
	add_test(NAME qemu_fault_qemu_killed_before_pull_read_${n}
		COMMAND fault_reset ${MB_FAULTS_KERNEL} ${n} kill)
	set_tests_properties(qemu_fault_qemu_killed_before_pull_read_${n} PROPERTIES
		LABELS qemu TIMEOUT 180)
endforeach()

if(TARGET memblock-cli)
	find_package(Python3 REQUIRED COMPONENTS Interpreter)
	# Commands that must report an overflowed log (those still known not to
	# are tested, disabled, in tests/unit/harden.cmake).
	set(drop_cmds log replay map diff dump)
	list(REMOVE_ITEM drop_cmds ${MB_HARDEN_DROP_KNOWN_BAD})
	string(REPLACE ";" "," drop_cmds "${drop_cmds}")
	set(MB_FAULTS_TEST ${Python3_EXECUTABLE} ${MB_FAULTS_DIR}/faults_test.py
		--cli $<TARGET_FILE:memblock-cli> --kernel ${MB_FAULTS_KERNEL}
		--tiny-kernel ${CMAKE_CURRENT_BINARY_DIR}/kernel-tinylog.elf
		--work ${CMAKE_CURRENT_BINARY_DIR}/faults-work --drop-cmds ${drop_cmds})
	# Scenarios that fail on today's code are listed here: registered but
	# disabled (docs/RELIABILITY.md names the finding); none at the moment.
	set(MB_FAULTS_KNOWN_BAD)
	foreach(sc qemu_killed_mid_capture cli_interrupted_mid_capture disk_full
			parallel_captures sockets_are_unix_or_loopback capture_follows_umask
			overflowed_log_reported cli_killed_debris_swept ramfile_truncated_mid_capture
			timeout_bounds_slow_gdbstub fifo_inputs_time_out output_fifo_and_device)
		add_test(NAME qemu_fault_${sc} COMMAND ${MB_FAULTS_TEST} ${sc})
		set_tests_properties(qemu_fault_${sc} PROPERTIES LABELS qemu TIMEOUT 300)
		if(sc IN_LIST MB_FAULTS_KNOWN_BAD)
			set_tests_properties(qemu_fault_${sc} PROPERTIES DISABLED TRUE)
		endif()
	endforeach()
	add_dependencies(fault_reset kernel-tinylog)
endif()
