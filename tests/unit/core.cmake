# SPDX-License-Identifier: GPL-2.0-only
# core.cmake - unit tests of the memblock core (kernel/mm/memblock.c, evlog.c, host_shim.c).

set(MB_CORE_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/core)

add_executable(core_scenarios
	${MB_CORE_TEST_DIR}/core_main.c
	${MB_CORE_TEST_DIR}/test_basic.c
	${MB_CORE_TEST_DIR}/test_flags.c
	${MB_CORE_TEST_DIR}/test_double.c
	${MB_CORE_TEST_DIR}/test_alloc.c
	${MB_CORE_TEST_DIR}/test_iter.c
	${MB_CORE_TEST_DIR}/test_limits.c
	${MB_CORE_TEST_DIR}/test_output.c
	${MB_CORE_TEST_DIR}/test_evlog.c)
target_link_libraries(core_scenarios PRIVATE mbcore)
mb_host_target(core_scenarios)

foreach(group basic flags double alloc iter limits output evlog)
	add_test(NAME core_scenarios_${group} COMMAND core_scenarios ${group})
	set_tests_properties(core_scenarios_${group} PROPERTIES LABELS unit)
endforeach()

add_executable(core_property ${MB_CORE_TEST_DIR}/core_property.c)
target_link_libraries(core_property PRIVATE mbcore)
mb_host_target(core_property)
add_test(NAME core_property_random_ops COMMAND core_property)
set_tests_properties(core_property_random_ops PROPERTIES LABELS unit)

# memblock.c and evlog.c must compile freestanding with kernel flags.
foreach(src memblock evlog)
	add_test(NAME core_freestanding_compile_${src}
		COMMAND ${CMAKE_C_COMPILER} -std=gnu11 ${MB_FREESTANDING_FLAGS}
			-c ${CMAKE_SOURCE_DIR}/kernel/mm/${src}.c -o /dev/null)
	set_tests_properties(core_freestanding_compile_${src} PROPERTIES LABELS unit)
endforeach()

# Every public function in memblock.h has kernel-doc; docs/memblock-api.md is current.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
	add_test(NAME core_api_docs_complete
		COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/gen-api-docs --check)
	set_tests_properties(core_api_docs_complete PROPERTIES LABELS unit)
endif()

# Real Linux boots (memblock=debug logs + final state, copied from shared/fixtures):
# replaying the logged calls must place every allocation where Linux did, print
# Linux's debug lines, and end in Linux's final arrays.
add_executable(core_linux_fixture ${MB_CORE_TEST_DIR}/core_linux_fixture.c)
target_link_libraries(core_linux_fixture PRIVATE mbcore)
mb_host_target(core_linux_fixture)
foreach(v 6.12 6.1)
	string(REPLACE "." "_" vt ${v})
	add_test(NAME core_linux_fixture_replay_${vt}
		COMMAND core_linux_fixture ${MB_CORE_TEST_DIR}/data/${v}-cloud-m512.log
			${MB_CORE_TEST_DIR}/data/${v}-cloud-m512.final.txt)
	set_tests_properties(core_linux_fixture_replay_${vt} PROPERTIES LABELS unit)
endforeach()
