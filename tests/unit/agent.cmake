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
target_link_libraries(test_agent_rsp PRIVATE mbagent Threads::Threads)
mb_host_target(test_agent_rsp)
foreach(sc clean_reads adapts_to_e22 bad_checksums stub_naks split_packets
		coalesced_packets no_ack_stub garbage_before_dollar e_reply
		stub_closes_mid_read stub_never_answers oversized_packet
		run_stop_breakpoints)
	add_test(NAME agent_rsp_${sc} COMMAND test_agent_rsp ${sc})
	set_tests_properties(agent_rsp_${sc} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()

add_executable(test_agent_serial ${MB_AGENT_UNIT_DIR}/test_serial.c)
target_link_libraries(test_agent_serial PRIVATE mbagent Threads::Threads)
mb_host_target(test_agent_serial)
foreach(sc clean bad_crc error_frames short_frame huge_length peer_never_answers
		peer_closes_mid_frame inconsistent_log_reply)
	add_test(NAME agent_serial_${sc} COMMAND test_agent_serial ${sc})
	set_tests_properties(agent_serial_${sc} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()
