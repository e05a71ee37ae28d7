# SPDX-License-Identifier: GPL-2.0-only
# gdb.cmake - gdb-scripts tests: real gdb -batch driving QEMU booting the test kernel.
# Included from tests/CMakeLists.txt; every test carries the label "gdb".
# A missing gdb or QEMU makes the tests fail (not skip): run scripts/deps.
find_program(MB_GDB_PROGRAM gdb)
find_program(MB_QEMU_PROGRAM qemu-system-x86_64)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(mbgdb_dir ${CMAKE_SOURCE_DIR}/tests/gdb)
set(mbgdb_loader ${CMAKE_BINARY_DIR}/gdb-scripts/memblock-gdb.py)
set(mbgdb_kernel ${CMAKE_BINARY_DIR}/kernel/kernel.elf)
set(mbgdb_kernel_doubling ${CMAKE_BINARY_DIR}/kernel/kernel-doubling.elf)
set(mbgdb_cli ${CMAKE_BINARY_DIR}/cli/memblock-cli)
set(mbgdb_gdb ${MB_GDB_PROGRAM})
set(mbgdb_qemu ${MB_QEMU_PROGRAM})
if(NOT mbgdb_gdb)
	set(mbgdb_gdb gdb-not-found)
endif()
if(NOT mbgdb_qemu)
	set(mbgdb_qemu qemu-system-x86_64-not-found)
endif()

# mbgdb_test(<name> <scenario> [ARG a] [KERNEL k] [TIMEOUT s])
function(mbgdb_test name scenario)
	cmake_parse_arguments(T "" "ARG;KERNEL;TIMEOUT" "" ${ARGN})
	if(NOT T_KERNEL)
		set(T_KERNEL ${mbgdb_kernel})
	endif()
	if(NOT T_TIMEOUT)
		set(T_TIMEOUT 240)
	endif()
	add_test(NAME ${name}
		COMMAND ${Python3_EXECUTABLE} ${mbgdb_dir}/run_gdb_test.py
			--gdb ${mbgdb_gdb} --qemu ${mbgdb_qemu} --loader ${mbgdb_loader}
			--kernel ${T_KERNEL} --cli ${mbgdb_cli}
			--scenario ${mbgdb_dir}/${scenario} --arg "${T_ARG}"
			--timeout ${T_TIMEOUT})
	math(EXPR outer "${T_TIMEOUT} + 30")
	set_tests_properties(${name} PROPERTIES LABELS gdb TIMEOUT ${outer})
endfunction()

mbgdb_test(gdb_help_completion_and_printers scenario_help.py TIMEOUT 60)
mbgdb_test(gdb_errors_give_documented_messages scenario_errors.py TIMEOUT 120)
mbgdb_test(gdb_dump_matches_cli_at_first_reserve scenario_dump.py ARG first-reserve)
mbgdb_test(gdb_dump_matches_cli_mid_boot scenario_dump.py ARG mid-boot)
mbgdb_test(gdb_dump_matches_cli_at_done scenario_dump.py ARG done)
mbgdb_test(gdb_break_reserve_stops_once_per_reserve_record scenario_break.py ARG stop)
mbgdb_test(gdb_break_silent_logs_without_stopping scenario_break.py ARG silent)
mbgdb_test(gdb_break_condition_filters_stops scenario_break.py ARG cond)
mbgdb_test(gdb_break_function_stops_once_per_reserve_call scenario_break.py ARG function)
mbgdb_test(gdb_save_reads_back_in_cli scenario_save.py ARG cli)
mbgdb_test(gdb_save_equals_agent_capture scenario_save.py ARG agent)
mbgdb_test(gdb_save_at_break_stop_passes_verify scenario_save_at_break.py ARG reserve)
# The doubling kernel: >128 reservations double the reserved array (nested
# DOUBLE_ARRAY record, regions outside the static array).
mbgdb_test(gdb_dump_matches_cli_at_done_doubling_kernel scenario_dump.py ARG done
	KERNEL ${mbgdb_kernel_doubling})
mbgdb_test(gdb_dump_matches_cli_mid_boot_doubling_kernel scenario_dump.py ARG mid-boot
	KERNEL ${mbgdb_kernel_doubling})
mbgdb_test(gdb_break_nested_double_array_stops_once scenario_break.py ARG nested
	KERNEL ${mbgdb_kernel_doubling})
mbgdb_test(gdb_break_reserve_count_doubling_kernel scenario_break.py ARG stop
	KERNEL ${mbgdb_kernel_doubling})
mbgdb_test(gdb_save_equals_agent_capture_doubling_kernel scenario_save.py ARG agent
	KERNEL ${mbgdb_kernel_doubling})
mbgdb_test(gdb_save_at_nested_break_stop_is_marked_mid_call scenario_save_at_break.py ARG nested
	KERNEL ${mbgdb_kernel_doubling})

# A host process shaped like Linux without CONFIG_NUMA and without the event
# log: the struct-only commands and the mb-break fallback (no QEMU needed).
add_executable(mbgdb_linux_like_target ${mbgdb_dir}/linux_like_target.c)
mb_host_target(mbgdb_linux_like_target)
target_compile_options(mbgdb_linux_like_target PRIVATE -g)
add_test(NAME gdb_struct_commands_on_linux_like_target
	COMMAND ${Python3_EXECUTABLE} ${mbgdb_dir}/run_gdb_test.py
		--gdb ${mbgdb_gdb} --loader ${mbgdb_loader}
		--host-target $<TARGET_FILE:mbgdb_linux_like_target>
		--scenario ${mbgdb_dir}/scenario_linux_like.py --timeout 60)
set_tests_properties(gdb_struct_commands_on_linux_like_target PROPERTIES LABELS gdb TIMEOUT 90)

# The constants generated for the scripts agree with the C compiler's view of
# the uapi header (offsets, sizes, operations, defines).
add_executable(mbgdb_uapi_layout ${mbgdb_dir}/uapi_layout.c)
mb_host_target(mbgdb_uapi_layout)
target_include_directories(mbgdb_uapi_layout PRIVATE ${CMAKE_SOURCE_DIR}/kernel/include)
add_test(NAME gdb_constants_match_the_compiled_uapi_header
	COMMAND ${Python3_EXECUTABLE} ${mbgdb_dir}/test_constants.py
		${CMAKE_BINARY_DIR}/gdb-scripts $<TARGET_FILE:mbgdb_uapi_layout>)
set_tests_properties(gdb_constants_match_the_compiled_uapi_header PROPERTIES LABELS gdb
	TIMEOUT 60)
