# SPDX-License-Identifier: GPL-2.0-only
# Real Linux kernels: extraction/locator unit tests (label unit) and live
# captures of stock Debian cloud kernels under QEMU (label linux). The
# kernels are downloaded by the linux_get_kernels fixture into the build tree.
set(MB_LINUX_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})
set(MB_LINUX_CACHE ${CMAKE_BINARY_DIR}/linux-cache)

if(NOT TARGET mbcore)
	add_library(mbcore INTERFACE)
endif()

# Synthetic images: bzImage (gzip, xz, lz4, zstd), .deb, BTF layout, locator.
add_executable(test_linux_image_unit ${MB_LINUX_TEST_DIR}/linux_image_unit.c)
target_link_libraries(test_linux_image_unit PRIVATE mblinux)
mb_host_target(test_linux_image_unit)
add_test(NAME linux_image_synthetic_extract_deb_btf_locator COMMAND test_linux_image_unit)
set_tests_properties(linux_image_synthetic_extract_deb_btf_locator PROPERTIES
	LABELS unit TIMEOUT 120)

# ORC unwinder: layouts and refusals, the frame-pointer walker (unit); known
# call paths unwound through the real 6.1 and 6.12 images' ORC tables (linux).
add_executable(test_orc ${MB_LINUX_TEST_DIR}/orc_test.c)
target_link_libraries(test_orc PRIVATE mblinux)
mb_host_target(test_orc)
foreach(sc formats synthetic_unwind frame_pointers)
	add_test(NAME orc_${sc} COMMAND test_orc ${sc})
	set_tests_properties(orc_${sc} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()

# A wedged gdbstub (this test binary playing QEMU through --qemu) during a
# Linux capture: the CLI's one Error line says "timeout" without -v, and no
# capture file is left.
if(TARGET memblock-cli)
	add_test(NAME cli.linux_capture_gdbstub_timeout_says_timeout COMMAND sh -c
		"rm -rf \"$2\" && mkdir -p \"$2\" && \"$1\" --write-image \"$2/synth.elf\" || exit 1; \"$0\" capture --linux \"$2/synth.elf\" --qemu \"$1\" --read-at idle:100 -o \"$2/x.cap\" 2>\"$2/err\"; s=$?; cat \"$2/err\"; [ $s -eq 1 ] && [ $(wc -l <\"$2/err\") -eq 1 ] && grep -q '^Error: .*timeout' \"$2/err\" && [ ! -e \"$2/x.cap\" ]"
		$<TARGET_FILE:memblock-cli> $<TARGET_FILE:test_linux_image_unit>
		${CMAKE_CURRENT_BINARY_DIR}/linux-timeout)
	set_tests_properties(cli.linux_capture_gdbstub_timeout_says_timeout PROPERTIES
		LABELS cli TIMEOUT 120)
endif()
add_executable(test_linux_live ${MB_LINUX_TEST_DIR}/linux_live_test.c)
target_link_libraries(test_linux_live PRIVATE mblinux)
mb_host_target(test_linux_live)

add_test(NAME linux_get_kernels
	COMMAND ${MB_LINUX_TEST_DIR}/get-kernel.sh ${MB_LINUX_CACHE})
set_tests_properties(linux_get_kernels PROPERTIES LABELS linux TIMEOUT 900
	FIXTURES_SETUP linux_kernels)

set(MB_DEB_6_1 ${MB_LINUX_CACHE}/linux-6.1.deb)
# Generic (non-cloud) flavours, for the traced captures.
set(MB_DEB_GENERIC_6_1 ${MB_LINUX_CACHE}/linux-6.1-generic.deb)
set(MB_DEB_GENERIC_6_12 ${MB_LINUX_CACHE}/linux-6.12-generic.deb)
# The fixtures' pinned versions (tests/data/linux/*.final.txt were read from these).
set(MB_DEB_PINNED_6_1 ${MB_LINUX_CACHE}/linux-6.1-pinned.deb)
set(MB_DEB_PINNED_6_12 ${MB_LINUX_CACHE}/linux-6.12-pinned.deb)
set(MB_DEB_6_12 ${MB_LINUX_CACHE}/linux-6.12.deb)

# mb_linux_test(name fixtures_required fixtures_setup args...)
function(mb_linux_test name req setup)
	add_test(NAME ${name} COMMAND test_linux_live ${ARGN})
	set_tests_properties(${name} PROPERTIES LABELS linux TIMEOUT 300
		SKIP_RETURN_CODE 77 FIXTURES_REQUIRED "${req}")
	if(setup)
		set_tests_properties(${name} PROPERTIES FIXTURES_SETUP ${setup})
	endif()
endfunction()

set(MB_ORC_FMT_6_1 v1)
set(MB_ORC_FMT_6_12 v2)
foreach(v 6_1 6_12)
	# A missing package fails (the fixture reports why); it never skips.
	add_test(NAME linux_orc_${v}_unwinds_known_call_paths
		COMMAND test_orc image ${MB_DEB_${v}} ${MB_ORC_FMT_${v}})
	set_tests_properties(linux_orc_${v}_unwinds_known_call_paths PROPERTIES LABELS linux
		TIMEOUT 300 FIXTURES_REQUIRED linux_kernels)
endforeach()

foreach(v 6_1 6_12)
	mb_linux_test(linux_locate_symbolless_${v} linux_kernels "" locate ${MB_DEB_${v}})
	mb_linux_test(linux_live_${v}_last_block_equals_live_arrays linux_kernels ""
		block ${MB_DEB_${v}})
	mb_linux_test(linux_live_${v}_end_coverage_equals_console_replay linux_kernels
		linux_cap_${v}_512 end ${MB_DEB_${v}} ${MB_LINUX_CACHE}/${v}-m512.cap 512M)
endforeach()
mb_linux_test(linux_live_6_1_m256_end_coverage_equals_console_replay linux_kernels
	linux_cap_6_1_256 end ${MB_DEB_6_1} ${MB_LINUX_CACHE}/6_1-m256.cap 256M)
# 64 NUMA nodes: memblock doubles the reserved array into the direct map.
mb_linux_test(linux_live_6_1_numa64_doubled_reserved_array linux_kernels ""
	numa ${MB_DEB_6_1} 2G --numa=64)
mb_linux_test(linux_live_6_1_numa64_last_block_equals_live_arrays linux_kernels ""
	block ${MB_DEB_6_1} 2G --numa=64)
# The default read point (memblock_free_all from kallsyms): the newest
# package against its own end-of-boot capture, and the fixtures' pinned
# versions (fetched by get-kernel.sh, a failure if they cannot be) against
# tests/data/linux/*.final.txt, exactly.
set(MB_LINUX_FIXTURES ${CMAKE_SOURCE_DIR}/tests/data/linux)
set(MB_FIXTURE_6_1 ${MB_LINUX_FIXTURES}/6.1-cloud-m512.final.txt "6.1.0-56-")
set(MB_FIXTURE_6_12 ${MB_LINUX_FIXTURES}/6.12-cloud-m512.final.txt "6.12.117+")
foreach(v 6_1 6_12)
	mb_linux_test(linux_live_${v}_default_kallsyms_breakpoint_equals_end_of_boot
		"linux_kernels;linux_cap_${v}_512" "" auto ${MB_DEB_${v}} ${MB_LINUX_CACHE}/${v}-m512.cap)
	mb_linux_test(linux_live_${v}_pinned_default_breakpoint_equals_fixture linux_kernels ""
		fixture ${MB_DEB_PINNED_${v}} ${MB_FIXTURE_${v}})
endforeach()
mb_linux_test(linux_live_6_1_idle_read_equals_end_of_boot "linux_kernels;linux_cap_6_1_512" ""
	idle ${MB_DEB_6_1} ${MB_LINUX_CACHE}/6_1-m512.cap)
mb_linux_test(linux_diff_6_1_vs_6_12_known_changes "linux_cap_6_1_512;linux_cap_6_12_512" ""
	diff-kernels ${MB_LINUX_CACHE}/6_1-m512.cap ${MB_LINUX_CACHE}/6_12-m512.cap)
mb_linux_test(linux_diff_6_1_m512_vs_m256_known_changes "linux_cap_6_1_512;linux_cap_6_1_256" ""
	diff-mem ${MB_LINUX_CACHE}/6_1-m512.cap ${MB_LINUX_CACHE}/6_1-m256.cap)

# The same diffs through the CLI's CI gates (exit 4 when a gate trips).
if(TARGET memblock-cli)
	# mb_linux_cli_gate(name expected_status fixtures args...)
	function(mb_linux_cli_gate name status req)
		# A capture missing because its kernel is not in the archive: skip.
		add_test(NAME ${name} COMMAND sh -c
			"for a; do case $a in *.cap) [ -r \"$a\" ] || exit 77;; esac; done; \"$0\" \"$@\" >/dev/null; s=$?; [ $s -eq ${status} ] || { echo \"exit $s, expected ${status}\" >&2; exit 1; }"
			$<TARGET_FILE:memblock-cli> ${ARGN})
		set_tests_properties(${name} PROPERTIES LABELS linux TIMEOUT 60
			SKIP_RETURN_CODE 77 FIXTURES_REQUIRED "${req}")
	endfunction()
	set(c61 ${MB_LINUX_CACHE}/6_1-m512.cap)
	set(c612 ${MB_LINUX_CACHE}/6_12-m512.cap)
	set(c61s ${MB_LINUX_CACHE}/6_1-m256.cap)
	mb_linux_cli_gate(linux_cli_diff_6_1_vs_6_12_reserved_grows 4
		"linux_cap_6_1_512;linux_cap_6_12_512"
		diff --no-events --fail-if-reserved-grows 0 ${c61} ${c612})
	mb_linux_cli_gate(linux_cli_diff_6_1_vs_6_12_memory_unchanged 0
		"linux_cap_6_1_512;linux_cap_6_12_512"
		diff --no-events --fail-if-memory-shrinks 0 ${c61} ${c612})
	mb_linux_cli_gate(linux_cli_diff_6_1_m512_vs_m256_memory_shrinks 4
		"linux_cap_6_1_512;linux_cap_6_1_256"
		diff --no-events --fail-if-memory-shrinks 0 ${c61} ${c61s})
	mb_linux_cli_gate(linux_cli_dump_6_1_live_capture 0 linux_cap_6_1_512 dump ${c61})
endif()

# The whole workflow through the CLI: `capture --linux` on the Debian package
# (no System.map), then replay the console events and verify them against the
# arrays read live.
if(TARGET memblock-cli)
	add_test(NAME linux_cli_capture_linux_6_1_replays_verified COMMAND sh -c
		"[ -r \"$1\" ] || exit 77; rm -f \"$2\"; \"$0\" capture --linux \"$1\" -m 512M -o \"$2\" >/dev/null && \"$0\" replay --verify \"$2\" | grep -q '^verify: OK'"
		$<TARGET_FILE:memblock-cli> ${MB_DEB_6_1} ${MB_LINUX_CACHE}/cli-6_1.cap)
	set_tests_properties(linux_cli_capture_linux_6_1_replays_verified PROPERTIES
		LABELS linux TIMEOUT 180 SKIP_RETURN_CODE 77 FIXTURES_REQUIRED linux_kernels)
endif()

# Traced captures (capture --linux --trace): every memblock call from the
# first one to memblock_free_all. One capture per kernel and machine is a
# fixture; four checks read it, each its own (parallel) ctest entry:
# replay (exact arrays, allocations at Linux's addresses), console
# (memblock=debug lines each one traced event), attrib (no reserved byte
# without a named caller), chains (>= 90% with 2+ frames).
add_executable(test_linux_trace ${MB_LINUX_TEST_DIR}/linux_trace_test.c)
target_link_libraries(test_linux_trace PRIVATE mblinux)
mb_host_target(test_linux_trace)
# mb_linux_trace_case(tag deb mem numa)
function(mb_linux_trace_case tag deb mem numa)
	set(cap ${MB_LINUX_CACHE}/trace-${tag}.cap)
	add_test(NAME linux_trace_${tag}_capture
		COMMAND test_linux_trace capture ${deb} ${cap} ${mem} ${numa})
	set_tests_properties(linux_trace_${tag}_capture PROPERTIES LABELS linux TIMEOUT 1200
		FIXTURES_REQUIRED linux_kernels FIXTURES_SETUP linux_trace_${tag})
	foreach(check replay console attrib chains)
		add_test(NAME linux_trace_${tag}_${check} COMMAND test_linux_trace ${check} ${cap})
		set_tests_properties(linux_trace_${tag}_${check} PROPERTIES LABELS linux
			TIMEOUT 120 FIXTURES_REQUIRED linux_trace_${tag})
	endforeach()
endfunction()
foreach(v 6_1 6_12)
	mb_linux_trace_case(${v}_cloud_m512 ${MB_DEB_${v}} 512M 0)
	mb_linux_trace_case(${v}_cloud_m2g ${MB_DEB_${v}} 2G 0)
	mb_linux_trace_case(${v}_cloud_numa2 ${MB_DEB_${v}} 2G 2)
	mb_linux_trace_case(${v}_generic_m512 ${MB_DEB_GENERIC_${v}} 512M 0)
endforeach()
# 64 nodes: memblock doubles the reserved array (traced memblock_double_array).
mb_linux_trace_case(6_1_cloud_numa64 ${MB_DEB_6_1} 2G 64)
if(TARGET memblock-cli)
	add_test(NAME linux_trace_faults_6_12 COMMAND ${MB_LINUX_TEST_DIR}/trace_faults.sh
		$<TARGET_FILE:memblock-cli> $<TARGET_FILE:test_linux_trace> ${MB_DEB_6_12}
		${CMAKE_CURRENT_BINARY_DIR}/trace-faults)
	set_tests_properties(linux_trace_faults_6_12 PROPERTIES LABELS linux TIMEOUT 900
		FIXTURES_REQUIRED linux_kernels)
endif()

# The explorer page of traced 6.1 and 6.12 boots: no unattributed memory, a
# click on the kernel image names setup_arch, screenshots in the test output.
if(TARGET memblock-cli)
	add_test(NAME linux_explorer_traced_pages COMMAND ${MAP_TEST}
		--traced ${MB_LINUX_CACHE}/trace-6_1_cloud_m512.cap
		--traced ${MB_LINUX_CACHE}/trace-6_12_cloud_m512.cap explorer_traced_linux_pages)
	set_tests_properties(linux_explorer_traced_pages PROPERTIES LABELS linux TIMEOUT 300
		FIXTURES_REQUIRED "linux_trace_6_1_cloud_m512;linux_trace_6_12_cloud_m512")
endif()
