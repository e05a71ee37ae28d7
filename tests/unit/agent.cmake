# SPDX-License-Identifier: GPL-2.0-only
# Unit tests of libmbagent's transports, ELF/BTF readers and decoders (no QEMU).
find_package(Threads REQUIRED)
# Until kernel/mm/memblock.c exists there is no mbcore; an empty stand-in lets
# the transport tests link (they do not use the memblock core).
if(NOT TARGET mbcore)
	add_library(mbcore INTERFACE)
endif()

set(MB_AGENT_UNIT_DIR ${CMAKE_CURRENT_LIST_DIR}/agent)

add_executable(test_agent_rsp ${MB_AGENT_UNIT_DIR}/test_rsp.c)
target_link_libraries(test_agent_rsp PRIVATE mbtransport Threads::Threads)
mb_host_target(test_agent_rsp)
foreach(sc clean_reads adapts_to_e22 packet_size_probe bad_checksums stub_naks split_packets
		coalesced_packets no_ack_stub garbage_before_dollar e_reply
		stub_closes_mid_read stub_never_answers oversized_packet
		run_stop_breakpoints tcp_and_unix_connect combined_faults batch_continue)
	add_test(NAME agent_rsp_${sc} COMMAND test_agent_rsp ${sc})
	set_tests_properties(agent_rsp_${sc} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()

add_executable(test_agent_serial ${MB_AGENT_UNIT_DIR}/test_serial.c)
target_link_libraries(test_agent_serial PRIVATE mbtransport Threads::Threads)
mb_host_target(test_agent_serial)
foreach(sc clean bad_crc error_frames short_frame huge_length peer_never_answers
		peer_closes_mid_frame inconsistent_log_reply log_reply_over_max)
	add_test(NAME agent_serial_${sc} COMMAND test_agent_serial ${sc})
	set_tests_properties(agent_serial_${sc} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()

# A small ELF with symbols, a GNU build-id and BTF (pahole -J) in a foreign layout.
add_executable(agent_elf_fixture ${MB_AGENT_UNIT_DIR}/fixture.c)
target_compile_options(agent_elf_fixture PRIVATE -g -O1)
target_link_options(agent_elf_fixture PRIVATE -Wl,--build-id=sha1 -no-pie)
find_program(MB_PAHOLE pahole)
set(MB_FIXTURE_BTF ${CMAKE_CURRENT_BINARY_DIR}/agent_elf_fixture.btf.elf)
add_custom_command(OUTPUT ${MB_FIXTURE_BTF}
	COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:agent_elf_fixture> ${MB_FIXTURE_BTF}
	COMMAND ${MB_PAHOLE} -J ${MB_FIXTURE_BTF}
	DEPENDS agent_elf_fixture
	COMMENT "BTF for the agent ELF fixture")
add_custom_target(agent_elf_fixture_btf ALL DEPENDS ${MB_FIXTURE_BTF})

add_executable(test_agent_elfbtf ${MB_AGENT_UNIT_DIR}/test_elfbtf.c)
target_link_libraries(test_agent_elfbtf PRIVATE mbtarget)
mb_host_target(test_agent_elfbtf)
add_dependencies(test_agent_elfbtf agent_elf_fixture_btf)
foreach(sc fixture_symbols fixture_btf_layout memblock_decode_foreign_layout
		evlog_validation parse_sizes memblock_refuses_corrupt_arrays
		launcher_same_options_both_kernels)
	add_test(NAME agent_elf_${sc} COMMAND test_agent_elfbtf ${MB_FIXTURE_BTF} ${sc})
	set_tests_properties(agent_elf_${sc} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()

# The real test kernel, when the kernel part has been built in this tree.
add_executable(test_agent_kernel_elf ${MB_AGENT_UNIT_DIR}/test_kernel_elf.c)
target_link_libraries(test_agent_kernel_elf PRIVATE mbtarget)
mb_host_target(test_agent_kernel_elf)
add_test(NAME agent_kernel_elf_symbols_buildid_btf
	COMMAND test_agent_kernel_elf ${CMAKE_BINARY_DIR}/kernel/kernel.elf)
set_tests_properties(agent_kernel_elf_symbols_buildid_btf PROPERTIES LABELS unit
	SKIP_RETURN_CODE 77 TIMEOUT 60)

# Faults found by attacking the agent (issue 12): each scenario failed on the
# code before its fix (see the commit messages and docs/RELIABILITY.md).
add_executable(test_agent_robust ${MB_AGENT_UNIT_DIR}/test_robust.c)
# liblz4 builds the LZ4 bzImage the test feeds to the Linux image reader.
pkg_check_modules(MBT_LZ4 REQUIRED IMPORTED_TARGET liblz4)
target_link_libraries(test_agent_robust PRIVATE mbagent mblinux mbagent_internal PkgConfig::MBT_LZ4
	Threads::Threads)
mb_host_target(test_agent_robust)
target_compile_definitions(test_agent_robust PRIVATE MB_TEST_SRC="${CMAKE_SOURCE_DIR}")
add_dependencies(test_agent_robust agent_elf_fixture_btf)
foreach(sc ramfile_shrinks fifo_inputs output_special_files btf_misaligned rsp_deadline
		rsp_unsolicited_stop serial_deadline serial_slow_stream serial_hello_prompt
		tmpdir_cleanup linux_lz4_corrupt linux_deb_names_and_fifo import_long_line_bounded
		rsp_reply_too_long capture_roundtrip capture_file_crc serial_prefetch)
	add_test(NAME agent_robust_${sc}
		COMMAND test_agent_robust ${MB_FIXTURE_BTF} ${CMAKE_BINARY_DIR}/kernel/kernel.elf ${sc})
	set_tests_properties(agent_robust_${sc} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()
# These read the test kernel's ELF (symbols, BTF, build-id).
if(TARGET kernel)
	add_dependencies(test_agent_robust kernel)
	foreach(sc pull_impossible_array boot_state_impossible)
		add_test(NAME agent_robust_${sc}
			COMMAND test_agent_robust ${MB_FIXTURE_BTF} ${CMAKE_BINARY_DIR}/kernel/kernel.elf ${sc})
		set_tests_properties(agent_robust_${sc} PROPERTIES LABELS unit TIMEOUT 60)
	endforeach()
endif()

# Geometric growth of the capture's arrays: realloc counted through --wrap.
add_executable(test_agent_growth ${MB_AGENT_UNIT_DIR}/test_growth.c)
target_link_libraries(test_agent_growth PRIVATE mbagent)
target_link_options(test_agent_growth PRIVATE -Wl,--wrap=realloc)
mb_host_target(test_agent_growth)
add_test(NAME agent_capture_growth_geometric COMMAND test_agent_growth)
set_tests_properties(agent_capture_growth_geometric PROPERTIES LABELS unit TIMEOUT 120)

# Caller chains in captures: the CHAINS section, old captures (written by the
# tree before chains existed, tests/data/chains/pre-chains-gdb.cap), newer layouts.
add_executable(test_agent_chain ${MB_AGENT_UNIT_DIR}/test_chain.c)
target_link_libraries(test_agent_chain PRIVATE mbagent z)
mb_host_target(test_agent_chain)
foreach(sc round_trip no_chains_no_section newer_and_malformed evlog_chains)
	add_test(NAME agent_chain_${sc} COMMAND test_agent_chain ${sc})
	set_tests_properties(agent_chain_${sc} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()
foreach(old chains/pre-chains-gdb.cap cli/synth-v1.cap)
	string(REGEX REPLACE "[/.-]" "_" tn ${old})
	add_test(NAME agent_chain_old_capture_${tn} COMMAND test_agent_chain old_capture
		${CMAKE_SOURCE_DIR}/tests/data/${old})
	set_tests_properties(agent_chain_old_capture_${tn} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()
