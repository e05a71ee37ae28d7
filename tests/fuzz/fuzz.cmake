# SPDX-License-Identifier: GPL-2.0-only
# fuzz.cmake - libFuzzer targets (clang only, -DMB_FUZZ=ON), each run for a short
# fixed number of executions as a ctest test (label fuzz); bench/fuzz runs them longer.
option(MB_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
set(MB_FUZZ_RUNS 20000 CACHE STRING "Executions per fuzz target in ctest")

if(MB_FUZZ AND NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
	message(WARNING "MB_FUZZ needs clang (CC=clang); fuzz targets not built")
endif()

if(MB_FUZZ AND CMAKE_C_COMPILER_ID MATCHES "Clang" AND TARGET mblinux AND TARGET mbcore)
	set(MB_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
	set(MB_FUZZ_SAN -fsanitize=address,undefined -fno-sanitize-recover=all
		-fno-omit-frame-pointer)
	# Coverage instrumentation for the code under test (it links no fuzzer main).
	foreach(lib mbbase mbtransport mbtarget mbcapture mbagent mblinux mbcore)
		target_compile_options(${lib} PRIVATE -fsanitize=fuzzer-no-link ${MB_FUZZ_SAN})
	endforeach()
	# Each harness links only the libraries of the code it drives.
	set(MB_FUZZ_LIBS_capture mbcapture)
	set(MB_FUZZ_LIBS_import mbcapture)
	set(MB_FUZZ_LIBS_evlog mbtarget mbcore)
	set(MB_FUZZ_LIBS_btf mbtarget)
	set(MB_FUZZ_LIBS_rsp mbtransport)
	set(MB_FUZZ_LIBS_serial mbtransport)
	set(MB_FUZZ_LIBS_serproto mbfuzz_serproto mbtransport)
	set(MB_FUZZ_LIBS_memblock mbcore mbtransport)
	set(MB_FUZZ_LIBS_linux_image mblinux)

	# The kernel's serial request parser, compiled for the host.
	add_library(mbfuzz_serproto STATIC ${CMAKE_SOURCE_DIR}/kernel/lib/serproto.c
		${CMAKE_SOURCE_DIR}/kernel/lib/crc32.c)
	target_include_directories(mbfuzz_serproto PUBLIC ${CMAKE_SOURCE_DIR}/kernel/include)
	target_compile_options(mbfuzz_serproto PRIVATE -fsanitize=fuzzer-no-link ${MB_FUZZ_SAN}
		${MB_HOST_WARNINGS})

	set(MB_FUZZ_TARGETS capture evlog rsp serial serproto import btf memblock linux_image)
	add_custom_target(fuzz_all)
	foreach(t ${MB_FUZZ_TARGETS})
		add_executable(fuzz_${t} ${MB_FUZZ_DIR}/fuzz_${t}.c)
		target_compile_options(fuzz_${t} PRIVATE ${MB_HOST_WARNINGS} -g
			-fsanitize=fuzzer ${MB_FUZZ_SAN})
		target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer ${MB_FUZZ_SAN})
		add_dependencies(fuzz_all fuzz_${t})
		target_link_libraries(fuzz_${t} PRIVATE ${MB_FUZZ_LIBS_${t}})
		if(t STREQUAL "capture")
			set(maxlen 16384)
		else()
			set(maxlen 4096)
		endif()
		# Short fixed run from the seed corpus; new inputs go to a scratch dir so
		# the checked-in corpus is never modified by a test.
		add_test(NAME fuzz.${t}
			COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
				sh -c "rm -rf \"$1\" && mkdir -p \"$1\" && \"$0\" -runs=${MB_FUZZ_RUNS} -seed=1 -timeout=10 -rss_limit_mb=2048 -max_len=${maxlen} \"$1\" \"$2\" 2>\"$1.log\" || { tail -60 \"$1.log\"; exit 1; }"
				$<TARGET_FILE:fuzz_${t}> ${CMAKE_CURRENT_BINARY_DIR}/fuzz-work/${t}
				${MB_FUZZ_DIR}/corpus/${t})
		set_tests_properties(fuzz.${t} PROPERTIES LABELS fuzz TIMEOUT 600)
	endforeach()
endif()
