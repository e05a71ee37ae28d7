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
	# A sanitized libmbcapture.so loaded by ctypes needs the ASan runtime first
	# in the process; the interpreter's own allocations are not ours to check.
	if(MB_SANITIZE)
		execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
			OUTPUT_VARIABLE MB_LIBASAN OUTPUT_STRIP_TRAILING_WHITESPACE)
		set_tests_properties(cli.python_module_matches_cli_on_test_captures PROPERTIES
			ENVIRONMENT "LD_PRELOAD=${MB_LIBASAN};ASAN_OPTIONS=detect_leaks=0")
	endif()
	if(TARGET kernel)
		add_test(NAME cli.python_module_matches_cli_on_kernel_captures
			COMMAND ${PY_TEST} --kernel-dir ${CMAKE_BINARY_DIR}/kernel kernel)
		set_tests_properties(cli.python_module_matches_cli_on_kernel_captures PROPERTIES
			LABELS qemu TIMEOUT 300)
	endif()
endif()
