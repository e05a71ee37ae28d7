# SPDX-License-Identifier: GPL-2.0-only
# python.cmake - the memblock Python module reads what memblock-cli reads, the same way.
if(TARGET memblock-python)
	set(PY_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/python_test.py
		--pydir ${MBPY_DIR} --cli $<TARGET_FILE:memblock-cli>
		--mkcap $<TARGET_FILE:mb-mkcapture> --data ${CMAKE_SOURCE_DIR}/tests/data
		--work ${CMAKE_CURRENT_BINARY_DIR}/python-work)
	add_test(NAME cli.python_module_matches_cli_on_test_captures COMMAND ${PY_TEST} files)
	set_tests_properties(cli.python_module_matches_cli_on_test_captures PROPERTIES
		LABELS cli TIMEOUT 300)
	if(TARGET kernel)
		add_test(NAME cli.python_module_matches_cli_on_kernel_captures
			COMMAND ${PY_TEST} --kernel-dir ${CMAKE_BINARY_DIR}/kernel kernel)
		set_tests_properties(cli.python_module_matches_cli_on_kernel_captures PROPERTIES
			LABELS qemu TIMEOUT 300)
	endif()
endif()
