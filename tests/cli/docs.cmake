# SPDX-License-Identifier: GPL-2.0-only
# docs.cmake - every memblock-cli example in README.md and docs/*.md runs (issue 16).
if(TARGET kernel)
	add_test(NAME cli.doc_examples_run
		COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/doc_examples.py
		--cli $<TARGET_FILE:memblock-cli> --kernel ${CMAKE_BINARY_DIR}/kernel/kernel.elf
		--source ${CMAKE_SOURCE_DIR} --work ${CMAKE_CURRENT_BINARY_DIR}/doc-examples)
	set_tests_properties(cli.doc_examples_run PROPERTIES LABELS qemu TIMEOUT 600)
endif()
