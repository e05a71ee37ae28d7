# SPDX-License-Identifier: GPL-2.0-only
# schema.cmake - -j output against docs/schema/*.schema.json; errors that say what to do (issue 16).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(SCHEMA_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/schema_test.py
	--cli $<TARGET_FILE:memblock-cli> --mkcap $<TARGET_FILE:mb-mkcapture>
	--data ${CMAKE_SOURCE_DIR}/tests/data --schemas ${CMAKE_SOURCE_DIR}/docs/schema
	--work ${CMAKE_CURRENT_BINARY_DIR}/schema-work)
foreach(t schemas_are_strict outputs_validate)
	add_test(NAME cli.json_${t} COMMAND ${SCHEMA_TEST} ${t})
	set_tests_properties(cli.json_${t} PROPERTIES LABELS cli TIMEOUT 300)
endforeach()
if(TARGET kernel)
	add_test(NAME cli.json_own_kernel_validates
		COMMAND ${SCHEMA_TEST} own_kernel ${CMAKE_BINARY_DIR}/kernel/kernel.elf)
	set_tests_properties(cli.json_own_kernel_validates PROPERTIES LABELS qemu TIMEOUT 300)
endif()

set(HINTS_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/hints_test.py
	--cli $<TARGET_FILE:memblock-cli> --work ${CMAKE_CURRENT_BINARY_DIR}/hints-work)
foreach(t bzimage_suggests_linux libbpf_only_with_v usage_exits_2 directory_is_a_directory
	  did_you_mean)
	add_test(NAME cli.hint_${t} COMMAND ${HINTS_TEST} ${t})
	set_tests_properties(cli.hint_${t} PROPERTIES LABELS cli TIMEOUT 120)
endforeach()
